/**
 * Crash recovery for graphile-worker's queue. graphile-worker 0.17 locks a job
 * with its worker pool's id (`locked_by` = "pool-<hex>") and, left alone,
 * releases the lock of a process that died only after 4 hours.
 *
 * Each runner announces that its pool is alive: a connection of its own (its
 * application_name says which pool, pid and host) holds a session advisory lock
 * keyed by the pool id (db.ts RUNNER_LOCK). Every runner, at start and then every
 * sweep interval, releases the locks of pools nobody holds alive once their newest
 * lock is older than JOB_STALE_LOCK_SECONDS (db.ts releaseAbandonedLocks). So after
 * a `kill -9`, the next sweep of any runner (a restarted one, or another one
 * running) hands the dead runner's jobs back to the queue.
 *
 * A process that takes jobs without announcing itself (graphile-worker's CLI,
 * runOnce) looks dead to the sweep: its jobs may be released after
 * JOB_STALE_LOCK_SECONDS and run twice. Run the hub's tasks through `npm start`.
 */
import { hostname } from "node:os";
import pg from "pg";
import { holdRunnerLockQuery, releaseAbandonedLocks, type Sql } from "./db.ts";
import type { Logger } from "./log.ts";

/** The liveness connection of one runner: holds its pool's lock, and takes it again after a reconnect. */
export class RunnerLiveness {
  private client: pg.Client | undefined;
  private poolId: string | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** Opens the connection (before the worker pool exists, so hold() sends at once). */
  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName() });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client));
    await client.connect();
    this.client = client;
    if (this.poolId !== undefined) await client.query(holdRunnerLockQuery(this.poolId, this.applicationName()));
  }

  /** Announces poolId as alive; the query goes out before the pool's first job query. */
  hold(poolId: string): Promise<void> {
    this.poolId = poolId;
    if (!this.client) return Promise.resolve();
    return this.client.query(holdRunnerLockQuery(poolId, this.applicationName())).then(
      () => this.log.debug({ event: "runner_lock", pool: poolId }, "worker pool announced alive"),
      (err: Error) => this.log.warn({ event: "runner_lock_failed", pool: poolId, err: err.message }, "could not announce the worker pool"),
    );
  }

  /** Ends the connection, and with it the lock. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }

  private applicationName(): string {
    return `outreach-runner ${this.poolId ?? "starting"} pid ${process.pid}@${hostname()}`.slice(0, 63);
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.log.warn({ event: "runner_lock_lost", pool: this.poolId, err: err?.message }, "liveness connection lost; reconnecting");
    const again = (): void => {
      if (this.closed) return;
      this.connect().catch((e: Error) => {
        this.log.warn({ event: "runner_lock_lost", pool: this.poolId, err: e.message }, "liveness reconnect failed");
        this.retry = setTimeout(again, 2_000);
      });
    };
    this.retry = setTimeout(again, 200);
  }
}

export interface Sweeper {
  /** Stops sweeping (waits for a sweep in progress). */
  stop(): Promise<void>;
}

/** Sweeps now, then every intervalMs: releases the locks of dead worker pools. */
export async function startSweeper(opts: { sql: Sql; log: Logger; ownPoolId: () => string | null; staleSeconds: number; intervalMs: number }): Promise<Sweeper> {
  const { sql, log } = opts;
  let running: Promise<void> = Promise.resolve();
  const sweep = async (): Promise<void> => {
    try {
      const released = await releaseAbandonedLocks(sql, opts.ownPoolId(), opts.staleSeconds);
      for (const { pool, jobs } of released.pools) {
        log.warn({ event: "released_locks", pool, jobs }, `released ${jobs} job lock(s) of dead worker pool ${pool}`);
      }
    } catch (err) {
      log.warn({ event: "sweep_failed", err: (err as Error).message }, "could not sweep abandoned job locks");
    }
  };
  await (running = sweep());
  const timer = setInterval(() => void (running = running.then(sweep)), opts.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
