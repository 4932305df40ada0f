import { describe, expect, it } from "vitest";
import { isHubEvent, type HubEvent } from "../../../src/senders/common.ts";
import type { PushBatch } from "../../../src/senders/outbound.ts";
import {
  buildInstantlyPushes,
  INSTANTLY_MAX_LEADS_PER_REQUEST,
  INSTANTLY_RATE_LIMITS,
  InstantlyWebhook,
  instantlyOutboxRequest,
  mapInstantlyEvent,
  parseInstantlyPushResponse,
} from "../../../src/senders/instantly.ts";
import { claimedRows, fixture, fixtureNames } from "./helpers.ts";

const CAMPAIGN = "8d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d";
const ENROLMENT = "6f1c9a52-3d4e-4b8a-9c11-2a7e5d0b9f31";

/** fixture → [hub event type, step, event_ts] or "ignored". */
const expected: Record<string, [HubEvent["event_type"], number | null, string] | "ignored"> = {
  email_sent: ["email_sent", 1, "2026-11-30T14:05:09.123Z"],
  email_opened: ["email_open", 1, "2026-11-30T15:10:00.000Z"],
  email_opened_without_custom_variables: ["email_open", 1, "2026-11-30T15:10:00.000Z"],
  link_clicked: ["email_click", 1, "2026-11-30T15:11:00.000Z"],
  email_link_clicked: ["email_click", 1, "2026-11-30T15:11:00.000Z"],
  reply_received: ["email_reply", 2, "2026-12-01T09:00:00.000Z"],
  auto_reply_received: ["email_auto_reply", 2, "2026-12-01T09:00:05.000Z"],
  lead_out_of_office: ["email_auto_reply", null, "2026-12-01T09:01:00.000Z"],
  email_bounced: ["email_bounce", 1, "2026-11-30T14:06:00.000Z"],
  lead_unsubscribed: ["unsubscribe", null, "2026-12-02T10:00:00.000Z"],
  lead_interested: "ignored",
  campaign_completed: "ignored",
  custom_label: "ignored",
};

describe("Instantly webhooks", () => {
  it("has an expectation for every fixture", () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames("instantly"));
  });

  it.each(Object.entries(expected))("%s maps as documented", (name, want) => {
    const result = mapInstantlyEvent(fixture("instantly", name).json);
    if (want === "ignored") {
      expect(result).toHaveProperty("ignored");
      return;
    }
    if (!isHubEvent(result)) throw new Error(`expected an event, got ${JSON.stringify(result)}`);
    const [type, step, ts] = want;
    expect(result).toMatchObject({ provider: "instantly", provider_campaign_id: CAMPAIGN, lead_key: "jane.doe@example.com", event_type: type, step, event_ts: ts });
    expect(result.enrolment_id).toBe(name === "email_opened_without_custom_variables" ? null : ENROLMENT);
    expect(result.dedup_key).toBe(["instantly", CAMPAIGN, "jane.doe@example.com", type, step ?? "", ts].join("|"));
    expect(result.metadata.provider_event_type).toBe(name === "email_opened_without_custom_variables" ? "email_opened" : name);
  });

  it("takes both click spellings as the same event (one dedup key)", () => {
    const a = mapInstantlyEvent(fixture("instantly", "link_clicked").json);
    const b = mapInstantlyEvent(fixture("instantly", "email_link_clicked").json);
    expect(isHubEvent(a) && isHubEvent(b) && a.dedup_key === b.dedup_key).toBe(true);
  });

  it("lets unknown keys (custom variables, lead data) through the schema", () => {
    const parsed = InstantlyWebhook.parse(fixture("instantly", "email_sent").json);
    expect(parsed).toMatchObject({ firstName: "Jane", companyName: "Example Co", hub_step_1_subject: "Your 2027 renewal" });
  });

  it("keeps reply metadata but not the message bodies", () => {
    const r = mapInstantlyEvent(fixture("instantly", "reply_received").json);
    if (!isHubEvent(r)) throw new Error("not an event");
    expect(r.metadata).toMatchObject({ reply_text_snippet: "Thanks, can we talk Tuesday?", email_id: "019377a2-5c1b-7e4d-9f3a-0a1b2c3d4e5f", is_first: true, variant: 1 });
    expect(r.metadata).not.toHaveProperty("reply_html");
    expect(r.metadata).not.toHaveProperty("reply_text");
  });

  it.each([
    ["not an object", "nope"],
    ["null", null],
    ["no event_type", { timestamp: "2026-11-30T14:05:09Z", campaign_id: CAMPAIGN, lead_email: "a@b.c" }],
    ["no campaign", { event_type: "email_sent", timestamp: "2026-11-30T14:05:09Z", lead_email: "a@b.c" }],
    ["no lead", { event_type: "email_sent", timestamp: "2026-11-30T14:05:09Z", campaign_id: CAMPAIGN }],
    ["bad timestamp", { event_type: "email_sent", timestamp: "yesterday", campaign_id: CAMPAIGN, lead_email: "a@b.c" }],
    ["step of the wrong type", { event_type: "email_sent", timestamp: "2026-11-30T14:05:09Z", campaign_id: CAMPAIGN, lead_email: "a@b.c", step: {} }],
  ])("an unknown shape (%s) is returned as unknown, never thrown", (_label, body) => {
    expect(mapInstantlyEvent(body)).toHaveProperty("unknown");
  });

  it("uses the receiver's clock only when the payload has no timestamp, and says so", () => {
    const { timestamp: _drop, ...body } = fixture("instantly", "lead_unsubscribed").json as Record<string, unknown>;
    expect(mapInstantlyEvent(body)).toHaveProperty("unknown");
    expect(mapInstantlyEvent(body, { receivedAt: new Date("2026-12-02T10:00:03Z") })).toMatchObject({
      event_type: "unsubscribe",
      event_ts: "2026-12-02T10:00:03.000Z",
      metadata: { event_ts_source: "received" },
    });
    const r = mapInstantlyEvent(fixture("instantly", "lead_unsubscribed").json, { receivedAt: new Date("2030-01-01T00:00:00Z") });
    expect(isHubEvent(r) && [r.event_ts, r.metadata.event_ts_source]).toEqual(["2026-12-02T10:00:00.000Z", undefined]);
  });

  it("ignores a hub_enrollment_id that is not a UUID", () => {
    const body = { ...(fixture("instantly", "email_sent").json as object), hub_enrollment_id: "{{hub_enrollment_id}}" };
    const r = mapInstantlyEvent(body);
    expect(isHubEvent(r) && r.enrolment_id).toBe(null);
  });
});

