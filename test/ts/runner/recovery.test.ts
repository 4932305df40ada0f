/**
 * Crash recovery and signals, with real runner processes: a runner killed with
 * -9 leaves its job locked; the next runner hands it back to the queue (not after
 * graphile-worker's 4 hours) and runs it, while a live runner's job is never
 * taken. And `npm start` stops its node process when only npm is signalled.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdRunnerLockQuery, releaseAbandonedLocks } from "../../../src/runner/db.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

interface Runner {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
  /** The ready line: the node process's pid and its worker pool id. */
  ready: Promise<{ pid: number; worker_pool: string }>;
}

function runner(command: string, args: string[], env: Record<string, string>): Runner {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, LOG_LEVEL: "info", WORKER_POLL_INTERVAL_MS: "200", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = (async () => {
    await expect.poll(() => out.includes('"event":"ready"'), { timeout: 60_000, interval: 100 }).toBe(true);
    return JSON.parse(out.split("\n").find((l) => l.includes('"event":"ready"'))!) as { pid: number; worker_pool: string };
  })();
  return { child, out: () => out, exited, ready };
}

/**
 * The runner as `npm start` runs it: node with tsx's loader, no tsx launcher in
 * between (whose signal relay SIGKILLs a child that does not acknowledge within 30 ms).
 */
const start = ["--import", "tsx", "src/runner/start.ts"];
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("releaseAbandonedLocks", () => {
  let db: TestDatabase;
  let utils: WorkerUtils;
  beforeAll(async () => {
    db = await freshDatabase();
    utils = await makeWorkerUtils({ connectionString: db.url });
    await utils.migrate();
  });
  afterAll(async () => {
    await utils.release();
    await db.drop();
  });

  it("releases a gone pool's locks once they are stale, never a live pool's nor the caller's own", async () => {
    const dead = await utils.addJob("promote", {});
    const live = await utils.addJob("promote", {});
    await db.sql`
      update graphile_worker._private_jobs
         set locked_by = case when id = ${dead.id}::bigint then 'pool-dead' else 'pool-live' end,
             locked_at = now() - interval '10 seconds'`;
    const session = postgres(db.url, { max: 1, onnotice: () => {} });
    const hold = holdRunnerLockQuery("pool-live", "test");
    await session.unsafe(hold.text, hold.values);
    const lockedBy = async () =>
      Object.fromEntries((await db.sql<{ id: string; locked_by: string | null }[]>`select id::text, locked_by from graphile_worker.jobs`).map((j) => [j.id, j.locked_by]));

    expect(await releaseAbandonedLocks(db.sql, null, 60)).toEqual({ pools: [] }); // not stale yet
    expect(await releaseAbandonedLocks(db.sql, null, 5)).toEqual({ pools: [{ pool: "pool-dead", jobs: 1 }] });
    expect(await lockedBy()).toEqual({ [dead.id]: null, [live.id]: "pool-live" });

    await session.end(); // the live runner dies: its session, and the lock, go
    expect(await releaseAbandonedLocks(db.sql, "pool-live", 5)).toEqual({ pools: [] });
    expect(await releaseAbandonedLocks(db.sql, null, 5)).toEqual({ pools: [{ pool: "pool-live", jobs: 1 }] });
    expect(await lockedBy()).toEqual({ [dead.id]: null, [live.id]: null });
  });
});

describe("a runner killed with -9", () => {
  let db: TestDatabase;
  let utils: WorkerUtils | undefined;
  const started: Runner[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    for (const r of started) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await utils?.release();
    await db.drop();
  });

  it("leaves a locked job that the restarted runner releases and runs; a live runner's job is never taken", async () => {
    const env = { DATABASE_URL: db.url, JOB_STALE_LOCK_SECONDS: "1" };
    const first = runner(process.execPath, start, env);
    started.push(first);
    const a = await first.ready;
    utils = await makeWorkerUtils({ connectionString: db.url });

    // The promote task waits on this lock, so the job is certainly running, and locked, in the first runner.
    const holder = await db.sql.reserve();
    await holder`begin`;
    await holder`select pg_advisory_xact_lock(hashtext('outreach.promote'))`;
    const cid = randomUUID();
    await utils.addJob("promote", { correlation_id: cid, max_rows: 5 });
    const lockedBy = async () =>
      (await db.sql<{ locked_by: string | null }[]>`select locked_by from graphile_worker.jobs where task_identifier = 'promote'`)[0]?.locked_by;
    await expect.poll(lockedBy, { timeout: 20_000 }).toBe(a.worker_pool);

    // A second, live runner sweeps more than once: it leaves the live runner's job alone.
    const second = runner(process.execPath, start, env);
    started.push(second);
    await second.ready;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await lockedBy()).toBe(a.worker_pool);
    expect(second.out()).not.toContain('"event":"released_locks"');
    second.child.kill("SIGTERM");
    const secondCode = await second.exited;
    if (secondCode !== 0) console.error(second.out());
    expect(secondCode).toBe(0);

    // kill -9: nothing runs its shutdown.
    process.kill(a.pid, "SIGKILL");
    await first.exited;
    await expect.poll(() => alive(a.pid), { timeout: 5_000 }).toBe(false);
    await holder`rollback`;
    holder.release();
    expect(await lockedBy()).toBe(a.worker_pool); // graphile-worker alone would keep this for 4 hours

    const restarted = runner(process.execPath, start, env);
    started.push(restarted);
    await restarted.ready;
    await expect
      .poll(async () => (await db.sql`select 1 from graphile_worker.jobs where task_identifier = 'promote'`).length, { timeout: 20_000 })
      .toBe(0);
    const out = restarted.out();
    expect(out).toContain(`"event":"released_locks","pool":"${a.worker_pool}","jobs":1`);
    expect(out).toMatch(new RegExp(`"correlation_id":"${cid}".*"outcome":"ok"`));
    restarted.child.kill("SIGTERM");
    const code = await restarted.exited;
    if (code !== 0) console.error(out, restarted.out());
    expect(code).toBe(0);
  }, 150_000); // three runners start and stop, one after another
});

describe("npm start under a supervisor", () => {
  let db: TestDatabase;
  const started: Runner[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
  });
  const pids: number[] = [];
  afterAll(async () => {
    for (const r of started) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL"); // a node process left behind by a failure
    await db.drop();
  });

  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    it(`stops the node process when only npm gets ${signal}`, async () => {
      const npm = runner("npm", ["start"], { DATABASE_URL: db.url });
      started.push(npm);
      const { pid } = await npm.ready;
      pids.push(pid);
      expect(pid).not.toBe(npm.child.pid);
      npm.child.kill(signal); // npm's pid only, as a supervisor does
      await expect.poll(() => alive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
      await expect.poll(() => npm.out().includes('"event":"stopped"'), { timeout: 2_000 }).toBe(true);
      expect(npm.out()).toContain(`"signal":"${signal === "SIGTERM" ? "SIGTERM" : "parent_exit"}"`);
      const [locked] = await db.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where locked_at is not null`;
      expect(locked?.n).toBe(0);
    });
  }
});
