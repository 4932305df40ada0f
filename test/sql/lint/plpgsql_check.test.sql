-- Quality gate: every PL/pgSQL function of cl, outreach and outreach_private passes
-- plpgsql_check_function with no error and no warning (other, extra and security
-- warnings on; performance hints off). A trigger function is checked against every
-- table it fires on, with the transition tables its triggers declare there.
--
-- plpgsql_check is a C library built for one PostgreSQL major (Debian's
-- postgresql-<major>-plpgsql-check). `npm test` installs it for the machine's server
-- and creates it in the template database when the server can load it; where it
-- cannot (the embedded PostgreSQL 18), the checks below are skipped with the reason.
--
-- A warning that is right where it stands is justified in two places: a comment next
-- to the function in sql/, and a row below (function, message pattern, reason), which
-- excuses that message in that function only.
begin;
select plan(5);

create temp table plpgsql_check_exemption (
  function_signature text not null,  -- as regprocedure prints it, e.g. 'outreach.promote(uuid,integer,timestamp with time zone,boolean)'
  message_like       text not null,  -- LIKE pattern over plpgsql_check's message
  reason             text not null
);
-- (none today)
-- insert into plpgsql_check_exemption values ('outreach.f(uuid)', 'never read variable "x"', 'why it is right');

-- NULL when the checks can run; otherwise why not.
create function pg_temp.plpgsql_check_missing() returns text language sql stable as $$
  select case
    when exists (select 1 from pg_catalog.pg_extension where extname = 'plpgsql_check') then null
    when exists (select 1 from pg_catalog.pg_available_extensions where name = 'plpgsql_check') then
      format('plpgsql_check is on this machine but PostgreSQL %s cannot load its library '
             '(a C library built for another major; install postgresql-%s-plpgsql-check for this server)',
             current_setting('server_version'), current_setting('server_version_num')::int / 10000)
    else
      format('plpgsql_check is not installed for PostgreSQL %s (Debian package postgresql-%s-plpgsql-check)',
             current_setting('server_version'), current_setting('server_version_num')::int / 10000)
  end
$$;

-- The PL/pgSQL functions under the gate, with what to check each against.
create temp view plpgsql_check_target as
with fn as (
  select p.oid, p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype as is_trigger
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_language l on l.oid = p.prolang
   where n.nspname in ('cl', 'outreach', 'outreach_private')
     and l.lanname = 'plpgsql'
     and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
)
-- A function used by several triggers of one table (insert / update / delete) branches on
-- TG_OP: it is checked once per table, with every transition table those triggers declare.
select fn.oid, fn.is_trigger, coalesce(t.tgrelid, 0)::pg_catalog.oid as relid,
       max(t.tgoldtable::text)::name as oldtable, max(t.tgnewtable::text)::name as newtable
  from fn
  left join pg_catalog.pg_trigger t on fn.is_trigger and t.tgfoid = fn.oid and not t.tgisinternal
 group by fn.oid, fn.is_trigger, coalesce(t.tgrelid, 0);

-- One line per finding of the given kind ('error' or 'warning'), exemptions removed.
create function pg_temp.plpgsql_check_findings(kind text) returns text language sql stable as $$
  select format($q$
    select format('%%s%%s line %%s: %%s: %%s%%s', f.oid::regprocedure,
                  case when f.relid <> 0 then ' on ' || f.relid::regclass::text else '' end,
                  r.lineno, r.level, r.message, coalesce(' (' || r.detail || ')', ''))
      from plpgsql_check_target f
     cross join lateral %1$I.plpgsql_check_function_tb(
             f.oid, f.relid, fatal_errors => false, other_warnings => true, extra_warnings => true,
             performance_warnings => false, security_warnings => true,
             oldtable => f.oldtable, newtable => f.newtable) r
     where not (f.is_trigger and f.relid = 0)
       and (r.level = 'error') = (%2$L = 'error')
       and not exists (select 1 from plpgsql_check_exemption e
                        where e.function_signature = f.oid::regprocedure::text and r.message like e.message_like)
    union all
    -- plpgsql_check needs the table a trigger function fires on.
    select format('%%s: a trigger function that fires on no table cannot be checked', f.oid::regprocedure)
      from plpgsql_check_target f
     where f.is_trigger and f.relid = 0 and %2$L = 'error'
  $q$, e.extnamespace::regnamespace::text, kind)
    from pg_catalog.pg_extension e
   where e.extname = 'plpgsql_check'
$$;

select cmp_ok((select count(*)::int from plpgsql_check_target), '>', 0,
              'the gate sees the PL/pgSQL functions of cl, outreach and outreach_private');

select is_empty($$
  select e.function_signature from plpgsql_check_exemption e
   where not exists (select 1 from plpgsql_check_target f where f.oid::regprocedure::text = e.function_signature)
$$, 'every exemption names an existing PL/pgSQL function of the hub');

select case when pg_temp.plpgsql_check_missing() is null
  then is_empty(pg_temp.plpgsql_check_findings('error'),
                'no PL/pgSQL function of the hub has a plpgsql_check error')
  else skip(pg_temp.plpgsql_check_missing(), 1) end;

select case when pg_temp.plpgsql_check_missing() is null
  then is_empty(pg_temp.plpgsql_check_findings('warning'),
                'no PL/pgSQL function of the hub has a plpgsql_check warning that is not justified')
  else skip(pg_temp.plpgsql_check_missing(), 1) end;

-- An exemption whose warning is gone must go too.
select case when pg_temp.plpgsql_check_missing() is null
  then is_empty(format($q$
    select e.function_signature || ' / ' || e.message_like from plpgsql_check_exemption e
     where not exists (
       select 1 from plpgsql_check_target f
        cross join lateral %I.plpgsql_check_function_tb(
                f.oid, f.relid, fatal_errors => false, other_warnings => true, extra_warnings => true,
                performance_warnings => false, security_warnings => true,
                oldtable => f.oldtable, newtable => f.newtable) r
        where f.oid::regprocedure::text = e.function_signature and not (f.is_trigger and f.relid = 0)
          and r.message like e.message_like)
  $q$, (select extnamespace::regnamespace::text from pg_catalog.pg_extension where extname = 'plpgsql_check')),
    'every exemption still excuses a warning plpgsql_check reports')
  else skip(pg_temp.plpgsql_check_missing(), 1) end;

select * from finish();
rollback;
