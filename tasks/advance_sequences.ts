import { z } from "zod";
import { advanceSequences } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** Queues the next step of every enrolment whose delay has elapsed. */
export default defineTask("advance_sequences", z.object({}), async (_p, correlationId, { sql }) => ({
  queued: await advanceSequences(sql, correlationId),
}));
