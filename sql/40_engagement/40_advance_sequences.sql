--------------------------------------------------------------------------------
-- advance_sequences: queue the next step of every enrolment whose delay has
-- elapsed and that nothing stopped.
--
-- An enrolment advances when its latest row (highest sequence_step) was sent
-- (sent_at set, status sent / delivered / opened / clicked), no row of it is
-- stopped, replied or bounced, its campaign is active and has an active step
-- sequence_order = latest step + 1, and latest sent_at + delay_days × 24 h +
-- delay_hours × 1 h (exact elapsed time) <= as_of. The person's email must still
-- be usable, the target not opted out, paused or exhausted, the record not
-- handed off, and the company must have no queued row. The new row copies the
-- enrolment (enrolment_id, outreach_id, target_id, campaign_id, person_id,
-- email_to), is 'queued' with scheduled_at = as_of and the caller's correlation id.
-- Follow-ups count against the global daily / hourly caps and the campaign's
-- daily_send_limit (not its total_send_limit, which gates new enrolments), oldest
-- due first; nothing is queued while sending is halted. The latest rows are locked
-- (skip locked) so that a stop recorded concurrently is never missed.
--------------------------------------------------------------------------------

create or replace function outreach.advance_sequences(correlation_id uuid, as_of timestamptz default now())
returns int
language plpgsql
volatile
security definer  -- takes the send-capacity lock in outreach_private (docs/security.md)
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
set plan_cache_mode = force_custom_plan  -- plan each call for its values: a generic plan cached from the sixth call doubled a call's time (issue 18)
as $$
#variable_conflict use_column
declare
  day_start  timestamptz := date_trunc('day', advance_sequences.as_of, 'UTC');
  hour_start timestamptz := date_trunc('hour', advance_sequences.as_of, 'UTC');
  cap_room   bigint;
  n_queued   int;
begin
  perform outreach.check_correlation_id(advance_sequences.correlation_id);
  perform outreach.checked_time(advance_sequences.as_of, 'as_of');

  -- The lock promote counts and spends the caps under: a promote and an advance
  -- running at once cannot both take the last free slot.
  perform 1 from outreach_private.serial_locks k where k.lock_name = 'send_capacity' for update;

  if outreach.sending_halted(advance_sequences.as_of) then
    return 0;
  end if;

  select least(s.daily_send_cap - count(*) filter (where l.scheduled_at >= day_start
                                                      and l.scheduled_at < day_start + interval '24 hours'),
               s.hourly_send_cap - count(*) filter (where l.scheduled_at >= hour_start
                                                       and l.scheduled_at < hour_start + interval '1 hour'))
    into cap_room
    from outreach.settings s
    left join outreach.send_log l
      on l.send_status <> 'cancelled'
     and l.scheduled_at >= day_start and l.scheduled_at < day_start + interval '24 hours'
   group by s.daily_send_cap, s.hourly_send_cap;
  if cap_room <= 0 then
    return 0;
  end if;

  with latest as (
    select l.*
      from outreach.send_log l
     where l.sent_at is not null
       and l.stopped_at is null
       and l.campaign_id is not null
       and l.send_status in ('sent', 'delivered', 'opened', 'clicked')
       and not exists (select 1 from outreach.send_log x
                        where x.enrolment_id = l.enrolment_id
                          and (x.sequence_step > l.sequence_step
                               or x.stopped_at is not null
                               or x.send_status in ('replied', 'bounced')))
    -- A row record_events is changing right now (a reply stopping the enrolment)
    -- is left for the next run; a row it changed meanwhile is re-checked.
       for no key update of l skip locked
  ), due as (
    select lt.outreach_id, lt.target_id, lt.sovereign_company_id, lt.campaign_id, lt.person_id,
           lt.enrolment_id, lt.email_to, lt.sequence_step + 1 as next_step, sq.sequence_id as next_sequence_id,
           lt.sent_at + make_interval(hours => sq.delay_days * 24 + sq.delay_hours) as due_at
      from latest lt
      -- Provider-run campaigns (instantly, smartlead, heyreach) run their own steps.
      join outreach.campaigns c on c.campaign_id = lt.campaign_id and c.campaign_status = 'active'
                               and c.sender in ('queue', 'smtp')
      join outreach.sequences sq
        on sq.campaign_id = lt.campaign_id
       and sq.sequence_order = lt.sequence_step + 1
       and sq.sequence_status = 'active'
      join outreach.company_target t
        on t.target_id = lt.target_id and t.target_status not in ('opted_out', 'paused', 'exhausted')
      join outreach.outreach o on o.outreach_id = lt.outreach_id and o.status <> 'HANDED_OFF'
      left join outreach.people p on p.person_id = lt.person_id
     where lt.sent_at + make_interval(hours => sq.delay_days * 24 + sq.delay_hours) <= advance_sequences.as_of
       and nullif(btrim(lt.email_to), '') is not null
       and coalesce(p.email_status, 'unverified') not in ('bounced', 'unsubscribed')
       and not exists (select 1 from outreach.send_log q
                        where q.outreach_id = lt.outreach_id and q.send_status = 'queued')
  ), campaign_room as (
    select c.campaign_id,
           c.daily_send_limit - (select count(*)
                                   from outreach.send_log l
                                  where l.campaign_id = c.campaign_id
                                    and l.send_status <> 'cancelled'
                                    and l.scheduled_at >= day_start
                                    and l.scheduled_at < day_start + interval '24 hours') as free
      from outreach.campaigns c
     where c.campaign_id in (select d.campaign_id from due d)
  ), ranked as (
    select d.*, row_number() over (partition by d.campaign_id order by d.due_at, d.enrolment_id) as n
      from due d
  ), picked as (
    select r.*
      from ranked r
      join campaign_room cr on cr.campaign_id = r.campaign_id
     where cr.free is null or r.n <= cr.free
     order by r.due_at, r.enrolment_id
     limit cap_room
  )
  insert into outreach.send_log
         (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id, enrolment_id,
          email_to, sequence_step, send_status, scheduled_at, correlation_id)
  select p.outreach_id, p.target_id, p.sovereign_company_id, p.campaign_id, p.next_sequence_id, p.person_id,
         p.enrolment_id, p.email_to, p.next_step, 'queued', advance_sequences.as_of, advance_sequences.correlation_id
    from picked p
   order by p.due_at, p.enrolment_id
      on conflict (outreach_id) where send_status = 'queued' do nothing;
  get diagnostics n_queued = row_count;
  return n_queued;
end
$$;
comment on function outreach.advance_sequences(uuid, timestamptz) is
  'Queues the next step of every enrolment of a queue or smtp campaign (providers run their own steps) whose previous step was sent at least delay_days × 24 h + delay_hours ago at as_of and that no reply, meeting, bounce or opt-out stopped; within the daily / hourly caps and campaign daily limits, nothing while halted. Returns how many follow-ups were queued. OR004 bad correlation id.';
