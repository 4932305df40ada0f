-- SPEC §6.11 spam-complaint rate: trips above 0.3 % (Google's bulk-sender ceiling).
begin;
select plan(5);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set as_of '''2030-01-20 12:00Z'''
create temp table inside as select array_agg(s) as s from pg_temp.eng_sends(1000, '2030-01-19 09:00Z') s;

select pg_temp.eng_events_on((select s[1:2] from inside), 'spam_complaint', '2030-01-19 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'complaint_rate'),
          (0.002, false), 'threshold − 1 (2 in 1,000): not crossed');
select pg_temp.eng_events_on((select s[3:3] from inside), 'spam_complaint', '2030-01-19 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'complaint_rate'),
          (0.003, false), 'threshold (exactly 0.3 %): not crossed');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'complaint_rate'),
          'check at 0.3 % does not trip');
select pg_temp.eng_events_on((select s[4:4] from inside), 'spam_complaint', '2030-01-19 10:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'complaint_rate'),
          (0.004, true), 'threshold + 1 (4 in 1,000): crossed');
select is((select (tripped, resumes_at) from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'complaint_rate'),
          (true, null::timestamptz), 'check trips it until cleared');

select * from finish();
rollback;
