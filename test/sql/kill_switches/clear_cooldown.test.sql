-- SPEC §6.11: a person clears a rate switch; for rate_switch_cooldown (24 h) after
-- the clearing only events after it count, so the old events cannot re-trip it;
-- new events can; after the cooldown the window counts every event again.
begin;
select plan(15);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

create temp table inside as select array_agg(s) as s from pg_temp.eng_sends(100, now() - interval '2 days') s;
select pg_temp.eng_events_on((select s[1:11] from inside), 'email_bounce', now() - interval '1 day');
select ok((select tripped from outreach.check_kill_switches(pg_temp.cid()) where switch = 'bounce_rate'), '11 % bounces trip the switch');

select lives_ok($$select outreach.clear_kill_switch('bounce_rate_ceiling', 'ann', 'list cleaned')$$,
                'ann clears it under its seed name bounce_rate_ceiling');
select is((select (tripped, cleared_at, cleared_by, clear_note) from outreach.kill_switch_state where switch = 'bounce_rate'),
          (false, now(), 'ann'::text, 'list cleaned'::text), 'the state records who cleared it, when and why');
select is((select (action, actor, note) from outreach.kill_switch_history where switch = 'bounce_rate' order by occurred_at desc, action limit 1),
          ('cleared'::text, 'ann'::text, 'list cleaned'::text), 'the history records the clearing');
select ok(not pg_temp.eng_tripped('bounce_rate', now()), 'the board no longer shows it tripped');
select ok(not exists (select 1 from outreach.kill_switch_state where tripped and (resumes_at is null or resumes_at > now())),
          'sending is no longer halted');

-- During the cooldown the old bounces do not count.
select is((select (observed, crossed) from outreach.kill_switch_readings(now() + interval '1 hour') where switch = 'bounce_rate'),
          (0::numeric, false), 'an hour later the old bounces are not counted');
select ok(not (select tripped from outreach.check_kill_switches(pg_temp.cid(), now() + interval '1 hour') where switch = 'bounce_rate'),
          'so a check does not re-trip it');
select ok(not (select crossed from outreach.kill_switch_readings(now() + interval '24 hours' - interval '1 microsecond') where switch = 'bounce_rate'),
          'nor a microsecond before the cooldown ends');
set local timezone = 'America/New_York';
select ok((select crossed from outreach.kill_switch_readings(now() + interval '24 hours') where switch = 'bounce_rate'),
          'when the cooldown ends, the bounces still in the window count again');
reset timezone;

-- The operator's cooldown is obeyed.
update outreach.settings set rate_switch_cooldown = interval '1 hour';
select is((select array[(select crossed from outreach.kill_switch_readings(now() + interval '59 minutes') where switch = 'bounce_rate'),
                        (select crossed from outreach.kill_switch_readings(now() + interval '1 hour') where switch = 'bounce_rate')]),
          array[false, true], 'a one-hour cooldown ends after one hour');
update outreach.settings set rate_switch_cooldown = interval '24 hours';

select ok((select tripped from outreach.check_kill_switches(pg_temp.cid(), now() + interval '24 hours') where switch = 'bounce_rate'),
          'a check after the cooldown re-trips it');
select is((select count(*)::int from outreach.kill_switch_history where switch = 'bounce_rate' and action = 'tripped'), 2,
          'the history holds both trips');

-- New bounces after a clearing count at once.
select outreach.clear_kill_switch('bounce_rate', 'bob', 'second look');
select pg_temp.eng_events_on((select s[12:22] from inside), 'email_bounce', now() + interval '2 hours');
select is((select (observed, crossed) from outreach.kill_switch_readings(now() + interval '3 hours') where switch = 'bounce_rate'),
          (0.11, true), 'eleven new bounces after the clearing trip it during the cooldown');
select ok((select tripped from outreach.check_kill_switches(pg_temp.cid(), now() + interval '3 hours') where switch = 'bounce_rate'),
          'and a check records the trip');

select * from finish();
rollback;
