/**
 * `npm start`: open the database (DATABASE_URL or embedded under .data/), migrate,
 * run the worker with its crontab (and the webhook receiver when WEBHOOK_PORT is
 * set) until SIGINT or SIGTERM, or until the process that started it is gone, then
 * stop cleanly: receiver, worker (running jobs finish), connections, database.
 *
 * `npm start` execs node (package.json), so npm's SIGTERM reaches this process;
 * should the parent die without passing a signal on (npm killed, a supervisor
 * signalling npm only), this process is re-parented, notices within a second,
 * and stops as on SIGTERM.
 */
import { loadConfig } from "./config.ts";
import { loadWebhookConfig, startWebhookServer, type WebhookServer } from "../http/server.ts";
import { connect } from "./db.ts";
import { configuredSenders } from "../senders/index.ts";
import { makeLogger } from "./log.ts";
import { migrate } from "./migrate.ts";
import { openDatabase } from "./database.ts";
import { setTaskContext } from "./task.ts";
import { startWorker } from "./worker.ts";

const started = Date.now();
const config = loadConfig();
const webhookConfig = loadWebhookConfig();
const log = makeLogger(config.LOG_LEVEL);
// Sender configuration (SMTP_*) is checked now, so a bad one stops the start, not every dispatch.
const checkedSenders = configuredSenders();
const senders = checkedSenders.map((s) => s.name);
await Promise.all(checkedSenders.map((s) => s.close()));

const db = await openDatabase(config);
let stopping = false;
const sql = connect(db.url);
try {
  await migrate(db.url);
  setTaskContext({ sql, log });
  const worker = await startWorker(db.url, config, log, sql);
  const webhooks: WebhookServer | undefined = webhookConfig
    ? await startWebhookServer({ config: webhookConfig, sql, log })
    : undefined;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ event: "stopping", signal }, "stopping: waiting for running jobs");
    try {
      await webhooks?.close();
      await worker.stop();
      await sql.end({ timeout: 5 });
    } finally {
      await db.stop();
      log.info({ event: "stopped", signal }, "stopped");
      process.exit(0);
    }
  };
  // Worker first, server last (see loadEmbeddedPostgres). Installed before "ready" is
  // logged, so a supervisor that signals as soon as it reads it finds them; kept for
  // every signal (`on`, not `once`): a second SIGTERM during the shutdown would otherwise
  // kill the process mid-way and leave its jobs locked (`stopping` makes it a no-op).
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  log.info(
    {
      event: "ready",
      embedded: db.embedded,
      ms: Date.now() - started,
      webhook_port: webhooks?.port ?? null,
      // Without WEBHOOK_SECRET the receiver serves one-click unsubscribe (/u/) only.
      webhook_routes: webhookConfig ? (webhookConfig.secret === null ? "unsubscribe only" : "all") : "off",
      senders,
      worker_pool: worker.poolId,
      pid: process.pid,
      cron: { init_pending: config.CRON_INIT_PENDING, promote: config.CRON_PROMOTE, check_kill_switches: config.CRON_CHECK_KILL_SWITCHES, advance_sequences: config.CRON_ADVANCE_SEQUENCES, dispatch: config.CRON_DISPATCH },
    },
    "outreach hub ready: worker running",
  );
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown("parent_exit");
  }, 1_000).unref();
  await worker.runner.promise;
} catch (err) {
  log.fatal({ err }, "outreach hub failed");
  await sql.end({ timeout: 1 }).catch(() => {});
  await db.stop().catch(() => {});
  process.exit(1);
}
