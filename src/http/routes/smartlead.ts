/**
 * POST /webhooks/smartlead (SPEC §11.2): an `X-Smartlead-Signature: sha256=<hex
 * HMAC-SHA256 of the raw body>` with SMARTLEAD_WEBHOOK_SECRET when the delivery
 * carries one (checked before parsing); otherwise the body's `secret_key` must
 * equal SMARTLEAD_WEBHOOK_SECRET. One record_provider_event job per event. Off
 * (404) without the secret.
 */
import type { FastifyInstance } from "fastify";
import { mapSmartleadEvent, smartleadSecretMatches, verifySmartleadSignature } from "../../senders/smartlead.ts";
import { eventTranslation, headerValue, providerSecrets, providerWebhook } from "../provider-webhook.ts";

export const SMARTLEAD_SIGNATURE_HEADER = "x-smartlead-signature";

export default function smartlead(app: FastifyInstance): void {
  const secret = providerSecrets(app).smartlead;
  if (secret === null) return;
  providerWebhook(app, {
    url: "/webhooks/smartlead",
    provider: "smartlead",
    authenticate(request, raw) {
      const signature = headerValue(request, SMARTLEAD_SIGNATURE_HEADER);
      if (signature === undefined) return { ok: true }; // the body's secret_key decides, once parsed
      return verifySmartleadSignature(signature, raw, secret) ? { ok: true } : { ok: false, reason: "X-Smartlead-Signature does not match the body" };
    },
    authenticateParsed(request, json) {
      if (headerValue(request, SMARTLEAD_SIGNATURE_HEADER) !== undefined) return { ok: true };
      return smartleadSecretMatches(json, secret) ? { ok: true } : { ok: false, reason: "secret_key is missing or wrong" };
    },
    translate: (json, receivedAt) => eventTranslation(mapSmartleadEvent(json, { receivedAt })),
  });
}
