/**
 * The receiver under hostile or sloppy senders: nesting bombs, wrong content
 * types, and event batches where only some elements are good.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { runMigrations } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildWebhookApp, loadWebhookConfig } from "../../../src/http/server.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";
import { capturingLogger, signed } from "./helpers.ts";

let db: TestDatabase;
let app: FastifyInstance;
let secret: string;
const { log, lines } = capturingLogger();

const jobs = async () =>
  db.sql<{ task: string; payload: { events?: unknown[]; correlation_id?: string } }[]>`
    select t.identifier as task, j.payload
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`;

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** A POST through app.inject (no socket); signed unless a header is given. */
async function post(path: string, body: string, contentType = "application/json", signature = signed(body, [secret])): Promise<Answer> {
  const res = await app.inject({ method: "POST", url: path, payload: body, headers: { "content-type": contentType, "outreach-signature": signature } });
  return { status: res.statusCode, json: res.json() };
}

const event = (i: number): Record<string, unknown> => ({
  send_id: randomUUID(),
  event_type: "email_open",
  event_ts: "2026-03-02T10:15:00Z",
  source_system: "instantly",
  metadata: { n: i },
});

beforeAll(async () => {
  db = await freshDatabase();
  await runMigrations({ connectionString: db.url });
  secret = randomBytes(32).toString("hex");
  const config = loadWebhookConfig({ WEBHOOK_PORT: "0", WEBHOOK_SECRET: secret });
  if (!config) throw new Error("expected the receiver to be on");
  app = buildWebhookApp({ config, sql: db.sql, log });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`delete from graphile_worker._private_jobs`;
});

describe("nesting", () => {
  it("answers 400 with a reason, never 5xx, to JSON nested thousands deep", async () => {
    for (const path of ["/webhooks/events", "/webhooks/booking"]) {
      for (const text of ["[".repeat(10_000) + "]".repeat(10_000), `{"events":[${"[".repeat(10_000)}`, JSON.stringify({ events: [event(0)] }).replace('{"n":0}', '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000))]) {
        const res = await post(path, text);
        expect(res.status, `${path} ${text.slice(0, 20)}`).toBe(400);
        expect(res.json.error).toBe("too_deep");
        expect(res.json.reason).toMatch(/nested deeper than \d+/);
      }
    }
    expect(await jobs()).toHaveLength(0);
  });

  it("takes metadata nested to a reasonable depth", async () => {
    const deep = JSON.parse('{"a":'.repeat(20) + "1" + "}".repeat(20)) as Record<string, unknown>;
    const res = await post("/webhooks/events", JSON.stringify({ events: [{ ...event(0), metadata: deep }] }));
    expect(res.status).toBe(202);
  });
});

describe("content type", () => {
  it("answers 415 to a body that is not declared JSON, and queues nothing", async () => {
    const text = JSON.stringify({ events: [event(0)] });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      for (const path of ["/webhooks/events", "/webhooks/booking"]) {
        const res = await post(path, text, type);
        expect(res.status, `${path} ${type}`).toBe(415);
        expect(res.json.error).toBe("unsupported_media_type");
      }
    }
    expect(await jobs()).toHaveLength(0);
  });

  it("takes application/json with a charset, and any case", async () => {
    expect((await post("/webhooks/events", JSON.stringify({ events: [event(0)] }), "Application/JSON; charset=utf-8")).status).toBe(202);
  });
});

describe("an events batch with some bad elements", () => {
  it("queues the good ones as one job and names the bad ones in a 202", async () => {
    const good = [event(0), event(1), event(2)];
    const batch = [good[0], { ...event(9), send_id: "nope" }, good[1], "not an object", good[2], { ...event(8), event_ts: "yesterday" }];
    const cid = randomUUID();
    const res = await post("/webhooks/events", JSON.stringify({ events: batch, correlation_id: cid }));
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: "queued", correlation_id: cid, accepted: [0, 2, 4] });
    const rejected = res.json.rejected as { index: number; reason: string }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 5]);
    expect(rejected[0]?.reason).toMatch(/send_id/);
    expect(rejected[2]?.reason).toMatch(/event_ts/);
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ task: "record_events", payload: { events: good, correlation_id: cid } });
    const line = lines.find((l) => l.correlation_id === cid);
    expect(line).toMatchObject({ status: 202, outcome: "queued", task: "record_events" });
    expect(line?.reason).toMatch(/^3 of 6 events rejected: events\.1\.send_id/);
  });

  it("answers 400 with every element's reason when none is good", async () => {
    const res = await post("/webhooks/events", JSON.stringify({ events: [{ ...event(0), send_id: 1 }, null] }));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("invalid_body");
    expect(res.json.rejected).toEqual([
      { index: 0, reason: expect.stringMatching(/send_id/) as unknown },
      { index: 1, reason: expect.any(String) as unknown },
    ]);
    expect(res.json.reason).toMatch(/events\.0\.send_id/);
    expect(await jobs()).toHaveLength(0);
  });

  it("answers a replay of a partly good batch with the same verdict, and no second job", async () => {
    const text = JSON.stringify({ events: [event(0), { bad: true }] });
    const header = signed(text, [secret]);
    const first = await post("/webhooks/events", text, "application/json", header);
    const again = await post("/webhooks/events", text, "application/json", header);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "duplicate", accepted: [0], rejected: [{ index: 1 }] });
    expect(await jobs()).toHaveLength(1);
  });
});

describe("what reaches no route", () => {
  it("answers 404 to an unknown path whatever its content type, and 415 to a malformed one", async () => {
    const unknown = await post("/webhooks/nowhere", "x=1", "application/x-www-form-urlencoded");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe("not_found");
    const malformed = await post("/webhooks/events", "{}", "not a type");
    expect(malformed.status).toBe(415);
  });

  it("answers 415 to a signed body without a Content-Type", async () => {
    const text = JSON.stringify({ events: [event(0)] });
    const res = await app.inject({ method: "POST", url: "/webhooks/events", payload: Buffer.from(text), headers: { "outreach-signature": signed(text, [secret]) } });
    expect(res.statusCode).toBe(415);
    expect(await jobs()).toHaveLength(0);
  });
});
