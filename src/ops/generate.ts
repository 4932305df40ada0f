/**
 * Deterministic synthetic dataset for the demo and the benchmark.
 *
 * Every attribute of company n is drawn from hashint8extended(n·64 + k, seed), so
 * the same (--companies, --seed) gives the same data whatever the scan order.
 * Rates follow SPEC §8: ≈62 % of HR/CEO/CFO slots filled, ≈13.9 % of records scored.
 * Ids are minted by the database (init_pending), so they differ between runs.
 */
import type { Sql } from "../runner/db.ts";

export interface GenerateOptions {
  companies: number;
  seed: number;
  /** Called after each step with what was done and how long it took. */
  onProgress?: (step: string, done: number, total: number) => void;
}

/** Uniform [0,1) draw number k of company n, as a SQL expression over column `n`. */
const u = (k: number): string => `((hashint8extended(n::bigint * 64 + ${k}, $seed) & 2147483647)::float8 / 2147483648.0)`;

const INDUSTRIES = ["Manufacturing", "Healthcare", "Retail", "Finance", "Logistics", "Construction", "Education", "Hospitality"];
const PRESSURE = ["COST_PRESSURE", "VENDOR_DISSATISFACTION", "DEADLINE_PROXIMITY", "ORGANIZATIONAL_RECONFIGURATION", "OPERATIONAL_CHAOS"];

function withSeed(text: string, seed: number): string {
  return text.replaceAll("$seed", String(Math.trunc(seed)));
}

export async function generate(pool: Sql, opts: GenerateOptions): Promise<void> {
  // One connection throughout: the id map below is a temporary table.
  const sql = await pool.reserve();
  try {
    await fill(sql, opts);
  } finally {
    sql.release();
  }
}

