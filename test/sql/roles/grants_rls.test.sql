-- SPEC §6.14: grants and RLS as in SPEC §5.
begin;
select plan(12);
\ir ../fixtures.sql

select is(
  (select array_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'outreach' and c.relkind = 'r' and not c.relrowsecurity),
  null, 'every outreach table has row-level security enabled');
select is(
  (select array_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'outreach' and c.relkind = 'r'
      and not exists (select 1 from pg_policies p where p.schemaname = 'outreach' and p.tablename = c.relname and 'hub_reader' = any (p.roles))),
  null, 'every outreach table has a policy for hub_reader');
select is(
  (select array_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'outreach' and c.relkind = 'r'
      and not exists (select 1 from pg_policies p where p.schemaname = 'outreach' and p.tablename = c.relname and 'outreach_hub_writer' = any (p.roles))),
  null, 'every outreach table has a policy for outreach_hub_writer');

select is(
  (select array_agg(distinct table_name::text order by table_name::text) from information_schema.role_table_grants
    where table_schema in ('outreach', 'cl') and grantee in ('outreach_hub_writer', 'hub_reader', 'PUBLIC')
      and privilege_type in ('DELETE', 'TRUNCATE')),
  null, 'no hub role may delete or truncate anything');
select is(
  (select array_agg(distinct table_name::text order by table_name::text) from information_schema.role_table_grants
    where table_schema = 'outreach' and grantee = 'hub_reader' and privilege_type <> 'SELECT'),
  null, 'hub_reader only selects');
select ok(has_table_privilege('outreach_hub_writer', 'outreach.send_log', 'SELECT')
          and has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'send_status', 'INSERT')
          and has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'send_status', 'UPDATE')
          and not has_table_privilege('outreach_hub_writer', 'outreach.send_log', 'DELETE'),
          'writer selects the send log, inserts and updates its interface columns, deletes nothing');
select table_privs_are('outreach', 'engagement_events', 'outreach_hub_writer', array['SELECT'],
                       'writer only reads engagement events (record_event appends them)');

select schema_privs_are('outreach_private', 'outreach_hub_writer', array[]::text[], 'writer has no access to outreach_private');
select schema_privs_are('outreach_private', 'hub_reader', array[]::text[], 'reader has no access to outreach_private');

select is(
  (select array_agg(p.oid::regprocedure::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('outreach', 'outreach_private', 'cl') and has_function_privilege('public', p.oid, 'execute')),
  null, 'no function of the hub is executable by PUBLIC');

set local role hub_reader;
select throws_ok($$insert into outreach.outreach_errors (correlation_id, source, message) values (gen_random_uuid(), 't', 'm')$$,
                 '42501', null, 'hub_reader cannot insert');
select lives_ok($$select count(*) from outreach.outreach$$, 'hub_reader can read the spine');
reset role;

select * from finish();
rollback;
