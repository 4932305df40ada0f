-- SPEC §5: promote queues nothing while a halting kill switch is tripped.
begin;
select plan(5);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record(80) from generate_series(1, 3);
select timestamptz '2026-05-04 10:15:00+00' as t \gset

update outreach.kill_switch_state set tripped = true, tripped_at = :'t', resumes_at = null where switch = 'bounce_rate';
select ok(outreach.sending_halted(:'t'), 'a tripped rate switch halts sending');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, :'t')), 0, 'nothing promoted while halted');

update outreach.kill_switch_state set tripped = false where switch = 'bounce_rate';
update outreach.kill_switch_state set tripped = true, tripped_at = :'t', resumes_at = timestamptz '2026-05-04 11:00+00'
 where switch = 'hourly_send_cap';
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, timestamptz '2026-05-04 10:59:59+00')), 0,
          'paused until the hour ends');
select ok(not outreach.sending_halted(timestamptz '2026-05-04 11:00+00'), 'resumes exactly at resumes_at');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, timestamptz '2026-05-04 11:00+00')), 3,
          'promotes again once the pause is over');

select * from finish();
rollback;
