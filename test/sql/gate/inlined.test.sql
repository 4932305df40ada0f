-- candidates() is inlined: a filter on outreach_id reaches the index (no function scan)
-- of the kept gate state, the one table it reads per record.
begin;
select plan(5);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record() from generate_series(1, 5);
select pg_temp.ready_record() as r \gset
analyze;
set local enable_seqscan = off;

create function pg_temp.plan_of(q text) returns text language plpgsql as $$
declare line text; out text := '';
begin
  for line in execute 'explain (costs off) ' || q loop out := out || line || E'\n'; end loop;
  return out;
end $$;

select unalike(pg_temp.plan_of(format('select * from outreach.v_candidates where outreach_id = %L', :'r')),
              '%Function Scan on candidates%', 'v_candidates is not a function scan: candidates() is inlined');
select matches(pg_temp.plan_of(format('select * from outreach.v_candidates where outreach_id = %L', :'r')),
               'Index[^\n]*Scan[^\n]*on gate_state g', 'the gate state is reached through its index');
select matches(pg_temp.plan_of(format('select * from outreach.v_candidates where outreach_id = %L', :'r')),
               'Index Cond: \(outreach_id = ', 'the outreach_id filter becomes an index condition');
select is((select count(*)::int from outreach.v_candidates where outreach_id = :'r'), 1, 'and it returns the record');
-- The unscored part is pulled up into candidates(): its rows come straight from the scan,
-- with no Subquery Scan projecting each of them again (candidates_unscored() has no CTE,
-- which would block the pull-up).
reset enable_seqscan;
select unalike(pg_temp.plan_of('select * from outreach.candidates(now())'),
               '%Subquery Scan on u%', 'the unscored part is not projected a second time (no Subquery Scan over it)');

select * from finish();
rollback;
