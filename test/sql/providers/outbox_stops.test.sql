-- SPEC §11.4: when the hub stops an enrolment a provider runs — a reply seen on
-- another channel, an unsubscribe, a suppression, a handoff, a failed send — one
-- stop_lead is appended to provider_outbox in the same transaction (a rollback
-- takes it away); a suppression also appends block-list entries for each email
-- provider in use.
begin;
select plan(20);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.provider_campaign('instantly', 'inst-1') as inst \gset
select pg_temp.provider_campaign('smartlead', '4242') as smart \gset
select pg_temp.provider_campaign('smartlead', '4343', 'paused') as smart_paused \gset
select pg_temp.provider_campaign('heyreach', 'hr-1', 'draft') as hey \gset

create function pg_temp.stops(enr uuid) returns text language sql stable as $$
  select string_agg(provider || ':' || provider_campaign_id || ':' || lead_key || ':' || coalesce(payload ->> 'stop_reason', '?'), ', ' order by seq)
    from outreach.provider_outbox where kind = 'stop_lead' and enrolment_id = enr
$$;

-- 1. A reply seen on another channel (the hub's own mailbox).
select pg_temp.staffed_record('Reply') as o1 \gset
select pg_temp.pushed(:'o1', :'inst', 'L1') as e1 \gset
select send_id as s1 from outreach.send_log where enrolment_id = :'e1' \gset
savepoint before_reply;
select outreach.record_event(:'s1', 'email_reply', '2025-03-04 10:00+00', 'gmail');
select is(pg_temp.stops(:'e1'), 'instantly:inst-1:' || pg_temp.hr_email(:'o1') || ':replied',
          'a reply seen elsewhere appends one stop_lead for the enrolment at its provider');
select is((select provider_lead_id from outreach.provider_outbox where enrolment_id = :'e1'), 'L1', 'with the provider''s lead id');
rollback to savepoint before_reply;
select is((select count(*)::int from outreach.provider_outbox), 0, 'rolled back with its cause: nothing is left');
select outreach.record_event(:'s1', 'email_reply', '2025-03-04 10:00+00', 'gmail');
select outreach.record_event(:'s1', 'email_bounce', '2025-03-04 11:00+00', 'gmail');
select is((select count(*)::int from outreach.provider_outbox where enrolment_id = :'e1'), 1,
          'a second stop of the same enrolment appends nothing more');

-- 2. An unsubscribe (one-click) on a Smartlead enrolment: exactly one stop.
select pg_temp.staffed_record('Unsub') as o2 \gset
select pg_temp.pushed(:'o2', :'smart', null) as e2 \gset
select send_id as s2 from outreach.send_log where enrolment_id = :'e2' \gset
select outreach.record_event(:'s2', 'unsubscribe', '2025-03-04 12:00+00', 'one_click');
select is((select count(*)::int from outreach.provider_outbox where kind = 'stop_lead' and enrolment_id = :'e2'), 1,
          'an unsubscribe on another channel appends exactly one stop_lead');
select is((select provider || ':' || provider_campaign_id || ':' || lead_key from outreach.provider_outbox
            where kind = 'stop_lead' and enrolment_id = :'e2'),
          'smartlead:4242:' || pg_temp.hr_email(:'o2'), 'for the Smartlead lead');

-- 3. A handoff.
select pg_temp.staffed_record('Booked') as o3 \gset
select pg_temp.pushed(:'o3', :'inst', 'L3') as e3 \gset
select pg_temp.book(:'o3', '2025-03-09 00:00+00');
select is(pg_temp.stops(:'e3'), 'instantly:inst-1:' || pg_temp.hr_email(:'o3') || ':meeting_booked',
          'a handoff appends a stop_lead');

-- 4. A failed send (the enrolment stopped as send_failed, here by a plain UPDATE).
select pg_temp.staffed_record('Failed') as o4 \gset
select pg_temp.pushed(:'o4', :'inst', 'L4') as e4 \gset
update outreach.send_log set stopped_at = '2025-03-04 13:00+00', stop_reason = 'send_failed', send_status = 'failed'
 where enrolment_id = :'e4';
select is(pg_temp.stops(:'e4'), 'instantly:inst-1:' || pg_temp.hr_email(:'o4') || ':send_failed',
          'a failed send appends a stop_lead, whatever path stopped it');

-- 5. A suppression of the address.
select pg_temp.staffed_record('Suppressed') as o5 \gset
select pg_temp.pushed(:'o5', :'inst', 'L5') as e5 \gset
select count(*) as before_suppress from outreach.provider_outbox \gset
select outreach.suppress(pg_temp.hr_email(:'o5'), 'asked by phone', 'manual', gen_random_uuid());
select is((select string_agg(stop_reason, ',') from outreach.send_log where enrolment_id = :'e5'), 'suppressed',
          'a suppression stops the pushed enrolment it covers');
select is(pg_temp.stops(:'e5'), 'instantly:inst-1:' || pg_temp.hr_email(:'o5') || ':suppressed', 'and appends its stop_lead');
select is((select string_agg(provider || ':' || kind || ':' || lead_key, ', ' order by provider)
             from outreach.provider_outbox where kind like 'block_%' and lead_key = pg_temp.hr_email(:'o5')),
          'instantly:block_email:' || pg_temp.hr_email(:'o5') || ', smartlead:block_email:' || pg_temp.hr_email(:'o5'),
          'a suppressed address is a block_email for each email provider in use (active or paused campaigns)');
select is((select count(*)::int from outreach.provider_outbox where provider = 'heyreach'), 0,
          'HeyReach has no block list and a draft campaign is not in use');

-- Domains.
select outreach.suppress('rival.example', 'competitor', 'manual', gen_random_uuid());
select is((select string_agg(provider || ':' || kind || ':' || lead_key, ', ' order by provider)
             from outreach.provider_outbox where lead_key = 'rival.example'),
          'instantly:block_domain:rival.example, smartlead:block_domain:rival.example', 'a domain is a block_domain');
select outreach.suppress('*@other.example', 'competitor', 'manual', gen_random_uuid());
select is((select count(*)::int from outreach.provider_outbox where kind = 'block_domain' and lead_key = 'other.example'), 2,
          '*@domain is a block_domain too');
select outreach.suppress('legal@*', 'never legal', 'manual', gen_random_uuid());
select is((select count(*)::int from outreach.provider_outbox where payload ->> 'pattern' = 'legal@*'), 0,
          'a glob a provider cannot express is not sent');

-- A domain suppression covers pushed enrolments at that domain.
select pg_temp.staffed_record('Domainco') as o6 \gset
select pg_temp.pushed(:'o6', :'smart', 'L6') as e6 \gset
select outreach.suppress('domainco.example', 'whole company', 'manual', gen_random_uuid());
select is(pg_temp.stops(:'e6'), 'smartlead:4242:' || pg_temp.hr_email(:'o6') || ':suppressed',
          'a domain suppression stops the pushed enrolments at that domain');

-- Not pushed, not provider-run: nothing to tell a provider.
select pg_temp.staffed_record('Queue') as o7 \gset
select pg_temp.enrol(:'o7') as queue_camp \gset
select count(*) as before_queue from outreach.provider_outbox \gset
select outreach.record_event(send_id, 'email_reply', '2025-03-04 10:00+00', 'gmail')
  from outreach.send_log where outreach_id = :'o7' and sequence_step = 1;
select is((select count(*)::int from outreach.provider_outbox), :before_queue, 'a hub-run enrolment''s stop appends nothing');

-- Stopped while the push was in flight: the ack appends the stop at once.
select pg_temp.staffed_record('Inflight') as o8 \gset
select gen_random_uuid() as tok \gset
insert into outreach.send_log (outreach_id, target_id, campaign_id, person_id, email_to, send_status, scheduled_at,
                               claim_token, claimed_by, claimed_at, first_claimed_at, lease_until, attempt, correlation_id)
select o.outreach_id, t.target_id, :'inst', cs.person_id, pg_temp.hr_email(:'o8'), 'queued', now(), :'tok', 'instantly',
       now(), now(), now() + interval '5 minutes', 1, gen_random_uuid()
  from outreach.outreach o join outreach.company_target t using (outreach_id)
  join outreach.company_slot cs on cs.outreach_id = o.outreach_id and cs.slot_type = 'HR'
 where o.outreach_id = :'o8';
select send_id as s8, enrolment_id as e8 from outreach.send_log where outreach_id = :'o8' \gset
select outreach.record_event(:'s8', 'email_reply', now(), 'gmail');
select is((select count(*)::int from outreach.provider_outbox where enrolment_id = :'e8'), 0, 'not pushed yet: nothing to stop');
select ok(outreach.ack_provider_push(:'s8', :'tok', 'L8'), 'the push is acknowledged');
select is(pg_temp.stops(:'e8'), 'instantly:inst-1:' || pg_temp.hr_email(:'o8') || ':replied',
          'an enrolment stopped while its push was in flight gets its stop_lead with the ack');

select * from finish();
rollback;
