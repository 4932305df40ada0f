--------------------------------------------------------------------------------
-- Promotion: enrol eligible records, best score first, within caps and limits.
--------------------------------------------------------------------------------

create or replace function outreach.halted_switches(as_of timestamptz default now())
returns text[]
language sql
stable
as $$
  select coalesce(array_agg(k.switch order by k.switch), '{}')
    from outreach.kill_switch_state k
   where k.tripped and (k.resumes_at is null or k.resumes_at > halted_switches.as_of)
     and outreach.checked_time(halted_switches.as_of, 'as_of') is not null
$$;
comment on function outreach.halted_switches(timestamptz) is
  'The kill switches in force at as_of (tripped, and before their resume time or not yet cleared), sorted. The LinkedIn switches (linkedin_weekly_connect_cap, linkedin_daily_message_cap) halt only LinkedIn connection requests and messages; any other one halts everything (sending_halted).';

create or replace function outreach.sending_halted(as_of timestamptz default now())
returns boolean
language sql
stable
as $$
  -- Every switch but the two LinkedIn caps, which pause LinkedIn alone (due_sends).
  select exists (
    select 1 from outreach.kill_switch_state k
     where k.tripped and (k.resumes_at is null or k.resumes_at > sending_halted.as_of)
       and k.switch not in ('linkedin_weekly_connect_cap', 'linkedin_daily_message_cap'))
   where outreach.checked_time(sending_halted.as_of, 'as_of') is not null
$$;
comment on function outreach.sending_halted(timestamptz) is
  'True while a halting kill switch is tripped at as_of (until its resume time, or until a person clears it): nothing is promoted or handed to the sender. The LinkedIn cap switches do not count here: they pause LinkedIn hand-overs only (see halted_switches, due_sends).';

create or replace function outreach.send_capacity(as_of timestamptz default now())
returns table (daily_used bigint, daily_left bigint, hourly_used bigint, hourly_left bigint)
language sql
stable
as $$
  -- Every non-cancelled send scheduled in the UTC day / UTC clock hour of as_of.
  with w as (
    select (date_trunc('day', send_capacity.as_of at time zone 'UTC')) at time zone 'UTC' as day_start,
           (date_trunc('hour', send_capacity.as_of at time zone 'UTC')) at time zone 'UTC' as hour_start
  ), used as (
    select count(*) filter (where l.scheduled_at >= w.day_start and l.scheduled_at < w.day_start + interval '24 hours') as d,
           count(*) filter (where l.scheduled_at >= w.hour_start and l.scheduled_at < w.hour_start + interval '1 hour') as h
      from w
      left join outreach.send_log l
        on l.send_status <> 'cancelled'
       and l.scheduled_at >= w.day_start and l.scheduled_at < w.day_start + interval '24 hours'
  )
  select used.d, greatest(s.daily_send_cap - used.d, 0), used.h, greatest(s.hourly_send_cap - used.h, 0)
    from used cross join outreach.settings s
   where outreach.checked_time(send_capacity.as_of, 'as_of') is not null
$$;
comment on function outreach.send_capacity(timestamptz) is
  'Sends scheduled so far in the UTC day and the UTC clock hour of as_of (non-cancelled), and how many more the global caps allow.';

create or replace function outreach.promote(
  correlation_id uuid,
  max_rows int default 100,
  as_of timestamptz default now(),
  dry_run boolean default false
)
returns table (outreach_id uuid, send_id uuid, campaign_id uuid, sequence_id uuid,
               person_id uuid, slot_type text, email_to text)
language plpgsql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
set plan_cache_mode = force_custom_plan  -- plan each call for its values: a generic plan cached from the sixth call doubled a call's time (issue 18)
as $$
#variable_conflict use_column
declare
  room bigint;
  halted boolean;
  enrolled bigint;
