-- SPEC §4 v_send_queue: queued sends the external sender may take now, oldest
-- first; empty while a kill switch halts sending (kill_switch_state: tripped and
-- resumes_at NULL or in the future), back when it resumes or is cleared.
begin;
select plan(12);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign() as c \gset
-- Any time of day: this test is about the other rules (send windows: test/sql/dispatch/).
update outreach.sequences set send_time_preference = 'any';
select pg_temp.eng_send(:'c', scheduled_at => now() - interval '1 hour') as due_early \gset
select pg_temp.eng_send(:'c', scheduled_at => now()) as due_now \gset
select pg_temp.eng_send(:'c', scheduled_at => now() + interval '1 second') as not_yet \gset
select pg_temp.eng_send(:'c', status => 'sent', sent_at => now() - interval '1 hour') as already_sent \gset
select pg_temp.eng_send(:'c', scheduled_at => now() - interval '1 hour') as stopped \gset
update outreach.send_log set stopped_at = now(), stop_reason = 'replied' where send_id = :'stopped';
select pg_temp.eng_send(:'c', scheduled_at => now() - interval '1 hour') as bounced_person \gset
update outreach.people set email_status = 'bounced' where person_id = (select person_id from outreach.send_log where send_id = :'bounced_person');
select pg_temp.eng_send(:'c', scheduled_at => now() - interval '1 hour') as opted_out \gset
update outreach.company_target set target_status = 'opted_out' where target_id = (select target_id from outreach.send_log where send_id = :'opted_out');
select pg_temp.eng_send(:'c', scheduled_at => now() - interval '1 hour') as handed_off \gset
update outreach.outreach set status = 'HANDED_OFF' where outreach_id = (select outreach_id from outreach.send_log where send_id = :'handed_off');
select pg_temp.eng_campaign() as paused_c \gset
update outreach.sequences set send_time_preference = 'any' where campaign_id = :'paused_c';
select pg_temp.eng_send(:'paused_c', scheduled_at => now() - interval '1 hour') as paused_campaign \gset
update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'paused_c';

select is((select array_agg(send_id) from outreach.v_send_queue), array[:'due_early', :'due_now']::uuid[],
          'only due, unstopped, usable, queued sends of active campaigns, oldest first');
select is((select correlation_id::uuid from outreach.v_send_queue where send_id = :'due_now'),
          (select correlation_id::uuid from outreach.send_log where send_id = :'due_now'), 'each row carries its correlation id');

-- Halts: an hourly pause in force, then one whose resume time passed (still flagged in the table).
update outreach.kill_switch_state set tripped = true, tripped_at = now(), resumes_at = now() + interval '1 minute'
 where switch = 'hourly_send_cap';
select is((select count(*)::int from outreach.v_send_queue), 0, 'empty while the hourly pause is in force');
update outreach.kill_switch_state set resumes_at = now() where switch = 'hourly_send_cap';
select is((select count(*)::int from outreach.v_send_queue), 2, 'back once its resume time is reached, even before a check resets it');

-- A daily cap tripped by the check.
update outreach.settings set daily_send_cap = 3;
select ok((select tripped from outreach.check_kill_switches(pg_temp.cid()) where switch = 'daily_send_cap'), 'the daily cap trips');
select is((select count(*)::int from outreach.v_send_queue), 0, 'empty while the daily cap halts');
update outreach.kill_switch_state set tripped = false where switch = 'daily_send_cap';

-- A rate switch: empty until a person clears it.
update outreach.kill_switch_state set tripped = true, tripped_at = now(), resumes_at = null where switch = 'complaint_rate';
select is((select count(*)::int from outreach.v_send_queue), 0, 'empty while the complaint switch halts');
select outreach.clear_kill_switch('spam_complaint_rate', 'ann', 'checked the list');
select is((select count(*)::int from outreach.v_send_queue), 2, 'back once a person cleared it');

-- What leaves the queue: a sent message, a stopped enrolment.
select pg_temp.eng_event(:'due_early', 'email_sent', now());
select is((select array_agg(send_id) from outreach.v_send_queue), array[:'due_now']::uuid[], 'a sent message leaves the queue');
select pg_temp.eng_event(:'due_now', 'unsubscribe', now());
select is((select count(*)::int from outreach.v_send_queue), 0, 'an unsubscribe stops the enrolment: nothing is left to take');

set local role hub_reader;
select lives_ok('select * from outreach.v_send_queue', 'hub_reader reads the send queue');
reset role;
set local role outreach_hub_writer;
select lives_ok('select * from outreach.v_send_queue', 'outreach_hub_writer reads the send queue');
reset role;

select * from finish();
rollback;
