--------------------------------------------------------------------------------
-- First hand-overs counted per channel and UTC hour (migration 000025).
--
-- claim_sends spends its email caps (hourly_send_cap per UTC hour, daily_send_cap per
-- UTC day) against the sends first handed over in that hour and day
-- (send_log.first_claimed_at). Counting them from send_log costs a row for each
-- hand-over of the day, read from the table as well as the index, because the claims
-- themselves keep those pages from being all-visible: 11 ms of a 45 ms call at 1M
-- records once 22k sends were handed over (BENCHMARKS.md, thirteenth stop). The counts
-- are kept here instead, exactly, by statement triggers on send_log: whatever sets,
-- moves or clears a first_claimed_at (claim_sends, a DBA's UPDATE, an import, a
-- DELETE) adds its difference to the hours it touches. A day is then at most 24 rows.
--
-- Exact by construction: every write of send_log fires them, in the writer's
-- transaction; claim_sends reads the counts under its send_handover lock, after every
-- claimer before it committed. Writes made with triggers off (session_replication_role
-- = replica) leave them stale: outreach.refresh_handover_counts() rebuilds them, and so
-- does refresh_gate_state() of every record. test/sql/dispatch/handover_counts proves
-- them equal to a recount after every kind of write.
--------------------------------------------------------------------------------

-- The counts as send_log gives them, from scratch.
create or replace function outreach_private.handover_counts_recomputed()
returns table (channel text, hour timestamptz, handovers bigint)
language sql
stable
as $$
  select l.channel, date_trunc('hour', l.first_claimed_at, 'UTC'), count(*)
    from outreach.send_log l
   where l.first_claimed_at is not null
   group by 1, 2
$$;
comment on function outreach_private.handover_counts_recomputed() is
  'First hand-overs per channel and UTC hour counted from send_log: what outreach_private.handover_counts keeps.';

create or replace function outreach_private.handover_counts_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for senders and the hub's functions; the counts are written only here
set search_path = ''
set jit = off  -- batch-sized statements: compiling would cost more than it saves
as $$
declare
  channels text[];
  hours timestamptz[];
  deltas bigint[];
begin
  -- Each row's hand-over hour counts +1 as it is now and -1 as it was; rows whose channel
  -- and first_claimed_at did not change (an event, an ack, a re-claim) add nothing, and
  -- nothing is written when no hour changed.
  if tg_op = 'INSERT' then
    select array_agg(d.channel), array_agg(d.hour), array_agg(d.n)
      into channels, hours, deltas
      from (select n.channel, date_trunc('hour', n.first_claimed_at, 'UTC') as hour, count(*) as n
              from new_rows n
             where n.first_claimed_at is not null
             group by 1, 2) d;
  elsif tg_op = 'UPDATE' then
    with pairs as (
      select n.channel as n_channel, n.first_claimed_at as n_at, o.channel as o_channel, o.first_claimed_at as o_at
        from new_rows n
        full join old_rows o on o.send_id = n.send_id
       where (n.channel, n.first_claimed_at) is distinct from (o.channel, o.first_claimed_at)
    )
    select array_agg(d.channel), array_agg(d.hour), array_agg(d.n)
      into channels, hours, deltas
      from (select x.channel, date_trunc('hour', x.at, 'UTC') as hour, sum(x.delta)::bigint as n
              from (select p.n_channel as channel, p.n_at as at, 1 as delta from pairs p where p.n_at is not null
                    union all
                    select p.o_channel, p.o_at, -1 from pairs p where p.o_at is not null) x
             group by 1, 2) d
     where d.n <> 0;
  else
    select array_agg(d.channel), array_agg(d.hour), array_agg(d.n)
      into channels, hours, deltas
      from (select o.channel, date_trunc('hour', o.first_claimed_at, 'UTC') as hour, -count(*) as n
              from old_rows o
             where o.first_claimed_at is not null
             group by 1, 2) d;
  end if;
  if channels is null then
    return null;
  end if;
  -- In key order, so two writers of the same hours never wait on each other in a cycle.
  insert into outreach_private.handover_counts as h (channel, hour, handovers)
  select u.channel, u.hour, u.n
    from unnest(channels, hours, deltas) u(channel, hour, n)
   order by u.channel, u.hour
  on conflict (channel, hour) do update set handovers = h.handovers + excluded.handovers;
  -- An hour whose last hand-over moved away or was deleted is removed, not kept at zero.
  if 0 > any (deltas) then
    delete from outreach_private.handover_counts h
     using unnest(channels, hours) u(channel, hour)
     where h.channel = u.channel and h.hour = u.hour and h.handovers = 0;
  end if;
  return null;
end
$$;
comment on function outreach_private.handover_counts_changed() is
  'Statement trigger on send_log: adds each statement''s change of first hand-overs (first_claimed_at, channel) to outreach_private.handover_counts, per channel and UTC hour.';

do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('insert', 'new table as new_rows'),
      ('update', 'new table as new_rows old table as old_rows'),
      ('delete', 'old table as old_rows')
    ) v(event, transition)
  loop
    execute format('drop trigger if exists %I on outreach.send_log', 'handover_counts_' || t.event);
    execute format('create trigger %I after %s on outreach.send_log referencing %s for each statement '
                   'execute function outreach_private.handover_counts_changed()',
                   'handover_counts_' || t.event, t.event, t.transition);
    execute format('comment on trigger %I on outreach.send_log is %L', 'handover_counts_' || t.event,
                   'Keeps outreach_private.handover_counts (the first hand-overs claim_sends counts against its caps) current.');
  end loop;
end
$$;

create or replace function outreach.refresh_handover_counts()
returns bigint
language plpgsql
volatile
security definer  -- the counts are written only by the hub
set search_path = ''
as $$
declare
  channels text[];
  hours timestamptz[];
  counts bigint[];
  changed bigint;
  added bigint;
begin
  -- Trigger writes of the counts wait until this transaction ends (a writer that already
  -- wrote them is waited for), and the next statement sees every writer before.
  lock table outreach_private.handover_counts in exclusive mode;
  -- The recount, once: rows that are wrong or should not be there go, then what is
  -- missing is added.
  select array_agg(r.channel), array_agg(r.hour), array_agg(r.handovers)
    into channels, hours, counts
    from outreach_private.handover_counts_recomputed() r;
  delete from outreach_private.handover_counts h
   where not exists (select 1 from unnest(channels, hours, counts) f(channel, hour, handovers)
                      where f.channel = h.channel and f.hour = h.hour and f.handovers = h.handovers);
  get diagnostics changed = row_count;
  insert into outreach_private.handover_counts (channel, hour, handovers)
  select f.channel, f.hour, f.handovers
    from unnest(channels, hours, counts) f(channel, hour, handovers)
   where not exists (select 1 from outreach_private.handover_counts h
                      where h.channel = f.channel and h.hour = f.hour)
   order by f.channel, f.hour;
  get diagnostics added = row_count;
  return changed + added;
end
$$;
comment on function outreach.refresh_handover_counts() is
  'Rebuilds the first hand-overs per channel and UTC hour that claim_sends counts against its caps, from send_log: after writes made with session_replication_role = replica (no triggers). Returns how many hour rows it deleted and inserted (a corrected hour counts twice), 0 when the counts were exact. refresh_gate_state() of every record calls it too.';

-- Installed triggers count from here on; the counts before are taken now, in the
-- transaction that installs them (writers of send_log wait for it), so none is missed.
select outreach.refresh_handover_counts();
