-- SPEC §4/§5: a booked meeting appends one snapshot of the record (company,
-- contact, campaign, engagement summary, correlation id) to outreach.handoffs
-- and sets the spine HANDED_OFF.
begin;
select plan(18);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select sovereign_company_id as sid from outreach.outreach where outreach_id = :'oid' \gset
select pg_temp.enrol(:'oid') as camp \gset
select person_id as hr from outreach.company_slot where outreach_id = :'oid' and slot_type = 'HR' \gset
select gen_random_uuid() as cid \gset
select pg_temp.book(:'oid', '2025-03-09 15:30:00+00', :'cid',
                    '{"provider": "cal.com", "invitee_email": "hannah.reyes@acme.example"}') as handoff \gset
select snapshot as snap from outreach.handoffs where handoff_id = :'handoff' \gset

select is((select count(*)::int from outreach.handoffs where outreach_id = :'oid'), 1, 'one handoff row for the record');
select is((select (outreach_id, sovereign_company_id, booked_at, correlation_id::uuid)::text
             from outreach.handoffs where handoff_id = :'handoff'),
          (:'oid'::uuid, :'sid'::uuid, timestamptz '2025-03-09 15:30:00+00', :'cid'::uuid)::text,
          'the row carries the record, the company, booked_at and the caller''s correlation id');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'HANDED_OFF', 'the spine is HANDED_OFF');

select is(:'snap'::jsonb ->> 'outreach_id', :'oid', 'snapshot: outreach id');
select is(:'snap'::jsonb ->> 'correlation_id', :'cid', 'snapshot: correlation id');
select is(:'snap'::jsonb ->> 'outreach_status', 'ACTIVE', 'snapshot: the record''s status when the meeting was booked');
select is(:'snap'::jsonb -> 'company' ->> 'company_name', 'Acme', 'snapshot: company name from CL');
select is((:'snap'::jsonb -> 'company') - array['target_id', 'sovereign_company_id', 'company_name', 'linkedin_url'],
          '{"domain": "acme.example", "company_domain": "acme.example", "email_pattern": "{first}.{last}@acme.example",
            "industry": "SaaS", "employee_count": 120, "target_status": "active"}'::jsonb,
          'snapshot: domain, pattern and firmographics from the company target');
select is(:'snap'::jsonb -> 'bit', '{"score": 80, "score_tier": "BURNING", "band": 4,
            "pressure_class": "VENDOR_DISSATISFACTION", "last_scored_at": null}'::jsonb, 'snapshot: BIT score');
select is((:'snap'::jsonb -> 'contact') - 'person_id',
          '{"full_name": "Hannah Reyes", "email": "hannah.reyes@acme.example", "title": "Head of People",
            "email_status": "verified", "slot_type": "HR", "source": "last_send"}'::jsonb,
          'snapshot: the contact is the person of the latest message sent');
select is(:'snap'::jsonb -> 'contact' ->> 'person_id', :'hr', 'snapshot: contact person id');
select is((select array_agg(e ->> 'slot_type') from jsonb_array_elements(:'snap'::jsonb -> 'slots') e),
          array['HR', 'CEO'], 'snapshot: every filled slot, HR first');
select is((:'snap'::jsonb -> 'campaign') - array['sequence_id', 'enrolment_id', 'last_send_id'],
          jsonb_build_object('campaign_id', :'camp', 'campaign_name', 'Benefits Q1', 'sequence_name', 'Intro',
                             'sequence_step', 1, 'last_send_status', 'opened'),
          'snapshot: campaign and step of the latest message sent');
select is(:'snap'::jsonb -> 'engagement',
          '{"messages_sent": 1, "enrolments": 1, "first_sent_at": "2025-03-01T10:00:00+00:00",
            "last_sent_at": "2025-03-01T10:00:00+00:00", "delivered": 1, "opened": 1, "clicked": 0, "replied": 0,
            "bounced": 0, "open_count": 2, "click_count": 0, "last_replied_at": null,
            "events": {"email_sent": 1, "email_open": 2}, "last_event_at": "2025-03-01T12:00:00+00:00"}'::jsonb,
          'snapshot: engagement summary from send_log and engagement_events');
select is(:'snap'::jsonb -> 'booking', '{"provider": "cal.com", "invitee_email": "hannah.reyes@acme.example"}'::jsonb,
          'snapshot: the webhook payload, verbatim');
select is(:'snap'::jsonb ->> 'link_exp', '1741694400', 'snapshot: the exp of the link that booked');

-- A record never emailed: the contact falls back to the first usable slot.
select pg_temp.staffed_record('Bravo') as b_oid \gset
update outreach.people set email_status = 'bounced'
 where person_id = (select person_id from outreach.company_slot where outreach_id = :'b_oid' and slot_type = 'HR');
select pg_temp.book(:'b_oid') as b_handoff \gset
select is((select (snapshot -> 'contact' ->> 'slot_type') || '/' || (snapshot -> 'contact' ->> 'source')
             from outreach.handoffs where handoff_id = :'b_handoff'),
          'CEO/slot', 'never emailed: the contact is the first slot with a usable email (bounced HR skipped)');
select is((select (snapshot -> 'campaign', snapshot -> 'engagement' -> 'messages_sent')::text
             from outreach.handoffs where handoff_id = :'b_handoff'),
          '(null,0)', 'never emailed: no campaign, nothing sent');

select * from finish();
rollback;
