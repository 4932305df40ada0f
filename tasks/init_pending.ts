import { z } from "zod";
import { initPending } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** Mints outreach records for CL companies that have none yet. */
export default defineTask(
  "init_pending",
  z.object({ max_rows: z.number().int().min(1).max(100_000).default(1000) }),
  async (p, correlationId, { sql }) => ({ minted: await initPending(sql, correlationId, p.max_rows) }),
);
