-- The writer (People) writes people.linkedin_url and the contact summary follows;
-- the reader cannot write it.
begin;
select plan(2);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.ready_record() as r \gset
set local role outreach_hub_writer;
update outreach.people set linkedin_url = 'https://linkedin.com/in/hr' where outreach_id = :'r' and title = 'HR';
reset role;
select is((select contact_linkedin_url from outreach.company_target where outreach_id = :'r'),
          'https://linkedin.com/in/hr', 'the writer writes a profile and the summary follows');
set local role hub_reader;
select throws_ok(format($$update outreach.people set linkedin_url = 'x' where outreach_id = %L$$, :'r'), '42501',
                 null, 'the reader cannot write a profile');
reset role;

select * from finish();
rollback;
