-- SPEC §4 advance_sequences: only enrolments whose latest step was sent and that
-- nothing stopped or blocks advance.
begin;
select plan(11);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign(steps => 2, delay_days => 1) as c \gset
\set as_of '''2030-01-10 00:00Z'''
\set sent '''2030-01-01 10:00Z'''

select pg_temp.eng_send(:'c', 'queued', null, :sent) as not_sent \gset
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a step not sent yet does not advance');
update outreach.send_log set send_status = 'cancelled' where send_id = :'not_sent';

select pg_temp.eng_send(:'c', 'replied', :sent, :sent) as replied \gset
select pg_temp.eng_send(:'c', 'bounced', :sent, :sent) as bounced \gset
select pg_temp.eng_send(:'c', 'failed', :sent, :sent) as failed \gset
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'replied, bounced and failed messages do not advance');
update outreach.send_log set send_status = 'cancelled' where send_id in (:'replied', :'bounced', :'failed');

select pg_temp.eng_send(:'c', 'sent', :sent, :sent) as s \gset

update outreach.send_log set stopped_at = :sent, stop_reason = 'manual' where send_id = :'s';
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a stopped enrolment does not advance');
update outreach.send_log set stopped_at = null, stop_reason = null where send_id = :'s';

update outreach.sequences set sequence_status = 'paused' where campaign_id = :'c' and sequence_order = 2;
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'an inactive next step is not queued');
update outreach.sequences set sequence_status = 'active' where campaign_id = :'c';

update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'c';
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a paused campaign does not advance');
update outreach.campaigns set campaign_status = 'active' where campaign_id = :'c';

update outreach.people set email_status = 'unsubscribed' where person_id = (select person_id from outreach.send_log where send_id = :'s');
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a person whose email became unusable is not written to');
update outreach.people set email_status = 'verified' where person_id = (select person_id from outreach.send_log where send_id = :'s');

update outreach.company_target set target_status = 'paused' where target_id = (select target_id from outreach.send_log where send_id = :'s');
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a paused target does not advance');
update outreach.company_target set target_status = 'active' where target_id = (select target_id from outreach.send_log where send_id = :'s');

update outreach.outreach set status = 'HANDED_OFF' where outreach_id = (select outreach_id from outreach.send_log where send_id = :'s');
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a record handed off to Sales does not advance');
update outreach.outreach set status = 'ACTIVE' where outreach_id = (select outreach_id from outreach.send_log where send_id = :'s');

-- Another queued row of the company (a new enrolment) blocks the follow-up (one open enrolment).
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
select outreach_id, target_id, email_to, 'queued', :as_of, gen_random_uuid() from outreach.send_log where send_id = :'s'
returning send_id as other \gset
select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 0, 'a company with a queued row gets no second one');
update outreach.send_log set send_status = 'cancelled' where send_id = :'other';

select is(outreach.advance_sequences(pg_temp.cid(), :as_of), 1, 'with every block lifted, the follow-up is queued');
select is((select count(*)::int from outreach.send_log where sequence_step = 2), 1, 'exactly one follow-up exists');

select * from finish();
rollback;
