import { z } from "zod";
import { dispatchCycle } from "../src/runner/dispatch.ts";
import { configuredSenders } from "../src/senders/index.ts";
import { defineTask } from "../src/runner/task.ts";

/**
 * One dispatch cycle: every sender configured in the environment claims, hands
 * over and acks or releases its sends (SQL decides which, how many and what an
 * outcome means). The crontab passes DISPATCH_* from configuration.
 */
export default defineTask(
  "dispatch",
  z.object({
    max_rows: z.number().int().min(1).max(100_000).default(200),
    concurrency: z.number().int().min(1).max(64).default(4),
    lease_seconds: z.number().int().min(10).max(86_400).default(300),
  }),
  async (p, correlationId, { sql, log }) => {
    const senders = configuredSenders(process.env);
    try {
      const tallies = await dispatchCycle({
        sql,
        log,
        senders,
        correlationId,
        maxRows: p.max_rows,
        concurrency: p.concurrency,
        leaseSeconds: p.lease_seconds,
      });
      return { senders: tallies };
    } finally {
      await Promise.all(senders.map((s) => s.close()));
    }
  },
);
