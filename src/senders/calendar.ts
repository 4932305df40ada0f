/**
 * Calendly and Cal.com bookings (SPEC §11.5): signature checks over the raw
 * body, payload → booking translation, and the booking links that carry the
 * hub's signed token through the calendar.
 *
 *   Calendly  `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` = HMAC-SHA256(CALENDLY_SIGNING_KEY, "<t>.<raw body>")
 *             token: `?utm_content=<token>` → `payload.tracking.utm_content`
 *   Cal.com   `X-Cal-Signature-256: <hex>` = HMAC-SHA256(CALCOM_WEBHOOK_SECRET, <raw body>) (no timestamp)
 *             token: `?metadata[hub]=<token>` → `payload.metadata.hub`
 *
 * Verify first, parse second: the checks take the bytes as received. The token
 * is passed on as it came; `record_meeting_booked` verifies it in SQL.
 */
import { z } from "zod";
import { hexDigestEqual, hmacHex, issuesLine, normaliseEmail, toIsoTimestamp, type JsonObject } from "./common.ts";

// ---------------------------------------------------------------- signatures

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: "missing_signature" | "malformed_signature" | "bad_signature" | "stale_timestamp" };

/** Calendly states no tolerance; third-party guidance says 3–5 minutes. WEBHOOK_TOLERANCE_SECONDS overrides. */
export const CALENDLY_DEFAULT_TOLERANCE_SECONDS = 300;

/** The header value Calendly would send for this body (tests and local stand-ins). */
export function calendlySignatureHeader(signingKey: string, rawBody: string | Buffer, t: number): string {
  return `t=${t},v1=${hmacHex(signingKey, `${t}.`, rawBody)}`;
}

/**
 * Checks `Calendly-Webhook-Signature` against the raw body: exactly one `t`,
 * one or more `v1` (any one matching is enough; each is compared in constant
 * time), then `t` within `toleranceSeconds` of `nowSeconds` either way.
 */
export function verifyCalendlySignature(args: {
  header: string | null | undefined;
  rawBody: string | Buffer;
  signingKey: string;
  toleranceSeconds?: number;
  nowSeconds?: number;
}): SignatureVerdict {
  const { header, rawBody, signingKey } = args;
  if (header === null || header === undefined || header.trim() === "") return { ok: false, reason: "missing_signature" };
  if (signingKey === "") return { ok: false, reason: "bad_signature" };
  let t: number | undefined;
  let tCount = 0;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") {
      tCount++;
      if (/^\d{1,12}$/.test(value)) t = Number(value);
    } else if (name === "v1" && candidates.length < 16) {
      candidates.push(value);
    }
  }
  if (tCount !== 1 || t === undefined || candidates.length === 0) return { ok: false, reason: "malformed_signature" };
  const expected = hmacHex(signingKey, `${t}.`, rawBody);
  let matched = false;
  for (const c of candidates) if (hexDigestEqual(c, expected)) matched = true;
  if (!matched) return { ok: false, reason: "bad_signature" };
  const now = args.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (args.toleranceSeconds ?? CALENDLY_DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: "stale_timestamp" };
  return { ok: true };
}

/** The header value Cal.com would send for this body. */
export function calcomSignatureHeader(secret: string, rawBody: string | Buffer): string {
  return hmacHex(secret, rawBody);
}

/**
 * Checks `X-Cal-Signature-256` (hex HMAC-SHA256 of the raw body). Cal.com sends
 * the literal "no-secret-provided" when the webhook has no secret: refused.
 * There is no timestamp, so no replay window: replays are caught by the dedup
 * key and the token's expiry.
 */
export function verifyCalcomSignature(args: { header: string | null | undefined; rawBody: string | Buffer; secret: string }): SignatureVerdict {
  const header = args.header?.trim() ?? "";
  if (header === "") return { ok: false, reason: "missing_signature" };
  if (!/^[0-9a-f]{64}$/i.test(header)) return { ok: false, reason: "malformed_signature" };
  if (args.secret === "") return { ok: false, reason: "bad_signature" };
  return hexDigestEqual(header, hmacHex(args.secret, args.rawBody)) ? { ok: true } : { ok: false, reason: "bad_signature" };
}

// ---------------------------------------------------------------- bookings

