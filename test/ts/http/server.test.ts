import { randomBytes, randomUUID } from "node:crypto";
import { runMigrations } from "graphile-worker";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadWebhookConfig, startWebhookServer, type WebhookConfig, type WebhookServer } from "../../../src/http/server.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";
import { call, capturingLogger, expectedJobKey, hmacHex, now, signed } from "./helpers.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("webhook configuration", () => {
  it("is off unless WEBHOOK_PORT is set, and a blank port counts as unset", () => {
    expect(loadWebhookConfig({})).toBeNull();
    expect(loadWebhookConfig({ WEBHOOK_PORT: "" })).toBeNull();
  });

  it("applies defaults when on", () => {
    const secret = randomBytes(32).toString("hex");
    expect(loadWebhookConfig({ WEBHOOK_PORT: "8787", WEBHOOK_SECRET: secret })).toEqual({
      port: 8787,
      host: "127.0.0.1",
      secret,
      toleranceSeconds: 300,
      maxBodyBytes: 1024 * 1024,
    });
  });

  it("requires a secret of at least 32 characters when on, without echoing it", () => {
    // Without a secret the receiver still runs, for the routes that need none (/u/).
    expect(loadWebhookConfig({ WEBHOOK_PORT: "8787" })?.secret).toBeNull();
    expect(() => loadWebhookConfig({ WEBHOOK_PORT: "8787", WEBHOOK_SECRET: "short-secret-value" })).toThrow(
      /WEBHOOK_SECRET: must be at least 32/,
    );
    expect(() => loadWebhookConfig({ WEBHOOK_PORT: "8787", WEBHOOK_SECRET: "short-secret-value" })).not.toThrow(
      /short-secret-value/,
    );
  });

  it("refuses a bad port and a bad tolerance, naming both", () => {
    expect(() =>
      loadWebhookConfig({ WEBHOOK_PORT: "80x", WEBHOOK_SECRET: "s".repeat(32), WEBHOOK_TOLERANCE_SECONDS: "0" }),
    ).toThrow(/WEBHOOK_PORT.*WEBHOOK_TOLERANCE_SECONDS/);
  });
});

