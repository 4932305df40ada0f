import { describe, expect, it } from "vitest";
import { normaliseEmail, secretsEqual, toIsoTimestamp, toStep } from "../../../src/senders/common.ts";
import { blockTarget, chunk, hubVariables } from "../../../src/senders/outbound.ts";
import { claimedRows } from "./helpers.ts";

describe("provider timestamps", () => {
  it.each([
    ["2026-11-30T14:05:09.123Z", "2026-11-30T14:05:09.123Z"],
    ["2026-11-30T09:05:09-05:00", "2026-11-30T14:05:09.000Z"],
    ["2026-11-30T15:05:09+0100", "2026-11-30T14:05:09.000Z"],
    ["2026-11-30 14:05:09", "2026-11-30T14:05:09.000Z"],
    ["2026-11-30T14:05:09.000000Z", "2026-11-30T14:05:09.000Z"],
    [1796292900, "2026-12-03T10:15:00.000Z"],
    ["1796292900", "2026-12-03T10:15:00.000Z"],
    [1796292900123, "2026-12-03T10:15:00.123Z"],
  ])("%j → %s", (raw, iso) => {
    expect(toIsoTimestamp(raw)).toBe(iso);
  });

  it.each([["yesterday"], [""], [null], [undefined], [{}], [Number.NaN]])("%j is not a time", (raw) => {
    expect(toIsoTimestamp(raw)).toBeNull();
  });

  it("reads steps from numbers and numeric strings only", () => {
    expect([toStep(1), toStep("2"), toStep(0), toStep("x"), toStep(1.5), toStep(null)]).toEqual([1, 2, null, null, null, null]);
  });
});

describe("lead keys and block targets", () => {
  it("lower-cases emails and refuses what is not one", () => {
    expect(normaliseEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    expect(normaliseEmail("not an email")).toBeNull();
    expect(normaliseEmail("")).toBeNull();
  });

  it.each([
    ["block_email", "Ceo@Rival.com", { email: "ceo@rival.com" }],
    ["block_email", "*@rival.com", { domain: "rival.com" }],
    ["block_domain", "Rival.com", { domain: "rival.com" }],
    ["block_domain", "*@mail.rival.co.uk", { domain: "mail.rival.co.uk" }],
    ["block_email", "legal@*", null],
    ["block_email", "*", null],
    ["block_domain", "rival", null],
    ["block_domain", null, null],
  ] as const)("%s %j → %j", (kind, pattern, target) => {
    expect(blockTarget(kind, pattern)).toEqual(target);
  });
});

describe("batching and variables", () => {
  it("chunks at the size, keeping order", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it("orders steps and falls back to the row's own subject and body", () => {
    const [row] = claimedRows(1, {
      steps: [
        { step: 2, subject: "b", body: "B" },
        { step: 1, subject: "a", body: null },
      ],
    });
    expect(Object.keys(hubVariables(row!))).toEqual(["hub_enrollment_id", "hub_send_id", "hub_step_count", "hub_step_1_subject", "hub_step_1_body", "hub_step_2_subject", "hub_step_2_body"]);
    expect(hubVariables(row!).hub_step_1_body).toBe("");
    const [plain] = claimedRows(1, { steps: null, sequence_step: 3, calendar_link: "https://cal.example/x" });
    expect(hubVariables(plain!)).toMatchObject({ hub_step_count: "1", hub_step_3_subject: "Subject 0", hub_step_3_body: "Body 0", hub_calendar_link: "https://cal.example/x" });
  });

  it("compares secrets whatever their lengths", () => {
    expect(secretsEqual("abc", "abc")).toBe(true);
    expect(secretsEqual("abc", "abcd")).toBe(false);
    expect(secretsEqual(null, "abc")).toBe(false);
    expect(secretsEqual("", "")).toBe(false);
  });
});