export interface Booking {
  provider: "calendly" | "calcom";
  kind: "booked" | "cancelled" | "rescheduled";
  /** The hub's token as it came back; NULL when the calendar did not carry it (e.g. a reschedule). */
  token: string | null;
  /** When the invitee made this booking (booked; a reschedule's new booking), ISO UTC; NULL for cancellations. */
  booked_at: string | null;
  /** When the change happened at the calendar (booked, cancelled or rescheduled), ISO UTC. */
  occurred_at: string;
  start_time: string | null;
  end_time: string | null;
  invitee_email: string | null;
  /** The calendar's ids: Calendly invitee/event URIs (and old/new invitee on reschedules), Cal.com uid, bookingId, rescheduleUid. */
  external: JsonObject;
  /** One key per delivery of one calendar event: (event, invitee URI) for Calendly, (trigger, uid, rescheduleUid) for Cal.com. */
  dedup_key: string;
}
export type BookingResult = Booking | { ignored: string } | { unknown: string };

const text = z.string().nullable().optional();

const CalendlyWebhook = z.looseObject({
  event: z.string().min(1),
  created_at: text,
  payload: z.looseObject({
    uri: text,
    email: text,
    event: text,
    created_at: text,
    rescheduled: z.boolean().nullable().optional(),
    old_invitee: text,
    new_invitee: text,
    tracking: z.looseObject({ utm_content: text }).nullable().optional(),
    cancellation: z.looseObject({ created_at: text, canceler_type: text, reason: text }).nullable().optional(),
    scheduled_event: z.looseObject({ uri: text, start_time: text, end_time: text }).nullable().optional(),
  }),
});

const nonBlank = (v: string | null | undefined): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** Translates a Calendly webhook body (`invitee.created`, `invitee.canceled`). Never throws. */
export function mapCalendlyEvent(body: unknown): BookingResult {
  const parsed = CalendlyWebhook.safeParse(body);
  if (!parsed.success) return { unknown: `calendly: ${issuesLine(parsed.error)}` };
  const { event, payload: p } = parsed.data;
  if (event !== "invitee.created" && event !== "invitee.canceled") return { ignored: `calendly: ${event} is not a booking change` };
  const invitee = nonBlank(p.uri);
  if (invitee === null) return { unknown: `calendly: ${event} without payload.uri` };
  const envelopeAt = toIsoTimestamp(parsed.data.created_at);
  const createdAt = toIsoTimestamp(p.created_at);
  const cancelledAt = toIsoTimestamp(p.cancellation?.created_at);
  const oldInvitee = nonBlank(p.old_invitee);

  let kind: Booking["kind"];
  let bookedAt: string | null = null;
  let occurredAt: string | null;
  if (event === "invitee.created") {
    kind = oldInvitee === null ? "booked" : "rescheduled";
    bookedAt = createdAt ?? envelopeAt;
    occurredAt = bookedAt;
  } else {
    kind = p.rescheduled === true ? "rescheduled" : "cancelled";
    occurredAt = cancelledAt ?? envelopeAt;
  }
  if (occurredAt === null) return { unknown: `calendly: ${event} without a usable created_at` };

  const external: JsonObject = { event, invitee_uri: invitee };
  const eventUri = nonBlank(p.scheduled_event?.uri) ?? nonBlank(p.event);
  if (eventUri !== null) external.event_uri = eventUri;
  if (oldInvitee !== null) external.old_invitee_uri = oldInvitee;
  const newInvitee = nonBlank(p.new_invitee);
  if (newInvitee !== null) external.new_invitee_uri = newInvitee;
  if (p.cancellation?.canceler_type) external.canceler_type = p.cancellation.canceler_type;
  if (p.cancellation?.reason) external.cancellation_reason = p.cancellation.reason;

  return {
    provider: "calendly",
    kind,
    token: nonBlank(p.tracking?.utm_content),
    booked_at: bookedAt,
    occurred_at: occurredAt,
    start_time: toIsoTimestamp(p.scheduled_event?.start_time),
    end_time: toIsoTimestamp(p.scheduled_event?.end_time),
    invitee_email: normaliseEmail(p.email),
    external,
    dedup_key: ["calendly", event, invitee].join("|"),
  };
}

const CalcomWebhook = z.looseObject({
  triggerEvent: z.string().min(1),
  createdAt: text,
  payload: z
    .looseObject({
      uid: text,
      bookingId: z.union([z.number(), z.string()]).nullable().optional(),
      rescheduleUid: text,
      status: text,
      startTime: text,
      endTime: text,
      cancellationReason: text,
      metadata: z.record(z.string(), z.unknown()).nullable().optional(),
      responses: z.record(z.string(), z.unknown()).nullable().optional(),
      attendees: z.array(z.looseObject({ email: text })).nullable().optional(),
    })
    .nullable()
    .optional(),
});

