-- SPEC §6.11: a rate switch trips only with the minimum sample (default 50 sends
-- in the window), whatever the rate.
begin;
select plan(6);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set as_of '''2030-01-20 12:00Z'''
create temp table few as select array_agg(s) as s from pg_temp.eng_sends(49, '2030-01-19 09:00Z') s;
select pg_temp.eng_events_on((select s from few), t, '2030-01-19 10:00Z')
  from unnest(array['email_bounce', 'unsubscribe', 'spam_complaint']) t;

select is((select array_agg(observed order by switch) from outreach.kill_switch_readings(:as_of) where switch like '%rate'),
          array[1, 1, 1]::numeric[], 'with 49 sends every message bounced, unsubscribed and complained (100 %)');
select is((select array_agg(switch) from outreach.kill_switch_readings(:as_of) where crossed), null,
          'below the minimum sample no rate switch crosses');
select is((select array_agg(switch) from outreach.check_kill_switches(pg_temp.cid(), :as_of) where tripped), null,
          'and check trips none');

select count(*) from pg_temp.eng_sends(1, '2030-01-19 09:00Z');
select is((select array_agg(sample) from outreach.kill_switch_readings(:as_of) where switch like '%rate'),
          array[50, 50, 50]::bigint[], 'the 50th send reaches the minimum sample');
select is((select array_agg(switch order by switch) from outreach.check_kill_switches(pg_temp.cid(), :as_of) where tripped),
          array['bounce_rate', 'complaint_rate', 'unsubscribe_rate'], 'at the minimum sample all three trip (98 %)');

update outreach.settings set rate_min_sample = 51;
select is((select array_agg(switch) from outreach.kill_switch_readings(:as_of) where crossed), null,
          'the operator''s rate_min_sample is obeyed');

select * from finish();
rollback;
