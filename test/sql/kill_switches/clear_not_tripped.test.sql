-- Clearing a rate switch that is not tripped is refused (OR024) and changes
-- nothing: no history row, and above all no new cleared_at, so it cannot start or
-- extend a cooldown that would hide the events of a later trip.
begin;
select plan(9);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select throws_ok($$select outreach.clear_kill_switch('bounce_rate', 'ann', 'just in case')$$, 'OR024', null,
                 'clearing a switch that never tripped is OR024');
select throws_like($$select outreach.clear_kill_switch('unsubscribe_spike', 'ann', null)$$, '%unsubscribe_rate%not tripped%',
                   'the message names the switch (by its canonical name) and says it is not tripped');
select is((select count(*)::int from outreach.kill_switch_history), 0, 'nothing was recorded');
select is((select count(*)::int from outreach.kill_switch_state where cleared_at is not null), 0, 'no clearing time was set');

-- A real trip, a real clearing, then a second clearing of the same switch.
create temp table inside as select array_agg(s) as s from pg_temp.eng_sends(100, now() - interval '2 days') s;
select pg_temp.eng_events_on((select s[1:11] from inside), 'email_bounce', now() - interval '1 day');
select ok((select tripped from outreach.check_kill_switches(pg_temp.cid()) where switch = 'bounce_rate'), 'the bounces trip the switch');
select lives_ok($$select outreach.clear_kill_switch('bounce_rate', 'ann', 'list cleaned')$$, 'a tripped switch is cleared');
select cleared_at as first_clear from outreach.kill_switch_state where switch = 'bounce_rate' \gset
select throws_ok($$select outreach.clear_kill_switch('bounce_rate', 'bob', 'again')$$, 'OR024', null,
                 'clearing it a second time is OR024');
select is((select (cleared_at, cleared_by) from outreach.kill_switch_state where switch = 'bounce_rate'),
          (:'first_clear'::timestamptz, 'ann'::text), 'the second attempt did not move the clearing (nor the cooldown)');
select is((select count(*)::int from outreach.kill_switch_history where action = 'cleared'), 1, 'one clearing in the history');

select * from finish();
rollback;
