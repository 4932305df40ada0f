--------------------------------------------------------------------------------
-- Claim, acknowledge, release (SPEC §10.2): every message is handed to exactly
-- one sender at a time, comes back acknowledged, or is handed out again.
--
-- The send state machine (docs/dispatch.md has it as one table):
--   queued, free    --claim_sends-->  leased (claim_token, lease_until, attempt + 1)
--   leased          --ack_send------>  handed over (handed_over_at; the lease ends;
--                                      with sent_at also an email_sent event)
--   leased          --release_send-->  queued again from retry_after (default
--                                      2^attempt minutes), or failed when permanent
--                                      or on the max_send_attempts-th attempt
--   leased, expired --claim_sends-->  leased again by the next claimer (the expiry
--                                      was a failed attempt), or failed once
--                                      max_send_attempts claims expired
--   any queued      --claim_sends-->  cancelled (stop_reason suppressed) when its
--                                      address is suppressed
-- A token is the send's current claim until a release or a later claim replaces it:
-- anything else is OR030 and writes nothing. An ack after the lease expired, with
-- nobody having claimed the send since, is accepted: the message went out.
--
-- Caps: claim_sends counts first hand-overs (first_claimed_at) in the UTC clock
-- hour and UTC day of as_of against hourly_send_cap / daily_send_cap, over every
-- sender, under one lock (the send_handover row of outreach_private.serial_locks),
-- so concurrent claimers meet a cap exactly.
-- A re-claim (retry, expired lease) is not a new hand-over and does not count. The
-- email counts are kept per UTC hour (outreach_private.handover_counts, migration
-- 000025, 55_handover_counts.sql). The LinkedIn ones, which their caps keep small, are
-- counted from send_log_channel_first_claimed_idx (channel, first_claimed_at): with the
-- time first (before migration 000022), that count walked a week of email claims.
--------------------------------------------------------------------------------

create or replace function outreach.senders()
returns text[]
language sql
immutable
parallel safe
as $$
  select array['queue', 'smtp', 'instantly', 'smartlead', 'heyreach']
$$;
comment on function outreach.senders() is
  'The senders a campaign may name (campaigns.sender): queue, smtp, and the providers that run their own steps: instantly, smartlead, heyreach.';

-- The messages of a set of sends as they are handed over, rendered at as_of: one
-- statement for the whole claim, inlined into claim_sends's (no SET clause: PL/pgSQL
-- keeps its plan, where a SQL function is planned again on every call). What every
-- message shares is read once (settings, the two signing keys, the link's expiry); each
-- send costs message_context's probes and two HMACs (pgcrypto, the same bytes as
-- unsubscribe_url and calendar_link sign). Templates are parsed once per batch (the
-- pieces of try_render_template: literal i, then placeholder i) and every message is
-- put together from its template's pieces by a join, with no ordered aggregate per
-- message, so subject, body and provider steps render as try_render_template renders
-- them one by one (test/sql/dispatch/render_equivalence proves it on a generated batch).
drop function if exists outreach_private.render_send(uuid, timestamptz);

create or replace function outreach_private.render_sends(send_ids uuid[], as_of timestamptz)
returns table (send_id uuid, subject text, body text, steps jsonb, proof_line text, unsubscribe_url text,
               calendar_link text, full_name text, company_name text, problem text)
