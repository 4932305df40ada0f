--------------------------------------------------------------------------------
-- The golden rule, set-based: one row per outreach record with its blocking
-- reasons. `language sql` and stable with no SET clause, so PostgreSQL inlines it:
-- a filter on outreach_id (v_candidates where outreach_id = ...) reaches the
-- indexes of every table it reads.
--------------------------------------------------------------------------------

-- The views depend on the function's row type; drop them first when it changes.
drop view if exists outreach.v_gate_funnel;
drop view if exists outreach.v_ready;
drop view if exists outreach.v_candidates;

create or replace function outreach.blocking_reason_codes()
returns text[]
language sql
immutable
parallel safe
as $$
  select array['no_company_target', 'missing_domain', 'missing_email_pattern', 'bit_below_threshold',
               'no_anchor_slot', 'no_contact_email', 'cooling_off', 'already_in_outreach',
               'target_paused', 'target_opted_out', 'target_exhausted', 'no_matching_campaign',
               'handed_off', 'band_below_3', 'upstream_not_passed', 'suppressed', 'no_contact_profile']
$$;
comment on function outreach.blocking_reason_codes() is
  'Every blocking reason code candidates() can report, in the order it reports them (codes added later are appended, so existing positions never move).';

-- The waterfall rule's hubs (outreach.v_execution_prerequisites) are defined in
-- 18_gate_state.sql, whose recomputation reads them.

create or replace function outreach.cooling_off_interval()
returns interval
language sql
stable
parallel safe
as $$
  -- Exact elapsed time: '30 days' becomes 720 hours, so adding it never depends
  -- on the session TimeZone or a DST change.
  select make_interval(secs => extract(epoch from s.cooling_off)) from outreach.settings s
$$;
comment on function outreach.cooling_off_interval() is
  'The cooling-off setting as exact elapsed time (days and months turned into seconds), independent of TimeZone and DST.';

create or replace function outreach.campaign_sends(campaign_id uuid)
returns bigint
language plpgsql
stable
parallel safe
set search_path = ''
as $$
begin
  -- plpgsql on purpose: the planner prices the call, not the count inside, so a large
  -- send log does not make every candidates() plan look expensive (and JIT-compiled).
  return (select count(*) from outreach.send_log l
           where l.campaign_id = campaign_sends.campaign_id and l.send_status <> 'cancelled');
end
$$;
comment on function outreach.campaign_sends(uuid) is
  'How many non-cancelled sends a campaign has scheduled so far (what total_send_limit caps).';

create or replace function outreach.last_contact_before(outreach_id uuid, before timestamptz)
returns timestamptz
language plpgsql
stable
parallel safe
cost 1
set search_path = ''
as $$
begin
  -- plpgsql on purpose (as campaign_sends): candidates() calls it only for a record whose
  -- latest send is dated cooling-off or more after as_of, and the planner prices the call,
  -- not the index scan inside, so every candidates() plan does not look expensive.
  perform outreach.checked_time(last_contact_before.before, 'before');
  return (select max(l.sent_at) from outreach.send_log l
           where l.outreach_id = last_contact_before.outreach_id
             and l.sent_at is not null
             and l.sent_at < last_contact_before.before);
end
$$;
comment on function outreach.last_contact_before(uuid, timestamptz) is
  'The latest sent_at of a record''s messages strictly before a moment (NULL when none): candidates()'' last contact when the kept latest one is too far after as_of to count. 22004/22023 for an unusable before.';

-- Row types that grew drop the old function first (CREATE OR REPLACE cannot change one):
-- candidates() gained channel and primary_linkedin_url, its two parts reason_bits.
do $$
declare
  f record;
begin
  for f in select * from (values ('outreach.candidates(timestamptz)', 'primary_linkedin_url'),
                                 ('outreach.candidates_scored(timestamptz)', 'reason_bits'),
                                 ('outreach.candidates_unscored(timestamptz)', 'reason_bits')) v(sig, col)
  loop
    if exists (select 1 from pg_catalog.pg_proc p
                where p.oid = to_regprocedure(f.sig) and not (f.col = any (p.proargnames))) then
      execute format('drop function %s', f.sig);
    end if;
  end loop;
end
$$;