describe("Instantly pushes", () => {
  it("documents its rate limits", () => {
    expect(INSTANTLY_RATE_LIMITS).toEqual([
      { requests: 100, windowMs: 1000 },
      { requests: 6000, windowMs: 60000 },
    ]);
  });

  it.each([
    [1, [1]],
    [999, [999]],
    [1000, [1000]],
    [1001, [1000, 1]],
    [2500, [1000, 1000, 500]],
  ])("%i rows make batches of %j", (n, sizes) => {
    const { batches, rejected } = buildInstantlyPushes(claimedRows(n));
    expect(rejected).toEqual([]);
    expect(batches.map((b) => b.rows.length)).toEqual(sizes);
    for (const b of batches) {
      const body = b.request.body as { leads: unknown[]; campaign_id: string };
      expect(body.leads).toHaveLength(b.rows.length);
      expect(body.campaign_id).toBe(CAMPAIGN);
      expect(b.request).toMatchObject({ method: "POST", path: "/api/v2/leads/add" });
    }
  });

  it("refuses a batch size over the documented maximum", () => {
    expect(() => buildInstantlyPushes(claimedRows(1), INSTANTLY_MAX_LEADS_PER_REQUEST + 1)).toThrow(RangeError);
  });

  it("puts the hub's ids and every rendered step in scalar custom variables", () => {
    const [row] = claimedRows(1);
    const { batches } = buildInstantlyPushes([row!]);
    const lead = (batches[0]!.request.body as { leads: Record<string, unknown>[] }).leads[0]!;
    expect(lead).toMatchObject({ email: "person0@example.com", first_name: "Person", last_name: "0 Example", company_name: "Company 0" });
    const vars = lead.custom_variables as Record<string, unknown>;
    expect(vars).toEqual({
      hub_enrollment_id: row!.enrolment_id,
      hub_send_id: row!.send_id,
      hub_step_count: "2",
      hub_step_1_subject: "S1 for 0",
      hub_step_1_body: "B1 for 0",
      hub_step_2_subject: "S2 for 0",
      hub_step_2_body: "B2 for 0",
    });
    for (const v of Object.values(vars)) expect(["string", "number", "boolean"]).toContain(typeof v);
  });

  it("splits campaigns and rejects rows without an email or a campaign", () => {
    const rows = [
      ...claimedRows(2),
      ...claimedRows(1, { provider_campaign_id: "other-campaign" }, 2),
      ...claimedRows(1, { email_to: null }, 3),
      ...claimedRows(1, { provider_campaign_id: null }, 4),
    ];
    const { batches, rejected } = buildInstantlyPushes(rows);
    expect(batches.map((b) => [b.provider_campaign_id, b.rows.length])).toEqual([
      [CAMPAIGN, 2],
      ["other-campaign", 1],
    ]);
    expect(rejected.map((r) => r.send_id)).toEqual([rows[4]!.send_id, rows[3]!.send_id]);
  });
});

