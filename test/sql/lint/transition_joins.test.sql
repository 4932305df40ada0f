-- Quality gate: no statement trigger puts a transition table where a nested loop can
-- run it (sql/20_gate/18_gate_state.sql, "Plans").
--
-- PL/pgSQL keeps a statement's plan for the session, with the transition table's row
-- count of its first run fixed in it: a trigger that first fired for one row keeps a
-- nested loop, and the session's next bulk statement runs it quadratically (5,000
-- target updates at 95k: 0.2 s in a fresh session, 3.3-4.5 s after a one-row update).
-- So in every trigger function a transition table is read alone (a scan, an
-- aggregate) or paired with the other one by FULL JOIN, which only a hash or merge
-- join can run; it is never joined otherwise, never the inside of EXISTS or IN, never
-- the FROM of an UPDATE. Checked on the functions' text, for the transition names
-- their triggers declare. Two functions are let off, with their reason.
begin;
select plan(4);

create temp table let_off (function_name text primary key, reason text not null);
insert into let_off values
  ('outreach_private.kill_switch_to_outbox',
   'kill_switch_state holds one row per switch (a handful): its transition tables stay that small'),
  ('outreach_private.suppression_to_outbox',
   'matches patterns (globs) against leads: no key to pair on, the work is leads x new patterns whatever the plan');

-- The shape this gate forbids, in a trigger of its own (the last assertion: the check
-- can fail).
create function pg_temp.bad_trigger() returns trigger language plpgsql as $$
declare ids uuid[];
begin
  select array_agg(n.id) into ids from new_rows n join old_rows o on o.id = n.id where n.v is distinct from o.v;
  return null;
end $$;
create temp table t_bad (id uuid primary key, v int);
create trigger t_bad_update after update on t_bad referencing new table as new_rows old table as old_rows
  for each statement execute function pg_temp.bad_trigger();
create temp view transition_uses as
  select distinct p.oid::regprocedure::text as fn,
         regexp_replace(p.oid::regproc::text, '"', '', 'g') as fn_name,
         lower(p.prosrc) as src, tname
    from pg_catalog.pg_trigger tg
    join pg_catalog.pg_class c on c.oid = tg.tgrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_proc p on p.oid = tg.tgfoid
    cross join lateral (values (tg.tgoldtable::text), (tg.tgnewtable::text)) t(tname)
   where not tg.tgisinternal
     and (n.nspname in ('outreach', 'cl') or c.relname = 't_bad')
     and t.tname is not null;

create temp view violations as
  select u.fn, u.tname, v.kind
    from transition_uses u
    cross join lateral (values
      -- joined to it by anything but a full join: more "join T" than "full join T"
      ('join', (select count(*) from regexp_matches(u.src, '(^|[^a-z_])join\s+' || u.tname || '([^a-z0-9_]|$)', 'g'))
               > (select count(*) from regexp_matches(u.src, 'full\s+(outer\s+)?join\s+' || u.tname || '([^a-z0-9_]|$)', 'g'))),
      -- it joined to something by anything but a full join: "from T alias <kind> join"
      ('joined from', u.src ~ ('from\s+' || u.tname || '(\s+(as\s+)?[a-z_][a-z0-9_]*)?\s+((left|right|inner|cross|natural)\s+)?(outer\s+)?join\M')),
      -- the inside of a semi or anti join
      ('exists', u.src ~ ('exists\s*\(\s*select[^;]*?from\s+' || u.tname || '([^a-z0-9_]|$)')),
      ('in', u.src ~ ('\min\s*\(\s*select[^;]*?from\s+' || u.tname || '([^a-z0-9_]|$)')),
      -- the FROM of an UPDATE or DELETE ... USING
      ('update from', u.src ~ ('\mupdate\s+[a-z_.]+(\s+(as\s+)?[a-z_]+)?\s+set\M[^;]*?\mfrom\s+' || u.tname || '([^a-z0-9_]|$)')),
      ('delete using', u.src ~ ('\mdelete\s+from\s+[a-z_.]+[^;]*?\musing\s+' || u.tname || '([^a-z0-9_]|$)'))
    ) v(kind, hit)
   where v.hit
     and u.fn_name not in (select l.function_name from let_off l);

select cmp_ok((select count(distinct fn)::int from transition_uses where fn not like 'pg_temp%'), '>=', 12,
              'the trigger functions with transition tables are found (gate state, contact summary, outbox, suppression)');
select is_empty($$select fn || ': ' || kind || ' ' || tname from violations where fn not like 'pg_temp%' order by 1$$,
                'no trigger function joins a transition table where a nested loop can run it');
select is((select count(distinct u.fn_name)::int from transition_uses u where u.fn_name in (select function_name from let_off)), 2,
          'the two functions let off are still trigger functions with transition tables');

select is((select array_agg(distinct kind order by kind) from violations where fn like 'pg_temp%bad_trigger%'),
          array['join', 'joined from'],
          'the check catches a join of new_rows to old_rows (the shape it forbids)');

select * from finish();
rollback;
