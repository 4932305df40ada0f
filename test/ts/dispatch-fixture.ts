/**
 * Queued sends of `smtp` campaigns for the dispatch tests: a generated dataset,
 * every campaign sent by smtp at any hour (so the tests do not depend on the clock
 * being inside business hours), caps lifted, one promote.
 */
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { generate } from "../../src/ops/generate.ts";

export interface QueuedSend {
  send_id: string;
  email_to: string;
  person_id: string | null;
}

export async function seedSmtpSends(sql: postgres.Sql, opts: { companies: number; seed?: number }): Promise<QueuedSend[]> {
  await generate(sql, { companies: opts.companies, seed: opts.seed ?? 11 });
  await sql`update outreach.settings set hourly_send_cap = 100000, daily_send_cap = 100000`;
  await sql`update outreach.campaigns set sender = 'smtp', daily_send_limit = null`;
  await sql`update outreach.sequences set send_time_preference = 'any'`;
  await sql`select * from outreach.promote(correlation_id => ${randomUUID()}::uuid, max_rows => 100000)`;
  return sql<QueuedSend[]>`
    select send_id::text, email_to, person_id::text from outreach.send_log
     where send_status = 'queued' order by send_id`;
}

/** Points one queued send (and its person) at another address, e.g. one the mail sink refuses. */
export async function readdress(sql: postgres.Sql, send: QueuedSend, email: string): Promise<QueuedSend> {
  await sql`update outreach.people set email = ${email} where person_id = ${send.person_id}::uuid`;
  await sql`update outreach.send_log set email_to = ${email} where send_id = ${send.send_id}::uuid`;
  return { ...send, email_to: email };
}
