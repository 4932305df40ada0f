-- SPEC §6.11 hourly cap: non-cancelled sends scheduled in the UTC clock hour of
-- as_of; trips when the count reaches the cap; paused until the hour ends.
begin;
select plan(11);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

update outreach.settings set daily_send_cap = 1000, hourly_send_cap = 5;
\set as_of '''2030-01-15 18:40Z'''

select count(*) from pg_temp.eng_sends(4, '2030-01-15 17:59:59.999999Z');   -- the hour before
select count(*) from pg_temp.eng_sends(4, '2030-01-15 19:00Z');             -- the hour after
select count(*) from pg_temp.eng_sends(4, '2030-01-15 18:10Z', 'cancelled');
select count(*) from pg_temp.eng_sends(3, '2030-01-15 18:00Z');
select count(*) from pg_temp.eng_sends(1, '2030-01-15 18:59:59.999999Z', 'queued');

select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'hourly_send_cap'),
          (4::numeric, false), 'cap − 1 (4 of 5): not crossed');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'hourly_send_cap'),
          'check at cap − 1 does not trip');
select count(*) from pg_temp.eng_sends(1, '2030-01-15 18:30Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'hourly_send_cap'),
          (5::numeric, true), 'cap (5 of 5): crossed');
select count(*) from pg_temp.eng_sends(1, '2030-01-15 18:31Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'hourly_send_cap'),
          (6::numeric, true), 'cap + 1 (6 of 5): crossed');
set local timezone = 'Asia/Kolkata';   -- a half-hour offset
select is((select observed from outreach.kill_switch_readings(:as_of) where switch = 'hourly_send_cap'), 6::numeric,
          'the hour is the UTC clock hour whatever the session TimeZone');
reset timezone;

select * from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'hourly_send_cap' \gset chk_
select is((:'chk_tripped'::boolean, :'chk_resumes_at'::timestamptz, :'chk_action'::text),
          (true, '2030-01-15 19:00Z'::timestamptz, 'pause_until_next_hour'::text), 'tripped, paused until 19:00 UTC');
select ok(pg_temp.eng_tripped('hourly_send_cap', '2030-01-15 18:59:59.999999Z'), 'paused a microsecond before the hour ends');
select ok(not pg_temp.eng_tripped('hourly_send_cap', '2030-01-15 19:00Z'), 'not paused when the hour ends');
select is((select tripped from outreach.kill_switches('2030-01-15 19:00Z') where switch = 'daily_send_cap'), false,
          'the daily cap is untouched');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), '2030-01-15 19:00Z') where switch = 'hourly_send_cap'),
          'at 19:00 the new hour has 4 sends: not tripped');
select is((select array_agg(action order by occurred_at) from outreach.kill_switch_history where switch = 'hourly_send_cap'),
          array['tripped', 'resumed'], 'history: tripped, then resumed');

select * from finish();
rollback;
