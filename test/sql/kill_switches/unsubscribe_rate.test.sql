-- SPEC §6.11 unsubscribe rate: trips above 5 % of the messages sent in the window.
begin;
select plan(6);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set as_of '''2030-01-20 12:00Z'''
create temp table inside as select array_agg(s) as s from pg_temp.eng_sends(100, '2030-01-15 09:00Z') s;

select pg_temp.eng_events_on((select s[1:4] from inside), 'unsubscribe', '2030-01-15 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'unsubscribe_rate'),
          (0.04, false), 'threshold − 1 (4 %): not crossed');
select pg_temp.eng_events_on((select s[5:5] from inside), 'unsubscribe', '2030-01-15 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'unsubscribe_rate'),
          (0.05, false), 'threshold (exactly 5 %): not crossed');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'unsubscribe_rate'),
          'check at 5 % does not trip');
select pg_temp.eng_events_on((select s[6:6] from inside), 'unsubscribe', '2030-01-15 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'unsubscribe_rate'),
          (0.06, true), 'threshold + 1 (6 %): crossed');
select is((select (tripped, resumes_at, action) from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'unsubscribe_rate'),
          (true, null::timestamptz, 'halt_until_cleared'::text), 'check trips it until cleared');
select is((select array_agg(switch) from outreach.kill_switches(:as_of) where tripped), array['unsubscribe_rate'],
          'the other switches are not tripped by unsubscribes');

select * from finish();
rollback;
