import { z } from "zod";
import { recordEvents } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** Refusals named in the log line; the rest are in outreach.outreach_errors. */
const LOGGED_REFUSALS = 20;

/**
 * Appends the sender's engagement events (deduplicated and applied in SQL).
 * The payload is validated as a batch (1–10,000 elements); each element is judged
 * by outreach.record_events on its own, so one bad element (unknown send or type,
 * malformed, a time without an offset) is refused and recorded alone while the
 * others are recorded. Refused elements do not fail the job: retrying cannot
 * change the answer. A transient failure (connection, deadlock) still does.
 */
export default defineTask(
  "record_events",
  z.object({
    events: z.array(z.unknown()).min(1).max(10_000),
  }),
  async (p, correlationId, { sql }) => {
    const r = await recordEvents(sql, correlationId, p.events);
    return {
      accepted: r.recorded + r.duplicates,
      recorded: r.recorded,
      duplicates: r.duplicates,
      refused: r.refused,
      ...(r.refused > 0 ? { refusals: r.refusals.slice(0, LOGGED_REFUSALS) } : {}),
    };
  },
);