language sql
stable
as $$
  with k as (
    select s.unsubscribe_base_url as unsub_base, nullif(btrim(s.postal_address), '') as postal,
           s.calendar_provider as cal_provider,
           floor(extract(epoch from render_sends.as_of) + extract(epoch from s.calendar_ttl))::bigint as cal_exp,
           -- calendar_link: the query string goes before a fragment, after an existing query
           split_part(s.calendar_base_url, '#', 1)
             || case when split_part(s.calendar_base_url, '#', 1) ~ '[?&]$' then ''
                     when strpos(split_part(s.calendar_base_url, '#', 1), '?') > 0 then '&' else '?' end as cal_head,
           coalesce(substring(s.calendar_base_url from '#.*$'), '') as cal_tail,
           uk.kid as ukid, uk.secret as usecret, ck.kid as ckid, ck.secret as csecret
      from (select 1) one
      left join outreach.settings s on true
      left join lateral (
        select c.kid, c.secret from outreach_private.unsubscribe_keys c
         where c.retired_at is null order by c.created_at desc, c.kid desc limit 1
      ) uk on true
      left join lateral (
        select c.kid, c.secret from outreach_private.calendar_keys c
         where c.retired_at is null order by c.created_at desc, c.kid desc limit 1
      ) ck on true
  ), b as materialized (
    -- One row per send: its context, links, placeholder values and templates.
    select l.send_id, l.campaign_id, c.sender, coalesce(m.proof_line, l.proof_line) as proof_line,
           u.unsub, u.cal, p.full_name, m.placeholder_values ->> 'company_name' as company_name,
           ws.slot_type, m.audience, m.pressure_class, v.vals,
           t.subject_template as t_subject, t.body_template as t_body,
           coalesce(q.subject_template, t.subject_template) as subject_template,
           coalesce(q.body_template, t.body_template) as body_template
      from outreach.send_log l
      cross join k
      left join outreach.campaigns c on c.campaign_id = l.campaign_id
      left join outreach.sequences q on q.sequence_id = l.sequence_id
      left join outreach.outreach o on o.outreach_id = l.outreach_id
      cross join lateral outreach.message_context(l.outreach_id, render_sends.as_of) m
      -- The person the send goes to, and the slot they hold (the audience). A person holds
      -- slots of their own record only (company_slot's key to people is (person_id,
      -- outreach_id)), so the record's slots are read, at most three, by company_slot_pkey:
      -- pages message_context has just read for the same record. The person is compared
      -- with IS NOT DISTINCT FROM (the same as = for a person's id, never NULL) so that the
      -- planner does not probe company_slot_person_idx instead, which nothing else a claim
      -- reads keeps in shared buffers: at 1M records a quarter of its buffers came from
      -- outside them, and rendering 100 messages took 71 ms instead of 33.
      left join outreach.people p on p.person_id = l.person_id
      left join lateral (
        select cs.slot_type from outreach.company_slot cs
         where cs.outreach_id = p.outreach_id
           and cs.person_id is not distinct from p.person_id
         order by outreach.slot_rank(cs.slot_type) limit 1
      ) ws on true
      -- offset 0 keeps each lateral a subquery of its own: flattened, every reference to
      -- its columns below would sign and build them again.
      cross join lateral (
        select public.hmac(convert_to('unsubscribe|' || k.ukid || '|' || l.send_id::text, 'UTF8'), k.usecret, 'sha256') as usig,
               public.hmac(convert_to(o.sovereign_company_id::text || '|' || l.outreach_id::text || '|' || k.cal_exp::text, 'UTF8'),
                           k.csecret, 'sha256') as csig
        offset 0
      ) g
      cross join lateral (
        select case
                 -- no signing key: unsubscribe_url raises what it raises (OR009)
                 when k.ukid is null then outreach.unsubscribe_url(l.send_id)
                 else rtrim(k.unsub_base, '/') || '/' || k.ukid
                      || '.' || rtrim(translate(encode(uuid_send(l.send_id), 'base64'), E'+/\n', '-_'), '=')
                      || '.' || rtrim(translate(encode(g.usig, 'base64'), E'+/\n', '-_'), '=')
               end as unsub,
               case
                 -- no signing key or no record: calendar_link raises what it raises (OR009, OR008)
                 when k.ckid is null or o.sovereign_company_id is null
                   then outreach.calendar_link(l.outreach_id, render_sends.as_of)
                 else k.cal_head
                      || case k.cal_provider
                           -- calendar_token: the same five values packed, unpadded base64url
                           when 'calendly' then 'utm_content=' || translate(encode(
                             '\x01'::bytea || uuid_send(o.sovereign_company_id) || uuid_send(l.outreach_id)
                             || int8send(k.cal_exp) || g.csig || convert_to(k.ckid, 'UTF8'), 'base64'), E'+/=\n', '-_')
                           when 'calcom' then 'metadata%5Bhub%5D=' || translate(encode(
                             '\x01'::bytea || uuid_send(o.sovereign_company_id) || uuid_send(l.outreach_id)
                             || int8send(k.cal_exp) || g.csig || convert_to(k.ckid, 'UTF8'), 'base64'), E'+/=\n', '-_')
                           else format('sid=%s&oid=%s&exp=%s&kid=%s&sig=%s', o.sovereign_company_id, l.outreach_id,
                                       k.cal_exp, k.ckid, encode(g.csig, 'hex'))
                         end
                      || k.cal_tail
               end as cal
        offset 0
      ) u
      cross join lateral (
        select coalesce(m.placeholder_values, '{}'::jsonb)
               || jsonb_strip_nulls(jsonb_build_object(
                    'first_name', nullif(split_part(btrim(p.full_name), ' ', 1), ''),
                    'full_name', nullif(btrim(p.full_name), ''),
                    'title', nullif(btrim(p.title), ''),
                    'proof_line', coalesce(m.proof_line, l.proof_line),
                    'unsubscribe_url', u.unsub,
                    'calendar_link', u.cal,
                    'postal_address', k.postal)) as vals
        offset 0
      ) v
      left join outreach.message_templates t
        on t.audience = coalesce(ws.slot_type, m.audience) and t.pressure_class = m.pressure_class
     where l.send_id = any (render_sends.send_ids)
  ), steps as (
    -- Every active step of a campaign the provider runs.
    select b.send_id, qs.sequence_id, qs.sequence_order, qs.delay_days, qs.delay_hours,
           coalesce(qs.subject_template, b.t_subject) as subject_template,
           coalesce(qs.body_template, b.t_body) as body_template
      from b
      join outreach.sequences qs on qs.campaign_id = b.campaign_id
     where b.sender in ('instantly', 'smartlead', 'heyreach')
       and qs.sequence_status = 'active'
  ), jobs as materialized (
    -- What to render: a send's own message (step NULL) and each step of a provider-run one.
    select b.send_id, null::uuid as step, b.subject_template, b.body_template from b
    union all
    select st.send_id, st.sequence_id, st.subject_template, st.body_template from steps st
  ), templates as materialized (
    -- Each template once, in the pieces try_render_template cuts it into: literal i is
    -- followed by placeholder i, the last literal by none.
    select x.template, tp.lits, tp.names
      from (select j.subject_template as template from jobs j
            union select j.body_template from jobs j) x
      cross join lateral outreach_private.template_pieces(x.template) tp
     where x.template is not null
  ), rendered as (
    -- The pieces in array order (unnest and ARRAY() keep it), each literal followed by its
    -- placeholder's value; NULL when a placeholder has no usable value (absent, JSON null,
    -- blank) or there is no template.
    select j.send_id, j.step,
           case when ts.template is not null
                     and not exists (select from unnest(ts.names) n where coalesce(btrim(b.vals ->> n), '') = '')
                then array_to_string(array(select x.lit || coalesce(b.vals ->> x.name, '')
                                             from unnest(ts.lits, ts.names) as x(lit, name)), '') end as subject,
           case when tb.template is not null
                     and not exists (select from unnest(tb.names) n where coalesce(btrim(b.vals ->> n), '') = '')
                then array_to_string(array(select x.lit || coalesce(b.vals ->> x.name, '')
                                             from unnest(tb.lits, tb.names) as x(lit, name)), '') end as body
      from jobs j
      join b on b.send_id = j.send_id
      left join templates ts on ts.template = j.subject_template
      left join templates tb on tb.template = j.body_template
  )
  select b.send_id, r.subject, r.body, sj.steps, b.proof_line, b.unsub, b.cal, b.full_name, b.company_name,
         case
           when b.subject_template is null or b.body_template is null
             then format('no template: the step has none and there is no message template for audience %s and pressure class %s',
                         coalesce(b.slot_type, b.audience, 'none'), coalesce(b.pressure_class, 'none'))
           when r.subject is null or r.body is null
             then format('placeholder {{%s}} has no value',
                         array_to_string(outreach.missing_placeholders(b.subject_template, b.vals)
                                         || outreach.missing_placeholders(b.body_template, b.vals), '}}, {{'))
         end
    from b
    left join rendered r on r.send_id = b.send_id and r.step is null
    left join (
      select st.send_id,
             jsonb_agg(jsonb_build_object(
               'step', st.sequence_order,
               'subject', r.subject,
               'body', r.body,
               'delay_days', st.delay_days,
               'delay_hours', st.delay_hours) order by st.sequence_order) as steps
        from steps st
        left join rendered r on r.send_id = st.send_id and r.step = st.sequence_id
       group by st.send_id
    ) sj on sj.send_id = b.send_id
