/**
 * POST /webhooks/heyreach/<token> (SPEC §12): HeyReach neither signs nor sends
 * custom headers, so the webhook URL carries an unguessable path token,
 * HEYREACH_WEBHOOK_TOKEN, compared in constant time. One record_provider_event
 * job per event. Off (404) without the token.
 */
import type { FastifyInstance } from "fastify";
import { heyreachTokenMatches, mapHeyReachEvent } from "../../senders/heyreach.ts";
import { eventTranslation, providerSecrets, providerWebhook } from "../provider-webhook.ts";

export default function heyreach(app: FastifyInstance): void {
  const token = providerSecrets(app).heyreach;
  if (token === null) return;
  providerWebhook(app, {
    url: "/webhooks/heyreach/:token",
    provider: "heyreach",
    authenticate(request) {
      const given = (request.params as { token?: string }).token;
      return heyreachTokenMatches(given, token) ? { ok: true } : { ok: false, reason: "the path token is wrong" };
    },
    translate: (json, receivedAt) => eventTranslation(mapHeyReachEvent(json, { receivedAt })),
  });
}
