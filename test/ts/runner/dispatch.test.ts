/**
 * Dispatch end to end: claim_sends → the smtp sender → a real SMTP server in another
 * process (src/dev/mail-sink.ts) → ack_send / release_send, on a database of its own.
 * In process for the outcomes; as `npm run dispatch -- --once` child processes for a
 * kill -9 mid-lease and for two runners at once.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { makeWorkerUtils, parseCrontab, runOnce } from "graphile-worker";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersOf } from "../../../src/dev/mail-sink.ts";
import { loadConfig } from "../../../src/runner/config.ts";
import { dispatchCycle } from "../../../src/runner/dispatch.ts";
import { makeLogger } from "../../../src/runner/log.ts";
import { setTaskContext } from "../../../src/runner/task.ts";
import { crontab, taskList, workerLogger } from "../../../src/runner/worker.ts";
import { createSmtpSender, loadSmtpConfig } from "../../../src/senders/smtp.ts";
import { readdress, seedSmtpSends, type QueuedSend } from "../dispatch-fixture.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";
import { root, spawnMailSink, tsx, type SinkProcess } from "../mail-sink.ts";

const log = makeLogger("silent");
const FROM = "Outreach <outreach@hub.example>";

interface Row {
  send_id: string;
  send_status: string;
  attempt: number;
  claim_token: string | null;
  lease_until: Date | null;
  retry_after: Date | null;
  handed_over_at: Date | null;
  sent_at: Date | null;
  provider_message_id: string | null;
  error_message: string | null;
  stop_reason: string | null;
}

const rowOf = async (db: TestDatabase, sendId: string): Promise<Row> => {
  const [r] = await db.sql<Row[]>`
    select send_id::text, send_status, attempt, claim_token::text, lease_until, retry_after, handed_over_at,
           sent_at, provider_message_id, error_message, stop_reason
      from outreach.send_log where send_id = ${sendId}::uuid`;
  if (!r) throw new Error(`no send ${sendId}`);
  return r;
};

const messagesFor = (sink: SinkProcess, email: string) => sink.messages.filter((m) => m.to.includes(email));

function smtpSender(port: number) {
  const config = loadSmtpConfig({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: FROM, SMTP_TIMEOUT_MS: "5000" });
  if (!config) throw new Error("smtp config expected");
  return createSmtpSender(config);
}

async function cycle(db: TestDatabase, port: number, asOf?: Date) {
  const sender = smtpSender(port);
  try {
    return await dispatchCycle({
      sql: db.sql,
      log,
      senders: [sender],
      correlationId: randomUUID(),
      maxRows: 1000,
      concurrency: 4,
      leaseSeconds: 60,
      ...(asOf ? { asOf } : {}),
    });
  } finally {
    await sender.close();
  }
}

/** `npm run dispatch -- --once …` as a child process; resolves with its exit code and output. */
function dispatchProcess(db: TestDatabase, port: number, args: string[] = []) {
  // node itself (not the tsx wrapper, which runs the script in a child of its own), so a
  // SIGKILL reaches the process that holds the claim, as `npm run dispatch` (exec node) does.
  const child = spawn(process.execPath, ["--import", "tsx", "src/runner/dispatch-cli.ts", "--once", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: FROM, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, out })),
  );
  return { child, done };
}

