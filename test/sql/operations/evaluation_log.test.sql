-- Issue 10: every promote that is not a dry run appends one evaluation run (what every
-- record looked like at as_of, what was enrolled); halted and out-of-capacity runs are
-- logged too; dry runs and refused calls write nothing; the log is append-only.
begin;
select plan(22);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record(90) as r90 \gset
select pg_temp.ready_record(80) as r80 \gset
select pg_temp.ready_record(60) as r60 \gset
select pg_temp.ready_record(20) as cold \gset
select pg_temp.ready_record(70) as nodomain \gset
update outreach.company_target set domain = null where outreach_id = :'nodomain';
select timestamptz '2026-05-04 10:15:00+00' as t \gset

-- Dry runs and refused calls: nothing logged.
select count(*) from outreach.promote(gen_random_uuid(), 10, :'t', true);
select throws_ok($$select * from outreach.promote(gen_random_uuid(), 0)$$, '22023', null, 'max_rows 0 is refused');
select is((select count(*)::int from outreach.evaluation_runs), 0, 'a dry run and a refused call log nothing');

-- A real run.
select count(*) as reasons_before from outreach.candidates(:'t'), unnest(blocking_reasons) \gset
select pg_temp.cid() as cid1 \gset
select count(*) from outreach.promote(:'cid1', 2, :'t');
select is((select count(*)::int from outreach.evaluation_runs), 1, 'a promote appends one evaluation run');
select * from outreach.evaluation_runs where correlation_id = :'cid1' \gset run_
select is(:'run_as_of'::timestamptz, :'t'::timestamptz, 'with the call''s as_of');
select is(:'run_source'::text, 'outreach.promote', 'and its source');
select is((:'run_evaluated'::int, :'run_eligible'::int, :'run_hot_evaluated'::int, :'run_hot_eligible'::int),
          (5, 3, 4, 3), 'evaluated 5 records, 3 eligible; 4 HOT/BURNING, 3 of them eligible');
select is((:'run_promoted'::int, :'run_capacity'::int, :'run_halted'::boolean), (2, 2, false),
          'promoted 2 with room for 2, not halted');
select is(:'run_blocked_by_reason'::jsonb ->> 'missing_domain', '1', 'one record blocked by its domain');
select is(:'run_blocked_by_reason'::jsonb ->> 'bit_below_threshold', '1', 'one by its score');
select is(:'run_blocked_by_reason'::jsonb ->> 'cooling_off', '0', 'a reason that blocked nothing is listed with 0');
select is((select array_agg(k order by k) from jsonb_object_keys(:'run_blocked_by_reason'::jsonb) k),
          (select array_agg(c order by c) from unnest(outreach.blocking_reason_codes()) c),
          'every blocking reason code is a key');
select is((select sum(v::int)::int from jsonb_each_text(:'run_blocked_by_reason'::jsonb) e(k, v)),
          :'reasons_before'::int, 'the counts add up to the reasons candidates() reported before the run');

-- The next run sees the enrolled records as already_in_outreach.
select pg_temp.cid() as cid2 \gset
select count(*) from outreach.promote(:'cid2', 10, :'t');
select is((select (eligible, promoted, (blocked_by_reason ->> 'already_in_outreach')::int)
             from outreach.evaluation_runs where correlation_id = :'cid2'), (1, 1, 2),
          'second run: 1 eligible and promoted, 2 already in outreach');

-- Halted: evaluated and logged, nothing promoted.
update outreach.kill_switch_state set tripped = true, tripped_at = :'t', resumes_at = null where switch = 'bounce_rate';
select pg_temp.ready_record(95) as r95 \gset
select pg_temp.cid() as cid3 \gset
select is((select count(*)::int from outreach.promote(:'cid3', 10, :'t')), 0, 'nothing promoted while halted');
select is((select (evaluated, eligible, promoted, capacity, halted) from outreach.evaluation_runs where correlation_id = :'cid3'),
          (6, 1, 0, 0::int, true), 'the halted run is logged: 6 evaluated, 1 eligible, 0 promoted, capacity 0, halted');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, :'t', true)), 0, 'a halted dry run returns nothing');
select is((select count(*)::int from outreach.evaluation_runs), 3, '... and logs nothing');
update outreach.kill_switch_state set tripped = false where switch = 'bounce_rate';

-- Out of capacity: logged with capacity 0.
update outreach.settings set hourly_send_cap = 3;
select pg_temp.cid() as cid4 \gset
select count(*) from outreach.promote(:'cid4', 10, :'t');
select is((select (eligible, promoted, capacity, halted) from outreach.evaluation_runs where correlation_id = :'cid4'),
          (1, 0, 0::int, false), 'the hourly cap spent: logged with capacity 0, nothing promoted');

-- Append-only, for the owner and the writer.
select throws_ok($$update outreach.evaluation_runs set promoted = 0$$, 'OR005', null, 'an evaluation run cannot be updated');
select throws_ok($$delete from outreach.evaluation_runs$$, 'OR005', null, 'nor deleted');
select throws_ok($$truncate outreach.evaluation_runs$$, 'OR005', null, 'nor truncated');
set local role outreach_hub_writer;
select throws_ok($$delete from outreach.evaluation_runs$$, '42501', null, 'the writer holds no delete privilege');
reset role;

select * from finish();
rollback;
