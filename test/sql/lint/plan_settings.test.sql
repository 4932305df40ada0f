-- Quality gate: the plan settings that hot statements depend on.
--
-- 1. The score and send triggers update their rows (the state; gate_score) through a
--    nested loop over their arrays sorted by outreach_id (sql/20_gate/18_gate_state.sql,
--    "Plans"): the UPDATE locks the rows in key order and costs one key probe per row of the batch, whatever
--    the table's size. Only with hash joins AND merge joins off: with hash joins alone
--    off, a batch of a few thousand was planned as a merge join that read and sorted the
--    whole state (a bulk promote's sends at 95k: half the send trigger's time).
-- 2. claim_sends walks the queue through dispatch_walk, planned at every call: claim_sends
--    keeps its plans for the session, and the walk's generic plan (from the sixth call)
--    read every send ever scheduled (58 ms a claim at 1M records instead of 3 ms).
-- 3. The hand-over caps count first claims of one channel each (claim_sends step 2, the
--    kill switches' LinkedIn readings): keyed by time alone, the LinkedIn count walked a
--    week of email claims on every claim (migration 000022).
-- 4. claim_sends looks for leases expired on the last attempt through expired_last_attempts,
--    planned at every call: its generic plan in claim_sends read the whole send log.
begin;
select plan(9);

create temp view state_updaters as
  select p.oid::regproc::text as fn, coalesce(p.proconfig, '{}') as config
    from pg_catalog.pg_proc p
   where p.oid in ('outreach_private.gate_score_changed()'::regprocedure,
                   'outreach_private.gate_sends_changed()'::regprocedure);

select is_empty($$
  select fn from state_updaters
   where not config @> array['enable_hashjoin=off', 'enable_mergejoin=off', 'jit=off', 'plan_cache_mode=force_custom_plan']
$$, 'the score and send triggers run with hash joins, merge joins and JIT off, and custom plans');

-- Why both: the trigger's UPDATE shape, a batch of 4,000 keys sorted against a table of
-- 40,000 (a bulk promote's sends against the state).
create temp table kept (id uuid primary key, n int not null default 0);
insert into kept (id) select gen_random_uuid() from generate_series(1, 40000);
analyze kept;
create temp table batch as select k.id from kept k order by random() limit 4000;

create function pg_temp.update_plan() returns text language plpgsql as $$
declare
  ids uuid[] := (select array_agg(b.id) from batch b);
  line text;
  plan text := '';
begin
  for line in execute format($q$
    explain update kept g set n = g.n + 1
      from (select u.id from unnest(%L::uuid[]) u(id) order by u.id) c
     where g.id = c.id$q$, ids)
  loop
    plan := plan || line || E'\n';
  end loop;
  return plan;
end $$;

set local enable_hashjoin = off;
select ok(pg_temp.update_plan() ~ 'Merge Join',
          'with hash joins alone off, the batch is planned as a merge join over the whole table (the plan both settings avoid)');

set local enable_mergejoin = off;
select ok(pg_temp.update_plan() ~ 'Nested Loop' and pg_temp.update_plan() !~ '(Merge|Hash) Join',
          'with both off, it is a nested loop over the sorted batch');
select ok(pg_temp.update_plan() ~ 'Index Scan using kept_pkey',
          '... probing the key for each row of the batch');

-- 2.
select is((select coalesce(p.proconfig, '{}') @> array['plan_cache_mode=force_custom_plan']
             from pg_catalog.pg_proc p
            where p.oid = 'outreach_private.dispatch_walk(timestamptz, timestamptz, uuid, int)'::regprocedure),
          true, 'the claim walk''s chunk is planned at every call');
select ok((select p.prosrc ~ 'chunk := outreach_private\.dispatch_walk\('
             from pg_catalog.pg_proc p
            where p.oid = 'outreach.claim_sends(uuid, text, int, interval, timestamptz)'::regprocedure),
          'claim_sends walks the queue through dispatch_walk');

-- 3.
select is((select i.indexdef from pg_catalog.pg_indexes i
            where i.schemaname = 'outreach' and i.tablename = 'send_log'
              and i.indexdef ~ 'USING btree \(channel, first_claimed_at\)'),
          'CREATE INDEX send_log_channel_first_claimed_idx ON outreach.send_log USING btree (channel, first_claimed_at) INCLUDE (sequence_step) WHERE (first_claimed_at IS NOT NULL)',
          'first claims are indexed by channel, then time');

-- 4.
select is((select coalesce(p.proconfig, '{}') @> array['plan_cache_mode=force_custom_plan']
             from pg_catalog.pg_proc p
            where p.oid = 'outreach_private.expired_last_attempts(text, timestamptz, int)'::regprocedure),
          true, 'the look for leases expired on the last attempt is planned at every call');
select ok((select p.prosrc ~ 'if outreach_private\.expired_last_attempts\('
             from pg_catalog.pg_proc p
            where p.oid = 'outreach.claim_sends(uuid, text, int, interval, timestamptz)'::regprocedure),
          'claim_sends looks for them through expired_last_attempts');

select * from finish();
rollback;
