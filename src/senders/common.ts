/**
 * What every provider translator shares on the way in: the hub's event shape,
 * lead-key normalisation, timestamps, and the one constant-time compare used by
 * every webhook check (the outbound half is in outbound.ts).
 *
 * Nothing here does I/O or decides anything: the functions translate, and SQL
 * (`record_provider_event`, the outbox, `ack_send`) decides.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";

// ---------------------------------------------------------------- hub events

/** The hub's event types a provider can report (SPEC §4, §11.2, §12). */
export const HUB_EVENT_TYPES = [
  "email_sent",
  "email_open",
  "email_click",
  "email_reply",
  "email_auto_reply",
  "email_bounce",
  "unsubscribe",
  "linkedin_connect_sent",
  "linkedin_connect_accepted",
  "linkedin_message_sent",
  "linkedin_reply",
  "linkedin_touch",
] as const;
export type HubEventType = (typeof HUB_EVENT_TYPES)[number];

export type Provider = "instantly" | "smartlead" | "heyreach";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One provider event translated for `outreach.record_provider_event`. */
export interface HubEvent {
  provider: Provider;
  provider_campaign_id: string;
  /** Lower-cased email, or the normalised LinkedIn profile URL (SPEC §11.1, §12). */
  lead_key: string;
  /** The provider's own lead id when the payload names it (Smartlead `sl_email_lead_id`, HeyReach `lead.id`). */
  provider_lead_id: string | null;
  /** The provider's step number (1-based); NULL when the payload has none. */
  step: number | null;
  event_type: HubEventType;
  /** ISO 8601 in UTC (`…Z`). */
  event_ts: string;
  /** The hub's enrolment id when it came back in the payload (Instantly custom variable). */
  enrolment_id: string | null;
  /** Identifies one delivery of one event at the provider (SPEC §11.3): equal keys are the same event. */
  dedup_key: string;
  metadata: JsonObject;
}

/** A well-formed event the hub does not take (labels, campaign completion, account alerts). */
export interface Ignored {
  ignored: string;
}
/** A payload whose shape is not understood: log it, answer 2xx, never throw. */
export interface Unknown {
  unknown: string;
}
export type MapResult = HubEvent | Ignored | Unknown;

export const isHubEvent = (r: MapResult): r is HubEvent => "event_type" in r;

/** A parsed JSON value as JsonValue (drops undefined, functions and non-finite numbers); undefined when nothing is left. */
export function toJson(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (depth > 8) return undefined;
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1)).filter((v): v is JsonValue => v !== undefined);
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const j = toJson(v, depth + 1);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return undefined;
}

/** A zod error as one short line (first issues only), for `unknown` reasons. */
export function issuesLine(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

// ---------------------------------------------------------------- lead keys

/** Lower-cased, trimmed email; NULL when it does not look like one. */
export function normaliseEmail(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/**
 * A LinkedIn profile URL as the hub keys it (SPEC §12): trimmed, lower case, no
 * query, no fragment, no trailing slash, no `www.`. Nothing else is changed (the
 * scheme stays as given), so the SQL side can apply the same four rules.
 * NULL for a blank value.
 */
export function normaliseLinkedInUrl(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  let url = value.trim().toLowerCase();
  const cut = url.search(/[?#]/);
  if (cut >= 0) url = url.slice(0, cut);
  url = url.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?www\./, "$1");
  url = url.replace(/\/+$/, "");
  return url === "" ? null : url;
}

// ---------------------------------------------------------------- time

/**
 * A provider timestamp as ISO 8601 UTC. Strings with an offset are taken as
 * they are; an ISO date-time without one is read as UTC (the providers document
 * UTC); numbers are Unix seconds (or milliseconds when that large). NULL when
 * unparseable.
 */
export function toIsoTimestamp(value: unknown): string | null {
  let ms: number;
  if (typeof value === "number" && Number.isFinite(value)) {
    ms = value > 1e11 ? value : value * 1000;
  } else if (typeof value === "string" && value.trim() !== "") {
    const s = value.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return toIsoTimestamp(Number(s));
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
    const isoLocal = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s);
    ms = Date.parse(isoLocal && !hasOffset ? `${s.replace(" ", "T")}Z` : s);
  } else {
    return null;
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * An event's time: the payload's when it has one (NULL when that is
 * unparseable), else `receivedAt` (flagged `received`), else NULL.
 */
export function eventTime(value: unknown, receivedAt: Date | undefined): { iso: string; received: boolean } | null {
  if (value !== undefined && value !== null && value !== "") {
    const iso = toIsoTimestamp(value);
    return iso === null ? null : { iso, received: false };
  }
  return receivedAt === undefined ? null : { iso: receivedAt.toISOString(), received: true };
}

/** A positive step number from a number or a numeric string; NULL otherwise. */
export function toStep(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : null;
}

// ---------------------------------------------------------------- secrets

/** Constant-time equality of two secrets (their SHA-256 digests, so lengths leak nothing). */
/**
 * Constant-time equality of two byte strings. Unequal lengths are compared as
 * their SHA-256 digests, so neither the content nor where it differs leaks
 * through timing (only that the lengths differ, which a caller already knows).
 */
// The one constant-time compare of the project: the receiver's signatures and every
// provider's secrets, tokens and signatures go through it.
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length === b.length) return timingSafeEqual(a, b);
  timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
  return false;
}

export function secretsEqual(received: string | null | undefined, expected: string): boolean {
  if (typeof received !== "string" || expected === "") return false;
  return safeEqual(Buffer.from(received), Buffer.from(expected));
}

/** Hex HMAC-SHA256 of the raw bytes. */
export function hmacHex(key: string, ...parts: (string | Buffer)[]): string {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Constant-time compare of a received hex digest with the expected one (false on any malformed input). */
export function hexDigestEqual(receivedHex: string, expectedHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(receivedHex) || !/^[0-9a-f]{64}$/i.test(expectedHex)) return false;
  return safeEqual(Buffer.from(receivedHex, "hex"), Buffer.from(expectedHex, "hex"));
}
