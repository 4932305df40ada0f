-- SPEC §10.1: advance_sequences queues nothing for provider-run campaigns; their
-- providers run the steps and report them.
begin;
select plan(2);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.staffed_record('Provider') as o1 \gset
select pg_temp.provider_campaign('smartlead', '4242') as camp \gset
select pg_temp.pushed(:'o1', :'camp', 'L1', '2025-03-01 10:00+00') as enr \gset
select outreach.record_provider_event('smartlead', '4242', pg_temp.hr_email(:'o1'), 1, 'email_sent', '2025-03-01 10:05+00');

select pg_temp.staffed_record('Queue') as o2 \gset
select pg_temp.enrol(:'o2', '2025-03-01 10:00+00');
-- (enrol queues step 2 itself; take it back so that advance_sequences has work)
delete from outreach.send_log where outreach_id = :'o2' and sequence_step = 2;

select is(outreach.advance_sequences(gen_random_uuid(), '2025-03-20 10:00+00'), 1, 'the hub-run enrolment advances');
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr'), 1,
          'the provider-run enrolment gets no queued follow-up');

select * from finish();
rollback;