describe("one cycle, in process", () => {
  let db: TestDatabase;
  let sink: SinkProcess;
  let sends: QueuedSend[];
  let temp: QueuedSend;
  let hard: QueuedSend;

  beforeAll(async () => {
    db = await freshDatabase();
    sink = await spawnMailSink(["--temp-once", "^temp-", "--hard", "^hard-"]);
    sends = await seedSmtpSends(db.sql, { companies: 400 });
    expect(sends.length).toBeGreaterThanOrEqual(6);
    temp = await readdress(db.sql, sends[0]!, "temp-once@customer.example");
    hard = await readdress(db.sql, sends[1]!, "hard-bounce@customer.example");
  });
  afterAll(async () => {
    await sink?.stop();
    await db?.drop();
  });

  it("hands every takeable send over once, with the headers, and records the ack", async () => {
    const [tally] = await cycle(db, sink.port);
    await sink.settle();
    expect(tally).toMatchObject({ sender: "smtp", claimed: sends.length, sent: sends.length - 2, retried: 1, bounced: 1, rejected: 0, unreported: 0 });
    const ok = sends.slice(2);
    expect(sink.messages.length).toBe(ok.length);
    for (const s of ok) {
      const got = messagesFor(sink, s.email_to);
      expect(got.length).toBe(1);
      const h = headersOf(got[0]!.raw);
      const [u] = await db.sql<{ url: string }[]>`select outreach.unsubscribe_url(${s.send_id}::uuid) as url`;
      expect(h["message-id"]).toBe(`<${s.send_id}@hub.example>`);
      expect(h["list-unsubscribe"]).toBe(`<${u!.url}>`);
      expect(h["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
      const row = await rowOf(db, s.send_id);
      expect(row.handed_over_at).not.toBeNull();
      expect(row.sent_at).not.toBeNull();
      expect(row.send_status).toBe("sent");
      expect(row.provider_message_id).toBe(`<${s.send_id}@hub.example>`);
    }
  });

  it("a 4xx released the send for a later try (not failed), with the error recorded", async () => {
    const row = await rowOf(db, temp.send_id);
    expect(row.send_status).toBe("queued");
    expect(row.handed_over_at).toBeNull();
    expect(row.retry_after!.getTime()).toBeGreaterThan(Date.now());
    expect(row.error_message).toContain("451");
    const [e] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from outreach.outreach_errors e
        join outreach.send_log l on l.correlation_id = e.correlation_id
       where l.send_id = ${temp.send_id}::uuid and e.message like '%451%'`;
    expect(e?.n).toBeGreaterThanOrEqual(1);
  });

  it("a 5xx on RCPT TO recorded an email_bounce from smtp and failed the send", async () => {
    const [ev] = await db.sql<{ n: number; code: string | null }[]>`
      select count(*)::int as n, max(metadata->>'smtp_response_code') as code
        from outreach.engagement_events
       where send_id = ${hard.send_id}::uuid and event_type = 'email_bounce' and source_system = 'smtp'`;
    expect(ev).toEqual({ n: 1, code: "550" });
    const row = await rowOf(db, hard.send_id);
    expect(row.send_status).toBe("failed");
    expect(row.stop_reason).toBe("send_failed");
    expect(row.handed_over_at).toBeNull();
    expect(row.claim_token).toBeNull();
    const [sup] = await db.sql<{ s: boolean }[]>`select outreach.is_suppressed(${hard.email_to}) as s`;
    expect(sup?.s).toBe(true);
  });

  it("nothing is handed out again before retry_after; past it the 4xx send goes out, once", async () => {
    const [again] = await cycle(db, sink.port);
    await sink.settle();
    expect(again?.claimed).toBe(0);
    expect(messagesFor(sink, temp.email_to).length).toBe(0);

    const later = new Date((await rowOf(db, temp.send_id)).retry_after!.getTime() + 1000);
    const [tally] = await cycle(db, sink.port, later);
    await sink.settle();
    expect(tally).toMatchObject({ claimed: 1, sent: 1 });
    expect(messagesFor(sink, temp.email_to).length).toBe(1);
    const row = await rowOf(db, temp.send_id);
    expect(row.send_status).toBe("sent");
    expect(row.attempt).toBe(2);
    expect(row.handed_over_at).not.toBeNull();
    expect(messagesFor(sink, hard.email_to).length).toBe(0);
  });
});

describe("a server refusing everything for now", () => {
  let db: TestDatabase;
  let sink: SinkProcess;

  beforeAll(async () => {
    db = await freshDatabase();
    sink = await spawnMailSink(["--temp", "."]);
  });
  afterAll(async () => {
    await sink?.stop();
    await db?.drop();
  });

  it("costs one batch of attempts: a batch that comes back entirely for retry ends the cycle", async () => {
    const sends = await seedSmtpSends(db.sql, { companies: 400, seed: 21 });
    expect(sends.length).toBeGreaterThan(4);
    const sender = smtpSender(sink.port);
    try {
      const [tally] = await dispatchCycle({ sql: db.sql, log, senders: [sender], correlationId: randomUUID(), maxRows: 1000, concurrency: 2, leaseSeconds: 60 });
      expect(tally).toMatchObject({ claimed: 2, retried: 2, sent: 0, backed_off: true });
    } finally {
      await sender.close();
    }
    const [n] = await db.sql<{ tried: number; untouched: number }[]>`
      select count(*) filter (where attempt > 0)::int as tried, count(*) filter (where attempt = 0)::int as untouched
        from outreach.send_log where send_status = 'queued'`;
    expect(n).toEqual({ tried: 2, untouched: sends.length - 2 });
  });
});

describe("the dispatch task", () => {
  let db: TestDatabase;
  let sink: SinkProcess;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshDatabase();
    sink = await spawnMailSink();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    const utils = await makeWorkerUtils({ pgPool: pool });
    await utils.migrate();
    await utils.release();
  });
  afterAll(async () => {
    await pool?.end();
    await sink?.stop();
    await db?.drop();
  });

  it("is in the crontab every minute by default, with DISPATCH_* as its payload", () => {
    const item = parseCrontab(crontab(loadConfig({ DISPATCH_MAX_ROWS: "50" }))).find((i) => i.identifier === "dispatch");
    expect(item?.task).toBe("dispatch");
    expect(item?.payload).toEqual({ max_rows: 50, concurrency: 4, lease_seconds: 300 });
    expect(loadConfig({}).CRON_DISPATCH).toBe("* * * * *");
  });

  it("runs one cycle through graphile-worker with SMTP_* from the environment", async () => {
    const sends = await seedSmtpSends(db.sql, { companies: 300, seed: 5 });
    expect(sends.length).toBeGreaterThan(0);
    const saved = { url: process.env.SMTP_URL, from: process.env.SMTP_FROM };
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    process.env.SMTP_FROM = FROM;
    try {
      setTaskContext({ sql: db.sql, log });
      const utils = await makeWorkerUtils({ pgPool: pool });
      await utils.addJob("dispatch", { correlation_id: randomUUID() });
      await utils.release();
      await runOnce({ pgPool: pool, taskList, logger: workerLogger(log), noHandleSignals: true });
      await sink.settle();
    } finally {
      if (saved.url === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = saved.url;
      if (saved.from === undefined) delete process.env.SMTP_FROM;
      else process.env.SMTP_FROM = saved.from;
    }
    expect(sink.messages.length).toBe(sends.length);
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.send_log where handed_over_at is not null`;
    expect(n?.n).toBe(sends.length);
  });
});

describe("npm run dispatch", () => {
  it("without --once refuses with the usage (exit 2): continuous dispatch is the worker's", async () => {
    const child = spawn(tsx, ["src/runner/dispatch-cli.ts"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--once/);
  });
});

describe("runner processes", () => {
  let db: TestDatabase;
  let sink: SinkProcess;
  let sends: QueuedSend[];
  let held: QueuedSend;

  beforeAll(async () => {
    db = await freshDatabase();
    // A server that takes 100 ms per message, so two runners started together overlap.
    sink = await spawnMailSink(["--hold-once", "^held-", "--hold-ms", "120000", "--delay-ms", "100"]);
    sends = await seedSmtpSends(db.sql, { companies: 1200, seed: 3 });
    expect(sends.length).toBeGreaterThanOrEqual(40);
    held = await readdress(db.sql, sends[0]!, "held-once@customer.example");
  });
  afterAll(async () => {
    await sink?.stop();
    await db?.drop();
  });

  it("a dispatcher killed (-9) mid-lease loses nothing: the send goes out once its lease expires, exactly once", async () => {
    // Only the held send is takeable for now: the others wait for the next test.
    await db.sql`update outreach.send_log set scheduled_at = now() + interval '1 day'
                  where send_status = 'queued' and send_id <> ${held.send_id}::uuid`;
    // 30 s: long enough that the second runner below surely starts inside it, even on a loaded machine.
    const first = dispatchProcess(db, sink.port, ["--lease-seconds", "30"]);
    await expect
      .poll(() => sink.events.some((e) => e.event === "rcpt" && e.to === held.email_to && e.reply === "held"), { timeout: 30_000, interval: 50 })
      .toBe(true);
    first.child.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");
    const leased = await rowOf(db, held.send_id);
    expect(leased.claim_token).not.toBeNull();
    expect(leased.handed_over_at).toBeNull();

    // While the lease runs, another runner does not get it.
    const early = await dispatchProcess(db, sink.port).done;
    await sink.settle();
    expect(early.code).toBe(0);
    expect(messagesFor(sink, held.email_to).length).toBe(0);
    expect((await rowOf(db, held.send_id)).claim_token).toBe(leased.claim_token); // still the killed runner's claim

    const wait = leased.lease_until!.getTime() - Date.now() + 500;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const after = await dispatchProcess(db, sink.port).done;
    await sink.settle();
    expect(after.code).toBe(0);
    expect(messagesFor(sink, held.email_to).length).toBe(1);
    const row = await rowOf(db, held.send_id);
    expect(row.handed_over_at).not.toBeNull();
    expect(row.send_status).toBe("sent");
    expect(row.attempt).toBe(2);

    const again = await dispatchProcess(db, sink.port).done;
    await sink.settle();
    expect(again.code).toBe(0);
    expect(messagesFor(sink, held.email_to).length).toBe(1);
  });

  it("two runner processes dispatching at once against one database send each message once", async () => {
    await db.sql`update outreach.send_log set scheduled_at = now() - interval '1 minute'
                  where send_status = 'queued' and handed_over_at is null`;
    const waiting = sends.length - 1;
    const before = sink.messages.length;
    const a = dispatchProcess(db, sink.port, ["--concurrency", "3"]);
    const b = dispatchProcess(db, sink.port, ["--concurrency", "3"]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    await sink.settle();
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    const received = sink.messages.slice(before);
    expect(received.length).toBe(waiting);
    const ids = received.map((m) => headersOf(m.raw)["message-id"]);
    expect(new Set(ids).size).toBe(waiting);
    // Both took part, and between them every send went out once (one log line per send handed over).
    const sentBy = (out: string) =>
      out.split("\n").filter((l) => l.includes('"outcome":"sent"') && l.includes('"component":"dispatch"')).length;
    expect(sentBy(ra.out)).toBeGreaterThan(0);
    expect(sentBy(rb.out)).toBeGreaterThan(0);
    expect(sentBy(ra.out) + sentBy(rb.out)).toBe(waiting);
    const [n] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from outreach.send_log where handed_over_at is not null and send_status = 'sent'`;
    expect(n?.n).toBe(sends.length);
  });
});
