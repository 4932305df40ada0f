/**
 * `npm run dispatch -- --once`: one dispatch cycle (the same as the worker's
 * `dispatch` task) against DATABASE_URL, or the embedded database under
 * OUTREACH_DATA_DIR (migrated first), then exit. One JSON log line per send and a
 * last line with the tallies per sender.
 *
 * Without --once it refuses (exit 2): the worker's crontab (CRON_DISPATCH, `npm start`)
 * is what dispatches continuously; a second scheduler would only add a way to run it.
 *
 *   --once                 required
 *   --max-rows N           sends per sender (default DISPATCH_MAX_ROWS)
 *   --concurrency N        sends in flight per sender (default DISPATCH_CONCURRENCY)
 *   --lease-seconds N      claim lease (default DISPATCH_LEASE_SECONDS)
 *   --as-of ISO-instant    claim as of this instant instead of now (tests, replays of a backlog)
 *
 * Exit: 0 the cycle ran (whatever its sends' outcomes) · 1 it could not (database,
 * configuration) · 2 usage.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { loadConfig } from "./config.ts";
import { connect } from "./db.ts";
import { dispatchCycle } from "./dispatch.ts";
import { makeLogger } from "./log.ts";
import { configuredSenders } from "../senders/index.ts";

function usage(): number {
  process.stderr.write(
    "usage: npm run dispatch -- --once [--max-rows N] [--concurrency N] [--lease-seconds N] [--as-of ISO-instant]\n" +
      "       (continuous dispatch is the worker's: npm start, crontab CRON_DISPATCH)\n",
  );
  return 2;
}

const positive = (s: string | undefined, min: number, max: number): number | undefined | null => {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
};

async function main(): Promise<number> {
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        once: { type: "boolean", default: false },
        "max-rows": { type: "string" },
        concurrency: { type: "string" },
        "lease-seconds": { type: "string" },
        "as-of": { type: "string" },
      },
    }));
  } catch {
    return usage();
  }
  if (!args.once) return usage();
  const maxRows = positive(args["max-rows"], 1, 100_000);
  const concurrency = positive(args.concurrency, 1, 64);
  const leaseSeconds = positive(args["lease-seconds"], 10, 86_400);
  const asOf = args["as-of"] === undefined ? undefined : new Date(args["as-of"]);
  if (maxRows === null || concurrency === null || leaseSeconds === null || (asOf && Number.isNaN(asOf.getTime()))) return usage();

  let config;
  let senders;
  try {
    config = loadConfig();
    senders = configuredSenders(process.env);
  } catch (err) {
    process.stderr.write(`dispatch: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const log = makeLogger(config.LOG_LEVEL);
  const correlationId = randomUUID();
  if (senders.length === 0) {
    log.warn({ component: "dispatch", correlation_id: correlationId, outcome: "no_sender" }, "dispatch: no sender is configured (set SMTP_URL and SMTP_FROM, or INSTANTLY_API_KEY, SMARTLEAD_API_KEY or HEYREACH_API_KEY); nothing to do");
  }

  // Imported here so that a run against DATABASE_URL never loads the embedded server.
  const { openDatabase } = await import("./database.ts");
  let db;
  try {
    db = await openDatabase(config);
  } catch (err) {
    process.stderr.write(
      `dispatch: cannot open the embedded database under ${config.OUTREACH_DATA_DIR} (is npm start running? then pass its DATABASE_URL): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const sql = connect(db.url);
  const started = performance.now();
  try {
    if (db.embedded) {
      const { migrate } = await import("./migrate.ts");
      await migrate(db.url);
    }
    const tallies = await dispatchCycle({
      sql,
      log,
      senders,
      correlationId,
      maxRows: maxRows ?? config.DISPATCH_MAX_ROWS,
      concurrency: concurrency ?? config.DISPATCH_CONCURRENCY,
      leaseSeconds: leaseSeconds ?? config.DISPATCH_LEASE_SECONDS,
      ...(asOf ? { asOf } : {}),
    });
    log.info(
      { component: "dispatch", correlation_id: correlationId, outcome: "ok", senders: tallies, ms: Math.round(performance.now() - started) },
      "dispatch cycle done",
    );
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    log.error({ component: "dispatch", correlation_id: correlationId, outcome: "failed", sqlstate: e.code, err: e.message }, `dispatch cycle failed: ${e.message}`);
    return 1;
  } finally {
    await Promise.all(senders.map((s) => s.close()));
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

process.exitCode = await main();
