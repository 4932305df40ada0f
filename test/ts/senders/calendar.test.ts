import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  calcomBookingUrl,
  calcomSignatureHeader,
  calendlyBookingUrl,
  calendlySignatureHeader,
  mapCalcomEvent,
  mapCalendlyEvent,
  verifyCalcomSignature,
  verifyCalendlySignature,
  withQueryParam,
  type Booking,
} from "../../../src/senders/calendar.ts";
import { fixture, fixtureNames } from "./helpers.ts";

const KEY = "calendly-signing-key-for-tests-only";
const T = 1_796_292_900; // 2026-12-03T10:15:00Z

describe("Calendly signature", () => {
  const { raw } = fixture("calendly", "invitee.created");
  const verify = (header: string | undefined, body: string = raw, key = KEY, now = T + 10) =>
    verifyCalendlySignature({ header, rawBody: body, signingKey: key, toleranceSeconds: 180, nowSeconds: now });

  it("accepts HMAC-SHA256 of `<t>.<raw body>` as Calendly documents it", () => {
    const v1 = createHmac("sha256", KEY).update(`${T}.${raw}`).digest("hex");
    expect(calendlySignatureHeader(KEY, raw, T)).toBe(`t=${T},v1=${v1}`);
    expect(verify(`t=${T},v1=${v1}`)).toEqual({ ok: true });
    expect(verify(`t=${T}, v1=${v1.toUpperCase()}`)).toEqual({ ok: true });
  });

  it("refuses a tampered body, a wrong key and a re-serialised body", () => {
    const header = calendlySignatureHeader(KEY, raw, T);
    expect(verify(header, raw.replace("v1.HUBTOKEN-abc_123", "v1.HUBTOKEN-abc_124"))).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(header, raw, "another-key")).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(header, JSON.stringify(JSON.parse(raw)))).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(header, raw, "")).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a stale or future t, and accepts the tolerance's edge", () => {
    const header = calendlySignatureHeader(KEY, raw, T);
    expect(verify(header, raw, KEY, T + 180)).toEqual({ ok: true });
    expect(verify(header, raw, KEY, T - 180)).toEqual({ ok: true });
    expect(verify(header, raw, KEY, T + 181)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verify(header, raw, KEY, T - 181)).toEqual({ ok: false, reason: "stale_timestamp" });
  });

  it("accepts any one of several v1 values (key rotation)", () => {
    const good = calendlySignatureHeader(KEY, raw, T).split("v1=")[1];
    const bad = "0".repeat(64);
    expect(verify(`t=${T},v1=${bad},v1=${good}`)).toEqual({ ok: true });
    expect(verify(`t=${T},v1=${good},v1=${bad}`)).toEqual({ ok: true });
    expect(verify(`t=${T},v1=${bad},v1=${"1".repeat(64)}`)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    [undefined, "missing_signature"],
    ["", "missing_signature"],
    ["v1=abc", "malformed_signature"],
    [`t=${T}`, "malformed_signature"],
    [`t=${T},t=${T},v1=${"0".repeat(64)}`, "malformed_signature"],
    [`t=soon,v1=${"0".repeat(64)}`, "malformed_signature"],
    [`t=${T},v1=not-hex`, "bad_signature"],
  ])("header %j is %s", (header, reason) => {
    expect(verify(header)).toEqual({ ok: false, reason });
  });
});

