import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/runner/config.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** `npm start`'s entry as a child process with this environment added, its stdout and
 * stderr collected, and a promise of its exit code. */
function startRunner(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/runner/start.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe("configuration", () => {
  it("applies defaults", () => {
    const c = loadConfig({});
    expect(c.WORKER_CONCURRENCY).toBe(2);
    expect(c.CRON_INIT_PENDING).toBe("*/5 * * * *");
    expect(c.DATABASE_URL).toBeUndefined();
  });
  it("refuses a bad DATABASE_URL and a bad number, naming both", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x", WORKER_CONCURRENCY: "zero" })).toThrow(
      /DATABASE_URL.*WORKER_CONCURRENCY|WORKER_CONCURRENCY.*DATABASE_URL/,
    );
  });
});

describe("npm start", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("migrates, logs ready, and stops cleanly on SIGTERM leaving no job locked", async () => {
    const { child, exited, output } = startRunner({ DATABASE_URL: db.url, LOG_LEVEL: "info" });
    await expect
      .poll(() => output().includes('"event":"ready"'), { timeout: 45_000, interval: 100 })
      .toBe(true);
    const ready = JSON.parse(output().split("\n").find((l) => l.includes('"event":"ready"')) ?? "{}") as { embedded?: boolean };
    expect(ready.embedded).toBe(false);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain('"event":"stopped"');
    const locked = await db.sql`select count(*)::int as n from graphile_worker._private_jobs where locked_at is not null`;
    expect(locked[0]?.n).toBe(0);
    const cron = await db.sql`select identifier from graphile_worker._private_known_crontabs order by 1`;
    expect(cron.map((r) => r.identifier)).toContain("init_pending");
  });

  it("a second SIGTERM while it stops does not cut the shutdown short", async () => {
    const { child, exited, output } = startRunner({ DATABASE_URL: db.url, LOG_LEVEL: "info" });
    await expect
      .poll(() => output().includes('"event":"ready"'), { timeout: 45_000, interval: 100 })
      .toBe(true);
    child.kill("SIGTERM");
    await expect.poll(() => output().includes('"event":"stopping"'), { timeout: 10_000, interval: 10 }).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain('"event":"stopped"');
    const locked = await db.sql`select count(*)::int as n from graphile_worker._private_jobs where locked_at is not null`;
    expect(locked[0]?.n).toBe(0);
  });
});

describe("npm start with the webhook receiver", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("takes a signed booking over HTTP through the queue to a handoff", async () => {
    const { randomBytes } = await import("node:crypto");
    const { signatureHeader } = await import("../../../src/http/server.ts");
    const secret = randomBytes(32).toString("hex");
    const { child, exited, output } = startRunner({
      DATABASE_URL: db.url, WEBHOOK_PORT: "0", WEBHOOK_SECRET: secret, WORKER_POLL_INTERVAL_MS: "200",
    });
    try {
      await expect.poll(() => output().includes('"event":"ready"'), { timeout: 45_000, interval: 100 }).toBe(true);
      const ready = JSON.parse(output().split("\n").find((l) => l.includes('"event":"ready"')) ?? "{}") as { webhook_port?: number };
      expect(ready.webhook_port).toBeGreaterThan(0);

      const [made] = await db.sql<{ oid: string }[]>`
        with c as (insert into cl.company_identity (company_name) values ('Booked Co') returning sovereign_company_id)
        select outreach.init_outreach(c.sovereign_company_id, gen_random_uuid())::text as oid from c`;
      const [rec] = await db.sql<{ oid: string; link: string }[]>`
        select ${made!.oid}::text as oid, outreach.calendar_link(${made!.oid}::uuid) as link`;
      const q = new URL(rec!.link).searchParams;
      const body = JSON.stringify({
        sid: q.get("sid"), oid: q.get("oid"), exp: Number(q.get("exp")), sig: q.get("sig"), booked_at: new Date().toISOString(),
      });
      const res = await fetch(`http://127.0.0.1:${ready.webhook_port}/webhooks/booking`, {
        method: "POST",
        headers: { "content-type": "application/json", "outreach-signature": signatureHeader(secret, body) },
        body,
      });
      expect(res.status).toBe(202);
      await expect
        .poll(async () => (await db.sql`select 1 from outreach.handoffs where outreach_id = ${rec!.oid}::uuid`).length, { timeout: 20_000 })
        .toBe(1);
      const [spine] = await db.sql<{ status: string }[]>`select status from outreach.outreach where outreach_id = ${rec!.oid}::uuid`;
      expect(spine?.status).toBe("HANDED_OFF");
    } finally {
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
