import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchCycle } from "../../../../src/runner/dispatch.ts";
import { createSmartleadSender, smartleadAccepted } from "../../../../src/senders/io/smartlead.ts";
import { capturingLogger } from "../../http/helpers.ts";
import { freshDatabase, type TestDatabase } from "../../helpers.ts";
import { seedProviderSends, type ProviderSend } from "../../provider-fixture.ts";
import { standIn, type Recorded, type Reply, type StandIn } from "./stand-in.ts";

const KEY = "smartlead-test-key-0001";

/** Smartlead's documented (older reference) answer to POST /campaigns/{id}/leads: counts only. */
function uploaded(req: Recorded, refuse: (email: string) => boolean = () => false): Reply {
  const list = (req.body as { lead_list: { email: string }[] }).lead_list;
  const ok = list.filter((l) => !refuse(l.email)).length;
  return { status: 200, body: { ok: true, upload_count: ok, total_leads: list.length, already_added_to_campaign: 0, duplicate_count: 0, invalid_email_count: 0, unsubscribed_leads: list.length - ok } };
}

describe("smartlead sender", () => {
  let db: TestDatabase;
  let api: StandIn;
  let sends: ProviderSend[];
  const { log } = capturingLogger();

  const cycle = async () => {
    const sender = createSmartleadSender({ SMARTLEAD_API_KEY: KEY, SMARTLEAD_API_URL: api.url });
    if (!sender) throw new Error("sender should be on");
    return dispatchCycle({ sql: db.sql, log, senders: [sender], correlationId: randomUUID(), maxRows: 1000, concurrency: 4, leaseSeconds: 300 });
  };
  const statuses = () =>
    db.sql<{ send_id: string; send_status: string; handed_over_at: Date | null }[]>`
      select send_id::text, send_status, handed_over_at from outreach.send_log
       where send_id = any(${sends.map((x) => x.send_id)}::uuid[]) order by send_id`;

  beforeEach(async () => {
    db = await freshDatabase();
    sends = await seedProviderSends(db.sql, { sender: "smartlead", companies: 120 });
    api = await standIn((req) => (/\/leads$/.test(req.path) ? uploaded(req) : { status: 404, body: {} }));
  });
  afterEach(async () => {
    await api.close();
    await db.drop();
  });

  it("counts both references' names, and a lead already in the campaign as taken", () => {
    expect(smartleadAccepted({ upload_count: 2, already_added_to_campaign: 1 })).toBe(3);
    expect(smartleadAccepted({ added_count: 4, skipped_count: 1 })).toBe(4);
  });

  it("pushes with api_key in the query, acks every row the counts account for, and records provider_leads", async () => {
    const [tally] = await cycle();
    expect(tally).toMatchObject({ claimed: sends.length, sent: sends.length, rejected: 0 });
    for (const r of api.requests) {
      expect(r.query.get("api_key")).toBe(KEY);
      expect(r.path).toMatch(/^\/api\/v1\/campaigns\/\d+\/leads$/);
    }
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.provider_leads where provider = 'smartlead' and provider_lead_id is null`;
    expect(n?.n).toBe(sends.length);
    expect((await statuses()).every((r) => r.handed_over_at !== null)).toBe(true);
  });

  it("pushes a batch whose counts fall short one lead at a time, and fails the lead Smartlead will not take", async () => {
    const bad = sends[0]?.email_to?.toLowerCase();
    api.handle = (req) => uploaded(req, (e) => e === bad);
    const [tally] = await cycle();
    expect(tally).toMatchObject({ sent: sends.length - 1, rejected: 1 });
    expect((await statuses()).filter((r) => r.send_status === "failed").map((r) => r.send_id)).toEqual([sends[0]?.send_id]);
  });

  it("drains a stop: looks the lead id up by email, then pauses the lead in its campaign", async () => {
    await cycle();
    const target = sends[0] as ProviderSend;
    const email = (target.email_to ?? "").toLowerCase();
    api.requests.length = 0;
    api.handle = (req) =>
      req.path === "/api/v1/leads/"
        ? { status: 200, body: { id: 4242, email, lead_campaign_data: [{ campaign_id: Number(target.provider_campaign_id) }] } }
        : { status: 200, body: { ok: true } };
    await db.sql`
      update outreach.send_log set stopped_at = now(), stop_reason = 'replied'
       where enrolment_id = ${target.enrolment_id}::uuid and stopped_at is null`;
    const [tally] = await cycle();
    expect(tally?.outbox).toMatchObject({ claimed: 1, done: 1 });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v1/leads/",
      `POST /api/v1/campaigns/${target.provider_campaign_id}/leads/4242/pause`,
    ]);
    expect(api.requests[0]?.query.get("email")).toBe(email);
  });
});
