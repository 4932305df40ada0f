/**
 * POST /webhooks/booking: the calendar's meeting-booked webhook, signed by the
 * hub's scheme; one record_meeting_booked job per delivery.
 *   {sid, oid, exp, sig, booked_at, payload?, correlation_id?}
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { correlationId, givenCorrelationId, issuesText, jsonWebhook } from "../webhook.ts";

const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp with Z or a UTC offset" });
const uuid = z.guid({ error: "must be a UUID" });
const jsonObject = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });

/** The meeting-booked webhook: the signed calendar link's fields and when the meeting was booked. */
export const BookingBody = z.object({
  sid: uuid,
  oid: uuid,
  exp: z.number({ error: "must be an integer (unix seconds)" }).int().positive(),
  sig: z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex digits"),
  booked_at: timestamp,
  payload: jsonObject.optional(),
  correlation_id: correlationId.optional(),
});
export type BookingBody = z.infer<typeof BookingBody>;

export default function booking(app: FastifyInstance): void {
  jsonWebhook(app, {
    url: "/webhooks/booking",
    task: "record_meeting_booked",
    accept(json) {
      const parsed = BookingBody.safeParse(json);
      if (!parsed.success) return { ok: false, reason: issuesText(parsed.error), correlationId: givenCorrelationId(json) };
      const { correlation_id, ...payload } = parsed.data;
      return { ok: true, payload, correlationId: correlation_id };
    },
  });
}
