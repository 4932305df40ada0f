/**
 * The worker: graphile-worker with the hub's task list and a crontab built from
 * validated configuration. Cron times are UTC (graphile-worker evaluates them so).
 */
import { EventEmitter } from "node:events";
import { Logger as WorkerLogger, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import type { Config } from "./config.ts";
import type { Sql } from "./db.ts";
import type { Logger } from "./log.ts";
import { RunnerLiveness, startSweeper } from "./recovery.ts";
import advanceSequences from "../../tasks/advance_sequences.ts";
import checkKillSwitches from "../../tasks/check_kill_switches.ts";
import dispatch from "../../tasks/dispatch.ts";
import initPending from "../../tasks/init_pending.ts";
import promote from "../../tasks/promote.ts";
import recordBooking from "../../tasks/record_booking.ts";
import recordEvents from "../../tasks/record_events.ts";
import recordMeetingBooked from "../../tasks/record_meeting_booked.ts";
import recordProviderEvent from "../../tasks/record_provider_event.ts";

export const taskList: TaskList = {
  init_pending: initPending,
  promote,
  check_kill_switches: checkKillSwitches,
  advance_sequences: advanceSequences,
  record_events: recordEvents,
  record_meeting_booked: recordMeetingBooked,
  record_provider_event: recordProviderEvent,
  record_booking: recordBooking,
  dispatch,
};

/** One line per periodic task; explicit ids so renaming a task never double-schedules. */
export function crontab(config: Config): string {
  return [
    `${config.CRON_INIT_PENDING} init_pending ?id=init_pending&max=1 ${JSON.stringify({ max_rows: config.INIT_PENDING_MAX_ROWS })}`,
    `${config.CRON_CHECK_KILL_SWITCHES} check_kill_switches ?id=check_kill_switches&max=1 {}`,
    `${config.CRON_PROMOTE} promote ?id=promote&max=1 ${JSON.stringify({ max_rows: config.PROMOTE_MAX_ROWS })}`,
    `${config.CRON_ADVANCE_SEQUENCES} advance_sequences ?id=advance_sequences&max=1 {}`,
    `${config.CRON_DISPATCH} dispatch ?id=dispatch&max=1 ${JSON.stringify({
      max_rows: config.DISPATCH_MAX_ROWS,
      concurrency: config.DISPATCH_CONCURRENCY,
      lease_seconds: config.DISPATCH_LEASE_SECONDS,
    })}`,
  ].join("\n");
}

/** graphile-worker's own messages, as JSON lines through the hub's logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const line = { component: "graphile-worker", job_id: scope.jobId, task: scope.taskIdentifier, ...meta };
    if (level === "error") log.error(line, message);
    else if (level === "warning") log.warn(line, message);
    else if (level === "info") log.debug(line, message);
    else log.trace(line, message);
  });
}

export interface Worker {
  runner: Runner;
  /** graphile-worker's pool id: what `locked_by` says on the jobs this runner holds. */
  poolId: string | null;
  /** Stops taking jobs, waits for running ones, releases the pool and the liveness lock. */
  stop(): Promise<void>;
}

/**
 * Runs graphile-worker, announces its pool alive (recovery.ts) and sweeps the
 * locks of dead runners' pools, at start and every sweep interval.
 */
export async function startWorker(url: string, config: Config, log: Logger, sql: Sql): Promise<Worker> {
  // Our own pool, so shutdown order is ours and a server going away is logged, not thrown.
  const pgPool = new pg.Pool({ connectionString: url, max: config.WORKER_CONCURRENCY + 2 });
  const lost = (err: Error): void => {
    log.warn({ component: "graphile-worker", err: err.message }, "worker connection lost");
  };
  pgPool.on("error", lost);
  pgPool.on("connect", (client) => client.on("error", lost));
  const liveness = new RunnerLiveness(url, log);
  await liveness.connect();
  let poolId: string | null = null;
  const events: WorkerEvents = new EventEmitter();
  // Emitted before the pool's workers ask for their first job.
  events.on("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
    void liveness.hold(workerPool.id);
  });
  let runner: Runner;
  try {
    runner = await run({
      events,
      pgPool,
      concurrency: config.WORKER_CONCURRENCY,
      pollInterval: config.WORKER_POLL_INTERVAL_MS,
      noHandleSignals: true,
      taskList,
      crontab: crontab(config),
      logger: workerLogger(log),
    });
  } catch (err) {
    await liveness.close();
    await pgPool.end();
    throw err;
  }
  const sweeper = await startSweeper({
    sql,
    log,
    ownPoolId: () => poolId,
    staleSeconds: config.JOB_STALE_LOCK_SECONDS,
    intervalMs: Math.max(500, Math.min(30_000, (config.JOB_STALE_LOCK_SECONDS * 1000) / 2)),
  });
  return {
    runner,
    get poolId() {
      return poolId;
    },
    stop: async () => {
      await sweeper.stop();
      await runner.stop();
      // graphile-worker 0.17 marks a job complete without awaiting it; let those
      // last queries finish before the pool goes, or the job stays locked.
      const deadline = Date.now() + 5_000;
      await new Promise((r) => setTimeout(r, 20));
      while (pgPool.totalCount - pgPool.idleCount + pgPool.waitingCount > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await pgPool.end();
      await liveness.close();
    },
  };
}
