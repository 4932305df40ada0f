import { z } from "zod";
import { recordBooking } from "../src/runner/providers-db.ts";
import { defineTask } from "../src/runner/task.ts";

/**
 * A Calendly or Cal.com booking, cancellation or reschedule from a webhook,
 * already translated by the receiver: SQL verifies the hub's token, hands the
 * company off (created) or records the change on the handoff, and records a
 * refused booking in outreach_errors (OR041) without raising.
 */
export default defineTask(
  "record_booking",
  z.object({
    provider: z.enum(["calendly", "calcom"]),
    token: z.string().min(1).nullable(),
    event: z.enum(["created", "cancelled", "rescheduled"]),
    at: z.iso.datetime({ offset: true }),
    payload: z.record(z.string(), z.unknown()).default({}),
  }),
  async (p, correlationId, { sql }) => {
    const handoffId = await recordBooking(sql, { provider: p.provider, token: p.token, at: p.at, event: p.event, correlationId, payload: p.payload });
    return { provider: p.provider, event: p.event, handoff_id: handoffId, refused: handoffId === null };
  },
);
