-- SPEC §6.1: CL pointers are write-once for every role, the table owner included (OR003).
begin;
select plan(12);
\ir ../fixtures.sql

select pg_temp.company('Write Once Inc') as sid \gset
select outreach.init_outreach(:'sid', pg_temp.cid()) as oid \gset

select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid'),
          :'oid'::uuid, 'init_outreach registered the outreach id in CL');

-- As the owner (the test runs as the table owner / superuser).
select throws_ok(format($$update cl.company_identity set outreach_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'owner cannot change a set outreach_id');
select throws_ok(format($$update cl.company_identity set outreach_id = null where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'owner cannot clear a set outreach_id');
select lives_ok(format($$update cl.company_identity set outreach_id = outreach_id, company_name = 'Renamed' where sovereign_company_id = %L$$, :'sid'),
                'rewriting the same outreach_id (a no-op) is allowed');

-- sales_process_id and client_id: NULL may be set once, then never changed.
select lives_ok(format($$update cl.company_identity set sales_process_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                'a NULL sales_process_id may be set once');
select throws_ok(format($$update cl.company_identity set sales_process_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'a set sales_process_id cannot be changed');
select lives_ok(format($$update cl.company_identity set client_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                'a NULL client_id may be set once');
select throws_ok(format($$update cl.company_identity set client_id = null where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'a set client_id cannot be cleared');

-- Replica mode does not skip the guard (ENABLE ALWAYS).
set local session_replication_role = replica;
select throws_ok(format($$update cl.company_identity set outreach_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'the guard holds in replica mode too');
set local session_replication_role = origin;

-- As the hub writer.
set local role outreach_hub_writer;
select throws_ok(format($$update cl.company_identity set outreach_id = gen_random_uuid() where sovereign_company_id = %L$$, :'sid'),
                 'OR003', null, 'outreach_hub_writer cannot change a set outreach_id');
reset role;

select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid'),
          :'oid'::uuid, 'the pointer still holds its first value');
select throws_ok(format($$update cl.company_identity set outreach_id = gen_random_uuid() where sovereign_company_id = %L$$, pg_temp.company('Other')),
                 '23503', null, 'outreach_id must point at a spine row of the same company');

select * from finish();
rollback;
