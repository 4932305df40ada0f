import { z } from "zod";
import { recordEvents } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO timestamp");

/** Appends the sender's engagement events (deduplicated and applied in SQL). */
export default defineTask(
  "record_events",
  z.object({
    events: z
      .array(
        z.object({
          send_id: z.guid(),
          event_type: z.string().min(1),
          event_ts: isoTime,
          source_system: z.string().min(1),
          metadata: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .min(1)
      .max(10_000),
  }),
  async (p, correlationId, { sql }) => recordEvents(sql, correlationId, p.events),
);