async function fill(sql: Sql, opts: GenerateOptions): Promise<void> {
  const { companies: total, seed } = opts;
  const progress = opts.onProgress ?? (() => {});
  const run = (text: string) => sql.unsafe(withSeed(text, seed));
  const correlationId = (await sql<{ id: string }[]>`select gen_random_uuid()::text as id`)[0]!.id;

  // 1. CL registry, in chunks so progress moves.
  const chunk = 100_000;
  for (let from = 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    await run(`
      insert into cl.company_identity (company_name, company_domain)
      select format('Synthetic %s', lpad(n::text, 7, '0')), format('co%s.synthetic.example', n)
        from generate_series(${from}, ${to}) n`);
    progress("companies", to, total);
  }

  // 2. Outreach records through the real API.
  let minted = 0;
  for (;;) {
    const [row] = await sql<{ n: number }[]>`
      select outreach.init_pending(${correlationId}::uuid, ${chunk}::int) as n`;
    minted += row?.n ?? 0;
    progress("outreach records", minted, total);
    if (!row?.n) break;
  }

  // Company number ↔ ids, for the session.
  await run(`
    create temp table gen on commit preserve rows as
    select substr(c.company_name, 11)::int as n, c.sovereign_company_id as sid, c.outreach_id as oid
      from cl.company_identity c
     where c.company_name like 'Synthetic %' and c.outreach_id is not null`);
  await run(`create index on gen (oid)`);

  // 3. Company targets.
  await run(`
    insert into outreach.company_target (outreach_id, sovereign_company_id, domain, email_pattern, industry, employee_count)
    select oid, sid,
           case when ${u(1)} < 0.97 then format('co%s.synthetic.example', n) end,
           case when ${u(2)} < 0.90 then '{first}.{last}@' || format('co%s.synthetic.example', n) end,
           (array[${INDUSTRIES.map((i) => `'${i}'`).join(",")}])[1 + floor(${u(3)} * ${INDUSTRIES.length})::int],
           (10 * power(500, ${u(4)}))::int
      from gen`);
  progress("company targets", total, total);

  // 4. People for the filled slots (≈62 %), then one slot row per record and slot.
  await run(`
    insert into outreach.people (outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status)
    select g.oid, t.target_id, g.sid, format('%s %s', s.slot, g.n),
           case when ${u(20).replace("n::bigint", "(g.n * 3 + s.k)::bigint")} < 0.03 then null
                else format('%s.%s@co%s.synthetic.example', lower(s.slot), g.n, g.n) end,
           s.slot,
           case when ${u(21).replace("n::bigint", "(g.n * 3 + s.k)::bigint")} < 0.04 then 'bounced'
                when ${u(21).replace("n::bigint", "(g.n * 3 + s.k)::bigint")} < 0.06 then 'unsubscribed'
                when ${u(21).replace("n::bigint", "(g.n * 3 + s.k)::bigint")} < 0.70 then 'verified'
                else 'unverified' end
      from gen g
      join outreach.company_target t on t.outreach_id = g.oid
      cross join (values (1, 'HR'), (2, 'CEO'), (3, 'CFO')) s(k, slot)
     where ${u(10).replace("n::bigint", "(g.n * 3 + s.k)::bigint")} < 0.62`);
  progress("people", total, total);
  await run(`
    insert into outreach.company_slot (outreach_id, slot_type, person_id, assigned_at)
    select g.oid, s.slot, p.person_id, case when p.person_id is not null then now() end
      from gen g
      cross join (values ('HR'), ('CEO'), ('CFO')) s(slot)
      left join outreach.people p on p.outreach_id = g.oid and p.title = s.slot`);
  progress("slots", total * 3, total * 3);

  // 5. BIT scores for ≈13.9 % of records; a band and a pressure class for most of them.
  await run(`
    insert into outreach.bit_scores (outreach_id, score, band, pressure_class, signal_count, last_scored_at)
    select oid, round((100 * power(${u(31)}, 0.8))::numeric, 1),
           case when ${u(32)} < 0.6 then floor(${u(33)} * 6)::smallint end,
           case when ${u(34)} < 0.8 then (array[${PRESSURE.map((p) => `'${p}'`).join(",")}])[1 + floor(${u(35)} * 5)::int] end,
           1 + floor(${u(36)} * 12)::int, now() - interval '1 day' * floor(${u(37)} * 20)
      from gen
     where ${u(30)} < 0.139`);
  progress("BIT scores", total, total);

  // DOL and blog evidence for part of the scored records.
  await run(`
    insert into outreach.dol (outreach_id, ein, renewal_date, employer_contribution_change_pct)
    select g.oid, lpad((n % 1000000000)::text, 9, '0'), current_date + (15 + floor(${u(40)} * 200))::int,
           round((${u(41)} * 30 - 5)::numeric, 1)
      from gen g join outreach.bit_scores b on b.outreach_id = g.oid
     where ${u(42)} < 0.7`);
  await run(`
    insert into outreach.blog (outreach_id, signal_type, summary, published_at)
    select g.oid, (array['leadership_change','expansion','layoffs','vendor_review'])[1 + floor(${u(43)} * 4)::int],
           'Synthetic news item', now() - interval '1 day' * floor(${u(44)} * 60)
      from gen g join outreach.bit_scores b on b.outreach_id = g.oid
     where ${u(45)} < 0.4`);

  // 6. Campaigns across industries and sizes, three steps each.
  await run(`
    with c as (
      insert into outreach.campaigns (campaign_name, campaign_status, target_bit_score_min, target_industries,
                                      min_employees, max_employees, priority, daily_send_limit)
      values ('General outreach', 'active', 50, null, null, null, 0, null),
             ('Manufacturing mid-market', 'active', 50, array['Manufacturing', 'Logistics'], 100, 2000, 5, 100),
             ('Healthcare benefits', 'active', 55, array['Healthcare'], 50, null, 5, 80),
             ('Enterprise renewals', 'active', 60, null, 1000, null, 3, 50),
             ('Retail small business', 'active', 50, array['Retail', 'Hospitality'], null, 200, 2, null),
             ('Finance (paused)', 'paused', 50, array['Finance'], null, null, 9, null)
      returning campaign_id, campaign_name)
    insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, subject_template, body_template)
    select c.campaign_id, format('%s — step %s', c.campaign_name, s.step), s.step, s.delay,
           'Following up', 'Hello'
      from c cross join (values (1, 0), (2, 3), (3, 7)) s(step, delay)`);

  // 7. Send history: ≈6 % of records were contacted in the last 60 days (about half
  //    of them are still cooling off), with whatever status their message reached.
  await run(`
    insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id,
                                   email_to, sequence_step, send_status, scheduled_at, sent_at, correlation_id)
    select g.oid, t.target_id, g.sid, c.campaign_id, q.sequence_id, format('history.%s@synthetic.example', g.n), 1,
           (array['sent','delivered','opened','clicked','replied','bounced'])[1 + floor(${u(51)} * 6)::int],
           now() - interval '1 day' * (1 + ${u(52)} * 59), now() - interval '1 day' * (1 + ${u(52)} * 59),
           gen_random_uuid()
      from gen g
      join outreach.company_target t on t.outreach_id = g.oid
      cross join (select campaign_id from outreach.campaigns where campaign_name = 'General outreach') c
      join outreach.sequences q on q.campaign_id = c.campaign_id and q.sequence_order = 1
     where ${u(50)} < 0.06`);
  progress("send history", total, total);

  await run(`drop table gen`);
  // The contact-summary triggers rewrote every target row once, and the gate-state triggers
  // (sql/20_gate/18_gate_state.sql, which kept outreach.gate_state exact all along) every
  // state row once per table loaded after the spine: a bulk load leaves both two to three
  // times their size (gate_state at 95k: 73 MB, 32 MB compact). Compact them as a DBA does
  // after a bulk load (VACUUM FULL), then vacuum (which sets the visibility map that index-only
  // scans need and VACUUM FULL leaves empty) with fresh statistics.
  await run(`vacuum (full) outreach.company_target, outreach.gate_state`);
  await run(`vacuum (analyze) outreach.company_target, outreach.company_slot, outreach.people, outreach.outreach, outreach.bit_scores, outreach.send_log, outreach.gate_state`);
  progress("vacuum analyze", 1, 1);
}
