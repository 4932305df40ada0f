-- candidates_scored() searches campaigns once per cell of a grid (where a record's score
-- and size fall among the open campaigns' bounds, which of their industries it has, which
-- addresses it has) and spells each distinct reason mask once, both cached by the planner
-- (Memoize). The grid must decide exactly what the per-record rule decides: records on
-- every bound (score and size equal to a minimum, a maximum, one off either side, the
-- largest int), industries written differently, none at all, NULLs, no open campaign. The
-- oracle is the recomputing candidates() (bench/baseline.sql), with the cache and without.
begin;
select plan(10);
\ir ../../../bench/baseline.sql

create function pg_temp.differing(at timestamptz default now()) returns bigint language sql stable as $$
  select (select count(*) from (select * from outreach.candidates(at) except all select * from bench_baseline.candidates(at)) a)
       + (select count(*) from (select * from bench_baseline.candidates(at) except all select * from outreach.candidates(at)) b)
$$;

-- Campaigns on the bounds: a score minimum, a size window of one value, a size window up
-- to the largest int, industries with odd spacing and case (and a NULL element), a
-- LinkedIn one, two with the same criteria (priority and age decide).
with c as (
  insert into outreach.campaigns (campaign_name, campaign_status, target_bit_score_min, target_industries,
                                  min_employees, max_employees, priority, sender, provider_campaign_id, channel)
  values ('Fifty-five', 'active', 55, null, null, null, 0, 'queue', null, 'email'),
         ('Exactly 100', 'active', 40, null, 100, 100, 1, 'queue', null, 'email'),
         ('Huge', 'active', 40, null, 2147483646, 2147483647, 1, 'queue', null, 'email'),
         ('Retail or finance', 'active', 60, array[' Retail ', null, 'FINANCE'], null, 250, 2, 'queue', null, 'email'),
         ('LinkedIn health', 'active', 70, array['Healthcare'], 50, null, 3, 'heyreach', 'hr-grid', 'linkedin'),
         ('Twin A', 'active', 80, array['retail'], null, null, 4, 'queue', null, 'email'),
         ('Twin B', 'active', 80, array['retail'], null, null, 4, 'queue', null, 'email')
  returning campaign_id, campaign_name)
insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
select c.campaign_id, c.campaign_name || ' 1', 1, 0 from c;

-- Every combination of score, size and industry on those bounds, with four kinds of
-- contact (email and profile, email only, profile only, neither).
create temp table grid_rows as
select row_number() over () as n, s.score, e.employees, i.industry, k.contact
  from unnest(array[0, 39.9, 40, 54.9, 55, 55.1, 59.99, 60, 69.9, 70, 79.9, 80, 100]::numeric[]) s(score)
 cross join unnest(array[null, 0, 49, 50, 99, 100, 101, 249, 250, 251, 2147483645, 2147483646, 2147483647]::int[]) e(employees)
 cross join unnest(array['Retail', 'retail ', 'FINANCE', 'Finance', 'Healthcare', 'Other', null]) i(industry)
 cross join unnest(array['both', 'email', 'profile', 'none']) k(contact)
 where (s.score * 100 + coalesce(e.employees, 7) % 97 + length(coalesce(i.industry, 'x')) + length(k.contact)) % 3 = 0;

insert into cl.company_identity (company_name, company_domain)
select 'Grid ' || n, 'grid' || n || '.example' from grid_rows;
select outreach.init_pending(gen_random_uuid(), 10000);
create temp table gen as
select r.*, c.sovereign_company_id as sid, c.outreach_id as oid
  from grid_rows r join cl.company_identity c on c.company_name = 'Grid ' || r.n;

