-- SPEC §11.3: a webhook that arrives before the push's ack (no provider_leads row
-- yet), twice, or out of order still finds its enrolment and changes nothing twice.
begin;
select plan(7);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.staffed_record('Early') as oid \gset
select pg_temp.provider_campaign('smartlead', '4242') as camp \gset
select pg_temp.hr_email(:'oid') as email \gset
-- A claimed step-1 send (as claim_sends leaves it), not acknowledged yet.
insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                               email_to, sequence_step, send_status, scheduled_at, claim_token, claimed_by,
                               claimed_at, first_claimed_at, lease_until, attempt, correlation_id)
select o.outreach_id, t.target_id, o.sovereign_company_id, :'camp',
       (select sequence_id from outreach.sequences where campaign_id = :'camp' and sequence_order = 1),
       p.person_id, p.email, 1, 'queued', '2025-03-03 14:00+00', gen_random_uuid(), 'smartlead',
       '2025-03-03 14:00+00', '2025-03-03 14:00+00', '2025-03-03 14:05+00', 1, gen_random_uuid()
  from outreach.outreach o
  join outreach.company_target t on t.outreach_id = o.outreach_id
  join outreach.company_slot cs on cs.outreach_id = o.outreach_id and cs.slot_type = 'HR'
  join outreach.people p on p.person_id = cs.person_id
 where o.outreach_id = :'oid'
returning send_id as s1, claim_token as tok \gset

select is((select count(*)::int from outreach.provider_leads where send_id = :'s1'), 0, 'the push is not acknowledged yet');
-- The open arrives first (out of order), then the sent, then the sent again.
select ok((select event_id is not null from outreach.record_provider_event('smartlead', '4242', upper(:'email'), 1,
                                                                          'email_open', '2025-03-03 14:02+00')),
          'an event before the ack finds the claimed send by campaign and address');
select ok((select event_id is not null and not is_duplicate
             from outreach.record_provider_event('smartlead', '4242', :'email', 1, 'email_sent', '2025-03-03 14:01+00')),
          'the sent event that arrives after the open is recorded');
select ok((select is_duplicate from outreach.record_provider_event('smartlead', '4242', :'email', 1, 'email_sent',
                                                                  '2025-03-03 14:01+00')),
          'the same delivery twice is a duplicate');
select is((select row(send_status, sent_at, open_count)::text from outreach.send_log where send_id = :'s1'),
          row('opened', timestamptz '2025-03-03 14:01+00', 1)::text,
          'status, sent_at and counters are what the events say, whatever their order');
-- The ack arrives late: accepted, and later events go through provider_leads.
select lives_ok(format($$select outreach.ack_provider_push(%L, %L, 'sl-9', '2025-03-03 14:03+00')$$, :'s1', :'tok'),
                'the late ack is accepted');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s1'), 2,
          'nothing was recorded twice');
select * from finish();
rollback;
