import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchCycle } from "../../../../src/runner/dispatch.ts";
import { createHeyReachSender } from "../../../../src/senders/io/heyreach.ts";
import { capturingLogger } from "../../http/helpers.ts";
import { freshDatabase, type TestDatabase } from "../../helpers.ts";
import { seedProviderSends, type ProviderSend } from "../../provider-fixture.ts";
import { standIn, type Recorded, type Reply, type StandIn } from "./stand-in.ts";

const KEY = "heyreach-test-key-0001";

type Pair = { linkedInAccountId?: number; lead: { profileUrl: string; customUserFields: { name: string; value: string }[] } };

/** HeyReach's documented answer to AddLeadsToCampaignV2: counts, no ids. */
function added(req: Recorded, fail: (url: string) => boolean = () => false): Reply {
  const pairs = (req.body as { accountLeadPairs: Pair[] }).accountLeadPairs;
  const failed = pairs.filter((p) => fail(p.lead.profileUrl)).length;
  return { status: 200, body: { addedLeadsCount: pairs.length - failed, updatedLeadsCount: 0, failedLeadsCount: failed } };
}

describe("heyreach sender", () => {
  let db: TestDatabase;
  let api: StandIn;
  let sends: ProviderSend[];
  const { log } = capturingLogger();

  const cycle = async (env: Record<string, string> = {}) => {
    const sender = createHeyReachSender({ HEYREACH_API_KEY: KEY, HEYREACH_API_URL: api.url, ...env });
    if (!sender) throw new Error("sender should be on");
    return dispatchCycle({ sql: db.sql, log, senders: [sender], correlationId: randomUUID(), maxRows: 1000, concurrency: 4, leaseSeconds: 300 });
  };

  beforeEach(async () => {
    db = await freshDatabase();
    sends = await seedProviderSends(db.sql, { sender: "heyreach", companies: 120 });
    api = await standIn((req) => (req.path === "/api/public/campaign/AddLeadsToCampaignV2" ? added(req) : { status: 404, body: {} }));
  });
  afterEach(async () => {
    await api.close();
    await db.drop();
  });

  it("pushes LinkedIn sends with X-API-KEY and the hub's ids as custom fields, acks them keyed by profile URL", async () => {
    const [tally] = await cycle({ HEYREACH_LINKEDIN_ACCOUNT_ID: "77" });
    expect(tally).toMatchObject({ claimed: sends.length, sent: sends.length, rejected: 0 });
    const push = api.requests[0] as Recorded;
    expect(push.headers["x-api-key"]).toBe(KEY);
    const body = push.body as { campaignId: number; accountLeadPairs: Pair[] };
    expect(typeof body.campaignId).toBe("number");
    expect(body.accountLeadPairs[0]?.linkedInAccountId).toBe(77);
    expect(body.accountLeadPairs[0]?.lead.customUserFields.map((f) => f.name)).toContain("hub_enrollment_id");
    const leads = await db.sql<{ lead_key: string }[]>`select lead_key from outreach.provider_leads where provider = 'heyreach' order by lead_key`;
    expect(leads).toHaveLength(sends.length);
    for (const l of leads) expect(l.lead_key).toMatch(/^https:\/\/linkedin\.com\/in\/p-[0-9a-f]{8}$/);
  });

  it("isolates a batch with a failed lead and fails only that one", async () => {
    const bad = sends[0]?.linkedin_url ?? "";
    api.handle = (req) => added(req, (u) => u === bad);
    const [tally] = await cycle();
    expect(tally).toMatchObject({ sent: sends.length - 1, rejected: 1 });
    const [row] = await db.sql<{ send_status: string }[]>`select send_status from outreach.send_log where send_id = ${sends[0]?.send_id ?? ""}::uuid`;
    expect(row?.send_status).toBe("failed");
  });

  it("drains a stop as StopLeadInCampaign by profile URL", async () => {
    await cycle();
    const target = sends[0] as ProviderSend;
    api.requests.length = 0;
    api.handle = () => ({ status: 200 });
    await db.sql`
      update outreach.send_log set stopped_at = now(), stop_reason = 'replied'
       where enrolment_id = ${target.enrolment_id}::uuid and stopped_at is null`;
    const [tally] = await cycle();
    expect(tally?.outbox).toMatchObject({ claimed: 1, done: 1 });
    expect(api.requests[0]).toMatchObject({
      method: "POST",
      path: "/api/public/campaign/StopLeadInCampaign",
      body: { campaignId: Number(target.provider_campaign_id), leadUrl: `https://linkedin.com/in/p-${target.send_id.slice(0, 8)}` },
    });
  });
});
