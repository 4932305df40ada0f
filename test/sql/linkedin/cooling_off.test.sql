-- A LinkedIn contact counts for cooling-off like an email: the first sent touch of
-- any channel (linkedin_connect_sent or linkedin_message_sent) sets sent_at.
begin;
select plan(5);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.li_campaign('LinkedIn') as li_c \gset
select pg_temp.campaign('Email') as em_c \gset
select pg_temp.ready_record() as r \gset
select pg_temp.li_profiles(:'r');
update outreach.people set email = null where outreach_id = :'r';
select outreach.promote(gen_random_uuid(), 10, '2030-01-07 12:00Z');
select send_id as s from outreach.send_log where outreach_id = :'r' \gset

select outreach.record_event(:'s', 'linkedin_connect_sent', '2030-01-07 13:00Z'::timestamptz, 'heyreach');
select is((select (send_status, sent_at) from outreach.send_log where send_id = :'s'),
          ('sent'::text, '2030-01-07 13:00Z'::timestamptz), 'a connection request sent is the send''s first sent touch');
select ok((select in_cooling_off from outreach.cooling_off(:'r', '2030-01-20 00:00Z')), 'the company is cooling off');
-- The email contact comes back; the LinkedIn campaign ends: still cooling off on email.
update outreach.people set email = lower(title) || '@' || substr(:'r', 1, 8) || '.example' where outreach_id = :'r';
update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'li_c';
select ok('cooling_off' = any (pg_temp.reasons(:'r', '2030-01-20 00:00Z')), 'the email campaign must wait out the LinkedIn contact');
select outreach.record_event(:'s', 'linkedin_message_sent', '2030-01-03 09:00Z'::timestamptz, 'heyreach');
select is((select sent_at from outreach.send_log where send_id = :'s'), '2030-01-03 09:00Z'::timestamptz,
          'a message sent earlier moves sent_at to the earliest sent touch');
select outreach.record_event(:'s', 'linkedin_touch', '2030-01-02 09:00Z'::timestamptz, 'heyreach', '{"kind": "VIEWED_PROFILE"}');
select is((select sent_at from outreach.send_log where send_id = :'s'), '2030-01-03 09:00Z'::timestamptz,
          'our own profile view is logged only: no sent touch');

select * from finish();
rollback;
