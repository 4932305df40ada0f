/**
 * The baseline the benchmark compares against: the seeds' spoke deciding one company
 * at a time from the client, with a query per company, per slot and per person.
 * This file exists only to be measured; the product decides in SQL (candidates()).
 */
import type postgres from "postgres";

type Sql = postgres.Sql;

export async function seedsWayDecision(sql: Sql, outreachId: string): Promise<boolean> {
  const [settings] = await sql<{ bit_threshold: string; cooling_s: number }[]>`
    select bit_threshold, extract(epoch from cooling_off)::float8 as cooling_s from outreach.settings`;
  const [rec] = await sql<{ status: string; target_id: string | null; domain: string | null; email_pattern: string | null;
    target_status: string | null; industry: string | null; employee_count: number | null }[]>`
    select o.status, t.target_id, t.domain, t.email_pattern, t.target_status, t.industry, t.employee_count
      from outreach.outreach o left join outreach.company_target t on t.outreach_id = o.outreach_id
     where o.outreach_id = ${outreachId}::uuid`;
  if (!rec || !settings) return false;
  const [score] = await sql<{ score: string }[]>`select score from outreach.bit_scores where outreach_id = ${outreachId}::uuid`;
  const slots = await sql<{ slot_type: string; person_id: string | null }[]>`
    select slot_type, person_id from outreach.company_slot where outreach_id = ${outreachId}::uuid`;
  let contact = false;
  let anchor = false;
  for (const slotType of ["HR", "CEO", "CFO"]) {
    const slot = slots.find((s) => s.slot_type === slotType && s.person_id);
    if (!slot) continue;
    anchor = true;
    const [person] = await sql<{ email: string | null; email_status: string }[]>`
      select email, email_status from outreach.people where person_id = ${slot.person_id}::uuid`;
    if (person?.email?.trim() && !["bounced", "unsubscribed"].includes(person.email_status)) {
      contact = true;
      break;
    }
  }
  const [last] = await sql<{ last: Date | null }[]>`
    select max(sent_at) as last from outreach.send_log where outreach_id = ${outreachId}::uuid and sent_at is not null`;
  const [open] = await sql<{ open: boolean }[]>`
    select exists (select 1 from outreach.send_log where outreach_id = ${outreachId}::uuid and send_status = 'queued') as open`;
  const campaigns = await sql<{ min: number | null; industries: string[] | null; lo: number | null; hi: number | null }[]>`
    select c.target_bit_score_min as min, c.target_industries as industries, c.min_employees as lo, c.max_employees as hi
      from outreach.campaigns c
     where c.campaign_status = 'active'
       and exists (select 1 from outreach.sequences s where s.campaign_id = c.campaign_id and s.sequence_order = 1 and s.sequence_status = 'active')`;
  const s = score ? Number(score.score) : null;
  const campaign = campaigns.some(
    (c) =>
      s !== null && s >= (c.min ?? 0) &&
      (!c.industries || c.industries.some((i) => i.toLowerCase() === rec.industry?.toLowerCase())) &&
      (c.lo === null || (rec.employee_count ?? -1) >= c.lo) &&
      (c.hi === null || (rec.employee_count ?? Infinity) <= c.hi),
  );
  const cooling = last?.last ? Date.now() < last.last.getTime() + settings.cooling_s * 1000 : false;
  return Boolean(
    rec.target_id && rec.domain?.trim() && rec.email_pattern?.trim() && s !== null && s >= Number(settings.bit_threshold) &&
      anchor && contact && !cooling && !open?.open && !["paused", "opted_out", "exhausted"].includes(rec.target_status ?? "") &&
      campaign && rec.status !== "HANDED_OFF",
  );
}
