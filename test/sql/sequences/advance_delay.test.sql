-- SPEC §4 advance_sequences: the next step is queued once delay_days × 24 h +
-- delay_hours have elapsed since the previous send (exact, TimeZone-independent),
-- as a copy of the enrolment with the caller's correlation id.
begin;
select plan(16);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select has_function('outreach', 'advance_sequences', array['uuid', 'timestamp with time zone'], 'advance_sequences(uuid, timestamptz) exists');
select function_returns('outreach', 'advance_sequences', array['uuid', 'timestamp with time zone'], 'integer', 'it returns how many it queued');

-- Step 2 waits 3 days 2 hours; sent two days before the US switch to summer time.
set local timezone = 'America/New_York';
select pg_temp.eng_campaign(steps => 3, delay_days => 3, delay_hours => 2) as c \gset
select pg_temp.eng_send(:'c', 'sent', '2030-03-08 12:00Z', '2030-03-08 12:00Z') as s1 \gset
select pg_temp.cid() as cid \gset

select is(outreach.advance_sequences(:'cid', '2030-03-11 13:59:59.999999Z'), 0, 'a microsecond before 74 hours: nothing');
select is(outreach.advance_sequences(:'cid', '2030-03-11 14:00Z'), 1, 'at exactly 74 hours (across the DST change): queued');
select * from outreach.send_log
 where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'s1') and sequence_step = 2 \gset n_
select * from outreach.send_log where send_id = :'s1' \gset p_
select is(:'n_send_status'::text, 'queued', 'the follow-up is queued');
select is(:'n_scheduled_at'::timestamptz, '2030-03-11 14:00Z'::timestamptz, 'scheduled at as_of');
select is(:'n_sequence_id'::uuid, (select sequence_id from outreach.sequences where campaign_id = :'c' and sequence_order = 2),
          'with the sequence id of step 2');
select is((:'n_outreach_id'::uuid, :'n_target_id'::uuid, :'n_campaign_id'::uuid, :'n_person_id'::uuid, :'n_email_to'::text),
          (:'p_outreach_id'::uuid, :'p_target_id'::uuid, :'p_campaign_id'::uuid, :'p_person_id'::uuid, :'p_email_to'::text),
          'for the same record, target, campaign, person and address');
select is(:'n_correlation_id'::uuid, :'cid'::uuid, 'carrying the caller''s correlation id');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-03-20 00:00Z'), 0, 'a queued step is not queued twice');

-- Step 3 counts from step 2's sent_at, not from step 1's.
select pg_temp.eng_event(:'n_send_id', 'email_sent', '2030-03-12 09:00Z');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-03-15 10:59:59.999999Z'), 0, 'step 3 waits 74 hours after step 2 was sent');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-03-15 11:00Z'), 1, 'and is queued then');
select is((select max(sequence_step) from outreach.send_log where enrolment_id = :'n_enrolment_id'), 3, 'as step 3');

-- After the last step nothing more.
update outreach.send_log set send_status = 'sent', sent_at = '2030-03-15 12:00Z'
 where enrolment_id = :'n_enrolment_id' and sequence_step = 3;
select is(outreach.advance_sequences(pg_temp.cid(), '2030-06-01 00:00Z'), 0, 'no step after the last one');

-- An opened or clicked message advances like a sent one; zero delay is due at once.
select pg_temp.eng_campaign(steps => 2, delay_days => 0, delay_hours => 0) as c0 \gset
select pg_temp.eng_send(:'c0', 'clicked', '2030-04-01 12:00Z', '2030-04-01 12:00Z');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-04-01 12:00Z'), 1, 'a clicked step 1 with a zero delay advances at once');
select throws_ok($$select outreach.advance_sequences(null)$$, 'OR004', null, 'a missing correlation id is OR004');

select * from finish();
rollback;
