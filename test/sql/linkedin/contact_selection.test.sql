-- Contact selection per channel: a record with only a profile is offered the LinkedIn
-- campaign and not the email one, and the reverse; the LinkedIn contact follows the
-- slot order (with the pressure class); unsubscribed or suppressed people have no
-- usable profile, a bounced email does not make a profile unusable.
begin;
select plan(12);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.campaign('Email', priority => 1) as email_c \gset
select pg_temp.li_campaign('LinkedIn') as li_c \gset

-- Only profiles: every email unusable (bounced), every slot has a profile.
select pg_temp.ready_record() as only_li \gset
select pg_temp.li_profiles(:'only_li');
update outreach.people set email_status = 'bounced' where outreach_id = :'only_li';
select is((select (campaign_id, channel, eligible) from outreach.candidates() where outreach_id = :'only_li'),
          (:'li_c'::uuid, 'linkedin'::text, true), 'only a profile: offered the LinkedIn campaign, eligible');
select is((select primary_slot from outreach.candidates() where outreach_id = :'only_li'), 'HR',
          'the LinkedIn contact follows the default slot order (HR first)');
select is((select primary_linkedin_url from outreach.candidates() where outreach_id = :'only_li'),
          'https://www.linkedin.com/in/hr-' || substr(:'only_li', 1, 8) || '/', 'its profile is the primary_linkedin_url');
select is((select primary_email from outreach.candidates() where outreach_id = :'only_li'), null,
          'a LinkedIn match carries no primary email');

-- Only emails: no profiles.
select pg_temp.ready_record() as only_email \gset
select is((select (campaign_id, channel) from outreach.candidates() where outreach_id = :'only_email'),
          (:'email_c'::uuid, 'email'::text), 'only an email: offered the email campaign');

-- Both: the ordinary order decides (here the email campaign's higher priority).
select pg_temp.ready_record() as both \gset
select pg_temp.li_profiles(:'both');
select is((select campaign_id from outreach.candidates() where outreach_id = :'both'), :'email_c'::uuid,
          'both addresses: the best campaign by specificity, priority, age');

-- Pressure class: VENDOR_DISSATISFACTION → HR first; COST_PRESSURE → CFO first.
update outreach.bit_scores set pressure_class = 'COST_PRESSURE' where outreach_id = :'only_li';
select is((select primary_slot from outreach.candidates() where outreach_id = :'only_li'), 'CFO',
          'with a pressure class its slot comes first on LinkedIn too');

-- The CFO unsubscribes: unusable on LinkedIn as well → CEO.
update outreach.people set email_status = 'unsubscribed' where outreach_id = :'only_li' and title = 'CFO';
select is((select primary_slot from outreach.candidates() where outreach_id = :'only_li'), 'CEO',
          'an unsubscribed person has no usable profile');

-- The CEO's address is suppressed: the opt-out holds on LinkedIn → HR.
select outreach.suppress((select email from outreach.people where outreach_id = :'only_li' and title = 'CEO'),
                         'asked', 'manual', gen_random_uuid());
select is((select primary_slot from outreach.candidates() where outreach_id = :'only_li'), 'HR',
          'a person whose address is suppressed has no usable profile');

-- A blank profile is no profile.
update outreach.people set linkedin_url = '  ' where outreach_id = :'only_li' and title = 'HR';
select is((select (campaign_id, eligible) from outreach.candidates() where outreach_id = :'only_li'),
          (null::uuid, false), 'no usable profile left: no campaign offered');
select ok(outreach.linkedin_usable('https://linkedin.com/in/a', 'a@x.example', 'bounced'),
          'linkedin_usable: a bounced email leaves the profile usable');
select ok(not outreach.linkedin_usable(null, 'a@x.example', 'verified'), 'linkedin_usable: no profile, not usable');

select * from finish();
rollback;
