-- SPEC §11.1 / §11.3: ack_provider_push maps the provider's lead to its enrolment;
-- record_provider_event finds the enrolment by id or by (campaign, lead key),
-- applies the event to the row of its step — created on first report for later
-- steps of a provider-run sequence — through record_event's rules, and
-- deduplicates redeliveries.
begin;
select plan(30);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.provider_campaign('instantly', 'inst-1') as camp \gset
select pg_temp.pushed(:'oid', :'camp', 'lead-77') as enr \gset
select pg_temp.hr_email(:'oid') as email \gset
select send_id as s1 from outreach.send_log where enrolment_id = :'enr' and sequence_step = 1 \gset

-- The push.
select is((select row(provider, provider_campaign_id, lead_key, send_id, provider_lead_id)::text
             from outreach.provider_leads where enrolment_id = :'enr'),
          row('instantly', 'inst-1', :'email', :'s1'::uuid, 'lead-77')::text,
          'the push maps (instantly, campaign, lower-cased email) to the enrolment, with the provider''s lead id');
select is((select handed_over_at is not null and provider_message_id = 'lead-77' and send_status = 'queued'
             from outreach.send_log where send_id = :'s1'),
          true, 'the push acknowledged the hand-over (ack_send): handed over, the provider''s send still to come');

-- Step 1, found by enrolment id (Instantly's hub_enrollment_id).
select is((select is_duplicate from outreach.record_provider_event('instantly', 'inst-1', :'email', 1, 'email_sent',
                                                                  '2025-03-03 15:00+00', '{"email_id": "e1"}', :'enr')),
          false, 'an event found by enrolment id is recorded');
select is((select row(send_status, sent_at)::text from outreach.send_log where send_id = :'s1'),
          row('sent', timestamptz '2025-03-03 15:00+00')::text, 'it applies to the step-1 row (sent, sent_at = event time)');
select is((select source_system || ' ' || (metadata ->> 'email_id') || ' ' || (metadata ->> 'lead_key')
             from outreach.engagement_events where send_id = :'s1' and event_type = 'email_sent'),
          'instantly e1 ' || :'email', 'the event is the provider''s, with its metadata and the lookup');

-- Step 1 again, found by (campaign, lead key), the email in another case.
select is((select is_duplicate from outreach.record_provider_event('instantly', 'inst-1', upper(:'email'), 1, 'email_open',
                                                                  '2025-03-03 16:00+00')),
          false, 'an event found by campaign and lead key (any case) is recorded');
select is((select open_count from outreach.send_log where send_id = :'s1'), 1, 'the open is counted on step 1');
-- A stale hub_enrollment_id falls back to the lead.
select isnt((select event_id from outreach.record_provider_event('instantly', 'inst-1', :'email', 1, 'email_open',
                                                                 '2025-03-03 17:00+00', '{}', gen_random_uuid())),
            null, 'an unknown enrolment id falls back to campaign and lead key');

-- Step 2: no row yet; the first report creates it.
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr'), 1, 'one row before step 2 is reported');
select ok((select event_id is not null and not is_duplicate
             from outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_sent', '2025-03-05 15:00+00')),
          'the first report of step 2 is recorded');
select is((select row(l.send_status, l.sent_at, l.scheduled_at, l.handed_over_at, l.email_to, l.channel, l.person_id,
                      l.campaign_id, q.sequence_order)::text
             from outreach.send_log l join outreach.sequences q on q.sequence_id = l.sequence_id
            where l.enrolment_id = :'enr' and l.sequence_step = 2),
          (select row('sent', timestamptz '2025-03-05 15:00+00', timestamptz '2025-03-05 15:00+00',
                      timestamptz '2025-03-05 15:00+00', f.email_to, f.channel, f.person_id, f.campaign_id, 2)::text
             from outreach.send_log f where f.send_id = :'s1'),
          'step 2 is created sent and handed over at the event time, with the enrolment''s contact, channel, campaign and step');
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr' and sequence_step = 2), 1,
          'one row for step 2');
select outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_open', '2025-03-05 18:00+00');
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr' and sequence_step = 2), 1,
          'a second event of step 2 uses the same row');

