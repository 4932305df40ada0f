-- Issue 18: send_log and engagement_events keep only the foreign keys that carry the
-- doctrine. The ones dropped follow from kept ones: send_log.outreach_id from
-- (outreach_id, sovereign_company_id); an event's outreach_id and person_id from its
-- send. Proven here: the kept keys exist and refuse, and every recorded event agrees
-- with its send.
begin;
select plan(7);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select fk_ok('outreach', 'send_log', array['outreach_id', 'sovereign_company_id'],
             'outreach', 'outreach', array['outreach_id', 'sovereign_company_id'],
             'a send belongs to a record of its company');
select fk_ok('outreach', 'engagement_events', 'send_id', 'outreach', 'send_log', 'send_id', 'an event belongs to a send');
select is((select count(*)::int from pg_constraint
            where conrelid = 'outreach.engagement_events'::regclass and contype = 'f'), 1,
          'engagement_events: one foreign key, its send');

insert into outreach.campaigns (campaign_name, campaign_status) values ('Keys', 'active') returning campaign_id as camp \gset
select pg_temp.eng_send(:'camp', 'queued') as s1 \gset
select pg_temp.eng_event(:'s1', 'email_sent', '2030-01-10 09:00Z');
select pg_temp.eng_event(:'s1', 'email_open', '2030-01-10 10:00Z');
select outreach.record_events(jsonb_build_array(jsonb_build_object('send_id', :'s1', 'event_type', 'email_click',
                                                                   'event_ts', '2030-01-10T11:00:00Z', 'source_system', 'x')));
select is((select count(*)::int from outreach.engagement_events e join outreach.send_log l using (send_id)
            where e.outreach_id = l.outreach_id and e.person_id is not distinct from l.person_id), 3,
          'every event carries its send''s record and person');

select throws_ok($$insert into outreach.send_log (outreach_id, sovereign_company_id, target_id, campaign_id, sequence_step,
                                                  send_status, scheduled_at, correlation_id)
                   select gen_random_uuid(), sovereign_company_id, target_id, campaign_id, 1, 'queued', now(), gen_random_uuid()
                     from outreach.send_log where send_id = '$$ || :'s1' || $$'$$,
                 '23503', null, 'a send of an unknown record is refused');
select throws_ok($$insert into outreach.send_log (outreach_id, sovereign_company_id, target_id, campaign_id, sequence_step,
                                                  send_status, scheduled_at, correlation_id)
                   select outreach_id, gen_random_uuid(), target_id, campaign_id, 1, 'cancelled', now(), gen_random_uuid()
                     from outreach.send_log where send_id = '$$ || :'s1' || $$'$$,
                 '23503', null, 'a send naming another company for the record is refused');
select throws_ok($$insert into outreach.engagement_events (send_id, outreach_id, event_type, event_ts, source_system, event_hash, correlation_id)
                   values (gen_random_uuid(), gen_random_uuid(), 'email_open', now(), 'x', 'h-unknown', gen_random_uuid())$$,
                 '23503', null, 'an event of an unknown send is refused');

select * from finish();
rollback;
