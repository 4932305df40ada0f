-- SPEC §6.11 daily cap: non-cancelled sends scheduled in the UTC day of as_of;
-- trips when the count reaches the cap; halted until the next UTC midnight.
begin;
select plan(16);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

update outreach.settings set daily_send_cap = 10, hourly_send_cap = 1000;
\set as_of '''2030-01-15 18:30Z'''

-- Outside the UTC day, or cancelled: not counted.
select count(*) from pg_temp.eng_sends(3, '2030-01-14 23:59:59.999999Z');
select count(*) from pg_temp.eng_sends(3, '2030-01-16 00:00Z');
select count(*) from pg_temp.eng_sends(3, '2030-01-15 12:00Z', 'cancelled');
-- cap − 1 inside the day, at its first instant and later.
select count(*) from pg_temp.eng_sends(1, '2030-01-15 00:00Z');
select count(*) from pg_temp.eng_sends(8, '2030-01-15 10:00Z', 'queued');

select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'daily_send_cap'),
          (9::numeric, false), 'cap − 1 (9 of 10): not crossed');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'daily_send_cap'),
          'check at cap − 1 does not trip');

select count(*) from pg_temp.eng_sends(1, '2030-01-15 23:59:59.999999Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'daily_send_cap'),
          (10::numeric, true), 'cap (10 of 10): crossed');
select count(*) from pg_temp.eng_sends(1, '2030-01-15 18:00Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'daily_send_cap'),
          (11::numeric, true), 'cap + 1 (11 of 10): crossed');
set local timezone = 'Pacific/Auckland';
select is((select observed from outreach.kill_switch_readings(:as_of) where switch = 'daily_send_cap'), 11::numeric,
          'the day is the UTC day whatever the session TimeZone');
reset timezone;

select pg_temp.cid() as cid \gset
select * from outreach.check_kill_switches(:'cid', :as_of) where switch = 'daily_send_cap' \gset chk_
select is(:'chk_tripped'::boolean, true, 'check_kill_switches trips the daily cap');
select is(:'chk_resumes_at'::timestamptz, '2030-01-16 00:00Z'::timestamptz, 'it resumes at the next UTC midnight');
select is(:'chk_action'::text, 'halt_until_next_utc_day'::text, 'its action is halt_until_next_utc_day');
select is((select (tripped, tripped_at, resumes_at, observed, threshold) from outreach.kill_switch_state where switch = 'daily_send_cap'),
          (true, :as_of::timestamptz, '2030-01-16 00:00Z'::timestamptz, 11::numeric, 10::numeric), 'the trip is in kill_switch_state');
select is((select array_agg(action) from outreach.kill_switch_history where switch = 'daily_send_cap' and correlation_id::uuid = :'cid'),
          array['tripped'], 'the trip is in the history with the correlation id');

-- Halt exactly until midnight (the predicate promote and v_send_queue use).
select ok(pg_temp.eng_tripped('daily_send_cap', '2030-01-15 23:59:59.999999Z'), 'still halted a microsecond before midnight');
select ok(not pg_temp.eng_tripped('daily_send_cap', '2030-01-16 00:00Z'), 'not halted at midnight');
select ok(not exists (select 1 from outreach.kill_switch_state where tripped and (resumes_at is null or resumes_at > '2030-01-16 00:00Z')),
          'kill_switch_state no longer halts at midnight');

-- A check during the halt records nothing new; the first check of the next day resets it.
select count(*) from outreach.check_kill_switches(pg_temp.cid(), '2030-01-15 20:00Z');
select is((select count(*)::int from outreach.kill_switch_history where switch = 'daily_send_cap'), 1,
          'a check while halted does not trip again');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), '2030-01-16 00:30Z') where switch = 'daily_send_cap'),
          'the next day (3 sends so far) the cap is not tripped');
select is((select (action, occurred_at) from outreach.kill_switch_history where switch = 'daily_send_cap' order by occurred_at desc limit 1),
          ('resumed'::text, '2030-01-16 00:00Z'::timestamptz), 'the history records that it resumed at midnight');

select * from finish();
rollback;
