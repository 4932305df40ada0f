/** The receiver's pure parts: the constant-time compare, the signature check, the depth scan. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isJsonContentType, MAX_JSON_DEPTH, nestedDeeperThan, parseJsonBody } from "../../../src/http/json.ts";
import { judgeEvents } from "../../../src/http/routes/events.ts";
import { safeEqual, signatureHeader, verifyTimestamped } from "../../../src/http/signature.ts";
import { hmacHex, now } from "./helpers.ts";

describe("safeEqual", () => {
  it("is true only for the same bytes, including across lengths", () => {
    expect(safeEqual(Buffer.from("abc"), Buffer.from("abc"))).toBe(true);
    expect(safeEqual(Buffer.from("abc"), Buffer.from("abd"))).toBe(false);
    expect(safeEqual(Buffer.from("abc"), Buffer.from("abcd"))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});

describe("verifyTimestamped", () => {
  const secret = randomBytes(32).toString("hex");
  const body = Buffer.from('{"a":1}');
  it("accepts the sender's header and names the matching signature", () => {
    const t = now();
    const v = verifyTimestamped(signatureHeader(secret, body, t), body, secret, 300, t);
    expect(v).toEqual({ ok: true, signature: hmacHex(secret, t, body.toString()) });
  });
  it("checks the signature before the clock", () => {
    const t = now() - 10_000;
    expect(verifyTimestamped(signatureHeader(secret, body, t), body, secret, 300)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyTimestamped(signatureHeader("x".repeat(32), body, t), body, secret, 300)).toEqual({ ok: false, reason: "bad_signature" });
  });
  it("joins a repeated header", () => {
    const t = now();
    expect(verifyTimestamped([`t=${t}`, `v1=${hmacHex(secret, t, body.toString())}`], body, secret, 300).ok).toBe(true);
  });
});

describe("the depth scan", () => {
  it("counts arrays and objects, not brackets inside strings", () => {
    expect(nestedDeeperThan(Buffer.from("[[[]]]"), 3)).toBe(false);
    expect(nestedDeeperThan(Buffer.from("[[[[]]]]"), 3)).toBe(true);
    expect(nestedDeeperThan(Buffer.from(`{"a":"[[[[[[","b":"\\"[[[["}`), 1)).toBe(false);
    expect(nestedDeeperThan(Buffer.from(`{"a":{"b":[1]}}`), 2)).toBe(true);
  });
  it("refuses too deep before parsing, and names invalid JSON", () => {
    expect(parseJsonBody(Buffer.from("[".repeat(MAX_JSON_DEPTH + 1)))).toMatchObject({ ok: false, error: "too_deep" });
    expect(parseJsonBody(Buffer.from("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH)))).toMatchObject({ ok: true });
    expect(parseJsonBody(Buffer.from("{"))).toMatchObject({ ok: false, error: "invalid_json" });
  });
  it("takes JSON content types only", () => {
    for (const t of ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/cloudevents+json"]) expect(isJsonContentType(t), t).toBe(true);
    for (const t of [undefined, "", "text/plain", "application/x-www-form-urlencoded", "text/json-ish", "application/jsonx"]) expect(isJsonContentType(t), t).toBe(false);
  });
});

describe("judgeEvents", () => {
  it("keeps the good elements in order with their indexes", () => {
    const ok = { send_id: "6f1b9f3e-2b1c-4c1a-9a4e-0c1d2e3f4a5b", event_type: "email_open", event_ts: "2026-03-02T10:15:00Z", source_system: "x" };
    const r = judgeEvents([ok, 7, { ...ok, event_type: "Open" }, ok]);
    expect(r.accepted).toEqual([0, 3]);
    expect(r.good).toEqual([ok, ok]);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2]);
    expect(r.rejected[1]?.reason).toMatch(/^event_type: /);
    expect(r.reasons[1]).toMatch(/^events\.2\.event_type: /);
  });
});
