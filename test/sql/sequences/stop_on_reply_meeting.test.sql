-- SPEC §4 record_event: a reply or a booked meeting stops the enrolment: every row
-- gets stopped_at / stop_reason, its queued follow-up is cancelled, and
-- advance_sequences queues nothing more for it.
begin;
select plan(12);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign(steps => 3, delay_days => 3) as c \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as r1 \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as m1 \gset
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-04 10:00Z'), 2, 'both enrolments get step 2 queued');
select send_id as r2 from outreach.send_log where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'r1') and sequence_step = 2 \gset
select send_id as m2 from outreach.send_log where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'m1') and sequence_step = 2 \gset

-- A reply to step 1 while step 2 is queued.
select pg_temp.eng_event(:'r1', 'email_reply', '2030-01-04 11:00Z');
select is((select array_agg((stopped_at, stop_reason)::text order by sequence_step) from outreach.send_log
            where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'r1')),
          array[('2030-01-04 11:00Z'::timestamptz, 'replied')::text, ('2030-01-04 11:00Z'::timestamptz, 'replied')::text],
          'a reply stamps every row of the enrolment with the reply time and reason replied');
select is((select send_status from outreach.send_log where send_id = :'r2'), 'cancelled', 'the queued follow-up is cancelled');
select is((select send_status from outreach.send_log where send_id = :'r1'), 'replied', 'the replied message is replied');

-- A meeting booked after step 2 went out.
select pg_temp.eng_event(:'m2', 'email_sent', '2030-01-04 10:05Z');
select pg_temp.eng_event(:'m2', 'meeting_booked', '2030-01-05 09:00Z');
select is((select array_agg(stop_reason order by sequence_step) from outreach.send_log
            where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'m1')),
          array['meeting_booked', 'meeting_booked'], 'a booked meeting stops the whole enrolment');
select is((select send_status from outreach.send_log where send_id = :'m2'), 'delivered',
          'the sent step is not cancelled; the meeting proves it was delivered');

-- Nothing advances any more, however long we wait.
select is(outreach.advance_sequences(pg_temp.cid(), '2030-02-01 00:00Z'), 0, 'no follow-up for a stopped enrolment');
select is((select count(*)::int from outreach.send_log where send_status = 'queued'), 0, 'nothing is queued');

-- The earliest stop wins, whatever the arrival order.
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as x \gset
select pg_temp.eng_event(:'x', 'email_reply', '2030-01-03 12:00Z');
select pg_temp.eng_event(:'x', 'meeting_booked', '2030-01-03 09:00Z');
select is((select (stopped_at, stop_reason) from outreach.send_log where send_id = :'x'),
          ('2030-01-03 09:00Z'::timestamptz, 'meeting_booked'::text), 'a late-arriving earlier stop replaces the later one');
select pg_temp.eng_event(:'x', 'email_bounce', '2030-01-03 15:00Z');
select is((select (stopped_at, stop_reason) from outreach.send_log where send_id = :'x'),
          ('2030-01-03 09:00Z'::timestamptz, 'meeting_booked'::text), 'a later stop does not overwrite the first');

-- A duplicate reply changes nothing.
select pg_temp.eng_row(:'r1') as before_dup \gset
select ok(pg_temp.eng_event(:'r1', 'email_reply', '2030-01-04 11:00Z'), 'the redelivered reply is a duplicate');
select is(pg_temp.eng_row(:'r1'), :'before_dup'::jsonb, 'and changes nothing');

select * from finish();
rollback;
