/**
 * POST /webhooks/calcom (SPEC §11.5): `X-Cal-Signature-256`, the hex
 * HMAC-SHA256 of the raw body with CALCOM_WEBHOOK_SECRET (no timestamp: a
 * replay is caught by the job key and SQL's dedup, and the token's expiry).
 * BOOKING_CREATED / _RESCHEDULED / _CANCELLED → one record_booking job (the token
 * rides in payload.metadata.hub). Off (404) without the secret.
 */
import type { FastifyInstance } from "fastify";
import { mapCalcomEvent, verifyCalcomSignature } from "../../senders/calendar.ts";
import { bookingTranslation, headerValue, providerSecrets, providerWebhook } from "../provider-webhook.ts";

export const CALCOM_SIGNATURE_HEADER = "x-cal-signature-256";

export default function calcom(app: FastifyInstance): void {
  const secret = providerSecrets(app).calcom;
  if (secret === null) return;
  providerWebhook(app, {
    url: "/webhooks/calcom",
    provider: "calcom",
    authenticate(request, raw) {
      const verdict = verifyCalcomSignature({ header: headerValue(request, CALCOM_SIGNATURE_HEADER), rawBody: raw, secret });
      return verdict.ok ? { ok: true } : { ok: false, reason: `X-Cal-Signature-256: ${verdict.reason}` };
    },
    translate: (json) => bookingTranslation(mapCalcomEvent(json)),
  });
}
