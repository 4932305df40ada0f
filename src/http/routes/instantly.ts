/**
 * POST /webhooks/instantly (SPEC §11.2): Instantly signs nothing, so the hub
 * registers the webhook with a custom header of its choosing,
 * `X-Hub-Webhook-Secret: <INSTANTLY_WEBHOOK_SECRET>`, compared in constant time.
 * One record_provider_event job per event. Off (404) without the secret.
 */
import type { FastifyInstance } from "fastify";
import { secretsEqual } from "../../senders/common.ts";
import { mapInstantlyEvent } from "../../senders/instantly.ts";
import { eventTranslation, headerValue, providerSecrets, providerWebhook } from "../provider-webhook.ts";

export const INSTANTLY_SECRET_HEADER = "x-hub-webhook-secret";

export default function instantly(app: FastifyInstance): void {
  const secret = providerSecrets(app).instantly;
  if (secret === null) return;
  providerWebhook(app, {
    url: "/webhooks/instantly",
    provider: "instantly",
    authenticate: (request) =>
      secretsEqual(headerValue(request, INSTANTLY_SECRET_HEADER), secret)
        ? { ok: true }
        : { ok: false, reason: "X-Hub-Webhook-Secret is missing or wrong" },
    translate: (json, receivedAt) => eventTranslation(mapInstantlyEvent(json, { receivedAt })),
  });
}
