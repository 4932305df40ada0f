import { z } from "zod";
import { promote } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** Enrols eligible records, best score first, within caps (SQL decides everything). */
export default defineTask(
  "promote",
  z.object({
    max_rows: z.number().int().min(1).max(100_000).default(100),
    dry_run: z.boolean().default(false),
  }),
  async (p, correlationId, { sql }) => {
    const rows = await promote(sql, correlationId, { maxRows: p.max_rows, dryRun: p.dry_run });
    return { promoted: rows.length, dry_run: p.dry_run };
  },
);
