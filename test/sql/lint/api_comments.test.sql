-- Quality gate: every table, view and function of the public API (schema outreach)
-- has a comment a DBA sees in \d+ and \df+ (STYLE §6).
begin;
select plan(3);

create temp view outreach_relation as
select c.oid, c.relkind, 'outreach.' || c.relname::text as name
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'outreach'
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e');

select is_empty($$
  select name from outreach_relation
   where relkind in ('r', 'p') and coalesce(btrim(obj_description(oid, 'pg_class')), '') = ''
$$, 'every outreach table has a comment');

select is_empty($$
  select name from outreach_relation
   where relkind in ('v', 'm') and coalesce(btrim(obj_description(oid, 'pg_class')), '') = ''
$$, 'every outreach view has a comment');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'outreach'
     and coalesce(btrim(obj_description(p.oid, 'pg_proc')), '') = ''
     and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
$$, 'every outreach function has a comment');

select * from finish();
rollback;
