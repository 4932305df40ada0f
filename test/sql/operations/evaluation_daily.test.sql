-- Issue 10: v_evaluation_daily per UTC day of the runs' as_of: HOT/BURNING records and
-- how many a run evaluated (target 100 %), the pass rate of the day's HOT/BURNING
-- evaluations (target > 80 %, exactly 80 % is missed), days without a run, NULLs.
begin;
select plan(13);
\ir ../fixtures.sql

-- Live HOT/BURNING records for today: 50 (HOT, at the boundary), 75 (BURNING), 49.99 (WARM).
select pg_temp.ready_record(50), pg_temp.ready_record(75), pg_temp.ready_record(49.99);

create function pg_temp.run(as_of timestamptz, hot int, hot_eligible int, promoted int default 0)
returns void language sql volatile as $$
  insert into outreach.evaluation_runs (correlation_id, as_of, evaluated, eligible, hot_evaluated, hot_eligible,
                                        promoted, capacity, halted)
  values (gen_random_uuid(), as_of, 100, greatest(hot_eligible, promoted), hot, hot_eligible, promoted, 30, false);
$$;
select (now() at time zone 'UTC')::date as today \gset

select pg_temp.run(now() - interval '96 hours', 0, 0);                 -- day −4: nothing HOT evaluated
select pg_temp.run(now() - interval '72 hours', 10, 8, 3);             -- day −3: 17 of 20 passed (85 %)
select pg_temp.run(now() - interval '72 hours' + interval '1 second', 10, 9, 2);
select pg_temp.run(now() - interval '48 hours', 10, 8);                -- day −2: exactly 80 %
                                                                      -- day −1: no run
select pg_temp.run(now(), 1, 1);                                      -- today: 1 then 2 of the 2 live HOT
create temp table d as select * from outreach.v_evaluation_daily;

select is((select array_agg(day order by day) from d),
          array[:'today'::date - 4, :'today'::date - 3, :'today'::date - 2, :'today'::date - 1, :'today'::date],
          'one row per UTC day from the first run to today, the day without a run included');

select is((select (runs, hot_records, hot_evaluated, evaluated_rate, evaluated_met, hot_evaluations, hot_passed, pass_rate, pass_met, promoted)
             from d where day = :'today'::date - 3),
          (2::bigint, 10::bigint, 10::bigint, 1.0000, true, 20::bigint, 17::bigint, 0.8500, true, 5::bigint),
          'day −3: two runs, 10 HOT all evaluated (met), 17 of 20 HOT evaluations passed: 85 % > 80 % (met), 5 promoted');
select is((select (pass_rate, pass_met) from d where day = :'today'::date - 2), (0.8000, false),
          'day −2: exactly 80 % passed is missed (the target is above 80 %)');
select is((select (runs, hot_records, hot_evaluated, evaluated_rate, evaluated_met, pass_rate, pass_met) from d where day = :'today'::date - 1),
          (0::bigint, null::bigint, 0::bigint, null::numeric, false, null::numeric, null::boolean),
          'day −1 without a run: HOT count unknown, evaluation missed, no pass rate');
select is((select (hot_records, evaluated_rate, evaluated_met, pass_rate, pass_met) from d where day = :'today'::date - 4),
          (0::bigint, null::numeric, null::boolean, null::numeric, null::boolean),
          'day −4, nothing HOT evaluated: NULL rates and flags');
select is((select (evaluated_target, pass_target) from d where day = :'today'::date - 4), (1.00, 0.80), 'targets 100 % and 80 %');

select is((select (hot_records, hot_evaluated, evaluated_rate, evaluated_met) from d where day = :'today'::date),
          (2::bigint, 1::bigint, 0.5000, false), 'today: 2 live HOT/BURNING records, the run saw 1: 50 %, missed');
select pg_temp.run(now(), 2, 2);
select is((select (runs, hot_evaluated, evaluated_rate, evaluated_met, pass_rate, pass_met) from outreach.v_evaluation_daily where day = :'today'::date),
          (2::bigint, 2::bigint, 1.0000, true, 1.0000, true), 'a second run that saw both: 100 % evaluated, met; 3 of 3 passed');

-- Days are UTC days of as_of, whatever the session TimeZone.
set local timezone = 'Pacific/Kiritimati';
select is((select array_agg(day order by day) from outreach.v_evaluation_daily),
          array[:'today'::date - 4, :'today'::date - 3, :'today'::date - 2, :'today'::date - 1, :'today'::date],
          'the same days in a +14:00 session');
reset timezone;

-- A run in the future (a DBA's as_of) extends the range; days between show no run.
select pg_temp.run(now() + interval '48 hours', 2, 1);
select is((select (runs, pass_rate, pass_met) from outreach.v_evaluation_daily where day = :'today'::date + 2),
          (1::bigint, 0.5000, false), 'a future as_of is reported on its own day');
select is((select runs from outreach.v_evaluation_daily where day = :'today'::date + 1), 0::bigint, 'the day between shows no run');

-- Promote feeds it.
select pg_temp.campaign();
select count(*) from outreach.promote(gen_random_uuid(), 10, now() + interval '96 hours');
select is((select (runs, hot_evaluated, hot_passed, promoted) from outreach.v_evaluation_daily where day = :'today'::date + 4),
          (1::bigint, 2::bigint, 2::bigint, 2::bigint), 'a promote run shows up on its day: 2 HOT evaluated, 2 passed, 2 promoted');

-- Every day with a run, counted.
select is((select count(*)::int from outreach.v_evaluation_daily where runs > 0), 6, 'six days with runs');

select * from finish();
rollback;
