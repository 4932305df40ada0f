-- SPEC §10.4 effects: a suppressed address is unusable for contact selection (the
-- trigger-kept contact summary follows an add and a lift), a suppressed target
-- domain blocks with `suppressed`, and unsubscribe, complaint and hard bounce events
-- add the address (source = the event type).
begin;
select plan(15);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.campaign() as camp \gset
select pg_temp.ready_record() as r \gset
select p.email as hr_email, p.person_id as hr from outreach.people p join outreach.company_slot s using (person_id)
 where s.outreach_id = :'r' and s.slot_type = 'HR' \gset
select p.person_id as ceo from outreach.people p join outreach.company_slot s using (person_id)
 where s.outreach_id = :'r' and s.slot_type = 'CEO' \gset

select is((select contact_person_id from outreach.company_target where outreach_id = :'r'), :'hr'::uuid, 'HR is the contact');
select outreach.suppress(:'hr_email', 'do not contact', 'manual', gen_random_uuid());
select is((select contact_person_id from outreach.company_target where outreach_id = :'r'), :'ceo'::uuid,
          'once HR''s address is suppressed the summary moves to the CEO');
select is((select person_id from outreach.primary_contact(:'r')), :'ceo'::uuid, 'primary_contact agrees');
select outreach.lift_suppression(:'hr_email', 'ops', 'mistake');
select is((select contact_person_id from outreach.company_target where outreach_id = :'r'), :'hr'::uuid,
          'lifting it brings HR back');

-- A domain suppression blocks every slot's address and the record.
select domain as dom from outreach.company_target where outreach_id = :'r' \gset
select outreach.suppress(:'dom', 'existing customer', 'manual', gen_random_uuid());
select is((select contact_person_id from outreach.company_target where outreach_id = :'r'), null, 'no usable contact at a suppressed domain');
select ok((select domain_suppressed from outreach.company_target where outreach_id = :'r'), 'the target is marked');
select is(pg_temp.reasons(:'r'), array['no_contact_email', 'suppressed'], 'the record is blocked with suppressed');
select is((outreach.blocking_reason_codes())[16], 'suppressed', 'suppressed is appended to the reason codes');
select outreach.lift_suppression(:'dom', 'ops', 'lost the customer');
select is(pg_temp.reasons(:'r'), '{}'::text[], 'lifted: eligible again');
-- A target written later under a suppressed parent domain is marked at once.
select outreach.suppress('parent.example', 'group', 'manual', gen_random_uuid());
update outreach.company_target set domain = 'sub.parent.example' where outreach_id = :'r';
select ok((select domain_suppressed from outreach.company_target where outreach_id = :'r'), 'a subdomain written later is marked');
select ok(not outreach.suppression_matches('parent.example', 'a@xparent.example'), '(only at a dot boundary)');

-- Events.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as u \gset
select pg_temp.eng_event(:'u', 'unsubscribe', '2030-01-15 10:00Z');
select is((select source from outreach.suppressions where pattern = (select lower(email_to) from outreach.send_log where send_id = :'u')),
          'unsubscribe', 'an unsubscribe adds the address (source unsubscribe)');
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as sc \gset
select pg_temp.eng_event(:'sc', 'spam_complaint', '2030-01-15 10:00Z');
select is((select source from outreach.suppressions where pattern = (select lower(email_to) from outreach.send_log where send_id = :'sc')),
          'spam_complaint', 'a complaint adds it (source spam_complaint)');
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as b \gset
select pg_temp.eng_event(:'b', 'email_bounce', '2030-01-15 10:00Z');
select is((select source from outreach.suppressions where pattern = (select lower(email_to) from outreach.send_log where send_id = :'b')),
          'bounce', 'a hard bounce adds it (source bounce)');
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as soft \gset
select outreach.record_event(:'soft', 'email_bounce', '2030-01-15 10:00Z', 'smtp', '{"bounce_type": "soft"}');
select is((select count(*)::int from outreach.suppressions where pattern = (select lower(email_to) from outreach.send_log where send_id = :'soft')),
          0, 'a bounce marked soft does not');

select * from finish();
rollback;