-- A set of blocking reasons as bits (bit k-1 set for the k-th code of
-- blocking_reason_codes()) spelt out, in code order.
create or replace function outreach_private.reasons_of(bits int)
returns text[]
language sql
immutable
parallel safe
as $$
  select array(select c.code
                 from unnest(outreach.blocking_reason_codes()) with ordinality c(code, k)
                where reasons_of.bits & (1 << (c.k::int - 1)) <> 0
                order by c.k)
$$;
comment on function outreach_private.reasons_of(int) is
  'Blocking reasons given as bits (bit k-1 for the k-th code of blocking_reason_codes()) spelt out in code order: what candidates() reports for a record whose reason_bits are these.';

-- candidates() in two parts, by whether the record is scored. Each part also returns
-- the record's reasons as bits (reason_bits, 0 when eligible): promote's evaluation log
-- counts records by them, an integer, and spells each distinct set once.
create or replace function outreach.candidates_unscored(as_of timestamptz default now())
returns table (
  outreach_id          uuid,
  sovereign_company_id uuid,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  bit_score            numeric,
  score_tier           text,
  primary_person_id    uuid,
  primary_slot         text,
  primary_email        text,
  last_contacted_at    timestamptz,
  cooling_off_until    timestamptz,
  campaign_id          uuid,
  sequence_id          uuid,
  eligible             boolean,
  blocking_reasons     text[],
  channel              text,
  primary_linkedin_url text,
  reason_bits          int
)
language sql
stable
as $$
  -- Only cooling-off is read here (no threshold, no campaign window: no score). The
  -- state's leading columns are the ones read here (migration 000019).
  --
  -- The records without a BIT score (most of them: 84 % of the generated data). No
  -- campaign can match one (every campaign needs a score), so it is never eligible, has
  -- no campaign, channel or profile, and its contact is the email one. Its reasons are
  -- the static ones the state keeps (unscored_reasons), with cooling_off in its place
  -- when the record is in cooling-off: right after bit_below_threshold and the contact
  -- reason (no_anchor_slot or no_contact_email) when there is one, as in
  -- blocking_reason_codes(). test/sql/gate_state/equals_baseline proves both parts
  -- equal the full rule.
  select g.outreach_id, g.sovereign_company_id, g.target_id, g.domain, g.email_pattern,
         null::numeric, null::text, g.contact_person_id, g.contact_slot, g.contact_email,
         lc.last_sent, lc.last_sent + s.cooling_off,
         null::uuid, null::uuid, false,
         case when co.cooling
              then g.unscored_reasons[:ins.after] || 'cooling_off'::text || g.unscored_reasons[ins.after + 1:]
              else g.unscored_reasons end,
         null::text, null::text,
         g.unscored_mask | case when co.cooling then 64 else 0 end
    from outreach.gate_state g
    -- The settings, as uncorrelated scalar subqueries: each is one InitPlan, computed once
    -- per call (a parameter of the plan, not a call per row). A subquery without a table,
    -- not a CTE, on purpose: a query with a CTE is not pulled up into candidates(), whose
    -- plan then projects every unscored row twice (a Subquery Scan over this part, about
    -- 60 ms of a 1M evaluation). Sends before counted_before count for the last contact;
    -- one after blocks_after blocks (exact elapsed time, so `as_of < sent + cooling_off` is
    -- `sent > as_of - cooling_off`).
    cross join (
      select (select outreach.cooling_off_interval()) as cooling_off,
             (select candidates_unscored.as_of + outreach.cooling_off_interval()) as counted_before,
             (select candidates_unscored.as_of - outreach.cooling_off_interval()) as blocks_after
    ) s
    -- Last message actually sent to the company, whatever its status became. One dated
    -- after as_of counts too (a sender's fast clock, an as_of in the past): any message
    -- less than cooling_off away from as_of, on either side, blocks it. The state keeps
    -- the latest sent_at; only when that one is cooling_off or more after as_of (a past
    -- as_of) is the record's log read for the latest one before.
    cross join lateral (
      select case when g.last_sent is null then null
                  when g.last_sent < s.counted_before then g.last_sent
                  else outreach.last_contact_before(g.outreach_id, s.counted_before)
             end as last_sent
    ) lc
    -- Whether the record is in cooling-off at as_of (`g.last_sent is not null` first: most
    -- records were never sent anything, and a false stops the AND where the NULL of lc's
    -- CASE would not).
    cross join lateral (
      select g.last_sent is not null and lc.last_sent > s.blocks_after as cooling
    ) co
    -- Where cooling_off goes: after bit_below_threshold (always there for an unscored
    -- record) and the contact reason that follows it, if any.
    cross join lateral (
      select array_position(g.unscored_reasons, 'bit_below_threshold')
             + (g.unscored_reasons[array_position(g.unscored_reasons, 'bit_below_threshold') + 1]
                  in ('no_anchor_slot', 'no_contact_email'))::int as after
    ) ins
   where not g.scored
     -- A one-time filter, checked before any table is read: 22004 / 22023 for an unusable as_of.
     and outreach.checked_time(candidates_unscored.as_of, 'as_of') is not null
$$;
comment on function outreach.candidates_unscored(timestamptz) is
  'candidates() for the records without a BIT score: never eligible, no campaign; their kept static reasons, with cooling_off in its place. Same columns as candidates(), which is this and candidates_scored(). Inlinable.';

-- What promote's evaluation log needs of the unscored records: how many have each list
-- of reasons. The same rule as candidates_unscored(), counted by the kept bits
-- (gate_state.unscored_mask) with cooling_off's bit added, and each distinct mask spelt
-- out once: grouping 1M records by an integer instead of an array.
-- test/sql/gate_state/equals_baseline proves it equals counting candidates_unscored().
create or replace function outreach_private.unscored_tally(as_of timestamptz)
returns table (blocking_reasons text[], records bigint)
language sql
stable
as $$
  with settings as materialized (
    select unscored_tally.as_of + outreach.cooling_off_interval() as counted_before,
           unscored_tally.as_of - outreach.cooling_off_interval() as blocks_after
  ),
  counts as (
    -- Grouped by the kept bits alone (an integer the planner has statistics for), the
    -- records in cooling-off counted on the side: most have never been sent anything,
    -- and for them the test stops at its first comparison. The last contact is the one
    -- of candidates_unscored(), tested in place (no projection per record): a kept
    -- last_sent before counted_before is the last contact; a later one is not, and the
    -- record's log is read for the latest before (blocks_after < counted_before, so a
    -- kept last_sent at or before blocks_after never blocks).
    select g.unscored_mask as mask, count(*) as records,
           -- (`is not null` first: a NULL does not stop an AND, a false does.)
           count(*) filter (where g.last_sent is not null
                              and g.last_sent > (select s.blocks_after from settings s)
                              and (g.last_sent < (select s.counted_before from settings s)
                                   or outreach.last_contact_before(g.outreach_id, (select s.counted_before from settings s))
                                        > (select s.blocks_after from settings s))) as cooling
      from outreach.gate_state g
     where not g.scored
       and outreach.checked_time(unscored_tally.as_of, 'as_of') is not null
     group by g.unscored_mask
  ),
  -- Each mask as it is (out of cooling-off) and with cooling_off's bit (64).
  split as (
    select c.mask, c.records - c.cooling as records from counts c where c.records > c.cooling
    union all
    select c.mask | 64, c.cooling from counts c where c.cooling > 0
  )
  select outreach_private.reasons_of(split.mask), split.records
    from split