describe("Cal.com signature", () => {
  const { raw } = fixture("calcom", "BOOKING_CREATED");
  const SECRET = "calcom-secret-for-tests-only";

  it("accepts the hex HMAC-SHA256 of the raw body", () => {
    const sig = createHmac("sha256", SECRET).update(raw).digest("hex");
    expect(calcomSignatureHeader(SECRET, raw)).toBe(sig);
    expect(verifyCalcomSignature({ header: sig, rawBody: raw, secret: SECRET })).toEqual({ ok: true });
    expect(verifyCalcomSignature({ header: sig, rawBody: Buffer.from(raw), secret: SECRET })).toEqual({ ok: true });
  });

  it("refuses a tampered body, a wrong key, a missing header and Cal.com's no-secret placeholder", () => {
    const sig = calcomSignatureHeader(SECRET, raw);
    expect(verifyCalcomSignature({ header: sig, rawBody: `${raw}\n`, secret: SECRET })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCalcomSignature({ header: sig, rawBody: raw, secret: "other" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCalcomSignature({ header: undefined, rawBody: raw, secret: SECRET })).toEqual({ ok: false, reason: "missing_signature" });
    expect(verifyCalcomSignature({ header: "no-secret-provided", rawBody: raw, secret: SECRET })).toEqual({ ok: false, reason: "malformed_signature" });
  });
});

type Want = Pick<Booking, "kind" | "token" | "booked_at" | "occurred_at"> | "ignored";

describe("Calendly bookings", () => {
  const expected: Record<string, Want> = {
    "invitee.created": { kind: "booked", token: "v1.HUBTOKEN-abc_123", booked_at: "2026-12-03T10:15:00.000Z", occurred_at: "2026-12-03T10:15:00.000Z" },
    "invitee.canceled": { kind: "cancelled", token: "v1.HUBTOKEN-abc_123", booked_at: null, occurred_at: "2026-12-05T08:00:00.000Z" },
    "invitee.canceled_rescheduled": { kind: "rescheduled", token: "v1.HUBTOKEN-abc_123", booked_at: null, occurred_at: "2026-12-05T08:00:00.000Z" },
    "invitee.created_rescheduled": { kind: "rescheduled", token: null, booked_at: "2026-12-05T08:00:00.500Z", occurred_at: "2026-12-05T08:00:00.500Z" },
    "invitee_no_show.created": "ignored",
  };

  it("has an expectation for every fixture", () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames("calendly"));
  });

  it.each(Object.entries(expected))("%s maps as documented", (name, want) => {
    const r = mapCalendlyEvent(fixture("calendly", name).json);
    if (want === "ignored") expect(r).toHaveProperty("ignored");
    else expect(r).toMatchObject({ provider: "calendly", invitee_email: "jane.doe@example.com", ...want });
  });

  it("carries the ids that chain a reschedule", () => {
    const old = mapCalendlyEvent(fixture("calendly", "invitee.canceled_rescheduled").json) as Booking;
    const neu = mapCalendlyEvent(fixture("calendly", "invitee.created_rescheduled").json) as Booking;
    expect(old.external.new_invitee_uri).toBe(neu.external.invitee_uri);
    expect(neu.external.old_invitee_uri).toBe(old.external.invitee_uri);
    expect(neu.start_time).toBe("2026-12-10T15:00:00.000Z");
    expect(old.dedup_key).not.toBe(neu.dedup_key);
    expect(old.dedup_key).toBe(`calendly|invitee.canceled|${String(old.external.invitee_uri)}`);
  });

  it.each([
    ["a number", 1],
    ["no payload", { event: "invitee.created", created_at: "2026-12-03T10:15:00Z" }],
    ["no invitee uri", { event: "invitee.created", created_at: "2026-12-03T10:15:00Z", payload: { email: "a@b.co" } }],
    ["no usable time", { event: "invitee.canceled", payload: { uri: "https://api.calendly.com/x" } }],
  ])("an unknown shape (%s) is returned as unknown, never thrown", (_l, body) => {
    expect(mapCalendlyEvent(body)).toHaveProperty("unknown");
  });
});

