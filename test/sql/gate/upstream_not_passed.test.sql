-- Issue 10, the spine doctrine's waterfall: a record any upstream hub reports on
-- (a row in upstream_status) is blocked as upstream_not_passed until every hub before
-- Outreach Execution (Company Target, DOL Filings, People Intelligence) reported PASS;
-- a record without status rows keeps today's behaviour; Blog Content gates nothing.
begin;
select plan(19);
\ir ../fixtures.sql

create function pg_temp.report(oid uuid, hub text, status text) returns void language sql volatile as $$
  insert into outreach.upstream_status (outreach_id, hub_id, status) values (oid, hub, status)
  on conflict (outreach_id, hub_id) do update set status = excluded.status, updated_at = now();
$$;
create function pg_temp.all_pass(oid uuid) returns uuid language sql volatile as $$
  select pg_temp.report(oid, h, 'PASS') from unnest(array['company_target', 'dol_filings', 'people_intelligence']) h;
  select oid;
$$;

select pg_temp.campaign();
select timestamptz '2026-05-04 10:15:00+00' as t \gset

select is((outreach.blocking_reason_codes())[15], 'upstream_not_passed', 'upstream_not_passed is appended as code 15');
select is((outreach.blocking_reason_codes())[1:14],
          array['no_company_target', 'missing_domain', 'missing_email_pattern', 'bit_below_threshold',
                'no_anchor_slot', 'no_contact_email', 'cooling_off', 'already_in_outreach',
                'target_paused', 'target_opted_out', 'target_exhausted', 'no_matching_campaign',
                'handed_off', 'band_below_3'], 'earlier codes keep their positions');

-- No status rows: today's behaviour.
select pg_temp.ready_record(60) as r0 \gset
select is(pg_temp.reasons(:'r0', :'t'), '{}'::text[], 'no status rows: the waterfall does not apply, the record is eligible');

-- Every hub before Outreach Execution passed.
select pg_temp.all_pass(pg_temp.ready_record(60)) as r1 \gset
select is(pg_temp.reasons(:'r1', :'t'), '{}'::text[], 'Company Target, DOL Filings and People Intelligence PASS: eligible');

-- People Intelligence FAIL / undecided.
select pg_temp.all_pass(pg_temp.ready_record(60)) as r2 \gset
select pg_temp.report(:'r2', 'people_intelligence', 'FAIL');
select is(pg_temp.reasons(:'r2', :'t'), array['upstream_not_passed'], 'People Intelligence FAIL → upstream_not_passed only');
select ok(not (select eligible from outreach.candidates(:'t') where outreach_id = :'r2'), '... and not eligible');
select pg_temp.all_pass(pg_temp.ready_record(60)) as r3 \gset
select pg_temp.report(:'r3', 'people_intelligence', null);
select is(pg_temp.reasons(:'r3', :'t'), array['upstream_not_passed'], 'People Intelligence undecided (NULL) → upstream_not_passed');

-- A hub before People Intelligence.
select pg_temp.all_pass(pg_temp.ready_record(60)) as r4 \gset
select pg_temp.report(:'r4', 'company_target', 'FAIL');
select is(pg_temp.reasons(:'r4', :'t'), array['upstream_not_passed'], 'Company Target FAIL (before People Intelligence) → upstream_not_passed');
select pg_temp.ready_record(60) as r5 \gset
select pg_temp.report(:'r5', 'company_target', 'PASS');
select pg_temp.report(:'r5', 'people_intelligence', 'PASS');
select is(pg_temp.reasons(:'r5', :'t'), array['upstream_not_passed'], 'DOL Filings has no row while others report → not passed');

-- Blog Content is parallel: it gates nothing, but its row means the record is reported on.
select pg_temp.all_pass(pg_temp.ready_record(60)) as r6 \gset
select pg_temp.report(:'r6', 'blog_content', 'FAIL');
select is(pg_temp.reasons(:'r6', :'t'), '{}'::text[], 'Blog Content FAIL does not block (parallel hub)');
select pg_temp.ready_record(60) as r7 \gset
select pg_temp.report(:'r7', 'blog_content', 'PASS');
select is(pg_temp.reasons(:'r7', :'t'), array['upstream_not_passed'],
          'a record reported on by Blog Content alone still needs the waterfall hubs to PASS');

-- Reported last, with other reasons.
select pg_temp.ready_record(20) as r8 \gset
select pg_temp.report(:'r8', 'people_intelligence', 'FAIL');
select is(pg_temp.reasons(:'r8', :'t'), array['bit_below_threshold', 'upstream_not_passed'],
          'with other reasons it comes last, in code order');

-- A hub changing its mind takes effect at once.
select pg_temp.report(:'r2', 'people_intelligence', 'PASS');
select is(pg_temp.reasons(:'r2', :'t'), '{}'::text[], 'People Intelligence turns PASS → eligible again');

-- The registry decides: a hub that no longer precedes Outreach Execution stops gating.
update outreach.hub_registry set must_pass_before = null, parallel = true where hub_id = 'dol_filings';
select is(pg_temp.reasons(:'r5', :'t'), '{}'::text[], 'with DOL Filings made parallel, its missing row no longer blocks');
update outreach.hub_registry set must_pass_before = 'people_intelligence', parallel = false where hub_id = 'dol_filings';

-- Views and promote.
select is((select records from outreach.v_gate_funnel where reason = 'upstream_not_passed'), 5::bigint,
          'the funnel counts the five records held back by the waterfall');
select is((select array_agg(outreach_id order by outreach_id) from outreach.promote(gen_random_uuid(), 100, :'t', true)),
          (select array_agg(x order by x) from unnest(array[:'r0', :'r1', :'r2', :'r6']::uuid[]) x),
          'promote (dry run) takes only the records the waterfall lets through');

-- Eligible ⇔ no reasons, on random statuses (the short-circuit test and the array agree).
select setseed(0.7);
create temp table recs as select pg_temp.ready_record(round((40 + random() * 60)::numeric, 1)) as r from generate_series(1, 150);
insert into outreach.upstream_status (outreach_id, hub_id, status)
select recs.r, h.hub_id, (array['PASS', 'PASS', 'PASS', 'FAIL', null])[1 + floor(random() * 5)::int]
  from recs cross join outreach.hub_registry h
 where random() < 0.6;
select is((select count(*)::int from outreach.candidates(:'t') where eligible <> (cardinality(blocking_reasons) = 0)), 0,
          'eligible exactly when blocking_reasons is empty, with random upstream statuses');
select is((select count(*)::int from outreach.candidates(:'t') c
           where ('upstream_not_passed' = any (c.blocking_reasons))
                 <> exists (select 1 from outreach.waterfall_status(c.outreach_id) w where w.blocks)), 0,
          'upstream_not_passed agrees with waterfall_status() for every record');
select cmp_ok((select count(*)::int from outreach.candidates(:'t') where 'upstream_not_passed' = any (blocking_reasons)), '>', 10,
              'and the random data exercised the rule');

select * from finish();
rollback;
