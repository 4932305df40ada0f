-- Issue 6: a booked meeting stops the record's follow-ups (queued steps are
-- cancelled, the rest marked stopped) and nobody else's.
begin;
select plan(8);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid, pg_temp.staffed_record('Bravo') as b_oid \gset
select pg_temp.enrol(:'oid') as camp, pg_temp.enrol(:'b_oid') as b_camp \gset
-- An older enrolment of Acme that a reply already stopped.
insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, sequence_step, send_status, sent_at,
                               replied_at, stopped_at, stop_reason, correlation_id)
select outreach_id, target_id, sovereign_company_id, 1, 'replied', '2024-12-01 09:00+00',
       '2024-12-02 09:00+00', '2024-12-02 09:00+00', 'replied', gen_random_uuid()
  from outreach.company_target where outreach_id = :'oid'
returning send_id as old_send \gset

select pg_temp.book(:'oid', '2025-03-09 15:30:00+00') as handoff \gset

select is((select (send_status, stopped_at, stop_reason)::text from outreach.send_log
            where outreach_id = :'oid' and sequence_step = 2),
          ('cancelled', timestamptz '2025-03-09 15:30:00+00', 'meeting_booked')::text,
          'the queued follow-up is cancelled, stopped at booked_at for meeting_booked');
select is((select (send_status, stopped_at, stop_reason)::text from outreach.send_log
            where outreach_id = :'oid' and sequence_step = 1 and campaign_id = :'camp'),
          ('opened', timestamptz '2025-03-09 15:30:00+00', 'meeting_booked')::text,
          'the sent step keeps its status and is marked stopped');
select is((select (send_status, stopped_at, stop_reason)::text from outreach.send_log where send_id = :'old_send'),
          ('replied', timestamptz '2024-12-02 09:00+00', 'replied')::text,
          'an enrolment stopped earlier keeps its own stop');
select is((select count(*)::int from outreach.send_log where outreach_id = :'oid' and send_status = 'queued'), 0,
          'the record has no open enrolment left');
select is((select count(*)::int from outreach.send_log where outreach_id = :'oid' and stopped_at is null), 0,
          'every row of the record is stopped, so no follow-up can be queued');
select is((select (send_status, stopped_at)::text from outreach.send_log where outreach_id = :'b_oid' and sequence_step = 2),
          '(queued,)', 'another company''s queued follow-up is untouched');
select is((select count(*)::int from outreach.send_log where outreach_id = :'b_oid' and stopped_at is not null), 0,
          'another company''s rows are not stopped');
select is((select snapshot -> 'follow_ups' from outreach.handoffs where handoff_id = :'handoff'),
          '{"stopped": 1, "cancelled": 1}'::jsonb, 'the snapshot records what was stopped and cancelled');

select * from finish();
rollback;
