-- promote enrols a record matched to a LinkedIn campaign with a LinkedIn send:
-- channel linkedin, the contact's profile, email_to NULL.
begin;
select plan(4);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.li_campaign('LinkedIn') as li_c \gset
select pg_temp.ready_record() as r \gset
select pg_temp.li_profiles(:'r');
update outreach.people set email = null where outreach_id = :'r';

select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, now())), 1, 'one enrolment');
select is((select (channel, campaign_id, email_to) from outreach.send_log where outreach_id = :'r'),
          ('linkedin'::text, :'li_c'::uuid, null::text), 'a linkedin send in the LinkedIn campaign, no email');
select is((select linkedin_url from outreach.send_log where outreach_id = :'r'),
          'https://www.linkedin.com/in/hr-' || substr(:'r', 1, 8) || '/', 'to the HR contact''s profile');
select is((select p.title from outreach.send_log l join outreach.people p using (person_id) where l.outreach_id = :'r'),
          'HR', 'the person is the LinkedIn contact');

select * from finish();
rollback;
