import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { JobHelpers } from "graphile-worker";
import { runMigrations } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProviderWebhookSecrets } from "../../../src/http/provider-webhook.ts";
import { buildWebhookApp, startWebhookServer, type WebhookConfig, type WebhookServer } from "../../../src/http/server.ts";
import { dispatchCycle } from "../../../src/runner/dispatch.ts";
import { setTaskContext } from "../../../src/runner/task.ts";
import { taskList } from "../../../src/runner/worker.ts";
import { createHeyReachSender } from "../../../src/senders/io/heyreach.ts";
import { createInstantlySender } from "../../../src/senders/io/instantly.ts";
import { createSmartleadSender } from "../../../src/senders/io/smartlead.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";
import { seedProviderSends, type ProviderSend } from "../provider-fixture.ts";
import { standIn, type StandIn } from "../senders/io/stand-in.ts";
import { call, capturingLogger, now } from "./helpers.ts";

const SECRETS: ProviderWebhookSecrets = {
  instantly: "instantly-webhook-secret-0001",
  smartlead: "smartlead-webhook-secret-0001",
  heyreach: "heyreachPathToken0001xyz",
  calendly: "calendly-signing-key",
  calcom: "calcom-webhook-secret",
};

const fixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/providers/${path}`, import.meta.url), "utf8")) as Record<string, unknown>;
const hex = (key: string, ...parts: string[]): string => {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

describe("provider webhook routes", () => {
  let db: TestDatabase;
  let api: StandIn;
  let server: WebhookServer;
  let byProvider: Record<"instantly" | "smartlead" | "heyreach", ProviderSend>;
  const { log, lines } = capturingLogger();

  interface Job {
    id: string;
    task: string;
    key: string | null;
    payload: Record<string, unknown>;
  }
  const jobs = () =>
    db.sql<Job[]>`
      select j.id::text as id, t.identifier as task, j.key, j.payload
        from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`;
  /** Runs every queued job's task once, as the worker would, and removes the jobs. */
  const runJobs = async () => {
    for (const j of await jobs()) {
      const task = taskList[j.task];
      if (!task) throw new Error(`no task ${j.task}`);
      await task(j.payload, { job: { id: j.id, attempts: 1 } } as unknown as JobHelpers);
      await db.sql`delete from graphile_worker._private_jobs where id = ${j.id}::bigint`;
    }
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(server.port, { path, body: typeof body === "string" ? body : JSON.stringify(body), headers });
  const eventsOf = (sendId: string) =>
    db.sql<{ event_type: string; source_system: string }[]>`
      select event_type, source_system from outreach.engagement_events where send_id = ${sendId}::uuid order by recorded_at`;

  beforeAll(async () => {
    db = await freshDatabase();
    await runMigrations({ connectionString: db.url });
    const sends = await seedProviderSends(db.sql, { sender: "instantly", companies: 200 });
    // One campaign per provider, among those with queued sends: instantly, smartlead, heyreach (LinkedIn sends).
    const [ci, cs, ch] = [...new Set(sends.map((s) => s.provider_campaign_id))].sort();
    if (!ci || !cs || !ch) throw new Error("the dataset needs queued sends in three campaigns");
    await db.sql`update outreach.campaigns set sender = 'smartlead' where provider_campaign_id = ${cs}`;
    await db.sql`update outreach.campaigns set sender = 'heyreach' where provider_campaign_id = ${ch}`;
    await db.sql`
      update outreach.send_log l set channel = 'linkedin', linkedin_url = 'https://www.linkedin.com/in/p-' || left(l.send_id::text, 8)
        from outreach.campaigns c where c.campaign_id = l.campaign_id and c.provider_campaign_id = ${ch} and l.send_status = 'queued'`;
    const pick = (pcid: string) => {
      const s = sends.find((x) => x.provider_campaign_id === pcid);
      if (!s) throw new Error(`no send in campaign ${pcid}`);
      return s;
    };
    byProvider = { instantly: pick(ci), smartlead: pick(cs), heyreach: pick(ch) };
    api = await standIn((req) => {
      if (req.path === "/api/v2/leads/add") {
        const leads = (req.body as { leads: { email: string }[] }).leads;
        return { status: 200, body: { created_leads: leads.map((l, index) => ({ id: `lead-${index}`, email: l.email, index })) } };
      }
      if (req.path.endsWith("/leads")) return { status: 200, body: { upload_count: (req.body as { lead_list: unknown[] }).lead_list.length } };
      return { status: 200, body: { addedLeadsCount: (req.body as { accountLeadPairs: unknown[] }).accountLeadPairs.length, failedLeadsCount: 0 } };
    });
    const env = { INSTANTLY_API_URL: api.url, SMARTLEAD_API_URL: api.url, HEYREACH_API_URL: api.url };
    const senders = [
      createInstantlySender({ ...env, INSTANTLY_API_KEY: "k1" }),
      createSmartleadSender({ ...env, SMARTLEAD_API_KEY: "k2" }),
      createHeyReachSender({ ...env, HEYREACH_API_KEY: "k3" }),
    ].filter((s) => s !== null);
    await dispatchCycle({ sql: db.sql, log, senders, correlationId: randomUUID(), maxRows: 100, concurrency: 4, leaseSeconds: 300 });
    const [pushed] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.provider_leads`;
    expect(pushed?.n).toBe(sends.length);
    setTaskContext({ sql: db.sql, log });
    const config: WebhookConfig = { port: 0, host: "127.0.0.1", secret: null, toleranceSeconds: 300, maxBodyBytes: 1024 * 1024, providers: SECRETS };
    server = await startWebhookServer({ config, sql: db.sql, log });
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.sql`delete from graphile_worker._private_jobs`;
    lines.length = 0;
  });

  // ---------------------------------------------------------------- Instantly

  const instantlyOpen = (extra: Record<string, unknown> = {}) => ({
    ...fixture("instantly/email_opened.json"),
    campaign_id: byProvider.instantly.provider_campaign_id,
    lead_email: byProvider.instantly.email_to?.toUpperCase(),
    hub_enrollment_id: byProvider.instantly.enrolment_id,
    timestamp: new Date().toISOString(),
    ...extra,
  });

  it("instantly: a good delivery queues one job; its task records the event against the pushed send; a replay is 200 without a second job", async () => {
    const body = JSON.stringify(instantlyOpen());
    const headers = { "X-Hub-Webhook-Secret": SECRETS.instantly ?? "" };
    const first = await post("/webhooks/instantly", body, headers);
    expect(first.status).toBe(202);
    expect(first.json.status).toBe("queued");
    const again = await post("/webhooks/instantly", body, headers);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe("duplicate");
    const queued = await jobs();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ task: "record_provider_event", payload: { provider: "instantly", event_type: "email_open", step: 1 } });
    expect(queued[0]?.key).toMatch(/^provider:instantly:[0-9a-f]{64}$/);
    await runJobs();
    expect(await eventsOf(byProvider.instantly.send_id)).toContainEqual({ event_type: "email_open", source_system: "instantly" });
  });

  it("instantly: a wrong or missing secret is 401 and queues nothing", async () => {
    expect((await post("/webhooks/instantly", instantlyOpen(), { "X-Hub-Webhook-Secret": "wrong" })).status).toBe(401);
    expect((await post("/webhooks/instantly", instantlyOpen())).status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    expect(lines.filter((l) => l.outcome === "unauthorized")).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain(SECRETS.instantly);
  });

  it("instantly: an event for no enrolment is answered, recorded as OR040 by SQL; an unknown shape and a label are 200 with no job", async () => {
    const stray = instantlyOpen({ lead_email: "nobody@nowhere.example", hub_enrollment_id: undefined, campaign_id: "no-such-campaign" });
    const headers = { "X-Hub-Webhook-Secret": SECRETS.instantly ?? "" };
    expect((await post("/webhooks/instantly", stray, headers)).status).toBe(202);
    await runJobs();
    const [err] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from outreach.outreach_errors where sqlstate = 'OR040' and detail::text like '%nobody@nowhere.example%'`;
    expect(err?.n).toBe(1);
    const unknown = await post("/webhooks/instantly", { hello: "world" }, headers);
    expect(unknown).toMatchObject({ status: 200, json: { status: "unknown" } });
    const label = await post("/webhooks/instantly", fixture("instantly/lead_interested.json"), headers);
    expect(label).toMatchObject({ status: 200, json: { status: "ignored" } });
    expect(await jobs()).toHaveLength(0);
    expect(lines.find((l) => l.outcome === "unknown_payload")?.reason).toMatch(/instantly/);
  });

  // ---------------------------------------------------------------- Smartlead

  const smartleadReply = (extra: Record<string, unknown> = {}) => ({
    ...fixture("smartlead/EMAIL_REPLY.json"),
    campaign_id: Number(byProvider.smartlead.provider_campaign_id),
    to_email: byProvider.smartlead.email_to,
    sequence_number: 1,
    event_timestamp: new Date().toISOString(),
    secret_key: SECRETS.smartlead,
    ...extra,
  });

  it("smartlead: the body's secret_key authenticates; the reply is recorded against the pushed send", async () => {
    expect((await post("/webhooks/smartlead", smartleadReply())).status).toBe(202);
    await runJobs();
    expect(await eventsOf(byProvider.smartlead.send_id)).toContainEqual({ event_type: "email_reply", source_system: "smartlead" });
  });

  it("smartlead: a wrong secret_key, or a signature that does not match, is 401; a matching signature is enough", async () => {
    expect((await post("/webhooks/smartlead", smartleadReply({ secret_key: "nope" }))).status).toBe(401);
    const body = JSON.stringify(smartleadReply({ secret_key: undefined, stats_id: randomUUID() }));
    expect((await post("/webhooks/smartlead", body, { "X-Smartlead-Signature": `sha256=${"0".repeat(64)}` })).status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    const good = await post("/webhooks/smartlead", body, { "X-Smartlead-Signature": `sha256=${hex(SECRETS.smartlead ?? "", body)}` });
    expect(good.status).toBe(202);
    expect(await jobs()).toHaveLength(1);
  });

  // ---------------------------------------------------------------- HeyReach

  it("heyreach: the path token authenticates, a wrong one is 401; the event goes to the LinkedIn send by profile URL", async () => {
    const body = {
      ...fixture("heyreach/MESSAGE_REPLY_RECEIVED.json"),
      timestamp: new Date().toISOString(),
      campaign: { id: Number(byProvider.heyreach.provider_campaign_id), name: "LinkedIn" },
      lead: { id: "ld_1", profile_url: `https://www.linkedin.com/in/p-${byProvider.heyreach.send_id.slice(0, 8)}/?utm=x` },
    };
    expect((await post("/webhooks/heyreach/wrong-token-000000000", body)).status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    expect((await post(`/webhooks/heyreach/${SECRETS.heyreach}`, body)).status).toBe(202);
    const [job] = await jobs();
    expect(job?.payload).toMatchObject({ provider: "heyreach", event_type: "linkedin_reply", lead_key: `https://linkedin.com/in/p-${byProvider.heyreach.send_id.slice(0, 8)}` });
    await runJobs();
    const [types] = await db.sql<{ has: boolean }[]>`select 'linkedin_reply' = any(outreach.event_types()) as has`;
    if (types?.has) {
      expect(await eventsOf(byProvider.heyreach.send_id)).toContainEqual({ event_type: "linkedin_reply", source_system: "heyreach" });
    } else {
      // LinkedIn event types are not in SQL yet (SPEC §12): SQL refuses the type (OR021), the task records it and does not retry.
      const [err] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.outreach_errors where source = 'task:record_provider_event' and sqlstate = 'OR021'`;
      expect(err?.n).toBe(1);
    }
  });

  // ---------------------------------------------------------------- Calendly, Cal.com

  const tokenFor = async (outreachId: string) =>
    (await db.sql<{ t: string }[]>`select outreach.calendar_token(${outreachId}::uuid) as t`)[0]?.t ?? "";
  const calendlyPost = (body: unknown, t: number = now(), key: string = SECRETS.calendly ?? "") => {
    const text = JSON.stringify(body);
    return post("/webhooks/calendly", text, { "Calendly-Webhook-Signature": `t=${t},v1=${hex(key, `${t}.`, text)}` });
  };

  it("calendly: a signed booking hands off through the token in utm_content; a cancellation is recorded on the handoff; bad or stale signatures are 401", async () => {
    const oid = byProvider.instantly.outreach_id;
    const token = await tokenFor(oid);
    const created = fixture("calendly/invitee.created.json") as { payload: Record<string, unknown> };
    const at = new Date().toISOString();
    const booked = { ...created, created_at: at, payload: { ...created.payload, created_at: at, tracking: { utm_content: token } } };
    expect((await calendlyPost(booked, now(), "not-the-key")).status).toBe(401);
    expect((await calendlyPost(booked, now() - 3600)).status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    expect((await calendlyPost(booked)).status).toBe(202);
    expect((await calendlyPost(booked)).status).toBe(200); // a redelivery
    expect(await jobs()).toHaveLength(1);
    await runJobs();
    const [spine] = await db.sql<{ status: string }[]>`select status from outreach.outreach where outreach_id = ${oid}::uuid`;
    expect(spine?.status).toBe("HANDED_OFF");

    const canceled = fixture("calendly/invitee.canceled.json") as { payload: Record<string, unknown> };
    const later = new Date(Date.now() + 1000).toISOString();
    const cancel = {
      ...canceled,
      created_at: later,
      payload: { ...canceled.payload, tracking: { utm_content: token }, cancellation: { canceler_type: "invitee", created_at: later } },
    };
    expect((await calendlyPost(cancel)).status).toBe(202);
    await runJobs();
    const events = await db.sql<{ event_type: string; provider: string }[]>`
      select e.event_type, e.provider from outreach.handoff_events e join outreach.handoffs h using (handoff_id) where h.outreach_id = ${oid}::uuid`;
    expect(events).toEqual([{ event_type: "meeting_cancelled", provider: "calendly" }]);
  });

  it("calcom: X-Cal-Signature-256 over the raw body; the token in metadata.hub hands off; a cancellation is recorded; a bad signature is 401", async () => {
    const oid = byProvider.smartlead.outreach_id;
    const token = await tokenFor(oid);
    const sign = (text: string) => ({ "X-Cal-Signature-256": hex(SECRETS.calcom ?? "", text) });
    const c = fixture("calcom/BOOKING_CREATED.json") as { payload: Record<string, unknown> };
    const text = JSON.stringify({ ...c, createdAt: new Date().toISOString(), payload: { ...c.payload, metadata: { hub: token } } });
    expect((await post("/webhooks/calcom", text, { "X-Cal-Signature-256": "f".repeat(64) })).status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    expect((await post("/webhooks/calcom", text, sign(text))).status).toBe(202);
    await runJobs();
    const [h] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.handoffs where outreach_id = ${oid}::uuid`;
    expect(h?.n).toBe(1);
    const x = fixture("calcom/BOOKING_CANCELLED.json") as { payload: Record<string, unknown> };
    const cancel = JSON.stringify({ ...x, createdAt: new Date(Date.now() + 1000).toISOString(), payload: { ...x.payload, metadata: { hub: token } } });
    expect((await post("/webhooks/calcom", cancel, sign(cancel))).status).toBe(202);
    await runJobs();
    const events = await db.sql<{ event_type: string }[]>`
      select e.event_type from outreach.handoff_events e join outreach.handoffs h using (handoff_id) where h.outreach_id = ${oid}::uuid`;
    expect(events).toEqual([{ event_type: "meeting_cancelled" }]);
  });

  it("a route whose secret is not configured is off (404)", async () => {
    const off: ProviderWebhookSecrets = { instantly: null, smartlead: null, heyreach: null, calendly: null, calcom: null };
    const app = buildWebhookApp({
      config: { port: 0, host: "127.0.0.1", secret: null, toleranceSeconds: 300, maxBodyBytes: 65536, providers: off },
      sql: db.sql,
      log,
    });
    for (const path of ["/webhooks/instantly", "/webhooks/smartlead", `/webhooks/heyreach/${SECRETS.heyreach}`, "/webhooks/calendly", "/webhooks/calcom"]) {
      const res = await app.inject({ method: "POST", url: path, payload: "{}", headers: { "content-type": "application/json" } });
      expect(res.statusCode, path).toBe(404);
    }
    await app.close();
  });
});
