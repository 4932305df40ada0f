import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchCycle } from "../../../../src/runner/dispatch.ts";
import { createInstantlySender } from "../../../../src/senders/io/instantly.ts";
import { capturingLogger } from "../../http/helpers.ts";
import { freshDatabase, type TestDatabase } from "../../helpers.ts";
import { seedProviderSends, type ProviderSend } from "../../provider-fixture.ts";
import { standIn, type Recorded, type Reply, type StandIn } from "./stand-in.ts";

const KEY = "instantly-test-key-0001";

/** Instantly's documented answer to POST /api/v2/leads/add: created_leads with index into the request. */
function created(req: Recorded, skip: (email: string) => boolean = () => false): Reply {
  const leads = (req.body as { leads: { email: string }[] }).leads;
  const createdLeads = leads.flatMap((l, index) => (skip(l.email) ? [] : [{ id: `lead-${l.email}`, email: l.email, index }]));
  return {
    status: 200,
    body: { status: "success", total_sent: leads.length, leads_uploaded: createdLeads.length, skipped_count: leads.length - createdLeads.length, created_leads: createdLeads },
  };
}

describe("instantly sender", () => {
  let db: TestDatabase;
  let api: StandIn;
  let sends: ProviderSend[];
  const { log, lines } = capturingLogger();

  const cycle = async (env: Record<string, string> = {}) => {
    const sender = createInstantlySender({ INSTANTLY_API_KEY: KEY, INSTANTLY_API_URL: api.url, ...env });
    if (!sender) throw new Error("sender should be on");
    return dispatchCycle({ sql: db.sql, log, senders: [sender], correlationId: randomUUID(), maxRows: 1000, concurrency: 4, leaseSeconds: 300 });
  };
  const state = () =>
    db.sql<{ send_id: string; send_status: string; handed_over_at: Date | null; provider_message_id: string | null; attempt: number; retry_after: Date | null }[]>`
      select send_id::text, send_status, handed_over_at, provider_message_id, attempt, retry_after
        from outreach.send_log where send_id = any(${sends.map((x) => x.send_id)}::uuid[]) order by send_id`;

  beforeEach(async () => {
    db = await freshDatabase();
    sends = await seedProviderSends(db.sql, { sender: "instantly", companies: 120 });
    api = await standIn((req) => (req.path === "/api/v2/leads/add" ? created(req) : { status: 404, body: {} }));
    lines.length = 0;
  });
  afterEach(async () => {
    await api.close();
    await db.drop();
  });

  it("is off without INSTANTLY_API_KEY and refuses a bad URL without echoing the key", () => {
    expect(createInstantlySender({})).toBeNull();
    expect(() => createInstantlySender({ INSTANTLY_API_KEY: KEY, INSTANTLY_API_URL: "ftp://x" })).toThrow(/INSTANTLY_API_URL/);
    expect(() => createInstantlySender({ INSTANTLY_API_KEY: KEY, INSTANTLY_API_URL: "nope" })).not.toThrow(new RegExp(KEY));
  });

  it("pushes claimed step-1 sends to leads/add and acks each with its lead id, recording provider_leads", async () => {
    expect(sends.length).toBeGreaterThan(3);
    const [tally] = await cycle();
    expect(tally).toMatchObject({ sender: "instantly", claimed: sends.length, sent: sends.length, retried: 0, rejected: 0, unreported: 0 });
    const pushes = api.requests.filter((r) => r.path === "/api/v2/leads/add");
    expect(pushes.length).toBe(new Set(sends.map((s) => s.provider_campaign_id)).size);
    for (const p of pushes) {
      expect(p.method).toBe("POST");
      expect(p.headers.authorization).toBe(`Bearer ${KEY}`);
      const body = p.body as { campaign_id: string; skip_if_in_campaign: boolean; leads: { custom_variables: Record<string, string> }[] };
      expect(body.skip_if_in_campaign).toBe(true);
      expect(body.leads[0]?.custom_variables.hub_step_1_subject).toBeTruthy();
    }
    const rows = await state();
    expect(rows.every((r) => r.handed_over_at !== null && r.send_status !== "failed")).toBe(true);
    const leads = await db.sql<{ enrolment_id: string; lead_key: string; provider_lead_id: string; provider_campaign_id: string }[]>`
      select enrolment_id::text, lead_key, provider_lead_id, provider_campaign_id from outreach.provider_leads where provider = 'instantly'`;
    expect(leads).toHaveLength(sends.length);
    for (const s of sends) {
      const l = leads.find((x) => x.enrolment_id === s.enrolment_id);
      expect(l).toMatchObject({ lead_key: s.email_to?.toLowerCase(), provider_lead_id: `lead-${s.email_to?.toLowerCase()}`, provider_campaign_id: s.provider_campaign_id });
    }
    expect(lines.filter((l) => l.outcome === "acked")).toHaveLength(sends.length);
  });

  it("honours a 429's Retry-After, then acks", async () => {
    let first = true;
    api.handle = (req) => {
      if (req.path !== "/api/v2/leads/add") return { status: 404 };
      if (first) {
        first = false;
        return { status: 429, headers: { "retry-after": "1" }, body: { error: "Too Many Requests" } };
      }
      return created(req);
    };
    const started = Date.now();
    const [tally] = await cycle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(tally?.sent).toBe(sends.length);
    expect(api.requests[0]?.body).toEqual(api.requests[1]?.body); // the same, idempotent push again
  });

  it("releases with the provider's Retry-After when it is longer than it waits, without failing the sends", async () => {
    api.handle = () => ({ status: 503, headers: { "retry-after": "120" }, body: {} });
    const [tally] = await cycle({ INSTANTLY_MAX_WAIT_MS: "1000" });
    expect(tally).toMatchObject({ claimed: sends.length, sent: 0, retried: sends.length });
    const rows = await state();
    for (const r of rows) {
      expect(r.send_status).toBe("queued");
      expect(r.handed_over_at).toBeNull();
      expect(r.retry_after?.getTime() ?? 0).toBeGreaterThan(Date.now() + 100_000);
    }
  });

  it("fails a send Instantly refuses with a 4xx for good, after isolating it from its batch", async () => {
    const bad = sends[0]?.email_to?.toLowerCase();
    api.handle = (req) => {
      const leads = (req.body as { leads: { email: string }[] }).leads;
      return leads.some((l) => l.email === bad) ? { status: 400, body: { message: "body/leads/0/email must match format" } } : created(req);
    };
    const [tally] = await cycle();
    expect(tally).toMatchObject({ sent: sends.length - 1, rejected: 1, retried: 0 });
    const failed = (await state()).filter((r) => r.send_status === "failed");
    expect(failed.map((r) => r.send_id)).toEqual([sends[0]?.send_id]);
    const [err] = await db.sql<{ message: string }[]>`
      select message from outreach.outreach_errors where message like '%HTTP 400%' limit 1`;
    expect(err?.message).toMatch(/must match format/);
  });

  it("acks a lead skipped as already in the campaign with the id leads/list finds, and refuses one it does not find", async () => {
    const [a, b] = sends.map((s) => s.email_to?.toLowerCase());
    api.handle = (req) => {
      if (req.path === "/api/v2/leads/add") return created(req, (e) => e === a || e === b);
      const search = (req.body as { search: string }).search;
      return { status: 200, body: { items: search === a ? [{ id: "lead-earlier", email: a, campaign: (req.body as { campaign: string }).campaign }] : [] } };
    };
    const [tally] = await cycle();
    expect(tally).toMatchObject({ sent: sends.length - 1, rejected: 1 });
    const [lead] = await db.sql<{ provider_lead_id: string }[]>`select provider_lead_id from outreach.provider_leads where lead_key = ${a ?? ""}`;
    expect(lead?.provider_lead_id).toBe("lead-earlier");
  });

  it("drains the outbox: a stop deletes the lead by id, a suppression becomes a block-list entry", async () => {
    await cycle();
    const target = sends[1] as ProviderSend;
    const email = (target.email_to ?? "").toLowerCase();
    api.requests.length = 0;
    api.handle = () => ({ status: 200, body: {} });
    await db.sql`select outreach.suppress(${email}, 'test', 'manual', ${randomUUID()}::uuid)`;
    const [tally] = await cycle();
    expect(tally?.outbox).toMatchObject({ claimed: 2, done: 2, retried: 0, failed: 0 });
    const del = api.requests.find((r) => r.method === "DELETE");
    expect(del).toMatchObject({ path: "/api/v2/leads", body: { campaign_id: target.provider_campaign_id, ids: [`lead-${email}`] } });
    expect(api.requests.find((r) => r.path === "/api/v2/block-lists-entries")?.body).toEqual({ bl_value: email });
    const items = await db.sql<{ kind: string; status: string }[]>`select kind, status from outreach.provider_outbox order by seq`;
    expect(items).toEqual([
      { kind: "block_email", status: "done" },
      { kind: "stop_lead", status: "done" },
    ].sort((x, y) => (items.findIndex((i) => i.kind === x.kind) - items.findIndex((i) => i.kind === y.kind))));
  });

  it("pauses every active provider campaign at Instantly while a kill switch halts sending, and claims no send meanwhile", async () => {
    api.handle = () => ({ status: 200, body: {} });
    await db.sql`update outreach.settings set daily_send_cap = 0`;
    await db.sql`select count(*) from outreach.check_kill_switches(${randomUUID()}::uuid)`;
    const [tally] = await cycle();
    const active = await db.sql<{ provider_campaign_id: string }[]>`
      select provider_campaign_id from outreach.campaigns where campaign_status = 'active' order by 1`;
    expect(tally).toMatchObject({ claimed: 0, outbox: { claimed: active.length, done: active.length } });
    expect(api.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      active.map((c) => `POST /api/v2/campaigns/${c.provider_campaign_id}/pause`),
    );
  });
});
