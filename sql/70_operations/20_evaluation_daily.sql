--------------------------------------------------------------------------------
-- The daily evaluation KPIs (PRD §10: 100 % of HOT companies evaluated daily,
-- pass rate > 80 %), read from the log of evaluation runs (outreach.evaluation_runs,
-- one row per promote that is not a dry run).
--
--   day              UTC day of the run's as_of; every day from the first run (or
--                    today) to the last run (or today), days without a run included.
--   hot_records      HOT/BURNING records (BIT score 50 and up) that day. Today: the
--                    live count from bit_scores (a record that became HOT after the
--                    last run is not evaluated yet). Earlier days: what the day's runs
--                    saw (scores keep no history), NULL for a day without a run.
--   hot_evaluated    the most HOT/BURNING records one run of the day evaluated (a run
--                    evaluates every record); 0 without a run.
--   evaluated_rate   hot_evaluated / hot_records; met when it reaches the 100 % target.
--                    A day without a run is missed (NULL when it had no HOT record).
--   pass_rate        of every HOT/BURNING evaluation of the day (summed over its runs),
--                    the share with no blocking reason; met when above 80 %, compared
--                    exactly on the counts. NULL rate and flag when nothing HOT was
--                    evaluated. A record already enrolled counts as not passing
--                    (already_in_outreach): the rate is what the gate let through.
--------------------------------------------------------------------------------

drop view if exists outreach.v_evaluation_daily;

create view outreach.v_evaluation_daily as
  with runs as (
    select (r.as_of at time zone 'UTC')::date as day, r.as_of, r.evaluated, r.eligible,
           r.hot_evaluated, r.hot_eligible, r.promoted
      from outreach.evaluation_runs r
  ),
  today as (
    select (now() at time zone 'UTC')::date as day,
           (select count(*) from outreach.bit_scores b where b.score_tier in ('HOT', 'BURNING')) as hot_now
  ),
  days as (
    select d::date as day
      from today t,
           generate_series(least((select min(r.day) from runs r), t.day)::timestamp,
                           greatest((select max(r.day) from runs r), t.day)::timestamp,
                           interval '1 day') d
  ),
  per_day as (
    select d.day,
           count(r.day) as runs,
           min(r.as_of) as first_run_as_of,
           max(r.as_of) as last_run_as_of,
           coalesce(max(r.evaluated), 0)::bigint as evaluated,
           coalesce(max(r.hot_evaluated), 0)::bigint as hot_evaluated,
           coalesce(sum(r.hot_evaluated), 0) as hot_evaluations,
           coalesce(sum(r.hot_eligible), 0) as hot_passed,
           coalesce(sum(r.promoted), 0) as promoted
      from days d
      left join runs r on r.day = d.day
     group by d.day
  ),
  targets as (
    select max(t.target) filter (where t.kpi = 'hot_evaluated_rate') as evaluated_target,
           max(t.comparison) filter (where t.kpi = 'hot_evaluated_rate') as evaluated_cmp,
           max(t.target) filter (where t.kpi = 'pass_rate') as pass_target,
           max(t.comparison) filter (where t.kpi = 'pass_rate') as pass_cmp
      from outreach.kpi_targets t
  )
  select p.day, p.runs, p.first_run_as_of, p.last_run_as_of, p.evaluated,
         h.hot_records, p.hot_evaluated,
         round(p.hot_evaluated::numeric / nullif(h.hot_records, 0), 4) as evaluated_rate,
         g.evaluated_target,
         case when h.hot_records = 0 then null
              when p.runs = 0 then false
              else outreach.kpi_met(p.hot_evaluated, h.hot_records, g.evaluated_target, g.evaluated_cmp)
         end as evaluated_met,
         p.hot_evaluations, p.hot_passed,
         round(p.hot_passed::numeric / nullif(p.hot_evaluations, 0), 4) as pass_rate,
         g.pass_target,
         outreach.kpi_met(p.hot_passed, p.hot_evaluations, g.pass_target, g.pass_cmp) as pass_met,
         p.promoted
    from per_day p
    cross join today t
    cross join targets g
    cross join lateral (
      select case when p.day = t.day then t.hot_now
                  when p.runs > 0 then p.hot_evaluated end as hot_records
    ) h
   order by p.day;
comment on view outreach.v_evaluation_daily is
  'Per UTC day (of as_of) from the evaluation-run log: runs, HOT/BURNING records and how many a run evaluated (target 100 %), and the pass rate of the day''s HOT/BURNING evaluations (target > 80 %), each with a met flag; NULL rate and flag when there was nothing to measure.';