$$;
comment on function outreach_private.render_sends(uuid[], timestamptz) is
  'The messages of these sends as handed over at as_of, one row each: subject and body from the step''s templates, else the audience × pressure-class template, with {{unsubscribe_url}}, {{calendar_link}}, {{postal_address}} and the messaging placeholders; every active step rendered for a provider-run campaign; problem says why a subject or body is NULL. Links signed as unsubscribe_url and calendar_link sign them, templates rendered as try_render_template renders them. Inlinable.';

-- One chunk of the claim walk: the next n queued sends not yet handed over, due by as_of,
-- after (after_at, after_id) in send order, from send_log_dispatch_idx. Planned at every
-- call with its values (plan_cache_mode): a generic plan, made without knowing that the
-- walk starts at the queue's head, picks send_log_scheduled_idx (all sends ever scheduled)
-- and filters the queue out of it. (A SQL function would not do: it plans with its
-- arguments as parameters, not values.)
create or replace function outreach_private.dispatch_walk(as_of timestamptz, after_at timestamptz, after_id uuid, n int)
returns uuid[]
language plpgsql
stable
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see above
as $$
begin
  return array(select l.send_id
                 from outreach.send_log l
                where l.send_status = 'queued'
                  and l.handed_over_at is null
                  and l.scheduled_at <= dispatch_walk.as_of
                  and (l.scheduled_at, l.send_id) > (dispatch_walk.after_at, dispatch_walk.after_id)
                order by l.scheduled_at, l.send_id
                limit dispatch_walk.n);
