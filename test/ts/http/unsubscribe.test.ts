/**
 * One-click unsubscribe on the receiver (RFC 8058): POST /u/<token> opts out at once,
 * GET /u/<token> only shows the button; unknown and forged tokens 404 with nothing
 * written; no signature, no cookies, no redirect; served without WEBHOOK_SECRET.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebhookApp, loadWebhookConfig, startWebhookServer } from "../../../src/http/server.ts";
import { saysOneClick } from "../../../src/http/routes/unsubscribe.ts";
import { makeLogger } from "../../../src/runner/log.ts";
import { seedSmtpSends, type QueuedSend } from "../dispatch-fixture.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const log = makeLogger("silent");
let db: TestDatabase;
let app: FastifyInstance;
let sends: QueuedSend[];

const tokenOf = async (sendId: string): Promise<string> => {
  const [u] = await db.sql<{ url: string }[]>`select outreach.unsubscribe_url(${sendId}::uuid) as url`;
  return u!.url.split("/").pop()!;
};
const oneClickEvents = async (sendId: string): Promise<number> => {
  const [r] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from outreach.engagement_events
     where send_id = ${sendId}::uuid and event_type = 'unsubscribe' and source_system = 'one_click'`;
  return r!.n;
};
const written = async (): Promise<{ events: number; suppressions: number }> => {
  const [r] = await db.sql<{ events: number; suppressions: number }[]>`
    select (select count(*)::int from outreach.engagement_events) as events,
           (select count(*)::int from outreach.suppressions) as suppressions`;
  return r!;
};
const form = { "content-type": "application/x-www-form-urlencoded" };

beforeAll(async () => {
  db = await freshDatabase();
  sends = await seedSmtpSends(db.sql, { companies: 400, seed: 9 });
  expect(sends.length).toBeGreaterThanOrEqual(4);
  const config = loadWebhookConfig({ WEBHOOK_PORT: "0" }); // no WEBHOOK_SECRET: /u/ only
  expect(config?.secret).toBeNull();
  app = buildWebhookApp({ config: config!, sql: db.sql, log });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe("POST /u/<token>", () => {
  it("opts the recipient out at once: 200 HTML, no redirect, no cookie; the event, its effects and the suppression are there on return", async () => {
    const s = sends[0]!;
    const res = await app.inject({ method: "POST", url: `/u/${await tokenOf(s.send_id)}`, headers: form, payload: "List-Unsubscribe=One-Click" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers.location).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toContain("unsubscribed");
    expect(await oneClickEvents(s.send_id)).toBe(1);
    const [p] = await db.sql<{ email_status: string; suppressed: boolean }[]>`
      select p.email_status, outreach.is_suppressed(${s.email_to}) as suppressed
        from outreach.people p where p.person_id = ${s.person_id}::uuid`;
    expect(p).toEqual({ email_status: "unsubscribed", suppressed: true });
  });

  it("a repeat is 200 and changes nothing", async () => {
    const s = sends[0]!;
    const before = await written();
    const res = await app.inject({ method: "POST", url: `/u/${await tokenOf(s.send_id)}`, headers: form, payload: "List-Unsubscribe=One-Click" });
    expect(res.statusCode).toBe(200);
    expect(await written()).toEqual(before);
  });

  it("takes multipart/form-data too", async () => {
    const s = sends[1]!;
    const boundary = "----hub" + randomBytes(6).toString("hex");
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await app.inject({
      method: "POST",
      url: `/u/${await tokenOf(s.send_id)}`,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(await oneClickEvents(s.send_id)).toBe(1);
  });

  it("a forged or unknown token is 404 with nothing written", async () => {
    const good = await tokenOf(sends[2]!.send_id);
    const [kid, send, sig] = good.split(".");
    const forged = `${kid}.${send}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BB" : "AA"}`;
    const other = `${kid}.${(await tokenOf(sends[3]!.send_id)).split(".")[1]}.${sig}`; // another send under this signature
    const before = await written();
    for (const t of [forged, other, "not-a-token-at-all-0000", "x"]) {
      const res = await app.inject({ method: "POST", url: `/u/${t}`, headers: form, payload: "List-Unsubscribe=One-Click" });
      expect(res.statusCode, t).toBe(404);
    }
    expect(await written()).toEqual(before);
  });

  it("a body without List-Unsubscribe=One-Click is 400 with nothing written", async () => {
    const url = `/u/${await tokenOf(sends[2]!.send_id)}`;
    const before = await written();
    for (const payload of ["", "List-Unsubscribe=Maybe", "foo=bar"]) {
      const res = await app.inject({ method: "POST", url, headers: form, payload });
      expect(res.statusCode, payload).toBe(400);
    }
    const json = await app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload: '{"List-Unsubscribe":"One-Click"}' });
    expect(json.statusCode).toBe(400);
    expect(await written()).toEqual(before);
  });
});

describe("GET /u/<token>", () => {
  it("shows a page whose button POSTs List-Unsubscribe=One-Click to the same URL, and writes nothing", async () => {
    const s = sends[2]!;
    const before = await written();
    const res = await app.inject({ method: "GET", url: `/u/${await tokenOf(s.send_id)}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.body).toMatch(/<form method="post"/);
    expect(res.body).not.toMatch(/action=/); // the form posts to the page's own URL
    expect(res.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(await written()).toEqual(before);
    expect(await oneClickEvents(s.send_id)).toBe(0);
  });

  it("404 for a token that does not verify", async () => {
    const good = await tokenOf(sends[2]!.send_id);
    const res = await app.inject({ method: "GET", url: `/u/${good.slice(0, -3)}xyz` });
    expect(res.statusCode).toBe(404);
  });

  it("other methods are 405", async () => {
    const res = await app.inject({ method: "PUT", url: `/u/${await tokenOf(sends[2]!.send_id)}` });
    expect(res.statusCode).toBe(405);
  });
});

describe("the receiver's modes", () => {
  it("without WEBHOOK_SECRET the signed webhook routes are off (404)", async () => {
    const res = await app.inject({ method: "POST", url: "/webhooks/events", headers: { "content-type": "application/json" }, payload: "{}" });
    expect(res.statusCode).toBe(404);
  });

  it("with WEBHOOK_SECRET, /u/ still needs no signature, over real HTTP, and answers without redirecting", async () => {
    const config = loadWebhookConfig({ WEBHOOK_PORT: "0", WEBHOOK_SECRET: randomBytes(32).toString("hex") })!;
    const server = await startWebhookServer({ config, sql: db.sql, log });
    try {
      const s = sends[3]!;
      const res = await fetch(`http://127.0.0.1:${server.port}/u/${await tokenOf(s.send_id)}`, {
        method: "POST",
        headers: form,
        body: "List-Unsubscribe=One-Click",
        redirect: "manual",
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await oneClickEvents(s.send_id)).toBe(1);
      const signed = await fetch(`http://127.0.0.1:${server.port}/webhooks/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(signed.status).toBe(401); // the webhook routes are on, and want their signature
    } finally {
      await server.close();
    }
  });
});

describe("saysOneClick", () => {
  it("reads urlencoded and multipart bodies", () => {
    expect(saysOneClick("application/x-www-form-urlencoded", Buffer.from("List-Unsubscribe=One-Click"))).toBe(true);
    expect(saysOneClick("application/x-www-form-urlencoded; charset=utf-8", Buffer.from("a=b&List-Unsubscribe=One-Click\r\n"))).toBe(true);
    expect(saysOneClick(undefined, Buffer.from("List-Unsubscribe=One-Click"))).toBe(true);
    expect(saysOneClick("multipart/form-data; boundary=x", Buffer.from('--x\r\nContent-Disposition: form-data; name=List-Unsubscribe\r\n\r\nOne-Click\r\n--x--\r\n'))).toBe(true);
    expect(saysOneClick("multipart/form-data; boundary=x", Buffer.from('--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nOne-Click\r\n--x--\r\n'))).toBe(false);
    expect(saysOneClick("text/plain", Buffer.from("List-Unsubscribe=One-Click"))).toBe(false);
  });
});
