-- SPEC §5: follow-ups respect the global daily and hourly caps and a campaign's
-- daily limit (oldest due first), and nothing is queued while sending is halted.
begin;
select plan(8);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign(steps => 2, delay_days => 1) as c \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as a \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 09:00Z', '2030-01-01 09:00Z') as b \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 11:00Z', '2030-01-01 11:00Z') as d \gset
\set as_of '''2030-01-05 12:30Z'''

-- Halted: nothing.
update outreach.kill_switch_state set tripped = true, tripped_at = '2030-01-05 12:00Z', resumes_at = null where switch = 'bounce_rate';
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'nothing is queued while a rate switch halts');
update outreach.kill_switch_state set resumes_at = '2030-01-05 12:30Z' where switch = 'bounce_rate';
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-05 12:29Z'), 0, 'nor before the resume time of a pause');
update outreach.kill_switch_state set tripped = false, resumes_at = null where switch = 'bounce_rate';

-- Hourly cap: 2 per hour, one already scheduled in the hour of as_of.
update outreach.settings set hourly_send_cap = 2, daily_send_cap = 100;
select count(*) from pg_temp.eng_sends(1, '2030-01-05 12:00Z', 'sent');
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 1, 'the hourly cap leaves room for one');
select is((select array_agg(o.send_id) from outreach.send_log f join outreach.send_log o
             on o.enrolment_id = f.enrolment_id and o.sequence_step = 1 where f.sequence_step = 2),
          array[:'b']::uuid[], 'the oldest due enrolment goes first');
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'the hour is full');

-- Daily cap: the next hour has room, the day does not.
update outreach.settings set hourly_send_cap = 100, daily_send_cap = 3;
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-05 13:30Z'), 1, 'the daily cap (3 a day) leaves room for one more');

-- The campaign's daily limit: the next day, the campaign may send one.
update outreach.settings set daily_send_cap = 100;
update outreach.campaigns set daily_send_limit = 0 where campaign_id = :'c';
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-06 10:00Z'), 0, 'a campaign at its daily limit queues nothing');
update outreach.campaigns set daily_send_limit = 5 where campaign_id = :'c';
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-06 10:00Z'), 1, 'with room in the campaign the last one is queued');

select * from finish();
rollback;
