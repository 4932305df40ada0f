-- SPEC §4 kill_switches: the board, one row per switch; it only reads; the check
-- returns the same rows, records trips once, and needs a UUID v4 correlation id.
begin;
select plan(12);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select is((select array_agg(switch) from outreach.kill_switches()),
          array['daily_send_cap', 'hourly_send_cap', 'bounce_rate', 'unsubscribe_rate', 'complaint_rate',
                'linkedin_weekly_connect_cap', 'linkedin_daily_message_cap'],
          'one row per switch, caps first');
select is((select array_agg(threshold) from outreach.kill_switches()), array[200, 30, 0.10, 0.05, 0.003, 100, 50]::numeric[],
          'thresholds come from settings');
select is((select array_agg(action) from outreach.kill_switches()),
          array['halt_until_next_utc_day', 'pause_until_next_hour', 'halt_until_cleared', 'halt_until_cleared', 'halt_until_cleared',
                'pause_linkedin_connects_until_window_frees', 'pause_linkedin_messages_until_next_utc_day'],
          'each switch states its action');
select is((select array_agg(provolatile::text order by proname) from pg_proc
            where pronamespace = 'outreach'::regnamespace and proname in ('kill_switches', 'kill_switch_readings')),
          array['s', 's'], 'the board and its readings are STABLE');

-- A crossed cap shows as observed on the board, but only check_kill_switches trips it.
update outreach.settings set hourly_send_cap = 2;
select count(*) from pg_temp.eng_sends(2, now());
select is((select (observed, tripped) from outreach.kill_switches() where switch = 'hourly_send_cap'), (2::numeric, false),
          'the board shows the count at the cap, not yet tripped');
select is((select count(*)::int from outreach.kill_switch_history), 0, 'reading the board recorded nothing');

select has_function('outreach', 'check_kill_switches', array['uuid', 'timestamp with time zone'], 'check_kill_switches(uuid, timestamptz) exists');
select throws_ok($$select * from outreach.check_kill_switches(null)$$, 'OR004', null, 'check without a correlation id is OR004');
select is((select array_agg(switch) from outreach.check_kill_switches(pg_temp.cid()) where tripped), array['hourly_send_cap'],
          'check trips the cap and returns the board');
select count(*) from outreach.check_kill_switches(pg_temp.cid());
select is((select count(*)::int from outreach.kill_switch_history), 1, 'a second check records no second trip');

set local role hub_reader;
select is((select count(*)::int from outreach.kill_switches()), 7, 'hub_reader reads the board');
select throws_ok($$select * from outreach.check_kill_switches(gen_random_uuid())$$, '42501', null, 'hub_reader cannot run the check');
reset role;

select * from finish();
rollback;
