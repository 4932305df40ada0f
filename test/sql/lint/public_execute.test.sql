-- Quality gate: no function of cl, outreach or outreach_private is executable by
-- PUBLIC. PostgreSQL grants EXECUTE to PUBLIC on every new function; sql/90_grants.sql
-- revokes it and grants the hub roles what they need. A function whose ACL is still
-- the default (NULL) counts as executable by PUBLIC.
begin;
select plan(1);

select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
   where n.nspname in ('cl', 'outreach', 'outreach_private')
     and a.grantee = 0 and a.privilege_type = 'EXECUTE'
$$, 'no function of the hub is executable by PUBLIC');

select * from finish();
rollback;