describe("Cal.com bookings", () => {
  const expected: Record<string, Want> = {
    BOOKING_CREATED: { kind: "booked", token: "v1.HUBTOKEN-abc_123", booked_at: "2026-12-03T10:15:00.538Z", occurred_at: "2026-12-03T10:15:00.538Z" },
    BOOKING_CREATED_hidden_question: { kind: "booked", token: "v1.HUBTOKEN-from_question", booked_at: "2026-12-03T10:15:00.538Z", occurred_at: "2026-12-03T10:15:00.538Z" },
    BOOKING_RESCHEDULED: { kind: "rescheduled", token: "v1.HUBTOKEN-abc_123", booked_at: "2026-12-05T08:00:00.100Z", occurred_at: "2026-12-05T08:00:00.100Z" },
    BOOKING_CANCELLED: { kind: "cancelled", token: "v1.HUBTOKEN-abc_123", booked_at: null, occurred_at: "2026-12-05T09:00:00.000Z" },
    BOOKING_REQUESTED: "ignored",
  };

  it("has an expectation for every fixture", () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames("calcom"));
  });

  it.each(Object.entries(expected))("%s maps as documented", (name, want) => {
    const r = mapCalcomEvent(fixture("calcom", name).json);
    if (want === "ignored") expect(r).toHaveProperty("ignored");
    else expect(r).toMatchObject({ provider: "calcom", invitee_email: "jane.doe@example.com", ...want });
  });

  it("links a reschedule to the original booking", () => {
    const r = mapCalcomEvent(fixture("calcom", "BOOKING_RESCHEDULED").json) as Booking;
    expect(r.external).toMatchObject({ uid: "n3wUidAfterReschedule", reschedule_uid: "bFJeNb2uX8ANpT3JL5EfXw", booking_id: "97" });
    expect(r.start_time).toBe("2026-12-10T15:00:00.000Z");
    expect(r.dedup_key).toBe("calcom|BOOKING_RESCHEDULED|n3wUidAfterReschedule|bFJeNb2uX8ANpT3JL5EfXw");
  });

  it.each([
    ["PING", { triggerEvent: "PING", createdAt: "2026-12-03T10:15:00Z", payload: {} }, "ignored"],
    ["MEETING_ENDED", { triggerEvent: "MEETING_ENDED", createdAt: "2026-12-03T10:15:00Z" }, "ignored"],
    ["no payload", { triggerEvent: "BOOKING_CREATED", createdAt: "2026-12-03T10:15:00Z" }, "unknown"],
    ["no uid", { triggerEvent: "BOOKING_CREATED", createdAt: "2026-12-03T10:15:00Z", payload: { status: "ACCEPTED" } }, "unknown"],
    ["no createdAt", { triggerEvent: "BOOKING_CREATED", payload: { uid: "u" } }, "unknown"],
    ["a list", [], "unknown"],
  ])("%s is %s", (_l, body, outcome) => {
    expect(mapCalcomEvent(body)).toHaveProperty(outcome);
  });
});

describe("booking links (SPEC §11.5)", () => {
  const token = "v1.AbC-_9";
  it.each([
    ["https://calendly.com/acme/intro", "https://calendly.com/acme/intro?utm_content=v1.AbC-_9"],
    ["https://calendly.com/acme/intro?utm_source=hub&month=2026-12", "https://calendly.com/acme/intro?utm_source=hub&month=2026-12&utm_content=v1.AbC-_9"],
    ["https://calendly.com/acme/intro?utm_content=old&a=1#x", "https://calendly.com/acme/intro?a=1&utm_content=v1.AbC-_9#x"],
  ])("Calendly %s", (base, url) => {
    expect(calendlyBookingUrl(base, token)).toBe(url);
  });

  it.each([
    ["https://cal.com/acme/intro", "https://cal.com/acme/intro?metadata[hub]=v1.AbC-_9"],
    ["https://cal.com/acme/intro?duration=30&name=Jane%20Doe", "https://cal.com/acme/intro?duration=30&name=Jane%20Doe&metadata[hub]=v1.AbC-_9"],
    ["https://cal.com/acme/intro?metadata%5Bhub%5D=old&metadata[other]=1", "https://cal.com/acme/intro?metadata[other]=1&metadata[hub]=v1.AbC-_9"],
  ])("Cal.com %s", (base, url) => {
    expect(calcomBookingUrl(base, token)).toBe(url);
  });

  it("percent-encodes a value that needs it and round-trips through URL", () => {
    const url = withQueryParam("https://x.example/p?q=1", "metadata[hub]", "a b&c=d");
    expect(new URL(url).searchParams.get("metadata[hub]")).toBe("a b&c=d");
    expect(new URL(url).searchParams.get("q")).toBe("1");
  });
});
