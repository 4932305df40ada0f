import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackSend, claimSends, releaseSend, unsubscribe, verifyUnsubscribeToken } from "../../../src/runner/dispatch-db.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

let db: TestDatabase;

/** A campaign of the sender whose one step may go out at any time, and `n` queued sends in it. */
async function queued(sender: string, n: number): Promise<string[]> {
  const [c] = await db.sql<{ id: string }[]>`
    insert into outreach.campaigns (campaign_name, campaign_status, sender)
    values (${"TS " + randomUUID()}, 'active', ${sender}) returning campaign_id as id`;
  await db.sql`
    insert into outreach.sequences (campaign_id, sequence_order, send_time_preference, subject_template, body_template)
    values (${c!.id}, 1, 'any', 'Hi {{first_name}}', 'Leave: {{unsubscribe_url}}')`;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const [row] = await db.sql<{ id: string }[]>`
      with ci as (insert into cl.company_identity (company_name) values (${"TS co " + randomUUID()}) returning sovereign_company_id),
           o as (select outreach.init_outreach((select sovereign_company_id from ci), gen_random_uuid()) as oid),
           t as (insert into outreach.company_target (outreach_id, domain, target_status)
                 select oid, oid::text || '.example', 'active' from o returning target_id, outreach_id),
           p as (insert into outreach.people (outreach_id, target_id, full_name, email, email_status)
                 select outreach_id, target_id, 'Dana Doe', 'dana@' || outreach_id::text || '.example', 'verified' from t
                 returning person_id, outreach_id, target_id, email)
      insert into outreach.send_log (outreach_id, target_id, campaign_id, sequence_id, person_id, email_to, scheduled_at, correlation_id)
      select p.outreach_id, p.target_id, ${c!.id}, (select sequence_id from outreach.sequences where campaign_id = ${c!.id}),
             p.person_id, p.email, now() - interval '1 minute', gen_random_uuid()
        from p returning send_id as id`;
    ids.push(row!.id);
  }
  return ids;
}

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("dispatch-db", () => {
  it("claims, acks once, and refuses a stale token with OR030", async () => {
    const [id] = await queued("smtp", 1);
    const claimed = await claimSends(db.sql, randomUUID(), "smtp", { maxRows: 5, leaseSeconds: 60 });
    expect(claimed.map((c) => c.send_id)).toEqual([id]);
    const c = claimed[0]!;
    expect(c.subject).toBe("Hi Dana");
    expect(c.body).toBe(`Leave: ${c.unsubscribe_url}`);
    expect(c.list_unsubscribe_post).toBe("List-Unsubscribe=One-Click");
    expect(c.steps).toBeNull();
    expect(await ackSend(db.sql, c.send_id, c.claim_token, { providerMessageId: "<m@hub>", sentAt: new Date() })).toBe(true);
    expect(await ackSend(db.sql, c.send_id, c.claim_token)).toBe(false);
    await expect(ackSend(db.sql, c.send_id, randomUUID())).rejects.toMatchObject({ code: "OR030" });
  });

  it("releases for a retry and takes a lease in seconds", async () => {
    const [id] = await queued("queue", 1);
    const [c] = await claimSends(db.sql, randomUUID(), "queue", { leaseSeconds: 10 });
    expect(c?.send_id).toBe(id);
    expect(c!.lease_until.getTime() - Date.now()).toBeLessThanOrEqual(10_000);
    await releaseSend(db.sql, c!.send_id, c!.claim_token, "421 try later", { retryAfter: new Date(Date.now() - 1000) });
    const [again] = await claimSends(db.sql, randomUUID(), "queue");
    expect(again?.attempt).toBe(2);
    await expect(claimSends(db.sql, randomUUID(), "queue", { leaseSeconds: 5 })).rejects.toMatchObject({ code: "22023" });
  });

  it("unsubscribes by token, once, and refuses a forged one with OR031", async () => {
    await queued("smtp", 1);
    const [c] = await claimSends(db.sql, randomUUID(), "smtp");
    const token = c!.unsubscribe_url.split("/").pop()!;
    expect(await verifyUnsubscribeToken(db.sql, token)).toBe(c!.send_id);
    expect(await unsubscribe(db.sql, token)).toBe(c!.send_id);
    expect(await unsubscribe(db.sql, token)).toBe(c!.send_id);
    const forged = token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA");
    expect(await verifyUnsubscribeToken(db.sql, forged)).toBeNull();
    await expect(unsubscribe(db.sql, forged)).rejects.toMatchObject({ code: "OR031" });
  });
});
