--------------------------------------------------------------------------------
-- record_events / record_event: append engagement events and apply them.
--
-- One set-based implementation (record_events, a JSON array) and a one-event
-- form on top of it. For every event that is new (its event_hash was never
-- recorded), in one statement:
--   send_log     status moves to a higher rank only (00_event_rules.sql);
--                sent_at / delivered_at / opened_at / clicked_at / replied_at /
--                bounced_at = the earliest event time of their kind (sent_at: the
--                earliest event that proves the message went out, normally
--                email_sent); open_count / click_count += new distinct events.
--   enrolment    email_reply, linkedin_reply, meeting_booked, email_bounce,
--                unsubscribe and spam_complaint stop it: stopped_at / stop_reason on
--                every row of the enrolment (earliest stop wins), its queued rows
--                cancelled. A reply (email or LinkedIn) also stops every other open
--                enrolment of the company, whatever its channel (SPEC §12).
--   people       email_bounce → email_status 'bounced' (an unsubscribed person
--                stays unsubscribed); unsubscribe and spam_complaint → 'unsubscribed'.
--   target       unsubscribe and spam_complaint → target_status 'opted_out', and
--                every queued row of the company is cancelled.
-- A duplicate (same hash, in this batch or recorded before, by this session or a
-- concurrent one) changes nothing and is reported with the first event's id.
--
-- Concurrency, in the hub's lock order (docs/security.md): first the spine rows of
-- every company the batch touches (outreach_id order), then the send_log rows of
-- the touched enrolments and companies (send_id order), then the people and targets
-- a suppression touches, all before the insert. Two batches on one company
-- serialise on its spine row, so a row of the company that appears meanwhile (a
-- follow-up queued) is never locked out of order, and `on conflict (event_hash) do
-- nothing` keeps one copy of a shared event.
--------------------------------------------------------------------------------

drop function if exists outreach.record_events(jsonb, uuid);

create or replace function outreach.record_events(events jsonb, correlation_id uuid default null)
returns table (ordinality int, send_id uuid, event_id uuid, is_duplicate boolean,
               status text, sqlstate text, reason text)
language plpgsql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
-- Generic plans from the first call (unlike promote and claim_sends, which force custom
-- plans): most calls carry one event, and planning these statements afresh costs more
-- than running them (3.6 against 5.1 ms a call with forced custom plans, measured). Every
-- statement finds its rows by key (= any of an array, or one probe per element), so no
-- plan depends on the batch's size or values; by default the first five calls of a
-- session were planned for their values all the same (about 8 % of a 1,000-event batch).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  ords       int[];
  sends      uuid[];
  types      text[];
  stamps     timestamptz[];
  sources    text[];
  metas      jsonb[];
  hashes     text[];
  companies  uuid[];
  persons    uuid[];
  -- The same, each value once (an array with repeats looks twice as big to the planner):
  lock_companies  uuid[];
  lock_enrolments uuid[];
  lock_sends      uuid[];
  ins_hashes text[];
  ins_ids    uuid[];
  ins_sends  uuid[];
  ins_types  text[];
  ins_stamps timestamptz[];
  ref_ords    int[];
  ref_sends   uuid[];
  ref_states  text[];
  ref_reasons text[];
  lock_ids    uuid[];
