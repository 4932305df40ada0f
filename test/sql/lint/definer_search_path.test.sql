-- Quality gate: every SECURITY DEFINER function of cl, outreach and outreach_private
-- pins its search_path (`set search_path = ''`, STYLE §3), so a caller cannot make it
-- resolve a name in a schema the caller controls.
begin;
select plan(2);

create temp view definer_function as
select p.oid::regprocedure::text as signature,
       (select substr(c, length('search_path=') + 1) from unnest(p.proconfig) c where c like 'search_path=%') as search_path
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname in ('cl', 'outreach', 'outreach_private')
   and p.prosecdef;

select is_empty($$ select signature from definer_function where search_path is null $$,
                'every security definer function of the hub sets search_path');

-- '' (names fully qualified), or only the system catalog, with pg_temp last if named.
select is_empty($$
  select signature || ' sets search_path=' || search_path from definer_function
   where search_path is not null and search_path not in ('""', 'pg_catalog', 'pg_catalog, pg_temp')
$$, 'every security definer function pins search_path to an empty path (or pg_catalog only)');

select * from finish();
rollback;
