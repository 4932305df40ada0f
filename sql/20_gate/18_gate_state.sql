--------------------------------------------------------------------------------
-- The gate's state (issue 18), kept instead of recomputed: one row per outreach
-- record in outreach.gate_state (migration 000017) with what the static rules of
-- candidates() read. Statement-level triggers with transition tables keep it exact
-- on every table that feeds it:
--
--   outreach.outreach        spine_status (as the gate reads it: HANDED_OFF or OPEN),
--                            sovereign_company_id; the row itself
--   company_target           the target columns (target_status as the gate reads it:
--                            paused, opted_out, exhausted or open) and the contact summary (which the
--                            triggers of 15_contact_summary.sql keep on the target,
--                            so a slot, person or pressure change arrives here too)
--   bit_scores               scored (whether the record has a score); the score, its tier
--                            and band in outreach.gate_score (migration 000024), a narrow
--                            table whose rows a score change rewrites in place (HOT): no
--                            index of either table holds the score
--   upstream_status          upstream_passed (recomputed for the records touched)
--   hub_registry             upstream_passed for every record (the prerequisites changed)
--   send_log                 queued_sends (by delta), last_sent (raised in place;
--                            recomputed when a sent message is deleted or re-dated)
--
-- Concurrency (READ COMMITTED): a table's trigger writes only the columns that
-- table owns, from its own transition rows, and counters by delta, so two sessions
-- writing different tables of one record never lose each other's change (the
-- second UPDATE waits for the row and is re-evaluated on its newest version). Where
-- an aggregate must be recomputed (upstream_passed; last_sent lowered) the state
-- rows are locked first, in outreach_id order, and read in the next statement,
-- after every concurrent writer of those rows has committed. Several rows are
-- always locked in outreach_id order, so two multi-record statements cannot
-- deadlock on them. The state row is the last lock a statement takes (after the
-- spine, send_log, people and target rows its statement holds): docs/security.md.
--
-- Plans: PL/pgSQL plans a statement once per session and keeps the plan, and a
-- transition table's row count is fixed into that plan at its first run. A trigger
-- that first fires for one row (an ack, a dry run's empty update) would keep a nested
-- loop over its transition tables, and the same session's next bulk statement would
-- run it quadratically (5,000 target updates at 95k: 0.21-0.27 s in a fresh session,
-- 3.3-4.5 s after a one-row target update in the same one; a 1M bulk promote once
-- took 523 s). So no trigger function puts a transition table in a join a nested loop
-- can run: old and new rows are paired by a FULL JOIN on the key (only a hash or merge
-- join can run one), every condition in the aggregates' FILTER (a WHERE on one side
-- would let the planner make it an inner or anti join again), and what is joined to a
-- real table is passed as an array, in statements planned for each call's arrays
-- (plan_cache_mode = force_custom_plan: a generic plan, made for arrays of ten, could
-- join an array to the state by a nested loop too). test/sql/lint/transition_joins
-- checks the trigger functions' text for it. The score and send triggers (the most
-- frequent writes) update their rows from arrays sorted by outreach_id through a nested
-- loop over the key (enable_hashjoin and enable_mergejoin off in those functions; jit
-- off, since the disabled paths' cost would trigger it). The send trigger's UPDATE locks
-- the state rows in key order as it goes, so it needs no locking pass of its own
-- (lock_gate_state), which read every row twice; the score trigger writes gate_score
-- rows that way, and takes a locking pass only for the state rows of scores added or
-- removed (its filter on `scored` alone could let the planner scan the state first, in
-- table order). With only hash joins off, a batch of a
-- few thousand (a bulk promote's sends, a batch of events) was planned as a merge join
-- that read and sorted the whole state (95k rows: half the trigger's time); key probes
-- cost O(batch), whatever the table's size.
--
-- outreach.refresh_gate_state() rebuilds rows from scratch (bulk loads, a database
-- written with session_replication_role = replica, where no trigger fires).
--------------------------------------------------------------------------------

-- The waterfall rule's hubs. A view (not a function): an inlined candidates() reads
-- it with the caller's rights, and hub_reader may select every outreach view. Here,
-- before candidates() (20_candidates.sql), because the recomputation below reads it.
create or replace view outreach.v_execution_prerequisites as
  with recursive prerequisite (hub_id) as (
    select h.hub_id from outreach.hub_registry h where h.must_pass_before = 'outreach_execution'
    union
    select h.hub_id
      from outreach.hub_registry h
      join prerequisite p on h.must_pass_before = p.hub_id
  )
  select p.hub_id from prerequisite p;
comment on view outreach.v_execution_prerequisites is
  'The hubs that must PASS before Outreach Execution (spine doctrine''s waterfall): every hub whose must_pass_before chain leads to it (Company Target, DOL Filings, People Intelligence; not the parallel Blog Content).';

--------------------------------------------------------------------------------
-- The recomputation, from scratch: the authority the kept rows must equal.
--------------------------------------------------------------------------------

-- The kept columns (every one but the generated static_clear), in table order; the
-- recomputations below return the same columns.
-- Drop first: the result type changed (static_clear is not returned).
drop function if exists outreach_private.gate_state_recomputed();
drop function if exists outreach_private.gate_state_of(uuid[]);

-- The spine's and the target's status as the gate reads them: the spine blocks only when
-- HANDED_OFF, the target only when paused, opted_out or exhausted; every other status is
-- one value (OPEN / open). So the state keeps what decides, and a status change that
-- decides nothing (promote's INIT -> ACTIVE and queued -> active, on every record it
-- enrols) writes no state row.
create or replace function outreach_private.gate_spine_status(status text)
returns text
language sql
immutable
parallel safe
as $$
  select case when gate_spine_status.status = 'HANDED_OFF' then 'HANDED_OFF'
              when gate_spine_status.status is not null then 'OPEN' end
$$;
comment on function outreach_private.gate_spine_status(text) is
  'A spine status as the gate state keeps it: HANDED_OFF, or OPEN for any other status.';

create or replace function outreach_private.gate_target_status(status text)
returns text
language sql
immutable
parallel safe
as $$
  select case when gate_target_status.status in ('paused', 'opted_out', 'exhausted') then gate_target_status.status
              when gate_target_status.status is not null then 'open' end
$$;
comment on function outreach_private.gate_target_status(text) is
  'A target status as the gate state keeps it: paused, opted_out or exhausted, or open for any other status (NULL stays NULL).';

-- Every record, set-based (hash joins over the aggregates): refresh_gate_state(null)
-- and the tests' comparison.
create or replace function outreach_private.gate_state_recomputed()
returns table (
  outreach_id uuid, sovereign_company_id uuid, spine_status text, target_id uuid, domain text, email_pattern text,
  target_status text, industry_key text, employee_count int, filled_slots smallint, domain_suppressed boolean,
  contact_person_id uuid, contact_slot text, contact_email text, contact_li_person_id uuid, contact_li_slot text,
  contact_linkedin_url text, bit_score numeric, score_tier text, band smallint, upstream_passed boolean,
  last_sent timestamptz, queued_sends int
)
language sql
stable
as $$
  select o.outreach_id, o.sovereign_company_id, outreach_private.gate_spine_status(o.status),
         t.target_id, t.domain, t.email_pattern, outreach_private.gate_target_status(t.target_status),
         lower(btrim(t.industry)), t.employee_count,
         t.filled_slots, t.domain_suppressed,
         t.contact_person_id, t.contact_slot, t.contact_email, t.contact_li_person_id, t.contact_li_slot,
         t.contact_linkedin_url,
         b.score, b.score_tier, b.band,
         up.passed, ls.last_sent, coalesce(q.n, 0)::int
    from outreach.outreach o
    left join outreach.company_target t on t.outreach_id = o.outreach_id
    left join outreach.bit_scores b on b.outreach_id = o.outreach_id
    left join (
      select u.outreach_id,
             count(*) filter (where u.status = 'PASS'
                                and u.hub_id = any ((select array_agg(p.hub_id) from outreach.v_execution_prerequisites p)::text[]))
               >= (select count(*) from outreach.v_execution_prerequisites p) as passed
        from outreach.upstream_status u
       group by u.outreach_id
    ) up on up.outreach_id = o.outreach_id
    left join (
      select l.outreach_id, max(l.sent_at) as last_sent
        from outreach.send_log l
       where l.sent_at is not null
       group by l.outreach_id
    ) ls on ls.outreach_id = o.outreach_id
    left join (
      select q.outreach_id, count(*) as n
        from outreach.send_log q
       where q.send_status = 'queued'
       group by q.outreach_id
    ) q on q.outreach_id = o.outreach_id
$$;
comment on function outreach_private.gate_state_recomputed() is
  'The gate state of every outreach record computed from scratch from the feeding tables (what outreach.gate_state must equal).';

-- The same for a few records, through their indexes (the triggers, refresh of a list).
create or replace function outreach_private.gate_state_of(outreach_ids uuid[])
returns table (
  outreach_id uuid, sovereign_company_id uuid, spine_status text, target_id uuid, domain text, email_pattern text,
  target_status text, industry_key text, employee_count int, filled_slots smallint, domain_suppressed boolean,
  contact_person_id uuid, contact_slot text, contact_email text, contact_li_person_id uuid, contact_li_slot text,
  contact_linkedin_url text, bit_score numeric, score_tier text, band smallint, upstream_passed boolean,
  last_sent timestamptz, queued_sends int
)
language sql
stable
as $$
  select o.outreach_id, o.sovereign_company_id, outreach_private.gate_spine_status(o.status),
         t.target_id, t.domain, t.email_pattern, outreach_private.gate_target_status(t.target_status),
         lower(btrim(t.industry)), t.employee_count,
         t.filled_slots, t.domain_suppressed,
         t.contact_person_id, t.contact_slot, t.contact_email, t.contact_li_person_id, t.contact_li_slot,
         t.contact_linkedin_url,
         b.score, b.score_tier, b.band,
         (select count(*) filter (where u.status = 'PASS'
                                    and u.hub_id = any ((select array_agg(p.hub_id) from outreach.v_execution_prerequisites p)::text[]))
                   >= (select count(*) from outreach.v_execution_prerequisites p)
            from outreach.upstream_status u
           where u.outreach_id = o.outreach_id
          having count(*) > 0),
         (select max(l.sent_at) from outreach.send_log l where l.outreach_id = o.outreach_id and l.sent_at is not null),
         (select count(*) from outreach.send_log q where q.outreach_id = o.outreach_id and q.send_status = 'queued')::int
    from (select distinct u.id from unnest(gate_state_of.outreach_ids) u(id)) ids
    join outreach.outreach o on o.outreach_id = ids.id
    left join outreach.company_target t on t.outreach_id = o.outreach_id
    left join outreach.bit_scores b on b.outreach_id = o.outreach_id
$$;
comment on function outreach_private.gate_state_of(uuid[]) is
  'The gate state of the given outreach records computed from scratch (index lookups per record); records without a spine row are left out.';

-- The kept rows with the same columns, for comparing with the recomputations.
create or replace function outreach_private.gate_state_kept()
returns table (
  outreach_id uuid, sovereign_company_id uuid, spine_status text, target_id uuid, domain text, email_pattern text,
  target_status text, industry_key text, employee_count int, filled_slots smallint, domain_suppressed boolean,
  contact_person_id uuid, contact_slot text, contact_email text, contact_li_person_id uuid, contact_li_slot text,
  contact_linkedin_url text, bit_score numeric, score_tier text, band smallint, upstream_passed boolean,
  last_sent timestamptz, queued_sends int
)
language sql
stable
as $$
  -- The score from gate_score. A state row whose `scored` disagrees with gate_score (a
  -- score row missing or left over, or one without a state row) shows a NaN score, which
  -- no recomputation returns.
  select coalesce(g.outreach_id, s.outreach_id), g.sovereign_company_id, g.spine_status, g.target_id, g.domain,
         g.email_pattern, g.target_status, g.industry_key, g.employee_count, g.filled_slots, g.domain_suppressed,
         g.contact_person_id, g.contact_slot, g.contact_email, g.contact_li_person_id, g.contact_li_slot,
         g.contact_linkedin_url,
         case when g.scored is not distinct from (s.outreach_id is not null) then s.bit_score else 'NaN'::numeric end,
         s.score_tier, s.band, g.upstream_passed, g.last_sent, g.queued_sends
    from outreach.gate_state g
    full join outreach.gate_score s on s.outreach_id = g.outreach_id
$$;
comment on function outreach_private.gate_state_kept() is
  'The kept gate state rows (gate_state with gate_score''s score, tier and band), with the columns gate_state_recomputed() returns (all but the generated ones); a NaN score where the two tables disagree on whether the record is scored.';

-- Several state rows are locked in outreach_id order (one needs no order).
create or replace function outreach_private.lock_gate_state(outreach_ids uuid[], always boolean default false)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if cardinality(outreach_ids) > 1 or (always and cardinality(outreach_ids) = 1) then
    perform 1
       from outreach.gate_state g
      where g.outreach_id = any (outreach_ids)
      order by g.outreach_id
        for no key update;
  end if;
end
$$;
comment on function outreach_private.lock_gate_state(uuid[], boolean) is
  'Locks the gate state rows of the given records in outreach_id order (when there are several, or always).';

-- The rows of some records (NULL: every record) made equal to their recomputation: the
-- spine trigger's new records and refresh_gate_state(), which locks both tables first.
create or replace function outreach_private.rebuild_gate_rows(outreach_ids uuid[])
returns bigint
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_custom_plan  -- `outreach_ids is null` folded: key probes for a list
as $$
declare
  n bigint;
begin
  -- The recomputation once (every record, or the given ones), then each table made equal
  -- to it: rows added, changed where they differ, removed where the recomputation has
  -- none. Returns how many records had a row of either table written.
  with r as materialized (
    select * from outreach_private.gate_state_recomputed() where outreach_ids is null
    union all
    select * from outreach_private.gate_state_of(outreach_ids) where outreach_ids is not null
  ),
  state_gone as (
    delete from outreach.gate_state g
     where (outreach_ids is null or g.outreach_id = any (outreach_ids))
       and not exists (select 1 from r where r.outreach_id = g.outreach_id)
    returning g.outreach_id
  ),
  state_set as (
    insert into outreach.gate_state as g (scored, outreach_id, sovereign_company_id, spine_status, target_id, domain,
                                          email_pattern, target_status, industry_key, employee_count, filled_slots,
                                          domain_suppressed, contact_person_id, contact_slot, contact_email,
                                          contact_li_person_id, contact_li_slot, contact_linkedin_url, upstream_passed,
                                          last_sent, queued_sends)
    select r.bit_score is not null, r.outreach_id, r.sovereign_company_id, r.spine_status, r.target_id, r.domain,
           r.email_pattern, r.target_status, r.industry_key, r.employee_count, r.filled_slots,
           r.domain_suppressed, r.contact_person_id, r.contact_slot, r.contact_email,
           r.contact_li_person_id, r.contact_li_slot, r.contact_linkedin_url, r.upstream_passed,
           r.last_sent, r.queued_sends
      from r
        on conflict (outreach_id) do update
       set scored = excluded.scored, sovereign_company_id = excluded.sovereign_company_id,
           spine_status = excluded.spine_status, target_id = excluded.target_id, domain = excluded.domain,
           email_pattern = excluded.email_pattern, target_status = excluded.target_status,
           industry_key = excluded.industry_key, employee_count = excluded.employee_count,
           filled_slots = excluded.filled_slots, domain_suppressed = excluded.domain_suppressed,
           contact_person_id = excluded.contact_person_id, contact_slot = excluded.contact_slot,
           contact_email = excluded.contact_email, contact_li_person_id = excluded.contact_li_person_id,
           contact_li_slot = excluded.contact_li_slot, contact_linkedin_url = excluded.contact_linkedin_url,
           upstream_passed = excluded.upstream_passed, last_sent = excluded.last_sent,
           queued_sends = excluded.queued_sends
     where row(g.*) is distinct from row(excluded.*)
    returning g.outreach_id
  ),
  score_gone as (
    delete from outreach.gate_score s
     where (outreach_ids is null or s.outreach_id = any (outreach_ids))
       and not exists (select 1 from r where r.outreach_id = s.outreach_id and r.bit_score is not null)
    returning s.outreach_id
  ),
  score_set as (
    insert into outreach.gate_score as s (outreach_id, bit_score, score_tier, band)
    select r.outreach_id, r.bit_score, r.score_tier, r.band
      from r
     where r.bit_score is not null
        on conflict (outreach_id) do update
       set bit_score = excluded.bit_score, score_tier = excluded.score_tier, band = excluded.band
     where (s.bit_score, s.score_tier, s.band) is distinct from (excluded.bit_score, excluded.score_tier, excluded.band)
    returning s.outreach_id
  )
  select count(*) into n
    from (select x.outreach_id from state_gone x union select x.outreach_id from state_set x
          union select x.outreach_id from score_gone x union select x.outreach_id from score_set x) w;
  return n;
end
$$;
comment on function outreach_private.rebuild_gate_rows(uuid[]) is
  'Makes the gate state and gate_score rows of the given records (NULL: every record) equal to their recomputation, without a table lock; returns how many records had a row written. Called by the spine trigger and refresh_gate_state().';

--------------------------------------------------------------------------------
-- The triggers.
--------------------------------------------------------------------------------

create or replace function outreach_private.gate_spine_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for the hub's functions and owners; the state is written only here
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
as $$
declare
  ids uuid[];
  gone uuid[];
  added uuid[];
  changed outreach.outreach[];
begin
  if tg_op = 'DELETE' then
    select array_agg(o.outreach_id) into ids from old_rows o;
    delete from outreach.gate_state g where g.outreach_id = any (ids);
    delete from outreach.gate_score s where s.outreach_id = any (ids);
    return null;
  end if;
  if tg_op = 'UPDATE' then
    -- One pass over the transition rows, paired by key (see "Plans" above): a record whose
    -- id changed (never in practice) is gone under the old id and added under the new one;
    -- the records whose status (or company) changed, with their new rows.
    select array_agg(o.outreach_id) filter (where n.outreach_id is null),
           array_agg(n.outreach_id) filter (where o.outreach_id is null),
           array_agg(n.outreach_id order by n.outreach_id) filter (where differs),
           array_agg(n::outreach.outreach) filter (where differs)
      into gone, added, ids, changed
      from new_rows n
      full join old_rows o on o.outreach_id = n.outreach_id
     cross join lateral (
       select n.outreach_id is not null and o.outreach_id is not null
              and (n.sovereign_company_id, outreach_private.gate_spine_status(n.status))
                  is distinct from (o.sovereign_company_id, outreach_private.gate_spine_status(o.status)) as differs
     ) d;
    if gone is not null then
      delete from outreach.gate_state g where g.outreach_id = any (gone);
      delete from outreach.gate_score s where s.outreach_id = any (gone);
    end if;
    -- Their state rows, found by key.
    if ids is not null then
      perform outreach_private.lock_gate_state(ids);
      update outreach.gate_state g
         set sovereign_company_id = n.sovereign_company_id, spine_status = outreach_private.gate_spine_status(n.status)
        from unnest(changed) n
       where g.outreach_id = any (ids)
         and g.outreach_id = n.outreach_id
         and (g.sovereign_company_id, g.spine_status)
             is distinct from (n.sovereign_company_id, outreach_private.gate_spine_status(n.status));
    end if;
    -- ... and a record under its new id, from scratch.
    ids := added;
  else
    -- New records: their whole row, from scratch (a row of another table can only join a
    -- spine row in the statement that creates it, through a CTE).
    select array_agg(n.outreach_id) into ids from new_rows n;
  end if;
  if ids is not null then
    -- Their rows from scratch: the state row and, for a record scored in the same
    -- statement (through a CTE), its score.
    perform outreach_private.rebuild_gate_rows(ids);
  end if;
  return null;
end
$$;
comment on function outreach_private.gate_spine_changed() is
  'Statement trigger on the spine: adds, updates (status) and deletes the records'' gate state rows.';

create or replace function outreach_private.gate_target_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who may not write the state
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
as $$
declare
  ids uuid[];
  changed outreach.company_target[];
begin
  -- Targets gone (deleted, or moved to another record: never in practice): no target.
  if tg_op = 'DELETE' then
    select array_agg(o.outreach_id order by o.outreach_id) into ids from old_rows o;
  elsif tg_op = 'UPDATE' then
    select array_agg(o.outreach_id order by o.outreach_id) filter (where n.outreach_id is null) into ids
      from old_rows o
      full join new_rows n on n.outreach_id = o.outreach_id;
    if ids is not null then
      select array_agg(x.id order by x.id) into ids
        from unnest(ids) x(id)
       where not exists (select 1 from outreach.company_target t where t.outreach_id = x.id);
    end if;
  end if;
  if ids is not null then
    perform outreach_private.lock_gate_state(ids);
    update outreach.gate_state g
       set target_id = null, domain = null, email_pattern = null, target_status = null, industry_key = null,
           employee_count = null, filled_slots = null, domain_suppressed = null, contact_person_id = null,
           contact_slot = null, contact_email = null, contact_li_person_id = null, contact_li_slot = null,
           contact_linkedin_url = null
     where g.outreach_id = any (ids)
       and g.target_id is not null;
  end if;
  if tg_op = 'DELETE' then
    return null;
  end if;
  -- Inserted or updated targets: the columns the target owns, from its new rows, where
  -- they differ (an update of updated_at alone writes nothing). Their state rows are
  -- locked first, in outreach_id order, then written, found by key.
  if tg_op = 'INSERT' then
    select array_agg(n.outreach_id order by n.outreach_id), array_agg(n::outreach.company_target) into ids, changed
      from new_rows n;
  else
    select array_agg(n.outreach_id order by n.outreach_id) filter (where n.target_id is not null and differs),
           array_agg(n::outreach.company_target) filter (where n.target_id is not null and differs)
      into ids, changed
      from new_rows n
      full join old_rows o on o.target_id = n.target_id
     cross join lateral (
       select (n.outreach_id, n.domain, n.email_pattern, outreach_private.gate_target_status(n.target_status), n.industry,
               n.employee_count, n.filled_slots,
               n.domain_suppressed, n.contact_person_id, n.contact_slot, n.contact_email, n.contact_li_person_id,
               n.contact_li_slot, n.contact_linkedin_url)
              is distinct from
              (o.outreach_id, o.domain, o.email_pattern, outreach_private.gate_target_status(o.target_status), o.industry,
               o.employee_count, o.filled_slots,
               o.domain_suppressed, o.contact_person_id, o.contact_slot, o.contact_email, o.contact_li_person_id,
               o.contact_li_slot, o.contact_linkedin_url) as differs
     ) d;
  end if;
  if ids is null then
    return null;
  end if;
  perform outreach_private.lock_gate_state(ids);
  update outreach.gate_state g
     set target_id = n.target_id, domain = n.domain, email_pattern = n.email_pattern,
         target_status = outreach_private.gate_target_status(n.target_status),
         industry_key = lower(btrim(n.industry)), employee_count = n.employee_count, filled_slots = n.filled_slots,
         domain_suppressed = n.domain_suppressed, contact_person_id = n.contact_person_id,
         contact_slot = n.contact_slot, contact_email = n.contact_email, contact_li_person_id = n.contact_li_person_id,
         contact_li_slot = n.contact_li_slot, contact_linkedin_url = n.contact_linkedin_url
    from unnest(changed) n
   where g.outreach_id = any (ids)
     and g.outreach_id = n.outreach_id
     and (g.target_id, g.domain, g.email_pattern, g.target_status, g.industry_key, g.employee_count, g.filled_slots,
          g.domain_suppressed, g.contact_person_id, g.contact_slot, g.contact_email, g.contact_li_person_id,
          g.contact_li_slot, g.contact_linkedin_url)
         is distinct from
         (n.target_id, n.domain, n.email_pattern, outreach_private.gate_target_status(n.target_status),
          lower(btrim(n.industry)), n.employee_count,
          n.filled_slots, n.domain_suppressed, n.contact_person_id, n.contact_slot, n.contact_email,
          n.contact_li_person_id, n.contact_li_slot, n.contact_linkedin_url);
  return null;
end
$$;
comment on function outreach_private.gate_target_changed() is
  'Statement trigger on company_target: copies the target columns and the contact summary of the changed targets into their gate state rows.';

create or replace function outreach_private.gate_score_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who may not write the state
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
set enable_hashjoin = off  -- the rows written in outreach_id order: see "Plans" above
set enable_mergejoin = off  -- nor a merge join, which sorted the whole state for a batch of thousands
set jit = off  -- batch-sized statements: compiling would cost more than it saves
as $$
declare
  gone uuid[];
  added uuid[];
  ids uuid[];
  scores numeric[];
  tiers text[];
  bands smallint[];
begin
  -- One pass over the transition rows, paired by key (see "Plans" above): the scores
  -- gone (deleted, or moved to another record), the records newly scored, and the
  -- changed scores, by columns (an array of whole rows costs twice as much to build).
  if tg_op = 'DELETE' then
    select array_agg(o.outreach_id) into gone from old_rows o;
  elsif tg_op = 'INSERT' then
    select array_agg(n.outreach_id), array_agg(n.outreach_id), array_agg(n.score), array_agg(n.score_tier),
           array_agg(n.band)
      into added, ids, scores, tiers, bands
      from new_rows n;
  else
    select array_agg(o.outreach_id) filter (where n.outreach_id is null),
           array_agg(n.outreach_id) filter (where o.outreach_id is null),
           array_agg(n.outreach_id) filter (where differs),
           array_agg(n.score) filter (where differs),
           array_agg(n.score_tier) filter (where differs),
           array_agg(n.band) filter (where differs)
      into gone, added, ids, scores, tiers, bands
      from new_rows n
      full join old_rows o on o.outreach_id = n.outreach_id
     cross join lateral (
       select n.outreach_id is not null and (n.score, n.band) is distinct from (o.score, o.band) as differs
     ) d;
  end if;
  -- Whether the record is scored, in its state row, only when that changes: not scored
  -- any more, unless another row of the statement took the key; newly scored. The rows
  -- are locked first, in key order (a locking pass: with `not g.scored` a filter on the
  -- state alone, the planner may scan the state first and lock in table order); a score
  -- added or removed is rarer than one changed, which writes no state row.
  if gone is not null then
    perform outreach_private.lock_gate_state(gone);
    update outreach.gate_state g
       set scored = false
      from (select x.id from unnest(gone) x(id) order by x.id) x
     where g.outreach_id = x.id
       and g.scored
       and not exists (select 1 from outreach.bit_scores b where b.outreach_id = x.id);
    delete from outreach.gate_score s
     where s.outreach_id = any (gone)
       and not exists (select 1 from outreach.bit_scores b where b.outreach_id = s.outreach_id);
  end if;
  if added is not null then
    perform outreach_private.lock_gate_state(added);
    update outreach.gate_state g
       set scored = true
      from (select x.id from unnest(added) x(id) order by x.id) x
     where g.outreach_id = x.id
       and not g.scored;
  end if;
  -- The score, tier and band: an update in place of a narrow row (HOT: no index holds
  -- them), or a new row for a newly scored record, in key order.
  if ids is not null then
    insert into outreach.gate_score as s (outreach_id, bit_score, score_tier, band)
    select u.outreach_id, u.score, u.tier, u.band
      from unnest(ids, scores, tiers, bands) u(outreach_id, score, tier, band)
     order by u.outreach_id
        on conflict (outreach_id) do update
       set bit_score = excluded.bit_score, score_tier = excluded.score_tier, band = excluded.band
     where (s.bit_score, s.score_tier, s.band) is distinct from (excluded.bit_score, excluded.score_tier, excluded.band);
  end if;
  return null;
end
$$;
comment on function outreach_private.gate_score_changed() is
  'Statement trigger on bit_scores: copies score, tier and band of the changed scores into gate_score, and whether the record is scored into its gate state row.';

-- upstream_passed of some records (NULL = every record), recomputed after their rows
-- are locked: the next statement sees every writer that held them.
create or replace function outreach_private.recompute_upstream_passed(outreach_ids uuid[])
returns void
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
as $$
begin
  if outreach_ids is null then
    perform 1 from outreach.gate_state g order by g.outreach_id for no key update;
    update outreach.gate_state g
       set upstream_passed = r.upstream_passed
      from outreach_private.gate_state_recomputed() r
     where r.outreach_id = g.outreach_id
       and g.upstream_passed is distinct from r.upstream_passed;
    return;
  end if;
  perform outreach_private.lock_gate_state(outreach_ids, always => true);
  update outreach.gate_state g
     set upstream_passed = r.upstream_passed
    from outreach_private.gate_state_of(outreach_ids) r
   where g.outreach_id = any (outreach_ids)
     and r.outreach_id = g.outreach_id
     and g.upstream_passed is distinct from r.upstream_passed;
end
$$;
comment on function outreach_private.recompute_upstream_passed(uuid[]) is
  'Recomputes gate_state.upstream_passed for the given records (NULL: all), locking their state rows first.';

create or replace function outreach_private.gate_upstream_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who may not write the state
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
as $$
declare
  ids uuid[];
begin
  if tg_op = 'INSERT' then
    select array_agg(distinct n.outreach_id order by n.outreach_id) into ids from new_rows n;
  elsif tg_op = 'UPDATE' then
    -- Paired by key (one row a side: the key is upstream_status's): a status row that
    -- appeared, went or changed status.
    select array_agg(distinct coalesce(n.outreach_id, o.outreach_id) order by coalesce(n.outreach_id, o.outreach_id))
             filter (where n.outreach_id is null or o.outreach_id is null or n.status is distinct from o.status)
      into ids
      from new_rows n
      full join old_rows o on o.outreach_id = n.outreach_id and o.hub_id = n.hub_id;
  else
    select array_agg(distinct o.outreach_id order by o.outreach_id) into ids from old_rows o;
  end if;
  if ids is not null then
    perform outreach_private.recompute_upstream_passed(ids);
  end if;
  return null;
end
$$;
comment on function outreach_private.gate_upstream_changed() is
  'Statement trigger on upstream_status: recomputes upstream_passed of the records whose statuses changed.';

create or replace function outreach_private.gate_registry_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for the registry's owner; the state is written only here
set search_path = ''
as $$
begin
  -- The prerequisite hubs may have changed: every record's verdict.
  perform outreach_private.recompute_upstream_passed(null);
  return null;
end
$$;
comment on function outreach_private.gate_registry_changed() is
  'Statement trigger on hub_registry: recomputes upstream_passed of every record (the hubs before Outreach Execution may have changed).';

create or replace function outreach_private.gate_sends_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for senders and the hub's functions; the state is written only here
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see "Plans" above
set enable_hashjoin = off  -- the state rows updated in outreach_id order: see "Plans" above
set enable_mergejoin = off  -- nor a merge join, which sorted the whole state for a batch of thousands
set jit = off  -- batch-sized statements: compiling would cost more than it saves
as $$
declare
  ids uuid[];
  deltas int[];
  maxes timestamptz[];
  recompute uuid[];
begin
  -- Per record: the change of its queued count, the latest sent_at added, and whether a
  -- sent message was removed or re-dated (then last_sent is recomputed). The arrays are
  -- aligned (one aggregation feeds them the same rows in the same order) and sorted once,
  -- by the UPDATE below, which needs them in key order.
  if tg_op = 'INSERT' then
    select array_agg(c.outreach_id), array_agg(c.delta),
           array_agg(c.new_max), null::uuid[]
      into ids, deltas, maxes, recompute
      from (select n.outreach_id, count(*) filter (where n.send_status = 'queued')::int as delta,
                   max(n.sent_at) as new_max
              from new_rows n
             group by n.outreach_id) c
     where c.delta <> 0 or c.new_max is not null;
  elsif tg_op = 'UPDATE' then
    -- Only rows whose record, sent_at or queued-ness changed (an open or a click is no change here).
    with pairs as (
      select n.outreach_id as n_id, n.sent_at as n_sent, n.send_status = 'queued' as n_q,
             o.outreach_id as o_id, o.sent_at as o_sent, o.send_status = 'queued' as o_q
        from new_rows n
        full join old_rows o on o.send_id = n.send_id
       where (n.outreach_id, n.sent_at, n.send_status = 'queued')
             is distinct from (o.outreach_id, o.sent_at, o.send_status = 'queued')
    )
    select array_agg(c.outreach_id), array_agg(c.delta),
           array_agg(c.new_max),
           array_agg(c.outreach_id) filter (where c.lowered)
      into ids, deltas, maxes, recompute
      from (select x.outreach_id, sum(x.q)::int as delta, max(x.sent_at) as new_max, bool_or(x.lowered) as lowered
              from (select p.n_id as outreach_id, p.n_q::int as q, p.n_sent as sent_at, false as lowered
                      from pairs p where p.n_id is not null
                    union all
                    select p.o_id, -(p.o_q::int), null, p.o_sent is not null
                      from pairs p where p.o_id is not null) x
             group by x.outreach_id) c
     where c.delta <> 0 or c.new_max is not null or c.lowered;
  else
    select array_agg(c.outreach_id), array_agg(c.delta),
           array_agg(null::timestamptz),
           array_agg(c.outreach_id) filter (where c.lowered)
      into ids, deltas, maxes, recompute
      from (select o.outreach_id, -(count(*) filter (where o.send_status = 'queued'))::int as delta,
                   bool_or(o.sent_at is not null) as lowered
              from old_rows o
             group by o.outreach_id) c
     where c.delta <> 0 or c.lowered;
  end if;
  if ids is null then
    return null;
  end if;
  -- Every row of ids is updated (and so locked, in outreach_id order), recomputed ones too:
  -- the recomputation below is the next statement, after every concurrent writer of
  -- those rows has committed.
  update outreach.gate_state g
     set queued_sends = g.queued_sends + c.delta,
         last_sent = case when c.outreach_id = any (coalesce(recompute, '{}')) then g.last_sent
                          else greatest(g.last_sent, c.new_max) end
    from (select u.* from unnest(ids, deltas, maxes) u(outreach_id, delta, new_max) order by u.outreach_id) c
   where g.outreach_id = c.outreach_id;
  -- (No test of g.last_sent in the WHERE: a row left out on this statement's snapshot
  -- would not be re-read after a concurrent writer commits; greatest() in the SET is.)
  if recompute is not null then
    update outreach.gate_state g
       set last_sent = r.last_sent
      from outreach_private.gate_state_of(recompute) r
     where g.outreach_id = any (recompute)
       and r.outreach_id = g.outreach_id
       and g.last_sent is distinct from r.last_sent;
  end if;
  return null;
end
$$;
comment on function outreach_private.gate_sends_changed() is
  'Statement trigger on send_log: keeps queued_sends (by delta) and last_sent (raised in place; recomputed when a sent message is deleted or re-dated) of the records whose sends changed.';

-- One statement trigger per table and event (transition tables allow one event each).
-- Named gate_state_*: on company_target they fire after the contact-summary writes
-- (those are UPDATE statements of their own, each firing gate_state_update).
do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('outreach',        'insert', 'outreach_private.gate_spine_changed',    'new table as new_rows'),
      ('outreach',        'update', 'outreach_private.gate_spine_changed',    'new table as new_rows old table as old_rows'),
      ('outreach',        'delete', 'outreach_private.gate_spine_changed',    'old table as old_rows'),
      ('company_target',  'insert', 'outreach_private.gate_target_changed',   'new table as new_rows'),
      ('company_target',  'update', 'outreach_private.gate_target_changed',   'new table as new_rows old table as old_rows'),
      ('company_target',  'delete', 'outreach_private.gate_target_changed',   'old table as old_rows'),
      ('bit_scores',      'insert', 'outreach_private.gate_score_changed',    'new table as new_rows'),
      ('bit_scores',      'update', 'outreach_private.gate_score_changed',    'new table as new_rows old table as old_rows'),
      ('bit_scores',      'delete', 'outreach_private.gate_score_changed',    'old table as old_rows'),
      ('upstream_status', 'insert', 'outreach_private.gate_upstream_changed', 'new table as new_rows'),
      ('upstream_status', 'update', 'outreach_private.gate_upstream_changed', 'new table as new_rows old table as old_rows'),
      ('upstream_status', 'delete', 'outreach_private.gate_upstream_changed', 'old table as old_rows'),
      ('hub_registry',    'insert', 'outreach_private.gate_registry_changed', 'new table as new_rows'),
      ('hub_registry',    'update', 'outreach_private.gate_registry_changed', 'new table as new_rows old table as old_rows'),
      ('hub_registry',    'delete', 'outreach_private.gate_registry_changed', 'old table as old_rows'),
      ('send_log',        'insert', 'outreach_private.gate_sends_changed',    'new table as new_rows'),
      ('send_log',        'update', 'outreach_private.gate_sends_changed',    'new table as new_rows old table as old_rows'),
      ('send_log',        'delete', 'outreach_private.gate_sends_changed',    'old table as old_rows')
    ) v(tbl, event, fn, transition)
  loop
    execute format('drop trigger if exists %I on outreach.%I', 'gate_state_' || t.event, t.tbl);
    execute format('create trigger %I after %s on outreach.%I referencing %s for each statement execute function %s()',
                   'gate_state_' || t.event, t.event, t.tbl, t.transition, t.fn);
    execute format('comment on trigger %I on outreach.%I is %L', 'gate_state_' || t.event, t.tbl,
                   'Keeps outreach.gate_state (what candidates() reads) current.');
  end loop;
end
$$;

--------------------------------------------------------------------------------
-- The rebuild.
--------------------------------------------------------------------------------

create or replace function outreach.refresh_gate_state(outreach_ids uuid[] default null)
returns bigint
language plpgsql
volatile
security definer  -- the state is written only by the hub
set search_path = ''
as $$
begin
  -- Readers go on; trigger writes of the state wait until this transaction ends, and
  -- the next statements see every writer that held it before.
  lock table outreach.gate_state, outreach.gate_score in exclusive mode;
  -- Every record: the other derived counts a trigger-less write leaves stale too, the
  -- first hand-overs claim_sends counts against its caps (sql/80_dispatch/55_handover_counts.sql).
  if outreach_ids is null then
    perform outreach.refresh_handover_counts();
  end if;
  return outreach_private.rebuild_gate_rows(outreach_ids);
end
$$;
comment on function outreach.refresh_gate_state(uuid[]) is
  'Rebuilds the gate state (what candidates() reads) from scratch for the given outreach records, or every record when NULL (then the first hand-overs claim_sends counts too, as refresh_handover_counts() does): after a bulk load, or writes made with session_replication_role = replica (no triggers). Returns how many gate-state rows it added, changed or removed; holds off trigger writes of the state meanwhile.';

-- The state's spine_status and target_status hold the statuses as the gate reads them
-- (gate_spine_status, gate_target_status). A state kept before they did holds the raw
-- statuses: converted here, in the transaction that installs the triggers that keep the
-- new form, so no writer stores the old form after it. Once converted, this finds
-- nothing to change (one scan of the state).
update outreach.gate_state g
   set spine_status = outreach_private.gate_spine_status(g.spine_status),
       target_status = outreach_private.gate_target_status(g.target_status)
 where g.spine_status is distinct from outreach_private.gate_spine_status(g.spine_status)
    or g.target_status is distinct from outreach_private.gate_target_status(g.target_status);
comment on column outreach.gate_state.spine_status is
  'The spine''s status as the gate reads it (outreach_private.gate_spine_status): HANDED_OFF, or OPEN for any other.';
comment on column outreach.gate_state.target_status is
  'The target''s status as the gate reads it (outreach_private.gate_target_status): paused, opted_out or exhausted, or open for any other; NULL with no target.';
