--------------------------------------------------------------------------------
-- Kill switches (SPEC §5): the readings, the board, the check that trips and
-- records, the clearing by a person, and the halt predicate.
--
--   daily_send_cap    non-cancelled send_log rows whose scheduled_at is in the UTC
--                     day of as_of; trips when the count reaches the cap; halted
--                     until the next UTC midnight.
--   hourly_send_cap   the same over the UTC clock hour of as_of; paused until the
--                     hour ends.
--   bounce_rate       email messages with an email_bounce / unsubscribe / spam_complaint
--   unsubscribe_rate  event, over messages sent, both by sent_at in the rolling
--   complaint_rate    window (as_of - rate_window, as_of]; an event counts when its
--                     event_ts <= as_of; a message counts once however many events
--                     of the kind it got. Trips when the rate is above the ceiling
--                     (strictly) and at least rate_min_sample messages were sent;
--                     halted until a person clears it.
--   linkedin_weekly_connect_cap
--                     LinkedIn connection requests in the rolling 7 days (as_of - 7 days,
--                     as_of]: step-1 LinkedIn sends first handed over in it, and sends a
--                     provider reported a linkedin_connect_sent for in it (one send counts
--                     once); trips when the count reaches the cap; pauses LinkedIn
--                     connection requests until enough of them leave the window (the
--                     instant the count would drop below the cap).
--   linkedin_daily_message_cap
--                     LinkedIn messages in the UTC day of as_of: later-step LinkedIn sends
--                     first handed over that day, plus linkedin_message_sent events that
--                     day on step-1 sends (a provider-run campaign's follow-ups); trips
--                     when the count reaches the cap; pauses LinkedIn messages until the
--                     next UTC midnight.
--                     The two LinkedIn switches halt LinkedIn only (outreach.halted_switches,
--                     due_sends): email keeps going, and sending_halted stays false.
--   Cooldown          until rate_switch_cooldown after a clearing (as_of <
--                     cleared_at + cooldown, an as_of before the clearing included),
--                     only events whose event_ts is after cleared_at count, so the
--                     events that tripped it cannot trip it again, not even through a
--                     check whose as_of is older than the clearing (one that started
--                     before it and waited for its lock); after the cooldown the
--                     window counts every event again.
--   Clearing          only a tripped rate switch can be cleared (OR024 otherwise:
--                     clearing nothing would start a cooldown that hides the events
--                     of the next trip). Switch state and history are written only by
--                     check_kill_switches and clear_kill_switch (security definer);
--                     both lock the state rows first, so they run one after the other.
--   Halt              sending is halted exactly when some kill_switch_state row has
--                     tripped and (resumes_at is null or resumes_at > as_of)
--                     (the predicate of outreach.sending_halted, which promote
--                     defines). A cap switch whose resumes_at has
--                     passed is reset (tripped = false, history 'resumed' at its
--                     resumes_at) by the next check_kill_switches.
-- Every interval is applied as exact elapsed time, whatever the session TimeZone.
--------------------------------------------------------------------------------

create or replace function outreach.kill_switch_readings(as_of timestamptz default now())
returns table (switch text, threshold numeric, observed numeric, sample bigint, crossed boolean)
language sql
stable
set search_path = ''
as $$
  with s as (
    select st.daily_send_cap, st.hourly_send_cap,
           st.bounce_rate_ceiling, st.unsubscribe_rate_ceiling, st.complaint_rate_ceiling,
           st.rate_min_sample,
           kill_switch_readings.as_of - make_interval(secs => extract(epoch from st.rate_window)) as window_start,
           make_interval(secs => extract(epoch from st.rate_switch_cooldown)) as cooldown,
           date_trunc('day', kill_switch_readings.as_of, 'UTC') as day_start,
           date_trunc('hour', kill_switch_readings.as_of, 'UTC') as hour_start,
           st.linkedin_weekly_connect_cap, st.linkedin_daily_message_cap
      from outreach.settings st
  ), caps as (
    select count(*) filter (where l.scheduled_at >= s.day_start and l.scheduled_at < s.day_start + interval '24 hours') as day_count,
           count(*) filter (where l.scheduled_at >= s.hour_start and l.scheduled_at < s.hour_start + interval '1 hour') as hour_count
      from s
      join outreach.send_log l
        on l.send_status <> 'cancelled'
       and l.scheduled_at >= s.day_start and l.scheduled_at < s.day_start + interval '24 hours'
  ), linkedin as (
    select (select count(*) from (
              select l.send_id from outreach.send_log l
               where l.channel = 'linkedin' and l.sequence_step = 1
                 and l.first_claimed_at > kill_switch_readings.as_of - interval '7 days'
                 and l.first_claimed_at <= kill_switch_readings.as_of
              union
              select e.send_id from outreach.engagement_events e
               where e.event_type = 'linkedin_connect_sent'
                 and e.event_ts > kill_switch_readings.as_of - interval '7 days'
                 and e.event_ts <= kill_switch_readings.as_of
                 and e.send_id is not null) c) as connects,
           (select count(*) from outreach.send_log l, s
             where l.channel = 'linkedin' and l.sequence_step > 1
               and l.first_claimed_at >= s.day_start and l.first_claimed_at < s.day_start + interval '24 hours')
         + (select count(*) from outreach.engagement_events e
              join outreach.send_log l on l.send_id = e.send_id, s
             where e.event_type = 'linkedin_message_sent'
               and e.event_ts >= s.day_start and e.event_ts < s.day_start + interval '24 hours'
               and l.sequence_step = 1) as messages
  ), sent as (
    select l.send_id
      from s
      join outreach.send_log l on l.sent_at > s.window_start and l.sent_at <= kill_switch_readings.as_of
     where l.channel = 'email'  -- the rates are email reputation: a LinkedIn message cannot bounce
  ), clearing as (
    -- per rate switch: events must be after this instant (-infinity outside a cooldown)
    select k.switch,
           case when k.cleared_at is not null
                 and kill_switch_readings.as_of < k.cleared_at + s.cooldown
                then k.cleared_at else '-infinity'::timestamptz end as events_after
      from outreach.kill_switch_state k, s
  ), rates as (
    select (select count(*) from sent) as sent_count,
           (select count(*) from sent x
             where exists (select 1 from outreach.engagement_events e, clearing c
                            where e.send_id = x.send_id and e.event_type = 'email_bounce'
                              and e.event_ts <= kill_switch_readings.as_of
                              and c.switch = 'bounce_rate' and e.event_ts > c.events_after)) as bounced,
           (select count(*) from sent x
             where exists (select 1 from outreach.engagement_events e, clearing c
                            where e.send_id = x.send_id and e.event_type = 'unsubscribe'
                              and e.event_ts <= kill_switch_readings.as_of
                              and c.switch = 'unsubscribe_rate' and e.event_ts > c.events_after)) as unsubscribed,
           (select count(*) from sent x
             where exists (select 1 from outreach.engagement_events e, clearing c
                            where e.send_id = x.send_id and e.event_type = 'spam_complaint'
                              and e.event_ts <= kill_switch_readings.as_of
                              and c.switch = 'complaint_rate' and e.event_ts > c.events_after)) as complained
  )
  -- Rates are compared exactly (events > ceiling × sent); observed is rounded for display.
  select r.switch, r.threshold,
         case when r.is_cap then r.hits else round(r.hits / nullif(r.sample, 0), 6) end,
         r.sample,
         case when r.is_cap then r.hits >= r.threshold
              else r.sample >= s.rate_min_sample and r.hits > r.threshold * r.sample end
    from s, caps, rates, linkedin,
         lateral (values
           (1, 'daily_send_cap',   true,  s.daily_send_cap::numeric,  caps.day_count::numeric,  caps.day_count),
           (2, 'hourly_send_cap',  true,  s.hourly_send_cap::numeric, caps.hour_count::numeric, caps.hour_count),
           (3, 'bounce_rate',      false, s.bounce_rate_ceiling,      rates.bounced::numeric,      rates.sent_count),
           (4, 'unsubscribe_rate', false, s.unsubscribe_rate_ceiling, rates.unsubscribed::numeric, rates.sent_count),
           (5, 'complaint_rate',   false, s.complaint_rate_ceiling,   rates.complained::numeric,   rates.sent_count),
           (6, 'linkedin_weekly_connect_cap', true, s.linkedin_weekly_connect_cap::numeric, linkedin.connects::numeric, linkedin.connects),
           (7, 'linkedin_daily_message_cap',  true, s.linkedin_daily_message_cap::numeric,  linkedin.messages::numeric, linkedin.messages)
         ) as r(pos, switch, is_cap, threshold, hits, sample)
   where outreach.checked_time(kill_switch_readings.as_of, 'as_of') is not null
   order by r.pos;
$$;
comment on function outreach.kill_switch_readings(timestamptz) is
  'What each kill switch measures at as_of: threshold, observed value (count for caps, rate for rates, NULL with nothing sent), sample (messages counted) and whether it crossed its threshold (caps: reached; rates: above the ceiling with the minimum sample, cooldown applied). Writes nothing.';

create or replace function outreach.kill_switches(as_of timestamptz default now())
returns table (switch text, threshold numeric, observed numeric, tripped boolean,
               tripped_at timestamptz, resumes_at timestamptz, action text)
language sql
stable
set search_path = ''
as $$
  select r.switch,
         r.threshold,
         r.observed,
         coalesce(f.in_force, false),
         case when f.in_force then k.tripped_at end,
         case when f.in_force then k.resumes_at end,
         case r.switch
           when 'daily_send_cap'  then 'halt_until_next_utc_day'
           when 'hourly_send_cap' then 'pause_until_next_hour'
           when 'linkedin_weekly_connect_cap' then 'pause_linkedin_connects_until_window_frees'
           when 'linkedin_daily_message_cap' then 'pause_linkedin_messages_until_next_utc_day'
           else 'halt_until_cleared'
         end
    from outreach.kill_switch_readings(kill_switches.as_of) r
    left join outreach.kill_switch_state k on k.switch = r.switch
    cross join lateral (select k.tripped and (k.resumes_at is null or k.resumes_at > kill_switches.as_of) as in_force) f
   order by array_position(array['daily_send_cap', 'hourly_send_cap', 'bounce_rate', 'unsubscribe_rate',
                                 'complaint_rate', 'linkedin_weekly_connect_cap',
                                 'linkedin_daily_message_cap'], r.switch);
$$;
comment on function outreach.kill_switches(timestamptz) is
  'The kill-switch board at as_of: one row per switch with its threshold, the value observed now, whether it halts sending (as recorded by check_kill_switches), since and until when, and its action. Writes nothing.';

create or replace function outreach_private.linkedin_connects_resume_at(as_of timestamptz, observed numeric, threshold numeric)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  -- The instant the rolling count of connection requests drops below the cap: the
  -- (observed - threshold + 1)-th oldest request of the window leaves it 7 days after it.
  select t.at + interval '7 days'
    from (
      select min(x.at) as at, x.send_id
        from (
          select l.send_id, l.first_claimed_at as at from outreach.send_log l
           where l.channel = 'linkedin' and l.sequence_step = 1
             and l.first_claimed_at > linkedin_connects_resume_at.as_of - interval '7 days'
             and l.first_claimed_at <= linkedin_connects_resume_at.as_of
          union all
          select e.send_id, e.event_ts from outreach.engagement_events e
           where e.event_type = 'linkedin_connect_sent' and e.send_id is not null
             and e.event_ts > linkedin_connects_resume_at.as_of - interval '7 days'
             and e.event_ts <= linkedin_connects_resume_at.as_of
        ) x
       group by x.send_id
    ) t
   order by t.at
  offset greatest(linkedin_connects_resume_at.observed - linkedin_connects_resume_at.threshold, 0)
   limit 1
$$;
comment on function outreach_private.linkedin_connects_resume_at(timestamptz, numeric, numeric) is
  'When a tripped linkedin_weekly_connect_cap stops pausing: the moment enough connection requests have left the rolling 7-day window for the count to drop below the cap.';

create or replace function outreach.check_kill_switches(correlation_id uuid, as_of timestamptz default now())
returns table (switch text, threshold numeric, observed numeric, tripped boolean,
               tripped_at timestamptz, resumes_at timestamptz, action text)
language plpgsql
volatile
security definer  -- switch state and history are written by the hub's functions only
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
set plan_cache_mode = force_custom_plan  -- plan each call for its values: a generic plan cached from the sixth call doubled a call's time (issue 18)
as $$
#variable_conflict use_column
begin
  perform outreach.check_correlation_id(check_kill_switches.correlation_id);
  perform outreach.checked_time(check_kill_switches.as_of, 'as_of');

  -- One check (or clearing) at a time. A check that waited here for a clearing sees
  -- its cleared_at in the statements below, and the readings ignore the events the
  -- clearing dismissed even when as_of is older than it.
  perform 1 from outreach.kill_switch_state k order by k.switch for update;

  -- Cap switches whose period ended resume.
  with resumed as (
    update outreach.kill_switch_state k
       set tripped = false,
           updated_at = now()
     where k.tripped
       and k.resumes_at is not null
       and k.resumes_at <= check_kill_switches.as_of
    returning k.switch, k.resumes_at, k.observed, k.threshold
  )
  insert into outreach.kill_switch_history (switch, action, occurred_at, observed, threshold, actor, note, correlation_id)
  select r.switch, 'resumed', r.resumes_at, r.observed, r.threshold, session_user, 'period ended', check_kill_switches.correlation_id
    from resumed r;

  -- Trip what crossed its threshold and is not already in force.
  with readings as (
    select r.switch, r.threshold, r.observed
      from outreach.kill_switch_readings(check_kill_switches.as_of) r
     where r.crossed
  ), tripping as (
    update outreach.kill_switch_state k
       set tripped    = true,
           tripped_at = check_kill_switches.as_of,
           resumes_at = case k.switch
                          when 'daily_send_cap'
                            then date_trunc('day', check_kill_switches.as_of, 'UTC') + interval '24 hours'
                          when 'hourly_send_cap'
                            then date_trunc('hour', check_kill_switches.as_of, 'UTC') + interval '1 hour'
                          when 'linkedin_daily_message_cap'
                            then date_trunc('day', check_kill_switches.as_of, 'UTC') + interval '24 hours'
                          when 'linkedin_weekly_connect_cap'
                            then outreach_private.linkedin_connects_resume_at(check_kill_switches.as_of, r.observed, r.threshold)
                        end,
           observed   = r.observed,
           threshold  = r.threshold,
           updated_at = now()
      from readings r
     where k.switch = r.switch
       and not (k.tripped and (k.resumes_at is null or k.resumes_at > check_kill_switches.as_of))
    returning k.switch, k.observed, k.threshold
  )
  insert into outreach.kill_switch_history (switch, action, occurred_at, observed, threshold, actor, correlation_id)
  select t.switch, 'tripped', check_kill_switches.as_of, t.observed, t.threshold, session_user, check_kill_switches.correlation_id
    from tripping t;

  return query select * from outreach.kill_switches(check_kill_switches.as_of);
end
$$;
comment on function outreach.check_kill_switches(uuid, timestamptz) is
  'Trips every kill switch that crossed its threshold at as_of (recording it in kill_switch_state and kill_switch_history with the correlation id), resumes cap switches whose period ended, and returns the board. OR004 bad correlation id.';

create or replace function outreach.clear_kill_switch(switch text, cleared_by text, note text)
returns void
language plpgsql
volatile
security definer  -- switch state and history are written by the hub's functions only
set search_path = ''
as $$
declare
  given text := lower(btrim(clear_kill_switch.switch));
  canonical text;
begin
  if given in ('daily_send_cap', 'hourly_send_cap', 'daily_send_limit', 'hourly_send_limit',
               'linkedin_weekly_connect_cap', 'linkedin_daily_message_cap') then
    raise exception 'kill switch % is a send cap and cannot be cleared by hand', clear_kill_switch.switch
      using errcode = 'OR023',
            detail = 'cap switches resume by themselves: the daily caps at the next UTC midnight, the hourly cap when the hour ends, the LinkedIn weekly connection cap when enough requests leave its 7-day window',
            hint = 'Raise the cap (daily_send_cap, hourly_send_cap, linkedin_weekly_connect_cap, linkedin_daily_message_cap) in outreach.settings to send more now.';
  end if;
  canonical := case
                 when given in ('bounce_rate', 'bounce_rate_ceiling') then 'bounce_rate'
                 when given in ('unsubscribe_rate', 'unsubscribe_spike', 'unsubscribe_rate_ceiling') then 'unsubscribe_rate'
                 when given in ('complaint_rate', 'complaint_rate_ceiling', 'spam_complaint_rate') then 'complaint_rate'
               end;
  if canonical is null then
    raise exception 'kill switch % is unknown', coalesce(clear_kill_switch.switch, 'NULL')
      using errcode = 'OR022',
            detail = 'clearable switches: bounce_rate, unsubscribe_rate, complaint_rate',
            hint = 'Use a switch name from outreach.kill_switches() (aliases: bounce_rate_ceiling, unsubscribe_spike, unsubscribe_rate_ceiling, complaint_rate_ceiling, spam_complaint_rate).';
  end if;
  if nullif(btrim(clear_kill_switch.cleared_by), '') is null then
    raise exception 'clearing kill switch % needs the name of the person who clears it', canonical
      using errcode = '22023',
            hint = 'Pass cleared_by, e.g. your name or login.';
  end if;

  -- Wait for a running check, then refuse to clear what is not tripped: a clearing
  -- of nothing would start a cooldown hiding the events of the next trip.
  if not (select k.tripped from outreach.kill_switch_state k where k.switch = canonical for update) then
    raise exception 'kill switch % is not tripped: there is nothing to clear', canonical
      using errcode = 'OR024',
            detail = 'a clearing changes nothing unless the switch halts sending; no cooldown was started',
            hint = 'See select * from outreach.kill_switches(); clear a rate switch only while it is tripped.';
  end if;

  update outreach.kill_switch_state k
     set tripped    = false,
         resumes_at = null,
         cleared_at = now(),
         cleared_by = btrim(clear_kill_switch.cleared_by),
         clear_note = clear_kill_switch.note,
         updated_at = now()
   where k.switch = canonical;

  insert into outreach.kill_switch_history (switch, action, occurred_at, observed, threshold, actor, note, correlation_id)
  select k.switch, 'cleared', now(), k.observed, k.threshold, btrim(clear_kill_switch.cleared_by),
         clear_kill_switch.note, gen_random_uuid()
    from outreach.kill_switch_state k
   where k.switch = canonical;
end
$$;
comment on function outreach.clear_kill_switch(text, text, text) is
  'A person clears a tripped rate kill switch (bounce_rate, unsubscribe_rate, complaint_rate or a seed alias) now: it stops halting and, for rate_switch_cooldown, only events after the clearing count. OR022 unknown switch, OR023 cap switch (those resume by themselves), OR024 switch not tripped (nothing changes), 22023 no cleared_by.';
