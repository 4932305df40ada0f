-- SPEC §6.11 bounce rate: bounced messages over messages sent, by sent_at in the
-- rolling window (as_of − 7 days, as_of]; trips above 10 %, halted until cleared.
begin;
select plan(15);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set as_of '''2030-01-20 12:00Z'''
create temp table inside as select array_agg(s) as s from pg_temp.eng_sends(100, '2030-01-18 09:00Z') s;
-- Sent exactly at the window's open end, or after as_of: outside, even when bounced.
select pg_temp.eng_events_on((select array_agg(s) from pg_temp.eng_sends(10, '2030-01-13 12:00Z') s), 'email_bounce', '2030-01-13 12:05Z');
select pg_temp.eng_events_on((select array_agg(s) from pg_temp.eng_sends(5, '2030-01-20 12:00:00.000001Z') s), 'email_bounce', '2030-01-20 12:01Z');
select is((select sample from outreach.kill_switch_readings(:as_of) where switch = 'bounce_rate'), 100::bigint,
          'the window (as_of − 7 days, as_of] holds the 100 messages sent inside it');

select pg_temp.eng_events_on((select s[1:9] from inside), 'email_bounce', '2030-01-18 09:05Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'bounce_rate'),
          (0.09, false), 'threshold − 1 (9 %): not crossed');
select pg_temp.eng_events_on((select s[10:10] from inside), 'email_bounce', '2030-01-18 09:05Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'bounce_rate'),
          (0.10, false), 'threshold (exactly 10 %): not crossed, the ceiling is "above 10 %"');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'bounce_rate'),
          'check at exactly 10 % does not trip');
select pg_temp.eng_events_on((select s[11:11] from inside), 'email_bounce', '2030-01-18 09:05Z');
select is((select (observed, crossed) from outreach.kill_switch_readings(:as_of) where switch = 'bounce_rate'),
          (0.11, true), 'threshold + 1 (11 %): crossed');

-- A second bounce report of a message, or a bounce after as_of, changes nothing.
select pg_temp.eng_events_on((select s[1:11] from inside), 'email_bounce', '2030-01-18 09:06Z', 'heyreach');
select pg_temp.eng_events_on((select s[12:12] from inside), 'email_bounce', '2030-01-20 12:00:00.000001Z');
select is((select observed from outreach.kill_switch_readings(:as_of) where switch = 'bounce_rate'), 0.11,
          'a message counts once however many bounces, and bounces after as_of do not count');
select is((select observed from outreach.kill_switch_readings('2030-02-01 00:00Z') where switch = 'bounce_rate'), null,
          'once every message left the window there is no rate');

select * from outreach.check_kill_switches(pg_temp.cid(), :as_of) where switch = 'bounce_rate' \gset chk_
select is(:'chk_tripped'::boolean, true, 'check_kill_switches trips the bounce switch');
select is((select resumes_at from outreach.kill_switch_state where switch = 'bounce_rate'), null, 'it has no resume time');
select is(:'chk_action'::text, 'halt_until_cleared', 'its action is halt_until_cleared');
select is(:'chk_threshold'::numeric, 0.10, 'its threshold is the bounce ceiling from settings');
select ok(pg_temp.eng_tripped('bounce_rate', '2030-03-01 00:00Z'), 'weeks later it still halts: only a person clears it');
select ok((select tripped from outreach.check_kill_switches(pg_temp.cid(), '2030-03-01 00:00Z') where switch = 'bounce_rate'),
          'a later check with nothing in the window does not reset it');
select is((select count(*)::int from outreach.kill_switch_history where switch = 'bounce_rate' and action = 'tripped'), 1,
          'one trip in the history');

-- The comparison is exact: 1 in 3 is above a 0.333333 ceiling, though it displays as 0.333333.
update outreach.settings set bounce_rate_ceiling = 0.333333, rate_min_sample = 3;
create temp table trio as select array_agg(s) as s from pg_temp.eng_sends(3, '2031-01-01 00:00Z') s;
select pg_temp.eng_events_on((select s[1:1] from trio), 'email_bounce', '2031-01-01 00:01Z');
select is((select (observed, threshold, crossed) from outreach.kill_switch_readings('2031-01-02 00:00Z') where switch = 'bounce_rate'),
          (0.333333, 0.333333, true), 'the rate is compared unrounded (1/3 > 0.333333)');

select * from finish();
rollback;
