/**
 * POST /webhooks/events: the external sender's engagement events, signed by the
 * hub's scheme.
 *   {events: [{send_id, event_type, event_ts, source_system, metadata?}, ...], correlation_id?}
 *
 * The envelope is all or nothing (1 to 1000 events, a valid correlation id);
 * each element is then judged on its own. The good ones go into one
 * record_events job and the answer (202, or 200 on a replay) names both sides:
 *   {status, accepted: [index, ...], rejected: [{index, reason}, ...], correlation_id}
 * A batch with no good element is answered 400 with every element's reason.
 * Whether a send id exists is SQL's to say (record_events), not the receiver's.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { correlationId, givenCorrelationId, issuesText, jsonWebhook } from "../webhook.ts";

const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp with Z or a UTC offset" });

/** One engagement event as the external sender reports it (outreach.record_events decides what it means). */
export const EngagementEvent = z.object(
  {
    send_id: z.guid({ error: "must be a UUID" }),
    event_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a lower-case event type such as email_open"),
    event_ts: timestamp,
    source_system: z.string().trim().min(1, "must not be blank").max(100),
    metadata: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).optional(),
  },
  { error: "must be a JSON object" },
);
export type EngagementEvent = z.infer<typeof EngagementEvent>;

/** The batch's envelope; its elements are checked one by one against EngagementEvent. */
export const EventsEnvelope = z.object({
  events: z.array(z.unknown()).min(1, "must hold at least one event").max(1000, "must hold at most 1000 events"),
  correlation_id: correlationId.optional(),
});

export interface Rejected {
  index: number;
  reason: string;
}

/** Splits a batch into its good events (with their indexes) and the rejected ones with their reasons. */
export function judgeEvents(events: unknown[]): { good: EngagementEvent[]; accepted: number[]; rejected: Rejected[]; reasons: string[] } {
  const good: EngagementEvent[] = [];
  const accepted: number[] = [];
  const rejected: Rejected[] = [];
  const reasons: string[] = [];
  events.forEach((element, index) => {
    const parsed = EngagementEvent.safeParse(element);
    if (parsed.success) {
      good.push(parsed.data);
      accepted.push(index);
    } else {
      rejected.push({ index, reason: issuesText(parsed.error) });
      if (reasons.length < 10) reasons.push(issuesText(parsed.error, ["events", index]));
    }
  });
  return { good, accepted, rejected, reasons };
}

export default function events(app: FastifyInstance): void {
  jsonWebhook(app, {
    url: "/webhooks/events",
    task: "record_events",
    accept(json) {
      const envelope = EventsEnvelope.safeParse(json);
      if (!envelope.success) return { ok: false, reason: issuesText(envelope.error), correlationId: givenCorrelationId(json) };
      const cid = envelope.data.correlation_id;
      const { good, accepted, rejected, reasons } = judgeEvents(envelope.data.events);
      if (good.length === 0) {
        const more = rejected.length - reasons.length;
        return { ok: false, reason: reasons.join("; ") + (more > 0 ? `; and ${more} more` : ""), correlationId: cid, extra: { rejected } };
      }
      const note = rejected.length > 0 ? `${rejected.length} of ${accepted.length + rejected.length} events rejected: ${reasons.join("; ")}` : undefined;
      return { ok: true, payload: { events: good }, correlationId: cid, extra: { accepted, rejected }, note };
    },
  });
}
