import { z } from "zod";
import { recordProviderEvent } from "../src/runner/providers-db.ts";
import { defineTask } from "../src/runner/task.ts";

/**
 * One provider event from a webhook (Instantly, Smartlead, HeyReach), already
 * translated by the receiver: SQL finds the enrolment and its send, records the
 * event with all its effects, and records an event that matches no enrolment in
 * outreach_errors (OR040) without raising, so the provider is answered and stops.
 */
export default defineTask(
  "record_provider_event",
  z.object({
    provider: z.enum(["instantly", "smartlead", "heyreach"]),
    provider_campaign_id: z.string().min(1),
    lead_key: z.string().min(1),
    step: z.number().int().min(1).nullable(),
    event_type: z.string().min(1),
    event_ts: z.iso.datetime({ offset: true }),
    metadata: z.record(z.string(), z.unknown()).default({}),
    enrolment_id: z.guid().nullable().default(null),
  }),
  async (p, correlationId, { sql }) => {
    const r = await recordProviderEvent(sql, {
      provider: p.provider,
      providerCampaignId: p.provider_campaign_id,
      leadKey: p.lead_key,
      step: p.step,
      eventType: p.event_type,
      eventTs: p.event_ts,
      metadata: p.metadata,
      enrolmentId: p.enrolment_id,
      correlationId,
    });
    return { provider: p.provider, event_type: p.event_type, event_id: r.eventId, is_duplicate: r.isDuplicate, matched: r.eventId !== null };
  },
);
