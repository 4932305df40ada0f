-- A reply stops every open enrolment of the company whatever its channel: a
-- LinkedIn reply stops the email enrolment, an email reply the LinkedIn one (and
-- the HeyReach lead gets a stop_lead through the outbox).
begin;
select plan(6);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir ../providers/_helpers.sql

create function pg_temp.li_pushed(oid uuid, camp uuid) returns uuid language plpgsql volatile as $$
declare
  tok uuid := gen_random_uuid();
  s1 uuid;
  enr uuid;
begin
  insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                                 channel, linkedin_url, sequence_step, send_status, scheduled_at, claim_token, claimed_by,
                                 claimed_at, first_claimed_at, lease_until, attempt, correlation_id)
  select o.outreach_id, t.target_id, o.sovereign_company_id, camp,
         (select sequence_id from outreach.sequences where campaign_id = camp and sequence_order = 1),
         cs.person_id, 'linkedin', 'https://www.linkedin.com/in/p-' || substr(oid::text, 1, 8), 1, 'queued',
         '2025-03-03 14:00Z', tok, 'heyreach', '2025-03-03 14:00Z', '2025-03-03 14:00Z', '2025-03-03 14:05Z', 1,
         gen_random_uuid()
    from outreach.outreach o
    join outreach.company_target t on t.outreach_id = o.outreach_id
    join outreach.company_slot cs on cs.outreach_id = o.outreach_id and cs.slot_type = 'HR'
   where o.outreach_id = oid
  returning send_id, enrolment_id into s1, enr;
  perform outreach.ack_provider_push(s1, tok, null, '2025-03-03 14:00Z');
  perform outreach.record_event(s1, 'linkedin_connect_sent', '2025-03-03 15:00Z'::timestamptz, 'heyreach');
  return enr;
end $$;

select pg_temp.provider_campaign('heyreach', 'hr-1') as hey \gset
select pg_temp.provider_campaign('instantly', 'inst-1') as inst \gset

-- 1. LinkedIn reply → the email enrolment stops too.
select pg_temp.staffed_record('One') as o1 \gset
select pg_temp.li_pushed(:'o1', :'hey') as li1 \gset
select pg_temp.pushed(:'o1', :'inst', 'L1') as em1 \gset
select send_id as li_s1 from outreach.send_log where enrolment_id = :'li1' \gset
select outreach.record_provider_event('heyreach', 'hr-1', 'https://linkedin.com/in/p-' || substr(:'o1', 1, 8), 1,
                                      'linkedin_reply', '2025-03-05 10:00Z');
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'li_s1'),
          ('replied'::text, 'replied'::text), 'the LinkedIn send is replied and stopped');
select is((select stop_reason from outreach.send_log where enrolment_id = :'em1'), 'replied',
          'the company''s email enrolment is stopped by the LinkedIn reply');
select is((select string_agg(provider, ',' order by provider) from outreach.provider_outbox
            where kind = 'stop_lead' and enrolment_id in (:'li1', :'em1')), 'instantly',
          'Instantly gets a stop_lead; HeyReach, which reported the reply, does not');

-- 2. Email reply (seen in the hub's mailbox) → the LinkedIn enrolment stops.
select pg_temp.staffed_record('Two') as o2 \gset
select pg_temp.li_pushed(:'o2', :'hey') as li2 \gset
select pg_temp.pushed(:'o2', :'inst', 'L2') as em2 \gset
select send_id as em_s2 from outreach.send_log where enrolment_id = :'em2' \gset
select outreach.record_event(:'em_s2', 'email_reply', '2025-03-05 11:00Z'::timestamptz, 'gmail');
select is((select stop_reason from outreach.send_log where enrolment_id = :'li2'), 'replied',
          'an email reply stops the company''s LinkedIn enrolment');
select is((select lead_key from outreach.provider_outbox where kind = 'stop_lead' and enrolment_id = :'li2'),
          'https://linkedin.com/in/p-' || substr(:'o2', 1, 8), 'HeyReach gets a stop_lead for the profile');
select is((select stopped_at from outreach.send_log where enrolment_id = :'li2'), '2025-03-05 11:00Z'::timestamptz,
          'stopped at the reply''s time');

select * from finish();
rollback;