describe("Instantly push responses", () => {
  const batchOf = (n: number): PushBatch => buildInstantlyPushes(claimedRows(n)).batches[0]!;

  it("maps created_leads[].index (0-based) back to the rows", () => {
    const batch = batchOf(3);
    const out = parseInstantlyPushResponse(batch, {
      status: "success",
      leads_uploaded: 3,
      created_leads: [
        { id: "lead-2", email: "person2@example.com", index: 2 },
        { id: "lead-0", email: "person0@example.com", index: 0 },
        { id: "lead-1", email: "person1@example.com", index: 1 },
      ],
    });
    if ("unknown" in out) throw new Error(out.unknown);
    expect(out.pushed.map((p) => [p.send_id, p.provider_lead_id, p.lead_key])).toEqual([
      [batch.rows[0]!.send_id, "lead-0", "person0@example.com"],
      [batch.rows[1]!.send_id, "lead-1", "person1@example.com"],
      [batch.rows[2]!.send_id, "lead-2", "person2@example.com"],
    ]);
    expect(out.not_created).toEqual([]);
    expect(out.counts).toEqual({ leads_uploaded: 3 });
  });

  it("accepts a 1-based index when the email says so, and reports rows not created", () => {
    const batch = batchOf(3);
    const out = parseInstantlyPushResponse(batch, {
      in_blocklist: 1,
      created_leads: [
        { id: "lead-0", email: "Person0@example.com", index: 1 },
        { id: "lead-2", email: "person2@example.com", index: 3 },
      ],
    });
    if ("unknown" in out) throw new Error(out.unknown);
    expect(out.pushed.map((p) => p.provider_lead_id)).toEqual(["lead-0", "lead-2"]);
    expect(out.not_created.map((r) => r.send_id)).toEqual([batch.rows[1]!.send_id]);
    expect(out.counts).toEqual({ in_blocklist: 1 });
  });

  it("falls back to the email when the index fits no row", () => {
    const batch = batchOf(2);
    const out = parseInstantlyPushResponse(batch, { created_leads: [{ id: "x", email: "person1@example.com", index: 77 }] });
    if ("unknown" in out) throw new Error(out.unknown);
    expect(out.pushed.map((p) => [p.send_id, p.provider_lead_id])).toEqual([[batch.rows[1]!.send_id, "x"]]);
  });

  it("returns unknown for a response it does not understand", () => {
    expect(parseInstantlyPushResponse(batchOf(1), { created_leads: "many" })).toHaveProperty("unknown");
  });
});

describe("Instantly outbox", () => {
  it("builds each kind's request", () => {
    expect(instantlyOutboxRequest({ kind: "stop_lead", provider_campaign_id: CAMPAIGN, provider_lead_id: "lead-1" })).toEqual({
      request: { method: "DELETE", path: "/api/v2/leads", body: { campaign_id: CAMPAIGN, ids: ["lead-1"] } },
    });
    expect(instantlyOutboxRequest({ kind: "stop_lead", provider_campaign_id: CAMPAIGN, lead_key: "a@b.c" })).toHaveProperty("needs_lead_id");
    expect(instantlyOutboxRequest({ kind: "pause_campaign", provider_campaign_id: CAMPAIGN })).toEqual({
      request: { method: "POST", path: `/api/v2/campaigns/${CAMPAIGN}/pause` },
    });
    expect(instantlyOutboxRequest({ kind: "resume_campaign", provider_campaign_id: CAMPAIGN })).toEqual({
      request: { method: "POST", path: `/api/v2/campaigns/${CAMPAIGN}/activate` },
    });
    expect(instantlyOutboxRequest({ kind: "block_email", pattern: " Legal@Rival.com " })).toEqual({
      request: { method: "POST", path: "/api/v2/block-lists-entries", body: { bl_value: "legal@rival.com" } },
    });
    expect(instantlyOutboxRequest({ kind: "block_email", pattern: "*@rival.com" })).toEqual({
      request: { method: "POST", path: "/api/v2/block-lists-entries", body: { bl_value: "rival.com" } },
    });
    expect(instantlyOutboxRequest({ kind: "block_domain", pattern: "rival.com" })).toEqual({
      request: { method: "POST", path: "/api/v2/block-lists-entries", body: { bl_value: "rival.com" } },
    });
    expect(instantlyOutboxRequest({ kind: "block_email", pattern: "legal@*" })).toHaveProperty("unsupported");
    expect(instantlyOutboxRequest({ kind: "pause_campaign" })).toHaveProperty("unsupported");
  });
});
