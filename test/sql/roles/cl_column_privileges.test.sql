-- SPEC §6.3: outreach roles cannot write any CL column but outreach_id.
begin;
select plan(10);
\ir ../fixtures.sql

select pg_temp.company('Guarded') as sid \gset

select column_privs_are('cl', 'company_identity', 'outreach_id', 'outreach_hub_writer', array['SELECT', 'UPDATE'],
                        'writer may read and set outreach_id');
select column_privs_are('cl', 'company_identity', 'sales_process_id', 'outreach_hub_writer', array['SELECT'],
                        'writer may only read sales_process_id');
select column_privs_are('cl', 'company_identity', 'client_id', 'outreach_hub_writer', array['SELECT'],
                        'writer may only read client_id');
select table_privs_are('cl', 'company_identity', 'hub_reader', array['SELECT'], 'reader may only read CL');

set local role outreach_hub_writer;
select throws_ok(format($$update cl.company_identity set company_name = 'x' where sovereign_company_id = %L$$, :'sid'),
                 '42501', null, 'writer cannot update company_name');
select throws_ok(format($$update cl.company_identity set sales_process_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 '42501', null, 'writer cannot write sales_process_id');
select throws_ok(format($$update cl.company_identity set client_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 '42501', null, 'writer cannot write client_id');
select throws_ok($$insert into cl.company_identity (company_name) values ('sneaky')$$, '42501', null, 'writer cannot insert into CL');
select throws_ok(format($$delete from cl.company_identity where sovereign_company_id = %L$$, :'sid'), '42501', null,
                 'writer cannot delete from CL');
select lives_ok(format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid'),
                'writer can init (which sets outreach_id)');
reset role;

select * from finish();
rollback;
