import { z } from "zod";
import { recordMeetingBooked } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** A booked meeting from the calendar webhook: verify, snapshot, hand off (in SQL). */
export default defineTask(
  "record_meeting_booked",
  z.object({
    sid: z.guid(),
    oid: z.guid(),
    exp: z.number().int().positive(),
    sig: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters"),
    booked_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO timestamp"),
    payload: z.record(z.string(), z.unknown()).optional(),
  }),
  async (p, correlationId, { sql }) => ({ handoff_id: await recordMeetingBooked(sql, correlationId, p) }),
);