$$;
comment on function outreach_private.unscored_tally(timestamptz) is
  'The unscored records at as_of counted by their blocking reasons (what grouping candidates_unscored() by blocking_reasons gives), from the kept bits.';

create or replace function outreach.candidates_scored(as_of timestamptz default now())
returns table (
  outreach_id          uuid,
  sovereign_company_id uuid,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  bit_score            numeric,
  score_tier           text,
  primary_person_id    uuid,
  primary_slot         text,
  primary_email        text,
  last_contacted_at    timestamptz,
  cooling_off_until    timestamptz,
  campaign_id          uuid,
  sequence_id          uuid,
  eligible             boolean,
  blocking_reasons     text[],
  channel              text,
  primary_linkedin_url text,
  reason_bits          int
)
language sql
stable
as $$
  -- `limit 1`: settings is one row (a singleton key), but a one-row table is never
  -- analysed by autovacuum, so the planner guesses hundreds of rows, multiplies every
  -- join by them and turns on JIT with optimisation (more than half the time at 95k).
  with settings as materialized (
    select s.bit_threshold, outreach.cooling_off_interval() as cooling_off,
           (candidates_scored.as_of at time zone 'UTC')::date as utc_day,
           -- Sends before this count for the last contact; one after it blocks (exact
           -- elapsed time, so `as_of < sent + cooling_off` is `sent > as_of - cooling_off`).
           candidates_scored.as_of + outreach.cooling_off_interval() as counted_before,
           candidates_scored.as_of - outreach.cooling_off_interval() as blocks_after
      from outreach.settings s
     limit 1
  ),
  -- Campaigns that can take an enrolment at as_of, with their first step.
  open_campaigns as materialized (
    select c.campaign_id, f.sequence_id, c.channel, coalesce(c.target_bit_score_min, 0)::numeric as min_score,
           (select array_agg(lower(btrim(i))) from unnest(c.target_industries) i) as industries,
           c.min_employees, c.max_employees,
           -- The matching order (most specific, then priority, then oldest, then id) as one
           -- rank, so a record's search is a plain min() instead of a sort per record.
           row_number() over (order by (c.target_industries is not null)::int + (c.min_employees is not null)::int
                                         + (c.max_employees is not null)::int + (c.target_bit_score_min is not null)::int desc,
                                       c.priority desc, c.created_at, c.campaign_id) as ord
      from outreach.campaigns c
      cross join settings s
      join lateral (
        select q.sequence_id, q.sequence_status
          from outreach.sequences q
         where q.campaign_id = c.campaign_id
         order by q.sequence_order
         limit 1
      ) f on f.sequence_status = 'active'
     where c.campaign_status = 'active'
       and (c.start_date is null or c.start_date <= s.utc_day)
       and (c.end_date is null or c.end_date >= s.utc_day)
       and (c.total_send_limit is null or outreach.campaign_sends(c.campaign_id) < c.total_send_limit)
  ),
  -- The open campaigns by rank, as arrays: a search's best rank picks its campaign by
  -- subscript (one row, so the planner never mistakes it for a join to reorder).
  ranked as materialized (
    select array_agg(oc.campaign_id order by oc.ord) as campaign_ids,
           array_agg(oc.sequence_id order by oc.ord) as sequence_ids,
           array_agg(oc.channel order by oc.ord) as channels
      from open_campaigns oc
  ),
  -- The matching grid. Whether a campaign matches a record depends only on where the
  -- record's score and size fall among the open campaigns' bounds, which of their
  -- industries it has (if any), and which addresses it has; whether it has filled slots
  -- decides, with those, its no_contact_* reasons. These six, packed into one
  -- integer (the record's cell), decide its campaign: records of one cell share one
  -- search (Memoize, below), so the search runs once per cell (a few hundred at 1M
  -- records), not once per record.
  --   scores:     the distinct score minimums, ascending: width_bucket(score, scores) >= j
  --               exactly when score >= scores[j];
  --   sizes:      the distinct minimums and maximums + 1 (bigint: no overflow at the top
  --               of int), ascending: size >= min exactly when width_bucket(size, sizes) >=
  --               the position of min, size <= max exactly when it is < that of max + 1;
  --   industries: every industry a campaign names (distinct, no NULL): position 0 is none.
  grid as materialized (
    select g.scores, g.sizes, g.industries,
           cardinality(g.sizes) + 2 as size_radix,       -- 0 = no size, 1 + bucket otherwise
           cardinality(g.industries) + 1 as industry_radix  -- 0 = none of them, else position
      from (
        select coalesce((select array_agg(distinct oc.min_score order by oc.min_score) from open_campaigns oc),
                        '{}') as scores,
               coalesce((select array_agg(distinct b.bound order by b.bound)
                           from open_campaigns oc
                           cross join lateral (values (oc.min_employees::bigint), (oc.max_employees::bigint + 1)) b(bound)
                          where b.bound is not null), '{}') as sizes,
               coalesce((select array_agg(distinct i.name order by i.name)
                           from open_campaigns oc cross join unnest(oc.industries) i(name)
                          where i.name is not null), '{}') as industries
      ) g
  )
  -- The scored records: the full rule, with the campaign search.
  select g.outreach_id, g.sovereign_company_id, g.target_id, g.domain, g.email_pattern,
         sc.bit_score, sc.score_tier,
         -- The contact summary (kept by triggers) is primary_contact(id, record's pressure class);
         -- for a LinkedIn campaign its LinkedIn half (same slot order, usable profiles).
         case when cm.channel = 'linkedin' then g.contact_li_person_id else g.contact_person_id end,
         case when cm.channel = 'linkedin' then g.contact_li_slot else g.contact_slot end,
         case when cm.channel = 'linkedin' then null else g.contact_email end,
         lc.last_sent, lc.last_sent + (select s.cooling_off from settings s),
         cm.campaign_id, cm.sequence_id,
         -- The same rules as the reasons below, as one short-circuit test (cheapest and
         -- most selective first); test/sql/gate proves the two agree. static_clear (a
         -- generated column of the state) is the rules that read only the state row:
         -- target, domain, pattern, filled slots, target status, spine status, upstream
         -- verdict, suppression, queued sends.
         ok.eligible,
         rs.reasons,
         cm.channel,
         case when cm.channel = 'linkedin' then g.contact_linkedin_url end,
         k.own | cm.mask
    from outreach.gate_state g
    -- The score, tier and band (migration 000024: a narrow table, so a score change writes
    -- no state row). One row for every scored state row.
    join outreach.gate_score sc on sc.outreach_id = g.outreach_id
    -- The last contact, as in candidates_unscored().
    cross join lateral (
      select case when g.last_sent is null then null
                  when g.last_sent < (select s.counted_before from settings s) then g.last_sent
                  else outreach.last_contact_before(g.outreach_id, (select s.counted_before from settings s))
             end as last_sent
    ) lc
    -- What is computed once per record, in one step (`offset 0`: one node, whose two
    -- values key the two cached lookups below, instead of the five columns they come from):
    --   cell: the record's cell in the grid, and whether it has filled slots and which
    --         addresses (the search below depends on nothing else);
    --   own:  its reasons that do not depend on the search, as bits (bit k-1 for the k-th
    --         code of blocking_reason_codes()): the kept static ones (scored_mask), the
    --         score's and band's, and cooling-off at as_of.
    cross join lateral (
      select (((width_bucket(sc.bit_score, (select gr.scores from grid gr))::bigint * (select gr.size_radix from grid gr)
                + coalesce(width_bucket(g.employee_count::bigint, (select gr.sizes from grid gr)) + 1, 0))
               * (select gr.industry_radix from grid gr)
               + coalesce(array_position((select gr.industries from grid gr), g.industry_key), 0)) * 2
              + coalesce(g.filled_slots > 0, false)::int) * 4
             + (g.contact_person_id is not null)::int * 2
             + (g.contact_li_person_id is not null)::int as cell,
             g.scored_mask
             | case when sc.bit_score < (select s.bit_threshold from settings s) then 8 else 0 end
             | case when sc.band < 3 then 8192 else 0 end
             | case when lc.last_sent > (select s.blocks_after from settings s) then 64 else 0 end as own
      offset 0
    ) k
    -- The search, for a cell: the most specific matching campaign the record has an
    -- address for (an email contact for an email campaign, a profile for a LinkedIn one),
    -- then priority, then oldest, then id, by its rank; none matching reads as NULLs. And
    -- the cell's reasons as bits: no_matching_campaign (2048) when no campaign matches;
    -- no_contact_email (32) when the record has filled slots, no email contact, no
    -- campaign it has an address for, and an email campaign (or no LinkedIn one) matches;
    -- no_contact_profile (65536) when it has filled slots, no profile, no campaign it has
    -- an address for, and a LinkedIn campaign matches. Keyed by the cell alone, the planner
    -- caches it (Memoize); a filter on the record's own columns (v_ready's) still narrows
    -- the records searched.
    cross join lateral (
      select rk.campaign_ids[m.best] as campaign_id, rk.sequence_ids[m.best] as sequence_id,
             rk.channels[m.best] as channel,
             case when m.has_slots and not m.has_email and m.best is null
                       and (coalesce(m.email_matches, false) or not coalesce(m.linkedin_matches, false))
                  then 32 else 0 end
             | case when not coalesce(m.email_matches or m.linkedin_matches, false) then 2048 else 0 end
             | case when m.has_slots and not m.has_profile and m.best is null and coalesce(m.linkedin_matches, false)
                  then 65536 else 0 end as mask
        from ranked rk
        cross join (
          select min(oc.ord) filter (where case oc.channel when 'linkedin' then d.has_profile else d.has_email end) as best,
                 bool_or(oc.channel = 'email') as email_matches,
                 bool_or(oc.channel = 'linkedin') as linkedin_matches,
                 d.has_slots, d.has_email, d.has_profile
            from grid gr
            -- The cell unpacked (NULL: no size / none of the industries).
            cross join lateral (
              select k.cell % 2 = 1 as has_profile,
                     k.cell / 2 % 2 = 1 as has_email,
                     k.cell / 4 % 2 = 1 as has_slots,
                     nullif(k.cell / 8 % gr.industry_radix, 0) as industry_at,
                     nullif(k.cell / 8 / gr.industry_radix % gr.size_radix, 0) - 1 as size_at,
                     k.cell / 8 / gr.industry_radix / gr.size_radix as score_at
            ) d
            -- (A left join: the cell's own flags survive when no campaign matches.)
            left join open_campaigns oc
              on d.score_at >= array_position(gr.scores, oc.min_score)
             and (oc.industries is null or gr.industries[d.industry_at] = any (oc.industries))
             and (oc.min_employees is null or d.size_at >= array_position(gr.sizes, oc.min_employees::bigint))
             and (oc.max_employees is null or d.size_at < array_position(gr.sizes, oc.max_employees::bigint + 1))
           group by d.has_slots, d.has_email, d.has_profile
        ) m
      offset 0
    ) cm
    cross join lateral (
      select sc.bit_score >= (select s.bit_threshold from settings s)
             and coalesce(sc.band >= 3, true)
             and g.static_clear
             and cm.campaign_id is not null
             and not coalesce(lc.last_sent > (select s.blocks_after from settings s), false) as eligible
    ) ok
    -- The reasons spelt out, in code order: the record's own bits and its cell's. Keyed by
    -- those two values, each distinct pair is spelt once (Memoize), not once per record.
    -- An eligible record has none.
    -- (outreach_private.reasons_of spells bits the same way; it is not called here, since
    -- an inlined candidates() runs with the reader's rights, who may not use that schema.)
    cross join lateral (
      select array(select c.code
                     from unnest(outreach.blocking_reason_codes()) with ordinality c(code, k)
                    where (k.own | cm.mask) & (1 << (c.k::int - 1)) <> 0
                    order by c.k) as reasons
      offset 0
    ) rs
   where g.scored
     and outreach.checked_time(candidates_scored.as_of, 'as_of') is not null
$$;
comment on function outreach.candidates_scored(timestamptz) is
  'candidates() for the scored records: the full rule with the campaign search. Same columns as candidates(), which is candidates_unscored() and this. Inlinable.';

create or replace function outreach.candidates(as_of timestamptz default now())
returns table (
  outreach_id          uuid,
  sovereign_company_id uuid,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  bit_score            numeric,
  score_tier           text,
  primary_person_id    uuid,
  primary_slot         text,
  primary_email        text,
  last_contacted_at    timestamptz,
  cooling_off_until    timestamptz,
  campaign_id          uuid,
  sequence_id          uuid,
  eligible             boolean,
  blocking_reasons     text[],
  channel              text,
  primary_linkedin_url text
)
language sql
stable
as $$
  -- Two parts over the kept state, split by whether the record is scored (each part's
  -- own function, so promote can count the unscored records without the campaign search).
  select u.outreach_id, u.sovereign_company_id, u.target_id, u.domain, u.email_pattern, u.bit_score,
         u.score_tier, u.primary_person_id, u.primary_slot, u.primary_email, u.last_contacted_at,
         u.cooling_off_until, u.campaign_id, u.sequence_id, u.eligible, u.blocking_reasons, u.channel,
         u.primary_linkedin_url
    from outreach.candidates_unscored(candidates.as_of) u
  union all
  select s.outreach_id, s.sovereign_company_id, s.target_id, s.domain, s.email_pattern, s.bit_score,
         s.score_tier, s.primary_person_id, s.primary_slot, s.primary_email, s.last_contacted_at,
         s.cooling_off_until, s.campaign_id, s.sequence_id, s.eligible, s.blocking_reasons, s.channel,
         s.primary_linkedin_url
    from outreach.candidates_scored(candidates.as_of) s
$$;
comment on function outreach.candidates(timestamptz) is
  'The golden rule for every outreach record as of a moment: target, contact (chosen with the pressure class, as primary_contact), last contact, cooling-off, matching campaign, and the blocking reasons (eligible exactly when there are none; a BIT band below 3 blocks; a record with upstream status rows needs PASS from every hub before Outreach Execution; a suppressed target domain blocks). Campaigns are matched by channel: an email campaign needs a usable email contact, a LinkedIn campaign a usable profile (channel, primary_linkedin_url); no address for any matching campaign is no_contact_email or no_contact_profile. Set-based and inlinable.';

create view outreach.v_candidates as
  select * from outreach.candidates(now());
comment on view outreach.v_candidates is 'Every outreach record evaluated now: outreach.candidates(now()).';

create view outreach.v_ready as
  select * from outreach.candidates(now()) where eligible;
comment on view outreach.v_ready is 'Outreach records eligible for promotion now.';

create view outreach.v_gate_funnel as
  -- One evaluation, one pass over its reasons.
  with c as materialized (select blocking_reasons from outreach.candidates(now())),
  totals as (
    select count(*) as total, count(*) filter (where cardinality(c.blocking_reasons) = 0) as eligible from c
  ),
  per_code as (
    select r.code, count(*) as records, count(*) filter (where cardinality(c.blocking_reasons) = 1) as sole_blocker
      from c cross join unnest(c.blocking_reasons) as r(code)
     group by r.code
  ),
  codes as (select code, ord from unnest(outreach.blocking_reason_codes()) with ordinality as u(code, ord))
  select 'total' as reason, 0::bigint as ord, totals.total as records, null::bigint as sole_blocker from totals
  union all
  select codes.code, codes.ord, coalesce(p.records, 0), coalesce(p.sole_blocker, 0)
    from codes left join per_code p on p.code = codes.code
  union all
  select 'eligible', 1000, totals.eligible, null from totals
  order by ord;
comment on view outreach.v_gate_funnel is
  'The gate funnel now: total records, how many each blocking reason stops (records) and how many it alone stops (sole_blocker), and how many are eligible.';

create or replace function outreach.cooling_off(outreach_id uuid, as_of timestamptz default now())
returns table (in_cooling_off boolean, last_contacted_at timestamptz, eligible_at timestamptz)
language sql
stable
as $$
  select coalesce(cooling_off.as_of < lc.last_sent + outreach.cooling_off_interval(), false),
         lc.last_sent,
         lc.last_sent + outreach.cooling_off_interval()
    from (select max(l.sent_at) as last_sent
            from outreach.send_log l
           where l.outreach_id = cooling_off.outreach_id
             and l.sent_at is not null
             and l.sent_at < cooling_off.as_of + outreach.cooling_off_interval()) lc
   where outreach.checked_time(cooling_off.as_of, 'as_of') is not null
$$;
comment on function outreach.cooling_off(uuid, timestamptz) is
  'Whether a company is in cooling-off at as_of: some message was sent to it (whatever its later status) less than cooling-off (exact elapsed time) before or after as_of; last_contacted_at is the latest such sent_at (it may be after as_of: a fast sender clock, an as_of in the past), eligible again exactly cooling-off after it. 22004/22023 for an unusable as_of.';

create or replace function outreach.match_campaign(outreach_id uuid, as_of timestamptz default now())
returns table (campaign_id uuid, sequence_id uuid)
language sql
stable
as $$
  select c.campaign_id, c.sequence_id
    from outreach.candidates(match_campaign.as_of) c
   where c.outreach_id = match_campaign.outreach_id
     and c.campaign_id is not null
$$;
comment on function outreach.match_campaign(uuid, timestamptz) is
  'The campaign (and its first step) an outreach record would be enrolled in at as_of: active, in its window, score ≥ its minimum, industry and size in range, under its total limit, first step active; most specific, then priority, then oldest, then id.';