-- Dedup: the same delivery twice.
select event_id as first_id from outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_click', '2025-03-05 19:00+00') \gset
select is((select row(event_id, is_duplicate)::text
             from outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_click', '2025-03-05 19:00+00')),
          row(:'first_id'::uuid, true)::text, 'a redelivered event is a duplicate with the first event''s id');
select is((select click_count from outreach.send_log where enrolment_id = :'enr' and sequence_step = 2), 1,
          'the duplicate changes no counter');
select ok((select is_duplicate from outreach.record_provider_event('smartlead', 'inst-1', :'email', 2, 'email_click', '2025-03-05 19:00+00', '{}', :'enr')) = false,
          'the same event reported by another source is not a duplicate of it');

-- Step unknown: the latest row.
select outreach.record_provider_event('instantly', 'inst-1', :'email', null, 'email_open', '2025-03-05 20:00+00');
select is((select open_count from outreach.send_log where enrolment_id = :'enr' and sequence_step = 2), 2,
          'an event without a step applies to the latest row');

-- An out-of-office answer is logged and stops nothing.
select outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_auto_reply', '2025-03-05 21:00+00');
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr' and stopped_at is not null), 0,
          'email_auto_reply does not stop the sequence');
select is((select count(*)::int from outreach.engagement_events e join outreach.send_log l using (send_id)
            where l.enrolment_id = :'enr' and e.event_type = 'email_auto_reply'), 1, 'email_auto_reply is logged');

-- Step 3 reported after a reply at step 2: the row is created with the stop.
select outreach.record_provider_event('instantly', 'inst-1', :'email', 2, 'email_reply', '2025-03-06 09:00+00');
select is((select count(*)::int from outreach.send_log where enrolment_id = :'enr' and stop_reason = 'replied'), 2,
          'a reply stops every row of the enrolment');
select outreach.record_provider_event('instantly', 'inst-1', :'email', 3, 'email_sent', '2025-03-07 09:00+00');
select is((select stop_reason from outreach.send_log where enrolment_id = :'enr' and sequence_step = 3), 'replied',
          'a later step reported after the stop is created stopped');
select is((select count(*)::int from outreach.provider_outbox), 0,
          'a stop the provider reported itself appends no stop_lead');

-- Unmatched: recorded, not raised, nothing else written.
select count(*) as events_before from outreach.engagement_events \gset
select is((select row(event_id, is_duplicate)::text
             from outreach.record_provider_event('smartlead', '9001', 'nobody@nowhere.example', 1, 'email_open', '2025-03-05 10:00+00',
                                                 '{"stats_id": "s-1"}', null, '6f1b1c7e-9a43-4c55-8d3e-3f5b1a2c4d5e'))::text,
          row(null::uuid, false)::text, 'an event that matches no enrolment returns event_id NULL');
select is((select row(sqlstate, detail ->> 'lead_key', detail -> 'metadata' ->> 'stats_id', correlation_id)::text
             from outreach.outreach_errors where source = 'outreach.record_provider_event'),
          row('OR040', 'nobody@nowhere.example', 's-1', '6f1b1c7e-9a43-4c55-8d3e-3f5b1a2c4d5e'::uuid)::text,
          'and is recorded in outreach_errors with its correlation id');
select is((select count(*)::int from outreach.engagement_events), :events_before, 'no event is recorded for it');
select is((select count(*)::int from outreach.record_provider_event('smartlead', '9001', 'x@y.example', 1, 'email_open', now())),
          1, 'an unmatched event without correlation id is recorded too');

-- Bad arguments raise.
select throws_ok($$select * from outreach.record_provider_event('mailchimp', 'c', 'a@b.example', 1, 'email_open', now())$$,
                 '22023', null, 'an unknown provider is 22023');
select throws_ok($$select * from outreach.record_provider_event('instantly', 'c', 'a@b.example', 1, 'lead_interested', now())$$,
                 'OR021', null, 'an unknown event type is OR021');
select throws_ok($$select * from outreach.record_provider_event('instantly', 'c', 'a@b.example', 0, 'email_open', now())$$,
                 '22023', null, 'step 0 is 22023');
select throws_ok($$select * from outreach.record_provider_event('instantly', 'c', 'a@b.example', 1, 'email_open', null)$$,
                 '22023', null, 'a missing event time is 22023');

select * from finish();
rollback;
