-- SPEC §10.2 takeable: every rule keeps a send from being handed over, and
-- v_send_queue lists exactly the takeable sends of queue campaigns.
begin;
select plan(18);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as c \gset
select pg_temp.d_campaign() as paused_c \gset
select pg_temp.d_campaign('smtp') as smtp_c \gset
select pg_temp.d_send(:'c') as ok_send \gset
select pg_temp.d_send(:'c', '2030-01-07 15:00:01Z') as not_due \gset
select pg_temp.d_send(:'c') as stopped \gset
update outreach.send_log set stopped_at = '2030-01-07 14:30Z', stop_reason = 'replied' where send_id = :'stopped';
select pg_temp.d_send(:'c') as handed \gset
update outreach.send_log set handed_over_at = '2030-01-07 14:30Z', claim_token = gen_random_uuid() where send_id = :'handed';
select pg_temp.d_send(:'c') as leased \gset
update outreach.send_log set claim_token = gen_random_uuid(), lease_until = '2030-01-07 15:00:01Z', attempt = 1 where send_id = :'leased';
select pg_temp.d_send(:'c') as backoff \gset
update outreach.send_log set retry_after = '2030-01-07 15:00:01Z' where send_id = :'backoff';
select pg_temp.d_send(:'c') as bounced \gset
update outreach.people set email_status = 'bounced' where person_id = (select person_id from outreach.send_log where send_id = :'bounced');
select pg_temp.d_send(:'c') as unsub \gset
update outreach.people set email_status = 'unsubscribed' where person_id = (select person_id from outreach.send_log where send_id = :'unsub');
select pg_temp.d_send(:'c') as blank \gset
update outreach.send_log set email_to = ' ' where send_id = :'blank';
select pg_temp.d_send(:'c') as opted \gset
update outreach.company_target set target_status = 'opted_out' where target_id = (select target_id from outreach.send_log where send_id = :'opted');
select pg_temp.d_send(:'c') as paused_t \gset
update outreach.company_target set target_status = 'paused' where target_id = (select target_id from outreach.send_log where send_id = :'paused_t');
select pg_temp.d_send(:'c') as handed_off \gset
update outreach.outreach set status = 'HANDED_OFF' where outreach_id = (select outreach_id from outreach.send_log where send_id = :'handed_off');
select pg_temp.d_send(:'paused_c') as paused_camp \gset
update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'paused_c';
select pg_temp.d_send(:'c') as night \gset
update outreach.company_target set timezone = 'Asia/Tokyo' where target_id = (select target_id from outreach.send_log where send_id = :'night');
select pg_temp.d_send(:'c') as suppressed \gset
select outreach.suppress((select email_to from outreach.send_log where send_id = :'suppressed'), 'asked by phone', 'manual', gen_random_uuid());
select pg_temp.d_send(:'smtp_c') as smtp_send \gset

create temp view due as select send_id from outreach.due_sends('2030-01-07 15:00Z');
select ok(:'ok_send' in (select send_id from due), 'a queued, due, free send with a usable address is takeable');
select ok(:'not_due' not in (select send_id from due), 'not before scheduled_at');
select ok(:'stopped' not in (select send_id from due), 'not once stopped');
select ok(:'handed' not in (select send_id from due), 'not once handed over');
select ok(:'leased' not in (select send_id from due), 'not while leased');
select ok(:'backoff' not in (select send_id from due), 'not before retry_after');
select ok(:'bounced' not in (select send_id from due), 'not to a bounced person');
select ok(:'unsub' not in (select send_id from due), 'not to an unsubscribed person');
select ok(:'blank' not in (select send_id from due), 'not without an address');
select ok(:'opted' not in (select send_id from due), 'not to an opted-out target');
select ok(:'paused_t' not in (select send_id from due), 'not to a paused target');
select ok(:'handed_off' not in (select send_id from due), 'not once the record is handed off');
select ok(:'paused_camp' not in (select send_id from due), 'not in a paused campaign');
select ok(:'night' not in (select send_id from due), 'not outside the recipient''s send window (midnight in Tokyo)');

-- claim_sends: takes the takeable one, cancels the suppressed one.
select is(array(select pg_temp.d_claim(at => '2030-01-07 15:00Z')), array[:'ok_send']::uuid[], 'claim_sends hands over only the takeable send');
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'suppressed'), ('cancelled'::text, 'suppressed'::text),
          'and cancels the send to a suppressed address (stop_reason suppressed)');

-- v_send_queue: the takeable sends of queue campaigns now (the windows of now() are
-- not the fixture's, so the steps here are made to run at any time).
update outreach.sequences set send_time_preference = 'any';
update outreach.send_log set claim_token = null, lease_until = null, attempt = 0 where send_id = :'ok_send';
update outreach.send_log set scheduled_at = now() - interval '1 hour' where send_id in (:'ok_send', :'smtp_send');
select is(array(select send_id from outreach.v_send_queue), array[:'ok_send']::uuid[], 'v_send_queue: only queue campaigns'' takeable sends');
update outreach.kill_switch_state set tripped = true, tripped_at = now(), resumes_at = null where switch = 'bounce_rate';
select is((select count(*)::int from outreach.due_sends(now())), 0, 'nothing is takeable while halted');

select * from finish();
rollback;
