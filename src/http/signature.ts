/**
 * Signature checks of the receiver, over the raw body bytes, before any JSON is
 * read. The one constant-time compare (`safeEqual`, in src/senders/common.ts) is used here; every provider's
 * check (shared secret, HMAC, timestamped HMAC) goes through it.
 *
 * The hub's own scheme, Stripe-style (Calendly signs the same way):
 *   Outreach-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<hex>...]
 * Several v1 values are allowed (a sender rotating its secret signs with both);
 * one matching value is enough. t must be within the tolerance of the receiver's clock.
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "../senders/common.ts";

/** The header carrying the hub's signature (lower case, as node presents headers). */
export const SIGNATURE_HEADER = "outreach-signature";

export { safeEqual } from "../senders/common.ts";

/** HMAC-SHA256 of "<t>.<raw body>" with secret. */
function timestampedHmac(secret: string, t: number, rawBody: string | Buffer): Buffer {
  return createHmac("sha256", secret).update(`${t}.`).update(rawBody).digest();
}

/** The header value a sender puts on a request: t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. */
export function signatureHeader(secret: string, rawBody: string | Buffer, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${timestampedHmac(secret, t, rawBody).toString("hex")}`;
}

export type SignatureFailure = "missing_signature" | "malformed_signature" | "bad_signature" | "stale_timestamp";

export type Verdict = { ok: true; signature: string } | { ok: false; reason: SignatureFailure };

/**
 * Checks a `t=…,v1=…` header against the raw body: the signature first, then
 * the clock (so a stale but genuine delivery says so, and a forged one never
 * learns whether its timestamp would have passed). On success, `signature` is
 * the hex of the matching HMAC: what identifies the delivery.
 */
export function verifyTimestamped(
  header: string | string[] | undefined,
  raw: Buffer,
  secret: string,
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Verdict {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value === undefined || value.trim() === "") return { ok: false, reason: "missing_signature" };
  let t: number | undefined;
  let tCount = 0;
  const candidates: Buffer[] = [];
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (name === "t") {
      tCount++;
      if (/^\d{1,12}$/.test(v)) t = Number(v);
    } else if (name === "v1" && /^[0-9a-f]{64}$/i.test(v) && candidates.length < 16) {
      candidates.push(Buffer.from(v, "hex"));
    }
  }
  if (tCount !== 1 || t === undefined || candidates.length === 0) return { ok: false, reason: "malformed_signature" };
  const expected = timestampedHmac(secret, t, raw);
  let matched = false;
  // Every candidate is compared, so timing tells nothing about which one matched.
  for (const candidate of candidates) if (safeEqual(candidate, expected)) matched = true;
  if (!matched) return { ok: false, reason: "bad_signature" };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: "stale_timestamp" };
  return { ok: true, signature: expected.toString("hex") };
}

/** What a 401 says for each failure. */
export const signatureReasons: Record<SignatureFailure, string> = {
  missing_signature: "Outreach-Signature header is missing",
  malformed_signature: "Outreach-Signature header must be t=<unix seconds>,v1=<64 hex digits>[,v1=...]",
  bad_signature: "no v1 signature matches the body",
  stale_timestamp: "signature timestamp is outside the tolerance window",
};
