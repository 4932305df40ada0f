import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeWorkerUtils, parseCrontab, runOnce, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/runner/config.ts";
import { generate } from "../../../src/ops/generate.ts";
import { makeLogger } from "../../../src/runner/log.ts";
import { setTaskContext } from "../../../src/runner/task.ts";
import { crontab, taskList, workerLogger } from "../../../src/runner/worker.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const log = makeLogger("silent");

let db: TestDatabase;
let pool: pg.Pool;
let utils: WorkerUtils;

const runJobs = () => runOnce({ pgPool: pool, taskList, logger: workerLogger(log), noHandleSignals: true });
const errorsFor = (cid: string) =>
  db.sql<{ source: string; sqlstate: string | null; message: string }[]>`
    select source, sqlstate, message from outreach.outreach_errors where correlation_id = ${cid}::uuid`;

beforeAll(async () => {
  db = await freshDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on("error", () => {});
  utils = await makeWorkerUtils({ pgPool: pool });
  await utils.migrate();
  setTaskContext({ sql: db.sql, log });
  await generate(db.sql, { companies: 400, seed: 7 });
  await db.sql`update outreach.settings set hourly_send_cap = 1000, daily_send_cap = 1000`;
});

afterAll(async () => {
  await utils.release();
  await pool.end();
  await db.drop();
});

describe("the crontab", () => {
  it("schedules every periodic task with an explicit id", () => {
    const items = parseCrontab(crontab(loadConfig({})));
    expect(items.map((i) => i.identifier).sort()).toEqual(["advance_sequences", "check_kill_switches", "dispatch", "init_pending", "promote"]);
    expect(items.map((i) => i.task).sort()).toEqual(["advance_sequences", "check_kill_switches", "dispatch", "init_pending", "promote"]);
  });

  it("refuses a malformed schedule in configuration", () => {
    expect(() => loadConfig({ CRON_PROMOTE: "every five minutes" })).toThrow(/CRON_PROMOTE/);
  });
});

describe("promote, as cron schedules it", () => {
  it("promotes exactly the eligible companies of the fixture", async () => {
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.v_ready`;
    expect(before?.n).toBeGreaterThan(5);
    const item = parseCrontab(crontab(loadConfig({ PROMOTE_MAX_ROWS: "10000" }))).find((i) => i.identifier === "promote");
    expect(item).toBeDefined();
    // The job exactly as graphile-worker's cron adds it (payload plus its _cron stamp).
    await utils.addJob(item!.task, { ...(item!.payload ?? {}), _cron: { ts: new Date().toISOString(), backfilled: false } });
    await runJobs();
    const [after] = await db.sql<{ ready: number; queued: number }[]>`
      select (select count(*)::int from outreach.v_ready) as ready,
             (select count(*)::int from outreach.send_log where send_status = 'queued') as queued`;
    expect(after?.ready).toBe(0);
    expect(after?.queued).toBe(before?.n);
    const [cids] = await db.sql<{ n: number }[]>`
      select count(distinct correlation_id)::int as n from outreach.send_log where send_status = 'queued'`;
    expect(cids?.n).toBe(1); // one job, one correlation id on every row it wrote
  });
});

describe("failures", () => {
  it("records an invalid payload with its correlation id and does not retry it", async () => {
    const cid = randomUUID();
    await utils.addJob("promote", { max_rows: -5, correlation_id: cid });
    await runJobs();
    const errors = await errorsFor(cid);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.source).toBe("task:promote");
    expect(errors[0]?.message).toMatch(/max_rows/);
    const [left] = await db.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'promote'`;
    expect(left?.n).toBe(0);
  });

  it("records a payload whose correlation id is not a v4 under a minted one", async () => {
    await utils.addJob("init_pending", { correlation_id: "6ba7b810-9dad-11d1-80b4-00c04fd430c8" });
    await runJobs();
    const rows = await db.sql<{ message: string }[]>`
      select message from outreach.outreach_errors where source = 'task:init_pending'`;
    expect(rows.some((r) => /correlation_id/.test(r.message))).toBe(true);
  });

  it("records a refusal by the database (unknown send) and does not retry it", async () => {
    const cid = randomUUID();
    await utils.addJob("record_events", {
      correlation_id: cid,
      events: [{ send_id: randomUUID(), event_type: "email_open", event_ts: new Date().toISOString(), source_system: "test" }],
    });
    await runJobs();
    const errors = await errorsFor(cid);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.sqlstate).toMatch(/^OR/);
    const [left] = await db.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'record_events'`;
    expect(left?.n).toBe(0);
  });

  it("records a transient failure and leaves the job for a retry", async () => {
    const cid = randomUUID();
    await db.sql`alter function outreach.advance_sequences(uuid, timestamptz) rename to advance_sequences_away`;
    try {
      await utils.addJob("advance_sequences", { correlation_id: cid });
      await runJobs();
    } finally {
      await db.sql`alter function outreach.advance_sequences_away(uuid, timestamptz) rename to advance_sequences`;
    }
    expect(await errorsFor(cid)).toHaveLength(1);
    const [job] = await db.sql<{ attempts: number; last_error: string | null; locked_at: Date | null }[]>`
      select attempts, last_error, locked_at from graphile_worker.jobs where task_identifier = 'advance_sequences'`;
    expect(job?.attempts).toBe(1);
    expect(job?.last_error).toMatch(/advance_sequences/);
    expect(job?.locked_at).toBeNull();
    await utils.completeJobs((await db.sql<{ id: string }[]>`select id::text from graphile_worker.jobs`).map((j) => j.id));
  });
});

describe("SIGTERM during a running job", () => {
  it("waits for the job, exits 0 and leaves nothing locked", async () => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["src/runner/start.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "info", WORKER_POLL_INTERVAL_MS: "200" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await expect.poll(() => out.includes('"event":"ready"'), { timeout: 45_000, interval: 100 }).toBe(true);

    // Hold the promote lock so the job is certainly running when the signal comes.
    const holder = await db.sql.reserve();
    await holder`begin`;
    await holder`select pg_advisory_xact_lock(hashtext('outreach.promote'))`;
    const cid = randomUUID();
    await utils.addJob("promote", { correlation_id: cid, max_rows: 5 });
    await expect
      .poll(async () => (await db.sql`select 1 from graphile_worker.jobs where locked_at is not null`).length, { timeout: 20_000 })
      .toBe(1);
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await holder`rollback`;
    holder.release();

    const code = await exited;
    if (code !== 0) console.error(out);
    expect(code).toBe(0);
    expect(out).toContain(`"correlation_id":"${cid}"`);
    const stuck = await db.sql`select task_identifier, attempts, last_error from graphile_worker.jobs where locked_at is not null`;
    if (stuck.length) console.error(stuck, out);
    const [locked] = await db.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where locked_at is not null`;
    expect(locked?.n).toBe(0);
  });
});