insert into outreach.company_target (outreach_id, sovereign_company_id, domain, email_pattern, industry, employee_count, target_status)
select oid, sid, 'grid' || n || '.example', '{first}@grid' || n || '.example', industry, employees, 'queued' from gen;
insert into outreach.people (outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status, linkedin_url)
select g.oid, t.target_id, g.sid, 'Person ' || g.n,
       case when g.contact in ('both', 'email') then 'p' || g.n || '@grid.example' end, 'CEO', 'verified',
       case when g.contact in ('both', 'profile') then 'https://linkedin.com/in/grid' || g.n end
  from gen g join outreach.company_target t on t.outreach_id = g.oid
 where g.n % 11 <> 0;  -- and one in eleven with nobody in the slot
insert into outreach.company_slot (outreach_id, slot_type, person_id)
select g.oid, 'CEO', p.person_id
  from gen g left join outreach.people p on p.outreach_id = g.oid;
insert into outreach.bit_scores (outreach_id, score, band) select oid, score, null from gen;

select ok((select count(*) from gen) > 900
          and (select count(distinct campaign_id) from outreach.candidates(now()) where campaign_id is not null) = 6
          and (select count(*) from outreach.candidates(now()) where channel = 'linkedin') > 0
          and (select count(*) from outreach.candidates(now()) where 'no_contact_profile' = any (blocking_reasons)) > 0
          and (select count(*) from outreach.candidates(now()) where 'no_contact_email' = any (blocking_reasons)) > 0
          and (select count(*) from outreach.candidates(now()) where 'no_matching_campaign' = any (blocking_reasons)) > 0,
          'the grid reaches six campaigns (one twin loses), both channels and every campaign-dependent reason');

select is(pg_temp.differing(), 0::bigint, 'every record on the bounds: the same rows as the per-record rule');
select is((select campaign_name from outreach.campaigns c
            where c.campaign_id in (select campaign_id from outreach.candidates(now()) where campaign_id is not null)
              and c.campaign_name like 'Twin%'),
          (select campaign_name from outreach.campaigns where campaign_name like 'Twin%' order by created_at, campaign_id limit 1),
          'two campaigns with the same criteria: the older (then lower id) one takes every record');

-- The cache decides nothing: without it the same rows.
set local enable_memoize = off;
select is(pg_temp.differing(), 0::bigint, 'without Memoize: the same rows');
reset enable_memoize;

-- The scored_mask column spells the reasons the row itself decides.
select is((select count(*) from outreach.gate_state g
            where g.scored
              and g.scored_mask is distinct from
                  (select coalesce(sum(1 << (c.k::int - 1)), 0)::int
                     from unnest(outreach.blocking_reason_codes()) with ordinality c(code, k)
                     join bench_baseline.candidates(now()) b on b.outreach_id = g.outreach_id
                    where c.code = any (b.blocking_reasons)
                      and c.code not in ('bit_below_threshold', 'no_contact_email', 'cooling_off',
                                         'no_matching_campaign', 'no_contact_profile'))),
          0::bigint, 'scored_mask has exactly the static reasons of every scored record');

-- The bounds move: another threshold, campaigns closed and reopened.
update outreach.settings set bit_threshold = 55;
select is(pg_temp.differing(), 0::bigint, 'threshold 55: the same rows');
update outreach.campaigns set campaign_status = 'paused' where campaign_name in ('Fifty-five', 'Retail or finance');
select is(pg_temp.differing(), 0::bigint, 'two campaigns paused (the grid loses their bounds): the same rows');
update outreach.campaigns set campaign_status = 'paused';
select is(pg_temp.differing(), 0::bigint, 'no open campaign at all: the same rows');
select ok((select bool_and(campaign_id is null and 'no_matching_campaign' = any (blocking_reasons))
             from outreach.candidates(now()) where bit_score is not null),
          '... and no scored record has a campaign');

-- The comparison can fail: a kept mask out of step shows.
update outreach.campaigns set campaign_status = 'active';
update outreach.bit_scores set band = 2 where outreach_id = (select oid from gen where score = 100 limit 1);
update outreach.gate_score set band = null where outreach_id = (select oid from gen where score = 100 limit 1);
select isnt(pg_temp.differing(), 0::bigint, 'a state row changed by hand makes the outputs differ');

select * from finish();
rollback;
