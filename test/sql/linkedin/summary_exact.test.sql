-- The LinkedIn half of the trigger-kept contact summary equals a from-scratch
-- computation after changes to people (profile, status), slots, the pressure class
-- and the suppression list.
begin;
select plan(7);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.ready_record() from generate_series(1, 6);
select pg_temp.li_profiles(outreach_id) from outreach.company_target;
select ok(pg_temp.li_summary_ok(), 'after profiles are added in bulk');
select is((select count(*)::int from outreach.company_target where contact_li_slot = 'HR'), 6, 'HR first everywhere');

update outreach.people set linkedin_url = null where title = 'HR';
select ok(pg_temp.li_summary_ok(), 'after HR profiles are removed (→ CEO)');

update outreach.people set email_status = 'unsubscribed' where title = 'CEO';
select ok(pg_temp.li_summary_ok(), 'after CEOs unsubscribe (→ CFO)');

update outreach.bit_scores set pressure_class = 'ORGANIZATIONAL_RECONFIGURATION';
select ok(pg_temp.li_summary_ok(), 'after a pressure class change');

update outreach.company_slot set person_id = null where slot_type = 'CFO';
select ok(pg_temp.li_summary_ok(), 'after CFO slots are emptied (no profile left)');

update outreach.people set email_status = 'verified', linkedin_url = 'https://linkedin.com/in/x-' || person_id;
select outreach.suppress(split_part(email, '@', 2), 'test', 'manual', gen_random_uuid())
  from outreach.people where title = 'HR' limit 1;
select ok(pg_temp.li_summary_ok(), 'after a domain suppression (its people have no usable profile)');

select * from finish();
rollback;