begin
  if record_events.correlation_id is not null then
    perform outreach.check_correlation_id(record_events.correlation_id);
  end if;
  if record_events.events is null then
    raise exception 'events must not be NULL'
      using errcode = '22004',
            hint = 'Pass a JSON array: [{"send_id": ..., "event_type": ..., "event_ts": ..., "source_system": ..., "metadata": {...}}, ...].';
  end if;
  if jsonb_typeof(record_events.events) <> 'array' then
    raise exception 'events must be a JSON array of event objects, got a JSON %', jsonb_typeof(record_events.events)
      using errcode = '22023',
            detail = format('events: %s', left(record_events.events::text, 200)),
            hint = 'Pass [{"send_id": ..., "event_type": ..., "event_ts": ..., "source_system": ..., "metadata": {...}}, ...].';
  end if;

  -- 1. Read and check every element once, and read its send (one index probe per
  --    element) in the same pass. A bad one (malformed 22023, unknown type OR021,
  --    unknown send OR020) is refused alone: recorded in outreach_errors and answered
  --    in its result row; the good ones are recorded as usual. The send's company,
  --    person and enrolment are kept for the locks and the insert (none of them is
  --    ever rewritten).
  --    Materialized: each element is parsed and checked once, not once per aggregate.
  --    The arrays are built in one pass, aligned (same rows, same order).
  with fields as materialized (
    select e.ord::int as ord, o.obj,
           nullif(btrim(o.obj ->> 'send_id'), '') as send_text,
           nullif(btrim(o.obj ->> 'event_type'), '') as event_type,
           nullif(btrim(o.obj ->> 'event_ts'), '') as ts_text,
           nullif(lower(btrim(o.obj ->> 'source_system')), '') as source_system
      from jsonb_array_elements(record_events.events) with ordinality as e(elem, ord)
     cross join lateral (select case when jsonb_typeof(e.elem) = 'object' then e.elem end as obj) o
  ), uuids as (
    -- Every send id a UUID, checked with one match over the batch (a regular expression
    -- costs about 3 µs a call, mostly setting up; the batch's 37 kB match in 0.4 ms):
    -- no send id holds a comma, so each piece between commas is one send id. Otherwise
    -- each is checked on its own below.
    select coalesce(bool_and(strpos(f.send_text, ',') = 0)
                    and string_agg(f.send_text, ',')
                        ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(?:,[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})*$',
                    false) as all_ok
      from fields f
  ), parsed as materialized (
    select f.ord, f.obj, f.send_text, f.event_type, f.ts_text, f.source_system,
           case when (f.send_text is not null and (select u.all_ok from uuids u))
                  or f.send_text ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                then f.send_text::uuid end as send_id,
           outreach.parse_event_time(f.ts_text) as event_ts
      from fields f
  ), checked as materialized (
    select p.ord, p.send_id, p.obj, p.event_ts, p.source_system, l.outreach_id, l.person_id, l.enrolment_id,
           case when p.obj is null then 'is not a JSON object'
                when p.send_text is null then 'has no send_id'
                when p.event_type is null then 'has no event_type'
                when p.ts_text is null then 'has no event_ts'
                when p.source_system is null then 'has no source_system'
                when p.send_id is null then format('send_id %s is not a UUID', p.send_text)
                when p.event_ts is null then format('event_ts %s is not an ISO 8601 time with a UTC offset', p.ts_text)
                when not outreach.time_in_range(p.event_ts)
                  then format('event_ts %s is outside 1900-01-01..9999-12-31 UTC', p.ts_text)
                when not (p.obj ->> 'event_type' = any (outreach.event_types()))
                  then format('event type %s is unknown', p.obj ->> 'event_type')
                when l.send_id is null
                  then format('send %s is unknown', p.send_id)
           end as problem,
           case when p.obj is null or p.send_id is null or p.event_ts is null or p.source_system is null
                  or not outreach.time_in_range(p.event_ts) then '22023'
                when not (p.obj ->> 'event_type' = any (outreach.event_types())) then 'OR021'
                else 'OR020'
           end as code
      from parsed p
      -- A lateral probe by key (offset 0 keeps it one): as a join it could be planned as
      -- a hash of the whole send_log, even for a batch of one.
      left join lateral (select l.send_id, l.outreach_id, l.person_id, l.enrolment_id
                           from outreach.send_log l
                          where l.send_id = p.send_id
                         offset 0) l on true
     order by p.ord
  )
  select array_agg(c.ord) filter (where c.problem is null),
         array_agg(c.send_id) filter (where c.problem is null),
         array_agg(c.obj ->> 'event_type') filter (where c.problem is null),
         array_agg(c.event_ts) filter (where c.problem is null),
         array_agg(c.source_system) filter (where c.problem is null),
         array_agg(case when jsonb_typeof(c.obj -> 'metadata') is null
                          or jsonb_typeof(c.obj -> 'metadata') = 'null' then '{}'::jsonb
                        else c.obj -> 'metadata' end) filter (where c.problem is null),
         array_agg(outreach.event_hash(c.send_id, c.obj ->> 'event_type', c.event_ts, c.source_system))
           filter (where c.problem is null),
         array_agg(c.outreach_id) filter (where c.problem is null),
         array_agg(c.person_id) filter (where c.problem is null),
         array_agg(distinct c.outreach_id) filter (where c.problem is null),
         array_agg(distinct c.enrolment_id) filter (where c.problem is null),
         array_agg(distinct c.send_id) filter (where c.problem is null),
         array_agg(c.ord) filter (where c.problem is not null),
         array_agg(c.send_id) filter (where c.problem is not null),
         array_agg(c.code) filter (where c.problem is not null),
         array_agg(c.problem) filter (where c.problem is not null)
    into ords, sends, types, stamps, sources, metas, hashes, companies, persons,
         lock_companies, lock_enrolments, lock_sends,
         ref_ords, ref_sends, ref_states, ref_reasons
    from checked c;

  if ref_ords is not null then
    perform outreach.record_error(
              coalesce(record_events.correlation_id, l.correlation_id::uuid, gen_random_uuid()),
              'outreach.record_events',
              format('event #%s of the batch refused: %s', u.ord, u.reason),
              u.state,
              jsonb_build_object('element', u.ord, 'reason', u.reason, 'event', record_events.events -> (u.ord - 1)),
              l.outreach_id)
       from unnest(ref_ords, ref_sends, ref_states, ref_reasons) as u(ord, send_id, state, reason)
       left join outreach.send_log l on l.send_id = u.send_id;
  end if;

  if ords is null then
    -- Nothing to record (an empty batch, or every element refused).
    return query
      select u.ord, u.send_id, null::uuid, null::boolean, 'refused'::text, u.state, u.reason
        from unnest(ref_ords, ref_sends, ref_states, ref_reasons) as u(ord, send_id, state, reason)
       order by u.ord;
    return;
  end if;

  -- 4. Lock, in the hub's order: the companies (spine rows, by outreach_id: the sends'
  --    and, for suppressions, the persons'), then the rows of every touched enrolment
  --    and, for opt-outs and replies, the company's rows they stop (by send_id). Every
  --    statement looks rows up by key (= any of an array): no plan here depends on how
  --    many rows are queued (the statistics of send_log are stale right after a bulk
  --    promote).
  -- The persons' companies are looked up only for a batch with a suppression (a CASE
  -- runs its subquery only when it is taken; an array concatenated with NULL is itself).
  perform 1
     from outreach.outreach o
    where o.outreach_id = any (lock_companies || case when types && array['email_bounce', 'unsubscribe', 'spam_complaint'] then array(
            select p.outreach_id
              from outreach.people p
             where p.person_id = any (array(select u.person_id
                                              from unnest(persons, types) as u(person_id, event_type)
                                             where u.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint')))) end)
    order by o.outreach_id
      for no key update of o;

  if types && array['unsubscribe', 'spam_complaint', 'email_reply', 'linkedin_reply'] then
    lock_ids := array(select sib.send_id
                        from outreach.send_log sib
                       where sib.enrolment_id = any (lock_enrolments));
    if types && array['unsubscribe', 'spam_complaint'] then
      lock_ids := lock_ids || array(
        select q.send_id
          from outreach.send_log q
         where q.outreach_id = any (array(select u.outreach_id from unnest(companies, types) as u(outreach_id, event_type)
                                           where u.event_type in ('unsubscribe', 'spam_complaint')))
           and q.send_status = 'queued');
    end if;
    if types && array['email_reply', 'linkedin_reply'] then
      lock_ids := lock_ids || array(
        select q.send_id
          from outreach.send_log q
         where q.outreach_id = any (array(select u.outreach_id from unnest(companies, types) as u(outreach_id, event_type)
                                           where u.event_type in ('email_reply', 'linkedin_reply')))
           and q.stopped_at is null);
    end if;
    perform 1
       from outreach.send_log l
      where l.send_id = any (lock_ids)
      order by l.send_id
        for no key update of l;
  else
    -- Only the rows of the touched enrolments: gathered and locked in one statement.
    perform 1
       from outreach.send_log l
      where l.enrolment_id = any (lock_enrolments)
      order by l.send_id
        for no key update of l;
  end if;

  if types && array['email_bounce', 'unsubscribe', 'spam_complaint'] then
    perform 1
       from outreach.people p
      where p.person_id in (select ev.person_id
                              from unnest(sends, types) as u(send_id, event_type)
                              join outreach.send_log ev on ev.send_id = u.send_id
                             where u.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint')
                            union all
                            select pp.person_id
                              from unnest(sends, types) as u(send_id, event_type)
                              join outreach.send_log ev on ev.send_id = u.send_id
                              join outreach.people pp
                                on pp.outreach_id = ev.outreach_id and lower(pp.email) = lower(ev.email_to)
                             where u.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint')
                               and ev.person_id is null)
      order by p.person_id
        for no key update of p;
    perform 1
       from outreach.company_target t
      where t.target_id in (select ev.target_id
                              from unnest(sends, types) as u(send_id, event_type)
                              join outreach.send_log ev on ev.send_id = u.send_id
                             where u.event_type in ('unsubscribe', 'spam_complaint'))
      order by t.target_id
        for no key update of t;
  end if;

  -- 5. Append the new events (the first occurrence of each hash in the batch), with
  --    the company and person of their send (read in step 1); the send's correlation
  --    id when the call has none.
  with ins as (
    insert into outreach.engagement_events as e
           (send_id, outreach_id, person_id, event_type, event_ts, source_system, metadata, event_hash, correlation_id)
    select f.send_id, f.outreach_id, f.person_id, f.event_type, f.event_ts, f.source_system, f.metadata,
           f.event_hash,
           -- Both typed as the column, so no row checks a correlation id again (the domain's
           -- check is a function call); the first is computed once per statement.
           coalesce((select record_events.correlation_id::outreach.correlation_id
                      where record_events.correlation_id is not null),
                    (select l.correlation_id from outreach.send_log l where l.send_id = f.send_id))
      from (select distinct on (u.event_hash) u.*
              from unnest(ords, sends, types, stamps, sources, metas, hashes, companies, persons)
                   as u(ord, send_id, event_type, event_ts, source_system, metadata, event_hash, outreach_id, person_id)
             order by u.event_hash, u.ord) f
     order by f.ord
        on conflict (event_hash) do nothing
    returning e.event_id, e.event_hash, e.send_id, e.event_type, e.event_ts
  )
  select array_agg(i.event_hash), array_agg(i.event_id), array_agg(i.send_id), array_agg(i.event_type),
         array_agg(i.event_ts)
    into ins_hashes, ins_ids, ins_sends, ins_types, ins_stamps
    from ins i;

  if ins_ids is not null then
    -- 6. Each message: status to the highest rank, earliest timestamps, counters.
    with per_send as (
      select i.send_id,
             (array_agg(outreach.event_send_status(i.event_type)
                        order by outreach.send_status_rank(outreach.event_send_status(i.event_type)) desc nulls last))[1]
               as top_status,
             min(i.event_ts) filter (where outreach.event_send_status(i.event_type) is not null) as sent_ts,
             min(i.event_ts) filter (where i.event_type in ('email_delivered', 'linkedin_connect_accepted')) as delivered_ts,
             min(i.event_ts) filter (where i.event_type = 'email_open') as opened_ts,
             min(i.event_ts) filter (where i.event_type = 'email_click') as clicked_ts,
             min(i.event_ts) filter (where i.event_type in ('email_reply', 'linkedin_reply')) as replied_ts,
             min(i.event_ts) filter (where i.event_type = 'email_bounce') as bounced_ts,
             count(*) filter (where i.event_type = 'email_open') as opens,
             count(*) filter (where i.event_type = 'email_click') as clicks
        from unnest(ins_sends, ins_types, ins_stamps) as i(send_id, event_type, event_ts)
       where outreach.event_send_status(i.event_type) is not null
       group by i.send_id
    )
    update outreach.send_log l
       set send_status  = case
                            when l.send_status <> 'cancelled'
                             and outreach.send_status_rank(c.top_status) > outreach.send_status_rank(l.send_status)
                              then c.top_status
                            else l.send_status
                          end,
           sent_at      = least(l.sent_at, c.sent_ts),
           delivered_at = least(l.delivered_at, c.delivered_ts),
           opened_at    = least(l.opened_at, c.opened_ts),
           clicked_at   = least(l.clicked_at, c.clicked_ts),
           replied_at   = least(l.replied_at, c.replied_ts),
           bounced_at   = least(l.bounced_at, c.bounced_ts),
           open_count   = l.open_count + c.opens,
           click_count  = l.click_count + c.clicks,
           updated_at   = now()
      from per_send c
     where l.send_id = any (lock_sends)  -- by key (a superset of the sends updated)
       and l.send_id = c.send_id;

    if ins_types && array['email_reply', 'linkedin_reply', 'meeting_booked', 'email_bounce', 'unsubscribe', 'spam_complaint'] then
      -- 7. Stops: every row of the enrolment (the earliest stop wins); its rows
      --    still queued are cancelled. An opt-out also stops every queued row of
      --    the company.
      with stopping as materialized (
        select i.send_id, i.event_type, i.event_ts,
               case i.event_type
                 when 'email_reply'    then 'replied'
                 when 'linkedin_reply' then 'replied'
                 when 'meeting_booked' then 'meeting_booked'
                 when 'email_bounce'   then 'bounced'
                 when 'unsubscribe'    then 'unsubscribed'
                 when 'spam_complaint' then 'spam_complaint'
               end as stop_reason
          from unnest(ins_sends, ins_types, ins_stamps) as i(send_id, event_type, event_ts)
         where i.event_type in ('email_reply', 'linkedin_reply', 'meeting_booked', 'email_bounce', 'unsubscribe',
                                'spam_complaint')
      ), stop_rows as (
        select sib.send_id, s.event_ts as stop_ts, s.stop_reason
          from stopping s
          join outreach.send_log ev on ev.send_id = s.send_id
          join outreach.send_log sib on sib.enrolment_id = ev.enrolment_id
        union all
        select q.send_id, s.event_ts, s.stop_reason
          from stopping s
          join outreach.send_log ev on ev.send_id = s.send_id
          join outreach.send_log q on q.outreach_id = ev.outreach_id and q.send_status = 'queued'
         where s.event_type in ('unsubscribe', 'spam_complaint')
        union all
        -- A reply on one channel stops the company's other open enrolments on every
        -- channel (their provider-run ones get a stop_lead through the outbox trigger).
        select q.send_id, s.event_ts, s.stop_reason
          from stopping s
          join outreach.send_log ev on ev.send_id = s.send_id
          join outreach.send_log q on q.outreach_id = ev.outreach_id and q.stopped_at is null
         where s.event_type in ('email_reply', 'linkedin_reply')
      ), row_stop as (
        select distinct on (r.send_id) r.send_id, r.stop_ts, r.stop_reason
          from stop_rows r
         order by r.send_id, r.stop_ts, r.stop_reason
      )
      update outreach.send_log l
         set send_status = case when l.send_status = 'queued' then 'cancelled' else l.send_status end,
             stopped_at  = least(l.stopped_at, r.stop_ts),
             stop_reason = case when l.stopped_at is null or r.stop_ts < l.stopped_at
                                then r.stop_reason else l.stop_reason end,
             updated_at  = now()
        from row_stop r
       where l.send_id = r.send_id;
    end if;

    if ins_types && array['email_bounce', 'unsubscribe', 'spam_complaint'] then
      -- 8. Suppression: the person's email becomes unusable (an unsubscribed person
      --    stays unsubscribed); an opt-out opts the target out.
      with suppress as (
        select x.person_id, bool_or(x.event_type in ('unsubscribe', 'spam_complaint')) as unsubscribed
          from (select ev.person_id, i.event_type
                  from unnest(ins_sends, ins_types) as i(send_id, event_type)
                  join outreach.send_log ev on ev.send_id = i.send_id
                 where i.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint') and ev.person_id is not null
                union all
                select p.person_id, i.event_type
                  from unnest(ins_sends, ins_types) as i(send_id, event_type)
                  join outreach.send_log ev on ev.send_id = i.send_id
                  join outreach.people p on p.outreach_id = ev.outreach_id and lower(p.email) = lower(ev.email_to)
                 where i.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint') and ev.person_id is null) x
         group by x.person_id
      )
      update outreach.people p
         set email_status = case when s.unsubscribed then 'unsubscribed' else 'bounced' end,
             updated_at   = now()
        from suppress s
       where p.person_id = s.person_id
         and p.email_status <> 'unsubscribed'
         and (s.unsubscribed or p.email_status <> 'bounced');

      update outreach.company_target t
         set target_status = 'opted_out',
             updated_at    = now()
       where t.target_status <> 'opted_out'
         and t.target_id in (select ev.target_id
                               from unnest(ins_sends, ins_types) as i(send_id, event_type)
                               join outreach.send_log ev on ev.send_id = i.send_id
                              where i.event_type in ('unsubscribe', 'spam_complaint'));
    end if;
  end if;

  -- 9. One row per input, in input order. A new statement: it sees events a
  --    concurrent session committed while this one waited on the hash.
  return query
    select a.ord, a.send_id, a.event_id, a.is_duplicate, st.status, a.sqlstate, a.reason
      from (select u.ord,
                   u.send_id,
                   -- A duplicate of an earlier event: one probe of the hash's unique index
                   -- (as a join, the plan read the whole log).
                   coalesce(n.event_id, (select e.event_id from outreach.engagement_events e
                                          where e.event_hash = u.event_hash)) as event_id,
                   not (n.event_id is not null and u.ord = min(u.ord) over (partition by u.event_hash)) as is_duplicate,
                   null::text as sqlstate,
                   null::text as reason
              from unnest(ords, sends, hashes) as u(ord, send_id, event_hash)
              left join unnest(ins_hashes, ins_ids) as n(event_hash, event_id) on n.event_hash = u.event_hash
            union all
            select u.ord, u.send_id, null, null, u.state, u.reason
              from unnest(ref_ords, ref_sends, ref_states, ref_reasons) as u(ord, send_id, state, reason)) a
      cross join lateral (select case when a.sqlstate is not null then 'refused'
                                      when a.is_duplicate then 'duplicate'
                                      else 'recorded' end as status) st
     order by a.ord;
end
$$;
comment on function outreach.record_events(jsonb, uuid) is
  'Records a JSON array of engagement events set-based and applies the new ones (status forward only, first timestamps, distinct counters, stops, suppression, opt-out); returns one row per element in order: status recorded, duplicate (with the first event''s id) or refused (sqlstate OR020 unknown send, OR021 unknown type, 22023 malformed, and the reason). A refused element is recorded in outreach_errors and does not stop the others. 22004 NULL events, 22023 not an array, OR004 bad correlation id refuse the call.';

create or replace function outreach.record_event(
  send_id uuid,
  event_type text,
  event_ts text,
  source_system text,
  metadata jsonb default '{}',
  correlation_id uuid default null
)
returns table (event_id uuid, is_duplicate boolean)
language plpgsql
volatile
set search_path = ''
as $$
declare
  r record;
begin
  if record_event.send_id is null or record_event.event_type is null
     or record_event.event_ts is null or record_event.source_system is null then
    raise exception 'record_event needs send_id, event_type, event_ts and source_system (send %)',
        coalesce(record_event.send_id::text, 'NULL')
      using errcode = '22004',
            detail = format('send_id %s, event_type %s, event_ts %s, source_system %s', record_event.send_id,
                            record_event.event_type, record_event.event_ts, record_event.source_system),
            hint = 'Pass all four; event_ts as ISO 8601 with a UTC offset.';
  end if;
  select * into r
    from outreach.record_events(
           jsonb_build_array(jsonb_build_object(
             'send_id', record_event.send_id,
             'event_type', record_event.event_type,
             'event_ts', record_event.event_ts,
             'source_system', record_event.source_system,
             'metadata', coalesce(record_event.metadata, '{}'::jsonb))),
           record_event.correlation_id) x;
  if r.status = 'refused' then
    -- Raised, the refusal rolls back with the call: the caller records it.
    raise exception '%', r.reason
      using errcode = r.sqlstate,
            detail = format('send_id %s, event_type %s, event_ts %s, source_system %s', record_event.send_id,
                            record_event.event_type, record_event.event_ts, record_event.source_system),
            hint = case r.sqlstate
                     when 'OR020' then 'Events must name the send_id of a row of outreach.send_log; nothing was recorded.'
                     when 'OR021' then format('Map the sender''s event to one of the accepted types (%s); nothing was recorded.',
                                              array_to_string(outreach.event_types(), ', '))
                     else 'event_ts must be ISO 8601 with a UTC offset (2026-03-02T10:15:00Z), from 1900 to 9999; source_system must not be blank; nothing was recorded.'
                   end;
  end if;
  event_id := r.event_id;
  is_duplicate := r.is_duplicate;
  return next;
end
$$;
comment on function outreach.record_event(uuid, text, text, text, jsonb, uuid) is
  'Records one engagement event whose time is text: ISO 8601 with a UTC offset, else 22023 (no offset, relative words such as yesterday); otherwise as the timestamptz form.';

create or replace function outreach.record_event(
  send_id uuid,
  event_type text,
  event_ts timestamptz,
  source_system text,
  metadata jsonb default '{}',
  correlation_id uuid default null
)
returns table (event_id uuid, is_duplicate boolean)
language sql
volatile
set search_path = ''
as $$
  select r.event_id, r.is_duplicate
    from outreach.record_event(
           record_event.send_id,
           record_event.event_type,
           to_char(outreach.checked_time(record_event.event_ts, 'event_ts') at time zone 'UTC',
                   'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           record_event.source_system,
           record_event.metadata,
           record_event.correlation_id) r;
$$;
comment on function outreach.record_event(uuid, text, timestamptz, text, jsonb, uuid) is
  'Records one engagement event and applies it (see record_events); a redelivered event (same send, type, time, source) changes nothing and returns is_duplicate with the first event''s id. NULL correlation id = the send''s. Raises the refusal of its event: OR020 unknown send, OR021 unknown type, 22023 malformed or unusable time, 22004 a NULL argument.';
