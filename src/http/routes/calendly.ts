/**
 * POST /webhooks/calendly (SPEC §11.5): `Calendly-Webhook-Signature: t=…,v1=…`,
 * HMAC-SHA256 of "<t>.<raw body>" with CALENDLY_SIGNING_KEY, t within
 * WEBHOOK_TOLERANCE_SECONDS. invitee.created / invitee.canceled → one
 * record_booking job (the token rides in payload.tracking.utm_content). Off
 * (404) without the key.
 */
import type { FastifyInstance } from "fastify";
import { mapCalendlyEvent, verifyCalendlySignature } from "../../senders/calendar.ts";
import { bookingTranslation, headerValue, providerSecrets, providerWebhook } from "../provider-webhook.ts";

export const CALENDLY_SIGNATURE_HEADER = "calendly-webhook-signature";

export default function calendly(app: FastifyInstance): void {
  const key = providerSecrets(app).calendly;
  if (key === null) return;
  providerWebhook(app, {
    url: "/webhooks/calendly",
    provider: "calendly",
    authenticate(request, raw) {
      const verdict = verifyCalendlySignature({
        header: headerValue(request, CALENDLY_SIGNATURE_HEADER),
        rawBody: raw,
        signingKey: key,
        toleranceSeconds: app.receiver.config.toleranceSeconds,
      });
      return verdict.ok ? { ok: true } : { ok: false, reason: `Calendly-Webhook-Signature: ${verdict.reason}` };
    },
    translate: (json) => bookingTranslation(mapCalendlyEvent(json)),
  });
}