begin
  perform outreach.check_correlation_id(promote.correlation_id);
  if promote.max_rows is null or promote.max_rows < 1 then
    raise exception 'max_rows must be a positive number, got %', promote.max_rows
      using errcode = '22023', hint = 'Pass max_rows >= 1.';
  end if;
  perform outreach.checked_time(promote.as_of, 'as_of');
  if promote.dry_run is null then
    raise exception 'dry_run must not be NULL' using errcode = '22004', hint = 'Pass true or false (omit it to mean false).';
  end if;

  if not promote.dry_run then
    -- One promoter at a time: caps are counted and spent under this lock, and each
    -- statement below sees what an earlier promoter committed. The unique index
    -- send_log_one_open_enrolment is what makes a double enrolment impossible.
    -- A row of outreach_private, not an advisory key: no hub role can take it.
    perform 1 from outreach_private.serial_locks k where k.lock_name = 'send_capacity' for update;
  end if;

  halted := outreach.sending_halted(promote.as_of);
  if halted then
    room := 0;
  else
    select greatest(least(c.daily_left, c.hourly_left, promote.max_rows), 0) into room
      from outreach.send_capacity(promote.as_of) c;
  end if;
  -- A dry run with nothing to promote returns at once. A real run goes on with
  -- room 0 too: it still evaluates every record and appends its evaluation run.
  if room <= 0 and promote.dry_run then
    return;
  end if;

  return query
    with evaluated as materialized (
      -- Every scored record once (candidates_scored(), the part of candidates() with the
      -- campaign search): one scan serves the pick and the log. Only an eligible row keeps
      -- its details; every row keeps its reasons as bits (reason_bits, 0 when eligible),
      -- which tally counts and spells once per distinct set (the function is inlined, so
      -- what is not kept is not computed: no record's reasons are spelt here). A dry run
      -- logs nothing and keeps the eligible rows alone. The unscored records (never
      -- eligible) are only counted, in tally.
      select c.eligible, c.score_tier in ('HOT', 'BURNING') as hot, c.reason_bits,
             case when c.eligible then c.outreach_id end as outreach_id,
             case when c.eligible then c.target_id end as target_id,
             case when c.eligible then c.sovereign_company_id end as sovereign_company_id,
             case when c.eligible then c.campaign_id end as campaign_id,
             case when c.eligible then c.sequence_id end as sequence_id,
             case when c.eligible then c.primary_person_id end as primary_person_id,
             case when c.eligible then c.primary_slot end as primary_slot,
             case when c.eligible then c.primary_email end as primary_email,
             case when c.eligible then c.channel end as channel,
             case when c.eligible then c.primary_linkedin_url end as primary_linkedin_url,
             case when c.eligible then c.bit_score end as bit_score
        from outreach.candidates_scored(promote.as_of) c
       where c.eligible or not promote.dry_run
    ), pick as materialized (
      select p.outreach_id, p.target_id, p.sovereign_company_id, p.campaign_id, p.sequence_id,
             p.primary_person_id as person_id, p.primary_slot as slot_type, p.primary_email as email_to,
             p.channel, p.primary_linkedin_url as linkedin_url, p.bit_score as score
        from (
          select c.*,
                 row_number() over (partition by c.campaign_id order by c.bit_score desc, c.outreach_id) as nth_in_campaign
            from evaluated c
           where c.eligible
        ) p
        join outreach.campaigns cg on cg.campaign_id = p.campaign_id
        left join lateral (
          select count(*) as used
            from outreach.send_log l
           where l.campaign_id = cg.campaign_id
             and l.send_status <> 'cancelled'
             and l.scheduled_at >= (date_trunc('day', promote.as_of at time zone 'UTC')) at time zone 'UTC'
             and l.scheduled_at < (date_trunc('day', promote.as_of at time zone 'UTC')) at time zone 'UTC' + interval '24 hours'
        ) today on cg.daily_send_limit is not null
       where cg.daily_send_limit is null or p.nth_in_campaign <= cg.daily_send_limit - today.used
       order by p.bit_score desc, p.outreach_id
       limit room
    ), ctx as materialized (
      -- For audit: the proof line, and what the subject is rendered from (the audience ×
      -- pressure class template, when the message is authorized for the contact being
      -- queued), for each picked record.
      select k.*, m.authorized, m.audience, m.pressure_class, m.proof_line, m.placeholder_values
        from pick k
        cross join lateral outreach.message_context(k.outreach_id, promote.as_of) m
       where not promote.dry_run
    ), tpl as materialized (
      -- The subject templates these records use, each cut once into the pieces
      -- try_render_template renders from (outreach_private.template_pieces, as claims'
      -- render_sends does), with its distinct placeholders in order of first use
      -- (missing_placeholders' order): rendering a subject is then a join of its pieces,
      -- not two regular expressions per record (≈ 25 µs a record). test/sql/promote/subject proves the
      -- subjects and the missing lists are what those two functions give.
      select t.audience, t.pressure_class, tp.lits, tp.names,
             outreach.template_placeholders(t.subject_template) as placeholders
        from outreach.message_templates t
        cross join lateral outreach_private.template_pieces(t.subject_template) tp
       where (t.audience, t.pressure_class) in (select c.audience, c.pressure_class from ctx c)
    ), msg as materialized (
      -- A subject that cannot render (missing value, missing template) is stored as
      -- NULL and recorded in outreach_errors below; it never stops the promotion.
      select c.*, t.audience is not null as has_template,
             case when c.authorized and c.audience = c.slot_type and t.audience is not null
                       and not exists (select from unnest(t.names) n
                                        where coalesce(btrim(c.placeholder_values ->> n), '') = '')
                  then array_to_string(array(select x.lit || coalesce(c.placeholder_values ->> x.name, '')
                                               from unnest(t.lits, t.names) as x(lit, name)), '') end as subject,
             case when c.authorized
                  then array(select u.name
                               from unnest(t.placeholders) with ordinality as u(name, ord)
                              where coalesce(btrim(c.placeholder_values ->> u.name), '') = ''
                              order by u.ord) end as missing
        from ctx c
        left join tpl t on t.audience = c.audience and t.pressure_class = c.pressure_class
    ), queued as (
      insert into outreach.send_log as l
             (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
              email_to, channel, linkedin_url, sequence_step, send_status, scheduled_at, correlation_id,
              proof_line, subject)
      select k.outreach_id, k.target_id, k.sovereign_company_id, k.campaign_id, k.sequence_id, k.person_id,
             k.email_to, coalesce(k.channel, 'email'), k.linkedin_url, 1, 'queued', promote.as_of,
             promote.correlation_id, k.proof_line, k.subject
        from msg k
      -- A row queued by anyone else meanwhile wins; this record is simply skipped.
      on conflict (outreach_id) where send_status = 'queued' do nothing
      returning l.outreach_id, l.send_id
    ), sent as materialized (
      -- outreach_id → send_id of what was queued. CTE row estimates are tiny, so a join
      -- between two CTEs plans as a nested loop (quadratic in max_rows); a jsonb map is
      -- probed by key instead.
      select coalesce(jsonb_object_agg(q.outreach_id::text, q.send_id), '{}') as send_ids
        from queued q
    ), render_errors as (
      insert into outreach.outreach_errors (correlation_id, source, sqlstate, message, detail, outreach_id)
      select promote.correlation_id, 'outreach.promote',
             case when m.has_template then 'OR010' else 'OR011' end,
             case when m.has_template
                  then format('subject placeholder {{%s}} has no value for outreach record %s',
                              array_to_string(m.missing, '}}, {{'), m.outreach_id)
                  else format('no message template for audience %s and pressure class %s (outreach record %s)',
                              m.audience, m.pressure_class, m.outreach_id) end,
             jsonb_build_object('send_id', s.send_ids -> (m.outreach_id::text), 'audience', m.audience,
                                'pressure_class', m.pressure_class, 'missing', to_jsonb(m.missing),
                                'action', 'queued with subject NULL'),
             m.outreach_id
        from msg m
        cross join sent s
       where m.authorized and m.subject is null
         and (not m.has_template or cardinality(m.missing) > 0)
         and s.send_ids ? (m.outreach_id::text)
    ), locked as (
      -- The hub's lock order (docs/security.md): the spine rows of the records just
      -- queued, by outreach_id, before their targets (record_events holds a company's
      -- spine row before anything else of it).
      select o.outreach_id
        from outreach.outreach o
       where o.outreach_id in (select q.outreach_id from queued q)
       order by o.outreach_id
         for no key update of o
    ), targets as (
      update outreach.company_target t
         set target_status = 'active', updated_at = now()
        from locked q
       where t.outreach_id = q.outreach_id and t.target_status = 'queued'
    ), spine as (
      update outreach.outreach o
         set status = 'ACTIVE', updated_at = now()
        from locked q
       where o.outreach_id = q.outreach_id and o.status = 'INIT'
    ), tally as (
      -- One pass over the evaluation: records grouped by what decided them (a few hundred
      -- distinct sets of reasons, not one row per record and reason), grouped by their
      -- bits and each set spelt once.
      select outreach_private.reasons_of(v.bits) as blocking_reasons, v.eligible, v.hot, v.records
        from (select e.reason_bits as bits, e.eligible, e.hot, count(*) as records
                from evaluated e
               where not promote.dry_run
               group by e.reason_bits, e.eligible, e.hot) v
      union all
      -- The rest of candidates(): the unscored records (never eligible, never HOT: no
      -- score), counted by their reasons.
      select u.blocking_reasons, false, false, u.records
        from outreach_private.unscored_tally(promote.as_of) u
       where not promote.dry_run
    ), run_log as (
      -- The evaluation run: what every record looked like at as_of and what was enrolled.
      insert into outreach.evaluation_runs
             (correlation_id, source, as_of, evaluated, eligible, hot_evaluated, hot_eligible,
              promoted, capacity, halted, blocked_by_reason)
      select promote.correlation_id, 'outreach.promote', promote.as_of,
             coalesce(sum(t.records), 0),
             coalesce(sum(t.records) filter (where t.eligible), 0),
             coalesce(sum(t.records) filter (where t.hot), 0),
             coalesce(sum(t.records) filter (where t.hot and t.eligible), 0),
             (select count(*) from queued), room, halted,
             (select jsonb_object_agg(k.code, coalesce(b.records, 0) order by k.ord)
                from unnest(outreach.blocking_reason_codes()) with ordinality k(code, ord)
                left join (select x.code, sum(g.records) as records
                             from tally g cross join unnest(g.blocking_reasons) x(code)
                            group by x.code) b on b.code = k.code)
        from tally t
      having not promote.dry_run  -- an aggregate without rows is still one row
    )
    select k.outreach_id, (s.send_ids ->> (k.outreach_id::text))::uuid, k.campaign_id, k.sequence_id,
           k.person_id, k.slot_type, k.email_to
      from pick k
      cross join sent s
     where promote.dry_run or s.send_ids ? (k.outreach_id::text)
     order by k.score desc, k.outreach_id;

  -- A bulk enrolment changes what send_log looks like (queued rows, per-record counts)
  -- faster than autovacuum notices: the next statements on it (record_events, claims,
  -- the next evaluation) would be planned for the old table. Refresh its statistics
  -- when this call added more than a tenth of it (at least 1,000 rows).
  if not promote.dry_run then
    get diagnostics enrolled = row_count;
    if enrolled >= 1000
       and enrolled > 0.1 * greatest((select c.reltuples from pg_catalog.pg_class c
                                       where c.oid = 'outreach.send_log'::regclass), 0) then
      analyze outreach.send_log;
    end if;
  end if;
end
$$;
comment on function outreach.promote(uuid, int, timestamptz, boolean) is
  'Enrols eligible records, best BIT score first: queues step 1 in send_log (channel and address of the matched campaign: email_to, or linkedin_url with email_to NULL for a LinkedIn campaign; scheduled at as_of, with the correlation id, the proof line and the rendered subject of an authorized message), marks the target active and the spine ACTIVE. A subject that cannot render is stored NULL and recorded in outreach_errors. Never over the daily/hourly caps or a campaign''s daily limit, nothing while halted. Every call but a dry run appends one outreach.evaluation_runs row (evaluated, eligible, HOT/BURNING, promoted, blocked by reason), even when halted or out of capacity; dry_run writes nothing.';
