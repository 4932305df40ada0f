-- A record with no usable address for any matching campaign: no_contact_email
-- when an email campaign matches, no_contact_profile (appended code) when a
-- LinkedIn one does; matching offers only campaigns the record has an address for.
begin;
select plan(7);
\ir ../fixtures.sql
\ir _fixtures.sql

select is((outreach.blocking_reason_codes())[17], 'no_contact_profile', 'no_contact_profile is appended (position 17)');
select is((outreach.blocking_reason_codes())[6], 'no_contact_email', 'no_contact_email keeps its position');

select pg_temp.li_campaign('LinkedIn only', min_score => 70) as li_c \gset
-- At score 80 both campaigns match; at 60 only the email one.
select pg_temp.campaign('Email', min_score => 50) as em_c \gset

select pg_temp.ready_record(score => 80) as r \gset
select is(pg_temp.reasons(:'r'), '{}'::text[], 'emails and an email campaign: eligible');
update outreach.people set email_status = 'bounced' where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['no_contact_email', 'no_contact_profile'],
          'both campaigns match, no address for either: both codes');
select pg_temp.li_profiles(:'r');
select is((select (campaign_id, eligible) from outreach.candidates() where outreach_id = :'r'),
          (:'li_c'::uuid, true), 'a profile appears: the LinkedIn campaign is offered');

select pg_temp.ready_record(score => 60) as low \gset
update outreach.people set email_status = 'bounced' where outreach_id = :'low';
select pg_temp.li_profiles(:'low');
select is(pg_temp.reasons(:'low'), array['no_contact_email'],
          'only an email campaign matches: a profile does not help, no_contact_email');

update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'em_c';
select pg_temp.ready_record(score => 90) as nop \gset
select is(pg_temp.reasons(:'nop'), array['no_contact_profile'],
          'only a LinkedIn campaign matches and no profile: no_contact_profile alone');

select * from finish();
rollback;