end
$$;
comment on function outreach_private.dispatch_walk(timestamptz, timestamptz, uuid, int) is
  'One chunk of claim_sends''s walk of the queue: the next n queued sends not handed over, due by as_of, after (after_at, after_id) in send order; planned at every call.';

-- Whether any lease of this sender's sends expired on the last attempt allowed (claim_sends
-- step 1). Planned at every call with its values, as dispatch_walk: in claim_sends, whose
-- plans the session keeps, the generic plan (from the sixth call on, not knowing how few
-- leases have expired) read the whole of send_log instead of send_log_lease_idx: 1-3 ms
-- a claim at 95k records, where the index finds the answer in one page.
create or replace function outreach_private.expired_last_attempts(sender text, as_of timestamptz, max_attempts int)
returns boolean
language plpgsql
stable
set search_path = ''
set plan_cache_mode = force_custom_plan  -- see above
as $$
begin
  return exists (select 1
                   from outreach.send_log l
                   join outreach.campaigns cg on cg.campaign_id = l.campaign_id
                  where cg.sender = expired_last_attempts.sender
                    and l.send_status = 'queued'
                    and l.claim_token is not null
                    and l.handed_over_at is null
                    and l.lease_until <= expired_last_attempts.as_of
                    and l.attempt >= expired_last_attempts.max_attempts);
end
$$;
comment on function outreach_private.expired_last_attempts(text, timestamptz, int) is
  'Whether a queued send of this sender holds a lease that expired by as_of on attempt max_attempts or later (claim_sends fails those); planned at every call.';

create or replace function outreach.claim_sends(
  correlation_id uuid,
  sender text,
  max_rows int default 100,
  lease interval default '5 minutes',
  as_of timestamptz default now()
)
returns table (send_id uuid, enrolment_id uuid, claim_token uuid, lease_until timestamptz, attempt int,
               channel text, email_to text, linkedin_url text, full_name text, company_name text,
               subject text, body text, proof_line text, unsubscribe_url text, list_unsubscribe text,
               list_unsubscribe_post text, calendar_link text, campaign_id uuid, provider_campaign_id text,
               sequence_step int, steps jsonb, send_correlation_id uuid)
language plpgsql
volatile
security definer
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
as $$
#variable_conflict use_column
declare
  st          record;
  hour_start  timestamptz;
  day_start   timestamptz;
  hour_used   bigint;
  day_used    bigint;
  room        bigint;
  li_connect_room bigint;
  li_message_room bigint;
  want        int;
  cand        uuid[];
  chunk       uuid[];
  chunk_size  int;
  walk_at     timestamptz;
  walk_id     uuid;
  round_ids   uuid[];
  claimed     uuid[] := '{}'::uuid[];
  sup_ids     uuid[];
  sup_enrolments uuid[];
  used_email  bigint;
  used_connect bigint;
  used_message bigint;
