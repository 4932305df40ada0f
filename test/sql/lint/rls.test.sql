-- Quality gate: every table of schema outreach has row-level security enabled and at
-- least one policy (SPEC §5: RLS on every outreach table; enabled without a policy
-- would silently hide every row from the hub roles).
begin;
select plan(2);

create temp view outreach_table as
select c.oid, c.relname::text as name, c.relrowsecurity
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'outreach' and c.relkind in ('r', 'p')
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e');

select is_empty($$ select 'outreach.' || name from outreach_table where not relrowsecurity $$,
                'every outreach table has row-level security enabled');

select is_empty($$
  select 'outreach.' || t.name from outreach_table t
   where not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid)
$$, 'every outreach table has at least one policy');

select * from finish();
rollback;
