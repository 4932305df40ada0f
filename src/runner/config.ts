import { z } from "zod";

/** A five-field crontab schedule (graphile-worker evaluates it in UTC). */
const cron = z
  .string()
  .regex(/^\s*(\S+\s+){4}\S+\s*$/, "must be a five-field cron schedule, e.g. */5 * * * *");

/** Runner configuration, read once from the environment and validated. */
const Env = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  OUTREACH_DATA_DIR: z.string().default(".data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
  /** A dead runner's job locks go back to the queue once they are this old (graphile-worker alone: 4 hours). */
  JOB_STALE_LOCK_SECONDS: z.coerce.number().int().min(1).max(14_400).default(60),
  CRON_INIT_PENDING: cron.default("*/5 * * * *"),
  INIT_PENDING_MAX_ROWS: z.coerce.number().int().min(1).default(1000),
  CRON_PROMOTE: cron.default("*/5 * * * *"),
  PROMOTE_MAX_ROWS: z.coerce.number().int().min(1).default(100),
  CRON_CHECK_KILL_SWITCHES: cron.default("* * * * *"),
  CRON_ADVANCE_SEQUENCES: cron.default("*/15 * * * *"),
  CRON_DISPATCH: cron.default("* * * * *"),
  /** Sends each configured sender hands over per dispatch cycle, at most. */
  DISPATCH_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Sends in flight at once per sender (and rows per claim_sends call). */
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** claim_sends' lease: how long a claimed send is this runner's before SQL hands it out again. */
  DISPATCH_LEASE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
});

export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
