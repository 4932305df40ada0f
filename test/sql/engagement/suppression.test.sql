-- SPEC §4 record_event: bounce and unsubscribe make the person's email unusable;
-- unsubscribe (and a spam complaint, treated as one) opts the target out.
begin;
select plan(11);
\ir ../fixtures.sql
\ir _fixtures.sql

-- Bounce.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as b \gset
select pg_temp.eng_event(:'b', 'email_bounce', '2030-01-15 09:05Z');
select is((select p.email_status from outreach.people p join outreach.send_log l using (person_id) where l.send_id = :'b'),
          'bounced', 'a bounce marks the person bounced');
select is((select t.target_status from outreach.company_target t join outreach.send_log l using (target_id) where l.send_id = :'b'),
          'active', 'a bounce does not opt the target out');
select is((select bounced_at from outreach.send_log where send_id = :'b'), '2030-01-15 09:05Z'::timestamptz, 'bounced_at is set');

-- Unsubscribe.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as u \gset
select pg_temp.eng_event(:'u', 'unsubscribe', '2030-01-15 10:00Z');
select is((select p.email_status from outreach.people p join outreach.send_log l using (person_id) where l.send_id = :'u'),
          'unsubscribed', 'an unsubscribe marks the person unsubscribed');
select is((select t.target_status from outreach.company_target t join outreach.send_log l using (target_id) where l.send_id = :'u'),
          'opted_out', 'an unsubscribe opts the target out');
select pg_temp.eng_event(:'u', 'email_bounce', '2030-01-15 10:05Z');
select is((select p.email_status from outreach.people p join outreach.send_log l using (person_id) where l.send_id = :'u'),
          'unsubscribed', 'a later bounce does not turn an unsubscribed person into a bounced one');

-- Spam complaint.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as c \gset
select pg_temp.eng_event(:'c', 'email_bounce', '2030-01-15 09:30Z');
select pg_temp.eng_event(:'c', 'spam_complaint', '2030-01-15 10:00Z');
select is((select p.email_status from outreach.people p join outreach.send_log l using (person_id) where l.send_id = :'c'),
          'unsubscribed', 'a spam complaint treats the person as unsubscribed (even after a bounce)');
select is((select t.target_status from outreach.company_target t join outreach.send_log l using (target_id) where l.send_id = :'c'),
          'opted_out', 'a spam complaint opts the target out');

-- A send without person_id (imported history) suppresses the person by address.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as h \gset
update outreach.send_log set person_id = null where send_id = :'h';
select pg_temp.eng_event(:'h', 'email_bounce', '2030-01-15 09:05Z');
select is((select p.email_status from outreach.people p join outreach.send_log l
            on l.outreach_id = p.outreach_id and lower(p.email) = lower(l.email_to) where l.send_id = :'h'),
          'bounced', 'without person_id, the person with that address in the record is marked');

-- Other people of the company are untouched; the suppressed email is no longer usable.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as o \gset
insert into outreach.people (outreach_id, target_id, full_name, email, email_status)
select outreach_id, target_id, 'CEO person', 'ceo@other.example', 'verified' from outreach.send_log where send_id = :'o';
select pg_temp.eng_event(:'o', 'unsubscribe', '2030-01-15 10:00Z');
select is((select email_status from outreach.people where email = 'ceo@other.example'), 'verified',
          'a colleague of the person who unsubscribed keeps their email status');
select is((select count(*)::int from outreach.engagement_events where send_id = :'o' and person_id is not null), 1,
          'the event carries the person of the send');

select * from finish();
rollback;
