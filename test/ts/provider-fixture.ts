/**
 * Queued step-1 sends of provider campaigns for the provider tests: a generated
 * dataset whose campaigns are all run by one provider (numeric provider campaign
 * ids, as HeyReach needs), at any hour, caps lifted, one promote. For heyreach the
 * queued sends become LinkedIn sends with a profile URL each.
 */
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { generate } from "../../src/ops/generate.ts";

export interface ProviderSend {
  send_id: string;
  enrolment_id: string;
  outreach_id: string;
  email_to: string | null;
  linkedin_url: string | null;
  provider_campaign_id: string;
}

export async function seedProviderSends(
  sql: postgres.Sql,
  opts: { sender: "instantly" | "smartlead" | "heyreach"; companies: number; seed?: number },
): Promise<ProviderSend[]> {
  await generate(sql, { companies: opts.companies, seed: opts.seed ?? 11 });
  await sql`update outreach.settings set hourly_send_cap = 100000, daily_send_cap = 100000`;
  await sql`
    update outreach.campaigns c
       set sender = ${opts.sender}, daily_send_limit = null,
           provider_campaign_id = (select 7000 + count(*) from outreach.campaigns c2 where c2.campaign_name < c.campaign_name)::text`;
  await sql`update outreach.sequences set send_time_preference = 'any'`;
  if (opts.sender === "heyreach") {
    // A LinkedIn campaign enrols only people with a profile, within the LinkedIn caps.
    await sql`update outreach.people set linkedin_url = 'https://www.linkedin.com/in/person-' || left(person_id::text, 8)`;
    await sql`update outreach.settings set linkedin_weekly_connect_cap = 100000, linkedin_daily_message_cap = 100000`;
  }
  await sql`select * from outreach.promote(correlation_id => ${randomUUID()}::uuid, max_rows => 100000)`;
  if (opts.sender === "heyreach") {
    await sql`
      update outreach.send_log
         set channel = 'linkedin', linkedin_url = 'https://www.linkedin.com/in/p-' || left(send_id::text, 8) || '/'
       where send_status = 'queued'`;
  }
  return sql<ProviderSend[]>`
    select l.send_id::text, l.enrolment_id::text, l.outreach_id::text, l.email_to, l.linkedin_url, c.provider_campaign_id
      from outreach.send_log l join outreach.campaigns c using (campaign_id)
     where l.send_status = 'queued' order by l.send_id`;
}