/** Booking statuses that are not (yet) a meeting: a BOOKING_CREATED in one of them is ignored. */
const CALCOM_NOT_BOOKED = new Set(["PENDING", "AWAITING_HOST", "REJECTED", "CANCELLED"]);

/** Translates a Cal.com webhook body (BOOKING_CREATED, BOOKING_RESCHEDULED, BOOKING_CANCELLED). Never throws. */
export function mapCalcomEvent(body: unknown): BookingResult {
  const parsed = CalcomWebhook.safeParse(body);
  if (!parsed.success) return { unknown: `calcom: ${issuesLine(parsed.error)}` };
  const { triggerEvent: trigger, payload: p } = parsed.data;
  const kinds: Record<string, Booking["kind"]> = { BOOKING_CREATED: "booked", BOOKING_RESCHEDULED: "rescheduled", BOOKING_CANCELLED: "cancelled" };
  const kind = kinds[trigger];
  if (kind === undefined) return { ignored: `calcom: ${trigger} is not a booking change` };
  if (!p) return { unknown: `calcom: ${trigger} without payload` };
  const uid = nonBlank(p.uid);
  if (uid === null) return { unknown: `calcom: ${trigger} without payload.uid` };
  const status = nonBlank(p.status)?.toUpperCase();
  if (kind === "booked" && status !== undefined && CALCOM_NOT_BOOKED.has(status)) return { ignored: `calcom: BOOKING_CREATED with status ${status}` };
  const occurredAt = toIsoTimestamp(parsed.data.createdAt);
  if (occurredAt === null) return { unknown: `calcom: ${trigger} without a usable createdAt` };

  const fromMetadata = p.metadata?.hub;
  const question = p.responses?.hub_token;
  const fromQuestion = typeof question === "object" && question !== null && "value" in question ? (question as { value: unknown }).value : question;
  const token = typeof fromMetadata === "string" ? nonBlank(fromMetadata) : typeof fromQuestion === "string" ? nonBlank(fromQuestion) : null;

  const external: JsonObject = { trigger_event: trigger, uid };
  if (p.bookingId !== null && p.bookingId !== undefined) external.booking_id = String(p.bookingId);
  const rescheduleUid = nonBlank(p.rescheduleUid);
  if (rescheduleUid !== null) external.reschedule_uid = rescheduleUid;
  if (status !== undefined) external.status = status;
  if (p.cancellationReason) external.cancellation_reason = p.cancellationReason;

  return {
    provider: "calcom",
    kind,
    token,
    booked_at: kind === "cancelled" ? null : occurredAt,
    occurred_at: occurredAt,
    start_time: toIsoTimestamp(p.startTime),
    end_time: toIsoTimestamp(p.endTime),
    invitee_email: normaliseEmail(p.attendees?.[0]?.email),
    external,
    dedup_key: ["calcom", trigger, uid, rescheduleUid ?? ""].join("|"),
  };
}

// ---------------------------------------------------------------- booking links

/**
 * `url` with query parameter `key` set to `value`: other parameters are kept
 * byte for byte (in order), an existing `key` is replaced, the fragment stays
 * last. `key` is written literally (Cal.com reads `metadata[hub]` with its
 * brackets); the value is percent-encoded.
 */
export function withQueryParam(url: string, key: string, value: string): string {
  const hashAt = url.indexOf("#");
  const fragment = hashAt >= 0 ? url.slice(hashAt) : "";
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const qAt = base.indexOf("?");
  const path = qAt >= 0 ? base.slice(0, qAt) : base;
  const query = qAt >= 0 ? base.slice(qAt + 1) : "";
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  const kept = query.split("&").filter((pair) => pair !== "" && decode(pair.split("=")[0] ?? "") !== key);
  kept.push(`${key}=${encodeURIComponent(value)}`);
  return `${path}?${kept.join("&")}${fragment}`;
}

/** A Calendly scheduling link carrying the hub's token in `utm_content`. */
export function calendlyBookingUrl(baseUrl: string, token: string): string {
  return withQueryParam(baseUrl, "utm_content", token);
}

/** A Cal.com booking link carrying the hub's token as `metadata[hub]`. */
export function calcomBookingUrl(baseUrl: string, token: string): string {
  return withQueryParam(baseUrl, "metadata[hub]", token);
}