begin
  perform outreach.check_correlation_id(claim_sends.correlation_id);
  if claim_sends.sender is null or not (claim_sends.sender = any (outreach.senders())) then
    raise exception 'sender % is unknown', coalesce(quote_literal(claim_sends.sender), 'NULL')
      using errcode = '22023', hint = 'Use one of queue, smtp, instantly, smartlead, heyreach.';
  end if;
  if claim_sends.lease is null or claim_sends.lease < interval '10 seconds' or claim_sends.lease > interval '24 hours' then
    raise exception 'lease % is out of bounds', coalesce(claim_sends.lease::text, 'NULL')
      using errcode = '22023', hint = 'A lease lasts from 10 seconds to 24 hours, e.g. ''5 minutes''.';
  end if;
  if claim_sends.max_rows is null or claim_sends.max_rows < 1 then
    raise exception 'max_rows must be a positive number, got %', claim_sends.max_rows
      using errcode = '22023', hint = 'Pass max_rows >= 1.';
  end if;
  if claim_sends.as_of is null then
    raise exception 'as_of must not be NULL' using errcode = '22004', hint = 'Omit it to mean now().';
  end if;

  -- One claimer at a time: the caps are counted and spent under this lock (a row in
  -- outreach_private, which no hub role can lock), and each statement below sees what
  -- the previous claimer committed.
  perform 1 from outreach_private.serial_locks k where k.lock_name = 'send_handover' for update;
  if outreach.sending_halted(claim_sends.as_of) then
    return;
  end if;
  select s.max_send_attempts, s.hourly_send_cap, s.daily_send_cap, s.linkedin_weekly_connect_cap,
         s.linkedin_daily_message_cap
    into st from outreach.settings s limit 1;

  -- 1. Leases that expired on the last attempt allowed: the send has failed.
  --    Looked for first: the update fires send_log's statement triggers even when it
  --    fails nothing, which cost more than the look.
  if outreach_private.expired_last_attempts(claim_sends.sender, claim_sends.as_of, st.max_send_attempts) then
    with exhausted as (
      update outreach.send_log l
         set send_status = 'failed',
             stopped_at = claim_sends.as_of,
             stop_reason = 'send_failed',
             error_message = format('lease expired without ack or release on attempt %s of %s', l.attempt, st.max_send_attempts),
             updated_at = now()
        from outreach.campaigns cg
       where cg.campaign_id = l.campaign_id
         and cg.sender = claim_sends.sender
         and l.send_status = 'queued'
         and l.claim_token is not null
         and l.handed_over_at is null
         and l.lease_until <= claim_sends.as_of
         and l.attempt >= st.max_send_attempts
      returning l.send_id, l.enrolment_id, l.correlation_id, l.outreach_id, l.attempt, l.lease_until
    ), enrolment_stop as (
      update outreach.send_log s
         set stopped_at = claim_sends.as_of, stop_reason = 'send_failed', updated_at = now()
        from exhausted e
       where s.enrolment_id = e.enrolment_id and s.send_id <> e.send_id and s.stopped_at is null
    )
    insert into outreach.outreach_errors (correlation_id, source, message, detail, outreach_id)
    select e.correlation_id, 'outreach.claim_sends',
           format('send %s failed: its lease expired without ack or release on attempt %s of %s',
                  e.send_id, e.attempt, st.max_send_attempts),
           jsonb_build_object('send_id', e.send_id, 'attempt', e.attempt, 'lease_until', e.lease_until,
                              'claim_correlation_id', claim_sends.correlation_id),
           e.outreach_id
      from exhausted e;
  end if;

  -- 2. What the caps leave for first hand-overs in this UTC hour and day.
  hour_start := date_trunc('hour', claim_sends.as_of, 'UTC');
  day_start := date_trunc('day', claim_sends.as_of, 'UTC');
  --    The day's counts are kept per UTC hour (outreach_private.handover_counts, exact:
  --    sql/80_dispatch/55_handover_counts.sql): at most 24 rows, where counting the day's
  --    hand-overs in send_log read a row for each, from pages the claims keep changing.
  select coalesce(sum(h.handovers) filter (where h.hour = hour_start), 0), coalesce(sum(h.handovers), 0)
    into hour_used, day_used
    from outreach_private.handover_counts h
   where h.channel = 'email'
     and h.hour >= day_start and h.hour < day_start + interval '24 hours';
  room := greatest(least(st.hourly_send_cap - hour_used, st.daily_send_cap - day_used), 0);
  -- LinkedIn has caps of its own (SPEC §12): step 1 of a LinkedIn enrolment is the
  -- connection request (rolling 7 days up to as_of), every later step a message (UTC day).
  select greatest(st.linkedin_weekly_connect_cap
                    - count(*) filter (where l.sequence_step = 1
                                         and l.first_claimed_at > claim_sends.as_of - interval '7 days'), 0),
         greatest(st.linkedin_daily_message_cap
                    - count(*) filter (where l.sequence_step > 1 and l.first_claimed_at >= day_start
                                         and l.first_claimed_at < day_start + interval '24 hours'), 0)
    into li_connect_room, li_message_room
    from outreach.send_log l
   where l.channel = 'linkedin'
     and l.first_claimed_at > least(claim_sends.as_of - interval '7 days', day_start)
     and l.first_claimed_at <= greatest(claim_sends.as_of, day_start + interval '24 hours');

  -- 3. The oldest takeable sends, locked (skip locked); a suppressed address is
  --    cancelled instead; each kind of first hand-over within what its cap leaves (a
  --    re-claim is no new hand-over). Set-based, round after round until max_rows are
  --    claimed or nothing takeable is left.
  want := claim_sends.max_rows;
  loop
    -- Walk the queue in send order a chunk at a time (send_log_dispatch_idx) and keep what
    -- due_sends takes: a claim costs what it walks. One statement over due_sends ordered
    -- and limited is planned, once the statistics know how many rows are queued, as a
    -- sort of the whole queue (88 ms a call at 95k, a second at 1M). The first chunk has 100
    -- rows (due_sends probes every row of a chunk before it keeps the oldest: 500 rows cost
    -- five times what 100 do when all are takeable), every further chunk 500, so a queue of
    -- rows it cannot take is walked in few steps.
    chunk_size := 100;
    cand := '{}';
    walk_at := '-infinity';
    walk_id := '00000000-0000-0000-0000-000000000000';
    loop
      -- Planned for each chunk with its values (dispatch_walk, above): the session's
      -- generic plan took 58 ms a chunk at 1M records, against 3 ms.
      chunk := outreach_private.dispatch_walk(claim_sends.as_of, walk_at, walk_id, chunk_size);
      exit when cardinality(chunk) = 0;
      cand := cand || array(
        select d.send_id
          from outreach.due_sends(claim_sends.as_of) d
         where d.send_id = any (chunk)
           and d.sender = claim_sends.sender
           and not (d.send_id = any (claimed))  -- taken in an earlier round, leased below
           and (d.first_claimed_at is not null
                or case when d.channel <> 'linkedin' then room > 0
                        when (select q.sequence_step from outreach.send_log q where q.send_id = d.send_id) = 1
                          then li_connect_room > 0
                        else li_message_room > 0 end)
         order by d.scheduled_at, d.send_id
         limit want - cardinality(cand));
      exit when cardinality(cand) >= want or cardinality(chunk) < chunk_size;
      select l.scheduled_at, l.send_id into walk_at, walk_id from outreach.send_log l where l.send_id = chunk[chunk_size];
      chunk_size := 500;
    end loop;
    exit when cardinality(cand) = 0;

    with locked as materialized (
      select l.send_id, l.enrolment_id, l.scheduled_at,
             case when l.first_claimed_at is not null then 'reclaim'
                  when l.channel <> 'linkedin' then 'email'
                  when l.sequence_step = 1 then 'connect'
                  else 'message' end as kind,
             -- Suppression patterns are addresses and domains: an email send by its address,
             -- a LinkedIn send by its person (opted out, or the person's email suppressed)
             -- and by the company's domain.
             case l.channel
               when 'linkedin' then not outreach.linkedin_usable(l.linkedin_url, p.email, p.email_status)
                                    or coalesce(t.domain_suppressed, false)
               else outreach.is_suppressed(l.email_to)
             end as suppressed
        from outreach.send_log l
        left join outreach.people p on p.person_id = l.person_id
        left join outreach.company_target t on t.target_id = l.target_id
       where l.send_id = any (cand)
         -- re-checked on the row as locked (a concurrent stop or hand-over wins)
         and l.send_status = 'queued'
         and l.stopped_at is null
         and l.handed_over_at is null
         and (l.lease_until is null or l.lease_until <= claim_sends.as_of)
       order by l.scheduled_at, l.send_id
         for no key update of l skip locked
    ), ranked as (
      select k.*, row_number() over (partition by k.kind, k.suppressed order by k.scheduled_at, k.send_id) as nth
        from locked k
    )
    select coalesce(array_agg(r.send_id) filter (where r.suppressed), '{}'),
           coalesce(array_agg(r.enrolment_id) filter (where r.suppressed), '{}'),
           coalesce(array_agg(r.send_id) filter (where not r.suppressed
                                                   and (r.kind = 'reclaim'
                                                        or r.nth <= case r.kind when 'email' then room
                                                                                when 'connect' then li_connect_room
                                                                                else li_message_room end)), '{}'),
           count(*) filter (where not r.suppressed and r.kind = 'email' and r.nth <= room),
           count(*) filter (where not r.suppressed and r.kind = 'connect' and r.nth <= li_connect_room),
           count(*) filter (where not r.suppressed and r.kind = 'message' and r.nth <= li_message_room)
      into sup_ids, sup_enrolments, round_ids, used_email, used_connect, used_message
      from ranked r;

    if cardinality(sup_ids) > 0 then
      update outreach.send_log l
         set send_status = case when l.send_id = any (sup_ids) then 'cancelled' else l.send_status end,
             stopped_at = claim_sends.as_of, stop_reason = 'suppressed', updated_at = now()
       where l.enrolment_id = any (sup_enrolments)
         and (l.send_id = any (sup_ids) or l.stopped_at is null);
    end if;
    room := room - used_email;
    li_connect_room := li_connect_room - used_connect;
    li_message_room := li_message_room - used_message;
    claimed := claimed || round_ids;
    want := want - cardinality(round_ids);
    exit when cardinality(sup_ids) = 0 or want <= 0;
  end loop;

  -- 4. Render the claimed messages now, in one statement, and lease them with what is
  --    handed over kept on the row; record what could not be rendered; return them
  --    oldest first.
  return query
    with r as materialized (
      select * from outreach_private.render_sends(claimed, claim_sends.as_of)
    ), leased as (
      update outreach.send_log l
         set claim_token = gen_random_uuid(),
             claim_correlation_id = claim_sends.correlation_id,
             claimed_by = claim_sends.sender,
             claimed_at = claim_sends.as_of,
             first_claimed_at = coalesce(l.first_claimed_at, claim_sends.as_of),
             lease_until = claim_sends.as_of + claim_sends.lease,
             attempt = l.attempt + 1,
             retry_after = null,
             subject = r.subject,
             body = r.body,
             updated_at = now()
        from r
       where l.send_id = r.send_id
         and l.send_id = any (claimed)  -- probed by key: r's row count is unknown to the planner
      returning l.send_id, l.enrolment_id, l.claim_token, l.lease_until, l.attempt, l.channel, l.email_to,
                l.linkedin_url, l.campaign_id, l.sequence_step, l.correlation_id, l.outreach_id, l.scheduled_at
    ), problems as (
      insert into outreach.outreach_errors (correlation_id, source, sqlstate, message, detail, outreach_id)
      select claim_sends.correlation_id, 'outreach.claim_sends', 'OR010',
             format('send %s handed over without a rendered message: %s', r.send_id, r.problem),
             jsonb_build_object('send_id', r.send_id, 'subject', r.subject is not null, 'body', r.body is not null),
             l.outreach_id
        from r
        join leased l on l.send_id = r.send_id
       where r.problem is not null
    )
    select l.send_id, l.enrolment_id, l.claim_token, l.lease_until, l.attempt, l.channel, l.email_to,
           l.linkedin_url, r.full_name, r.company_name, r.subject, r.body, r.proof_line, r.unsubscribe_url,
           '<' || r.unsubscribe_url || '>', 'List-Unsubscribe=One-Click'::text, r.calendar_link,
           l.campaign_id, cg.provider_campaign_id, l.sequence_step, r.steps, l.correlation_id::uuid
      from leased l
      join r on r.send_id = l.send_id
      join outreach.campaigns cg on cg.campaign_id = l.campaign_id
     order by l.scheduled_at, l.send_id;
end
$$;
comment on function outreach.claim_sends(uuid, text, int, interval, timestamptz) is
  'Leases up to max_rows takeable sends of campaigns with this sender, oldest scheduled_at first (for update skip locked): a fresh claim_token, lease_until = as_of + lease, attempt + 1; renders subject and body now and keeps them on the row; steps holds every rendered step for provider-run campaigns. Never more first hand-overs of email sends than hourly_send_cap per UTC hour and daily_send_cap per UTC day over all senders, nor of LinkedIn sends than linkedin_weekly_connect_cap connection requests (step 1) in the rolling 7 days up to as_of and linkedin_daily_message_cap messages (later steps) per UTC day; nothing while halted. Cancels sends to suppressed addresses (stop_reason suppressed) and fails sends whose lease expired max_send_attempts times (send_failed). 22023 unknown sender, lease outside 10 s..24 h or max_rows < 1; OR004 bad correlation id.';

-- The rows of a send's enrolment, locked in key order (as record_events locks them),
-- so an ack or release and a concurrent event never wait on each other in a cycle.
create or replace function outreach_private.lock_enrolment_of(send_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  perform 1
     from outreach.send_log l
    where l.enrolment_id = (select e.enrolment_id from outreach.send_log e where e.send_id = lock_enrolment_of.send_id)
    order by l.send_id
      for no key update of l;
end
$$;
comment on function outreach_private.lock_enrolment_of(uuid) is
  'Locks every send_log row of a send''s enrolment in send_id order.';

create or replace function outreach_private.refuse_claim(send_id uuid, claim_token uuid, why text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  raise exception 'claim token % is not the current claim of send %', coalesce(claim_token::text, 'NULL'), send_id
    using errcode = 'OR030',
          detail = why,
          hint = 'The lease expired and another worker claimed the send, or it was released, or the token was never issued: stop working on it; nothing was recorded.';
end
$$;
comment on function outreach_private.refuse_claim(uuid, uuid, text) is 'Raises OR030 for a token that is not the send''s current claim.';

create or replace function outreach.ack_send(
  send_id uuid,
  claim_token uuid,
  provider_message_id text default null,
  sent_at timestamptz default null
)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  r record;
begin
  perform outreach_private.lock_enrolment_of(ack_send.send_id);
  select l.claim_token, l.handed_over_at, l.claimed_by into r
    from outreach.send_log l
   where l.send_id = ack_send.send_id;
  if not found then
    perform outreach_private.refuse_claim(ack_send.send_id, ack_send.claim_token, 'the send does not exist');
  end if;
  if ack_send.claim_token is null or r.claim_token is distinct from ack_send.claim_token then
    perform outreach_private.refuse_claim(ack_send.send_id, ack_send.claim_token,
      case when r.claim_token is null then 'the send is not claimed' else 'another claim holds the send' end);
  end if;
  if r.handed_over_at is not null then
    return false;  -- a repeated ack changes nothing
  end if;
  update outreach.send_log l
     set handed_over_at = now(),
         provider_message_id = ack_send.provider_message_id,
         lease_until = null,
         updated_at = now()
   where l.send_id = ack_send.send_id;
  if ack_send.sent_at is not null then
    perform outreach.record_event(ack_send.send_id, 'email_sent', ack_send.sent_at, coalesce(r.claimed_by, 'queue'),
                                  jsonb_strip_nulls(jsonb_build_object('provider_message_id', ack_send.provider_message_id)),
                                  null);
  end if;
  return true;
end
$$;
comment on function outreach.ack_send(uuid, uuid, text, timestamptz) is
  'The holder of a claim reports the hand-over: handed_over_at and provider_message_id are set and the lease ends; with sent_at also an email_sent event at that time (source_system = the sender). Returns true, or false for a repeated ack (nothing changes). Accepted after the lease expired when nobody claimed the send since. OR030 when the token is not the send''s current claim.';

create or replace function outreach.release_send(
  send_id uuid,
  claim_token uuid,
  error text,
  permanent boolean default false,
  retry_after timestamptz default null
)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  r record;
  max_attempts int;
  fails boolean;
begin
  perform outreach_private.lock_enrolment_of(release_send.send_id);
  select l.claim_token, l.handed_over_at, l.attempt, l.correlation_id, l.outreach_id, l.enrolment_id,
         l.send_status, l.claimed_by
    into r
    from outreach.send_log l
   where l.send_id = release_send.send_id;
  if not found then
    perform outreach_private.refuse_claim(release_send.send_id, release_send.claim_token, 'the send does not exist');
  end if;
  if release_send.claim_token is null or r.claim_token is distinct from release_send.claim_token then
    perform outreach_private.refuse_claim(release_send.send_id, release_send.claim_token,
      case when r.claim_token is null then 'the send is not claimed' else 'another claim holds the send' end);
  end if;
  if r.handed_over_at is not null then
    perform outreach_private.refuse_claim(release_send.send_id, release_send.claim_token,
                                          'the send was already acknowledged as handed over');
  end if;
  if coalesce(btrim(release_send.error), '') = '' then
    raise exception 'releasing send % needs the error that stopped it', release_send.send_id
      using errcode = '22023', hint = 'Pass error, e.g. the SMTP reply or the provider''s message.';
  end if;

  select s.max_send_attempts into max_attempts from outreach.settings s limit 1;
  fails := coalesce(release_send.permanent, false) or r.attempt >= max_attempts;

  perform outreach.record_error(r.correlation_id, 'outreach.release_send', release_send.error, null,
                                jsonb_build_object('send_id', release_send.send_id, 'attempt', r.attempt,
                                                   'max_send_attempts', max_attempts,
                                                   'permanent', coalesce(release_send.permanent, false),
                                                   'sender', r.claimed_by, 'failed', fails),
                                r.outreach_id);
  if fails then
    update outreach.send_log l
       set send_status = case when l.send_status = 'queued' then 'failed' else l.send_status end,
           stopped_at = coalesce(l.stopped_at, now()),
           stop_reason = case when l.stopped_at is null then 'send_failed' else l.stop_reason end,
           error_message = release_send.error,
           claim_token = null,
           lease_until = null,
           updated_at = now()
     where l.send_id = release_send.send_id;
    update outreach.send_log l
       set stopped_at = now(), stop_reason = 'send_failed', updated_at = now()
     where l.enrolment_id = r.enrolment_id and l.send_id <> release_send.send_id and l.stopped_at is null;
  else
    update outreach.send_log l
       set error_message = release_send.error,
           claim_token = null,
           lease_until = null,
           retry_after = coalesce(release_send.retry_after, now() + make_interval(mins => power(2, r.attempt)::int)),
           updated_at = now()
     where l.send_id = release_send.send_id;
  end if;
end
$$;
comment on function outreach.release_send(uuid, uuid, text, boolean, timestamptz) is
  'The holder of a claim gives the send back with the error (recorded in outreach_errors with the send''s correlation id and in send_log.error_message): permanent, or on the max_send_attempts-th attempt, it fails (status failed, enrolment stopped, stop_reason send_failed); otherwise it is takeable again from retry_after (default now() + 2^attempt minutes). OR030 when the token is not the send''s current claim; 22023 without an error.';