describe("webhook receiver", () => {
  let db: TestDatabase;
  let server: WebhookServer;
  let config: WebhookConfig;
  let secret: string;
  const { log, lines } = capturingLogger();

  interface JobRow {
    id: string;
    task: string;
    payload: Record<string, unknown>;
    key: string | null;
    max_attempts: number;
  }
  const jobs = async (): Promise<JobRow[]> =>
    db.sql<JobRow[]>`
      select j.id::text as id, t.identifier as task, j.payload, j.key, j.max_attempts
        from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id
       order by j.id`;
  const jobsWithKey = async (key: string): Promise<JobRow[]> => (await jobs()).filter((j) => j.key === key);

  const booking = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    sid: randomUUID(),
    oid: randomUUID(),
    exp: now() + 3600,
    sig: randomBytes(32).toString("hex"),
    booked_at: new Date().toISOString(),
    payload: { calendar: "cal.com", attendee: "cfo@example.com" },
    ...extra,
  });
  const events = (n = 2): Record<string, unknown> => ({
    events: Array.from({ length: n }, (_, i) => ({
      send_id: randomUUID(),
      event_type: i % 2 ? "email_open" : "email_delivered",
      event_ts: "2026-03-02T10:15:00+01:00",
      source_system: "instantly",
      metadata: { n: i },
    })),
  });
  /** POST body (a string is sent as is) signed with the receiver's secret. */
  const post = async (path: string, body: Record<string, unknown> | string, sigHeader?: string) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return call(server.port, {
      path,
      body: text,
      headers: { "outreach-signature": sigHeader ?? signed(text, [secret]) },
    });
  };

  beforeAll(async () => {
    db = await freshDatabase();
    await runMigrations({ connectionString: db.url });
    secret = randomBytes(32).toString("base64url");
    const loaded = loadWebhookConfig({ WEBHOOK_PORT: "0", WEBHOOK_SECRET: secret });
    if (!loaded) throw new Error("expected the receiver to be on");
    config = loaded;
    server = await startWebhookServer({ config, sql: db.sql, log });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.sql`delete from graphile_worker._private_jobs`;
    lines.length = 0;
  });

  it("queues a good booking as exactly one record_meeting_booked job carrying the body", async () => {
    const body = booking();
    const text = JSON.stringify(body);
    const t = now();
    const res = await call(server.port, { path: "/webhooks/booking", body: text, headers: { "Outreach-Signature": signed(text, [secret], t) } });
    expect(res.status).toBe(202);
    expect(res.json.status).toBe("queued");
    expect(res.json.correlation_id).toMatch(UUID_V4);
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      task: "record_meeting_booked",
      key: expectedJobKey(secret, t, text),
      max_attempts: 25,
      payload: { ...body, correlation_id: res.json.correlation_id },
    });
  });

  it("keeps the sender's correlation id", async () => {
    const cid = randomUUID();
    const res = await post("/webhooks/booking", booking({ correlation_id: cid }));
    expect(res.status).toBe(202);
    expect(res.json.correlation_id).toBe(cid);
    const [job] = await jobs();
    expect(job?.payload.correlation_id).toBe(cid);
  });

  it("queues good events as one record_events job with {events, correlation_id}", async () => {
    const body = events(3);
    const res = await post("/webhooks/events", body);
    expect(res.status).toBe(202);
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]?.task).toBe("record_events");
    expect(all[0]?.payload).toEqual({ events: body.events, correlation_id: res.json.correlation_id });
  });

  it("answers 401 to a wrong signature and queues nothing", async () => {
    const text = JSON.stringify(booking());
    const wrongSecret = await post("/webhooks/booking", text, signed(text, [randomBytes(32).toString("hex")]));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json.error).toBe("bad_signature");
    // Signed correctly, then tampered with.
    const tampered = await post("/webhooks/booking", text.replace('"exp":', '"exp":1'), signed(text, [secret]));
    expect(tampered.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
  });

  it("answers 401 to a missing or malformed signature header", async () => {
    const text = JSON.stringify(booking());
    const missing = await call(server.port, { path: "/webhooks/booking", body: text });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toBe("missing_signature");
    const sig = hmacHex(secret, now(), text);
    for (const header of [`v1=${sig}`, `t=${now()}`, `t=${now()},v1=${sig.slice(0, 60)}`, `t=abc,v1=${sig}`, `t=${now()},t=${now()},v1=${sig}`, "garbage"]) {
      const res = await post("/webhooks/booking", text, header);
      expect(res.status, header).toBe(401);
      expect(res.json.error, header).toBe("malformed_signature");
    }
    expect(await jobs()).toHaveLength(0);
  });

  it("answers 401 to a timestamp outside the tolerance, either way, and accepts one inside it", async () => {
    const stale = JSON.stringify(booking());
    const past = await post("/webhooks/booking", stale, signed(stale, [secret], now() - config.toleranceSeconds - 5));
    expect(past.status).toBe(401);
    expect(past.json.error).toBe("stale_timestamp");
    const future = JSON.stringify(booking());
    const ahead = await post("/webhooks/booking", future, signed(future, [secret], now() + config.toleranceSeconds + 5));
    expect(ahead.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    const late = JSON.stringify(booking());
    const ok = await post("/webhooks/booking", late, signed(late, [secret], now() - config.toleranceSeconds + 5));
    expect(ok.status).toBe(202);
  });

  it("answers 400 with a reason naming the field to a malformed body, keeping a given correlation id", async () => {
    const cid = randomUUID();
    const res = await post("/webhooks/booking", booking({ sid: "not-a-uuid", exp: 1.5, correlation_id: cid }));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("invalid_body");
    expect(res.json.reason).toMatch(/sid: must be a UUID/);
    expect(res.json.reason).toMatch(/exp:/);
    expect(res.json.correlation_id).toBe(cid);

    const noOffset = await post("/webhooks/booking", booking({ booked_at: "2026-03-02 10:00" }));
    expect(noOffset.status).toBe(400);
    expect(noOffset.json.reason).toMatch(/booked_at/);

    const badCid = await post("/webhooks/events", { ...events(1), correlation_id: "8d3f0c1e-1111-1111-1111-111111111111" });
    expect(badCid.status).toBe(400);
    expect(badCid.json.reason).toMatch(/correlation_id: must be a UUID v4/);

    const empty = await post("/webhooks/events", { events: [] });
    expect(empty.status).toBe(400);
    expect(empty.json.reason).toMatch(/events: must hold at least one event/);
    const tooMany = await post("/webhooks/events", events(1001));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.reason).toMatch(/at most 1000/);
    const badEvent = events(2) as { events: Record<string, unknown>[] };
    // Every element bad: a batch with a good element is taken in part (hardening.test.ts).
    delete badEvent.events[0]!.source_system;
    delete badEvent.events[1]!.source_system;
    const missing = await post("/webhooks/events", badEvent);
    expect(missing.status).toBe(400);
    expect(missing.json.reason).toMatch(/events\.1\.source_system/);
    const array = await post("/webhooks/booking", "[1,2]");
    expect(array.status).toBe(400);
    expect(await jobs()).toHaveLength(0);
  });

  it("answers 400 to a body that is not JSON (signed correctly)", async () => {
    const res = await post("/webhooks/events", '{"events": [');
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("invalid_json");
    expect(res.json.reason).toMatch(/not valid JSON/);
    expect(await jobs()).toHaveLength(0);
  });

  it("ignores a replayed delivery: 200 duplicate, still one job", async () => {
    const text = JSON.stringify(booking());
    const header = signed(text, [secret]);
    const first = await post("/webhooks/booking", text, header);
    const second = await post("/webhooks/booking", text, header);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.json.status).toBe("duplicate");
    expect(await jobs()).toHaveLength(1);
    // The same delivery at the other endpoint is the same delivery.
    const elsewhere = await post("/webhooks/events", text, header);
    expect(elsewhere.status).toBe(400); // not an events body; and never queued
    expect(await jobs()).toHaveLength(1);
  });

  it("recognises a replay through the job key after a restart (no memory of it in the new process)", async () => {
    const text = JSON.stringify(events(1));
    const header = signed(text, [secret]);
    expect((await post("/webhooks/events", text, header)).status).toBe(202);
    const restarted = await startWebhookServer({ config, sql: db.sql, log });
    try {
      const replay = await call(restarted.port, { path: "/webhooks/events", body: text, headers: { "outreach-signature": header } });
      expect(replay.status).toBe(200);
      expect(replay.json.status).toBe("duplicate");
    } finally {
      await restarted.close();
    }
    expect(await jobs()).toHaveLength(1);
  });

  it("recognises a replay in memory once the worker has finished (deleted) the job", async () => {
    const text = JSON.stringify(booking());
    const header = signed(text, [secret]);
    expect((await post("/webhooks/booking", text, header)).status).toBe(202);
    await db.sql`delete from graphile_worker._private_jobs`; // what a completed job leaves
    const replay = await post("/webhooks/booking", text, header);
    expect(replay.status).toBe(200);
    expect(await jobs()).toHaveLength(0);
  });

  it("queues one job when the same delivery arrives many times at once, at two receivers", async () => {
    const other = await startWebhookServer({ config, sql: db.sql, log });
    try {
      const text = JSON.stringify(booking());
      const headers = { "outreach-signature": signed(text, [secret]) };
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => call(i % 2 ? other.port : server.port, { path: "/webhooks/booking", body: text, headers })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
      expect(await jobs()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("serialises the key check and add_job, so two deliveries that both find no job still queue one", async () => {
    const own = postgres(db.url, { max: 4, onnotice: () => {} });
    const other = await startWebhookServer({ config, sql: own, log });
    try {
      const text = JSON.stringify(booking());
      const headers = { "outreach-signature": signed(text, [secret]) };
      let sent: Promise<Awaited<ReturnType<typeof call>>[]> | undefined;
      // Inserts into the jobs table wait on this lock; reading it does not. Both requests
      // get past any check that is not serialised, and both wait; then the lock goes.
      await db.sql.begin(async (tx) => {
        await tx`lock table graphile_worker._private_jobs in share row exclusive mode`;
        sent = Promise.all([server.port, other.port].map((port) => call(port, { path: "/webhooks/booking", body: text, headers })));
        await expect
          .poll(async () => (await own<{ n: number }[]>`
              select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'`)[0]?.n, { timeout: 10_000 })
          .toBe(2);
      });
      const answers = await sent!;
      expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
      expect(await jobs()).toHaveLength(1);
    } finally {
      await other.close();
      await own.end({ timeout: 1 });
    }
  });

  it("accepts a header with several v1 values when one matches (secret rotation), in either order", async () => {
    const old = randomBytes(32).toString("hex");
    const a = JSON.stringify(booking());
    const b = JSON.stringify(events(1));
    expect((await post("/webhooks/booking", a, signed(a, [old, secret]))).status).toBe(202);
    expect((await post("/webhooks/events", b, signed(b, [secret, old]))).status).toBe(202);
    expect((await post("/webhooks/events", b, signed(b, [old, randomBytes(32).toString("hex")]))).status).toBe(401);
    expect((await jobs()).map((j) => j.task).sort()).toEqual(["record_events", "record_meeting_booked"]);
  });

  it("answers 404 to an unknown path and 405 to another method", async () => {
    const text = JSON.stringify(booking());
    const unknown = await post("/webhooks/other", text);
    expect(unknown.status).toBe(404);
    const get = await call(server.port, { method: "GET", path: "/webhooks/booking" });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    const put = await call(server.port, { method: "PUT", path: "/webhooks/events", body: text });
    expect(put.status).toBe(405);
    expect(await jobs()).toHaveLength(0);
  });

  it("answers 413 to a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ ...events(1), padding: "x".repeat(config.maxBodyBytes) });
    const declared = await post("/webhooks/events", big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe("payload_too_large");
    const streamed = await call(server.port, {
      path: "/webhooks/events",
      body: big,
      chunked: true,
      headers: { "outreach-signature": signed(big, [secret]) },
    });
    expect(streamed.status).toBe(413);
    expect(await jobs()).toHaveLength(0);
    // The limit is on the body only: just under it is fine.
    const fits = JSON.stringify({ ...events(1), padding: "x".repeat(config.maxBodyBytes - 1000) });
    expect((await post("/webhooks/events", fits)).status).toBe(202);
  });

  it("answers 503 when the queue is unavailable", async () => {
    const down = postgres("postgres://nobody@127.0.0.1:1/none", { max: 1, connect_timeout: 2, onnotice: () => {} });
    const broken = await startWebhookServer({ config, sql: down, log });
    try {
      const text = JSON.stringify(booking());
      const res = await call(broken.port, { path: "/webhooks/booking", body: text, headers: { "outreach-signature": signed(text, [secret]) } });
      expect(res.status).toBe(503);
      expect(res.json.correlation_id).toMatch(UUID_V4);
    } finally {
      await broken.close();
      await down.end({ timeout: 1 });
    }
  });

  it("logs one line per request, each with its correlation id and none with the secret", async () => {
    const cid = randomUUID();
    await post("/webhooks/booking", booking({ correlation_id: cid }));
    await post("/webhooks/booking", "{", "t=1,v1=00");
    await call(server.port, { method: "GET", path: "/nowhere" });
    await expect.poll(() => lines.length).toBe(3);
    expect(lines.map((l) => l.status)).toEqual([202, 401, 404]);
    expect(lines[0]).toMatchObject({ correlation_id: cid, outcome: "queued", task: "record_meeting_booked" });
    for (const l of lines) expect(l.correlation_id).toMatch(UUID_V4);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it("stops cleanly and refuses connections afterwards", async () => {
    const extra = await startWebhookServer({ config, sql: db.sql, log });
    const port = extra.port;
    expect((await call(port, { method: "GET", path: "/x" })).status).toBe(404);
    await extra.close();
    await extra.close(); // idempotent
    await expect(call(port, { method: "GET", path: "/x" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
