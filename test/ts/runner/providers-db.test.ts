import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ackOutbox,
  ackProviderPush,
  claimOutbox,
  recordBooking,
  recordProviderEvent,
  releaseOutbox,
} from "../../../src/runner/providers-db.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

let db: TestDatabase;
let sendId: string;
let claimToken: string;
let email: string;

beforeAll(async () => {
  db = await freshDatabase();
  const sql = db.sql;
  const [c] = await sql<{ id: string }[]>`
    insert into cl.company_identity (company_name, company_domain) values ('Typed', 'typed.example')
    returning sovereign_company_id as id`;
  const [o] = await sql<{ id: string }[]>`select outreach.init_outreach(${c!.id}::uuid, gen_random_uuid()) as id`;
  const [t] = await sql<{ id: string }[]>`
    insert into outreach.company_target (outreach_id, domain) values (${o!.id}::uuid, 'typed.example') returning target_id as id`;
  const [camp] = await sql<{ id: string }[]>`
    insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id)
    values ('Typed', 'active', 'instantly', 'inst-typed') returning campaign_id as id`;
  email = "Jo@Typed.example";
  claimToken = randomUUID();
  const [s] = await sql<{ id: string }[]>`
    insert into outreach.send_log (outreach_id, target_id, campaign_id, email_to, send_status, scheduled_at,
                                   claim_token, claimed_by, claimed_at, first_claimed_at, lease_until, attempt, correlation_id)
    values (${o!.id}::uuid, ${t!.id}::uuid, ${camp!.id}::uuid, ${email}, 'queued', now(), ${claimToken}::uuid, 'instantly',
            now(), now(), now() + interval '5 minutes', 1, gen_random_uuid())
    returning send_id as id`;
  sendId = s!.id;
});

afterAll(async () => {
  await db.drop();
});

describe("providers-db", () => {
  it("acknowledges a push, records events and drains the stop it causes", async () => {
    expect(await ackProviderPush(db.sql, { sendId, claimToken, providerLeadId: "lead-1" })).toBe(true);
    const sent = await recordProviderEvent(db.sql, {
      provider: "instantly", providerCampaignId: "inst-typed", leadKey: email, step: 2,
      eventType: "email_sent", eventTs: new Date("2026-01-05T10:00:00Z"), metadata: { email_id: "e-2" },
    });
    expect(sent.eventId).not.toBeNull();
    expect(sent.isDuplicate).toBe(false);
    const unmatched = await recordProviderEvent(db.sql, {
      provider: "smartlead", providerCampaignId: "1", leadKey: "nobody@x.example", step: 1,
      eventType: "email_open", eventTs: "2026-01-05T10:00:00Z",
    });
    expect(unmatched.eventId).toBeNull();

    await db.sql`select outreach.record_event(${sendId}::uuid, 'email_reply', now(), 'gmail')`;
    const [item] = await claimOutbox(db.sql, randomUUID(), "instantly", { leaseSeconds: 60 });
    expect(item?.kind).toBe("stop_lead");
    expect(item?.lead_key).toBe("jo@typed.example");
    expect(item?.provider_lead_id).toBe("lead-1");
    await releaseOutbox(db.sql, { outboxId: item!.outbox_id, claimToken: item!.claim_token, error: "HTTP 503", retryAfter: new Date(0) });
    const [again] = await claimOutbox(db.sql, randomUUID(), "instantly");
    expect(again?.attempt).toBe(2);
    expect(await ackOutbox(db.sql, again!.outbox_id, again!.claim_token)).toBe(true);
    await expect(ackOutbox(db.sql, again!.outbox_id, randomUUID())).rejects.toMatchObject({ code: "OR030" });
  });

  it("refuses a booking without a token by answering null", async () => {
    expect(await recordBooking(db.sql, { provider: "calendly", token: null, at: new Date(), event: "created", correlationId: randomUUID() })).toBeNull();
  });
});
