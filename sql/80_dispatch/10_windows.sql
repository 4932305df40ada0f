--------------------------------------------------------------------------------
-- Send windows (SPEC §10.3): a message is handed over only on the campaign's
-- send_days, between send_window_start (inclusive) and send_window_end
-- (exclusive), in the recipient's time zone (company_target.timezone, else
-- settings.default_timezone), unless its step says send_time_preference 'any'.
-- Local time comes from the zone (PostgreSQL's tz database), never from a fixed
-- offset, so DST and odd offsets (+05:45, Lord Howe's 30-minute DST) are exact.
--
-- Also the 22023 checks of the values these rules read: a time zone PostgreSQL
-- does not know (target, settings), a window whose start is not before its end.
--------------------------------------------------------------------------------

create or replace function outreach.time_zone_known(tz text)
returns boolean
language plpgsql
stable
parallel safe
set search_path = ''
as $$
begin
  -- A zone name, not a POSIX offset string ('UTC+5', '<+03>-3'): letters first,
  -- then letters, digits, _ + - in /-separated parts. pg_timezone_names would be
  -- exact but reads every zone file (about half a second a call).
  if tz is null or tz !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
     or (tz ~ '[+-][0-9]' and tz !~ '^(Etc/)?GMT[+-][0-9]{1,2}$') then
    return false;
  end if;
  perform now() at time zone tz;
  return true;
exception
  when invalid_parameter_value then
    return false;
end
$$;
comment on function outreach.time_zone_known(text) is
  'True when PostgreSQL knows the time zone name (America/New_York, Asia/Kathmandu, UTC, …); false for NULL, an unknown name or a POSIX offset string.';

create or replace function outreach_private.check_target_timezone()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if new.timezone is not null then
    new.timezone := btrim(new.timezone);
    if not outreach.time_zone_known(new.timezone) then
      raise exception 'time zone % of company target % is unknown', quote_literal(new.timezone), new.target_id
        using errcode = '22023',
              detail = 'company_target.timezone must be an IANA time zone name PostgreSQL knows',
              hint = 'Use a name from pg_timezone_names, e.g. America/New_York or Europe/Berlin, or NULL for settings.default_timezone.';
    end if;
  end if;
  return new;
end
$$;
comment on function outreach_private.check_target_timezone() is
  'Trigger function: refuses a company_target.timezone PostgreSQL does not know (22023).';

drop trigger if exists company_target_timezone on outreach.company_target;
create trigger company_target_timezone
  before insert or update of timezone on outreach.company_target
  for each row when (new.timezone is not null)
  execute function outreach_private.check_target_timezone();
comment on trigger company_target_timezone on outreach.company_target is 'An unknown time zone name is refused (22023).';

create or replace function outreach_private.check_campaign_window()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if new.send_window_start is null or new.send_window_end is null
     or new.send_window_start >= new.send_window_end then
    raise exception 'send window of campaign % must start before it ends (start %, end %)',
                    new.campaign_id, new.send_window_start, new.send_window_end
      using errcode = '22023',
            hint = 'Set send_window_start < send_window_end, e.g. 09:00 and 17:00 (local time of the recipient).';
  end if;
  if new.send_days is null or not (new.send_days <@ '{1,2,3,4,5,6,7}'::smallint[])
     or array_position(new.send_days, null) is not null then
    raise exception 'send days of campaign % must be ISO weekdays 1 (Monday) to 7 (Sunday), got %',
                    new.campaign_id, coalesce(new.send_days::text, 'NULL')
      using errcode = '22023',
            hint = 'E.g. ''{1,2,3,4,5}'' for Monday to Friday; ''{}'' stops the campaign''s hand-overs.';
  end if;
  return new;
end
$$;
comment on function outreach_private.check_campaign_window() is
  'Trigger function: a campaign''s send window must start before it ends and its send days be ISO weekdays (22023).';

drop trigger if exists campaigns_send_window on outreach.campaigns;
create trigger campaigns_send_window
  before insert or update of send_window_start, send_window_end, send_days on outreach.campaigns
  for each row execute function outreach_private.check_campaign_window();
comment on trigger campaigns_send_window on outreach.campaigns is 'Send window start before end, send days ISO weekdays (22023).';

create or replace function outreach_private.check_dispatch_settings()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if not outreach.time_zone_known(new.default_timezone) then
    raise exception 'default time zone % is unknown', quote_literal(new.default_timezone)
      using errcode = '22023', hint = 'Use an IANA time zone name PostgreSQL knows, e.g. America/New_York.';
  end if;
  if coalesce(btrim(new.unsubscribe_base_url), '') !~ '^https?://' then
    raise exception 'unsubscribe_base_url % is not an http(s) URL', quote_literal(new.unsubscribe_base_url)
      using errcode = '22023', hint = 'E.g. https://hub.example.com/u (tokens are appended as /<token>).';
  end if;
  return new;
end
$$;
comment on function outreach_private.check_dispatch_settings() is
  'Trigger function: settings.default_timezone must be a known time zone and unsubscribe_base_url an http(s) URL (22023).';

drop trigger if exists settings_dispatch on outreach.settings;
create trigger settings_dispatch
  before update of default_timezone, unsubscribe_base_url on outreach.settings
  for each row execute function outreach_private.check_dispatch_settings();
comment on trigger settings_dispatch on outreach.settings is 'Known default time zone, http(s) unsubscribe base URL (22023).';

create or replace function outreach.in_send_window(
  at timestamptz,
  time_zone text,
  send_days smallint[],
  window_start time,
  window_end time,
  send_time_preference text default 'business_hours'
)
returns boolean
language sql
immutable
parallel safe
as $$
  select in_send_window.send_time_preference = 'any'
      or (extract(isodow from in_send_window.at at time zone in_send_window.time_zone)::smallint
            = any (in_send_window.send_days)
          and (in_send_window.at at time zone in_send_window.time_zone)::time >= in_send_window.window_start
          and (in_send_window.at at time zone in_send_window.time_zone)::time < in_send_window.window_end)
$$;
comment on function outreach.in_send_window(timestamptz, text, smallint[], time, time, text) is
  'Whether an instant is inside a send window: preference any, or, in the time zone, a listed ISO weekday with start <= local time < end.';

create or replace function outreach_private.first_local_instant(local_ts timestamp, tz text)
returns timestamptz
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  day_start  timestamptz := date_trunc('day', local_ts) at time zone tz;
  off_before interval;
  off_after  interval;
  c1 timestamptz;
  c2 timestamptz;
  lo bigint;
  hi bigint;
  mid bigint;
begin
  -- The two offsets in force around that day; a local time that exists maps back to
  -- itself under one of them (under both in a fall-back hour: take the earlier).
  off_before := (day_start at time zone tz) - (day_start at time zone 'UTC');
  off_after := ((day_start + interval '30 hours') at time zone tz) - ((day_start + interval '30 hours') at time zone 'UTC');
  c1 := (local_ts - off_before) at time zone 'UTC';
  c2 := (local_ts - off_after) at time zone 'UTC';
  if (c1 at time zone tz) <> local_ts then c1 := null; end if;
  if (c2 at time zone tz) <> local_ts then c2 := null; end if;
  if c1 is not null or c2 is not null then
    return least(c1, c2);
  end if;
  -- In a DST gap: the first instant whose local time is at or after local_ts (the
  -- end of the gap). Local time only jumps forward here: bisect on whole seconds.
  lo := floor(extract(epoch from (local_ts at time zone tz)) - 86400 * 2)::bigint;
  hi := ceil(extract(epoch from (local_ts at time zone tz)) + 86400 * 2)::bigint;
  while hi - lo > 1 loop
    mid := (lo + hi) / 2;
    if (to_timestamp(mid) at time zone tz) >= local_ts then hi := mid; else lo := mid; end if;
  end loop;
  return to_timestamp(hi);
end
$$;
comment on function outreach_private.first_local_instant(timestamp, text) is
  'The first instant at which the wall clock of the time zone reads local_ts: the earlier one in a fall-back hour, the end of the gap when local_ts falls in a DST gap.';

create or replace function outreach.next_send_window(send_id uuid, as_of timestamptz default now())
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  w record;
  local_day date;
  opens timestamptz;
begin
  if next_send_window.as_of is null then
    raise exception 'as_of must not be NULL' using errcode = '22004', hint = 'Omit it to mean now().';
  end if;
  select coalesce(t.timezone, s.default_timezone) as tz,
         coalesce(c.send_days, '{1,2,3,4,5,6,7}') as days,
         coalesce(c.send_window_start, time '00:00') as w_start,
         c.send_window_end as w_end,
         coalesce(q.send_time_preference, 'business_hours') as pref,
         c.campaign_id is not null as has_campaign
    into w
    from outreach.send_log l
    join outreach.company_target t on t.target_id = l.target_id
    cross join outreach.settings s
    left join outreach.campaigns c on c.campaign_id = l.campaign_id
    left join outreach.sequences q on q.sequence_id = l.sequence_id
   where l.send_id = next_send_window.send_id;
  if not found then
    raise exception 'send % is unknown', next_send_window.send_id
      using errcode = 'OR020', hint = 'Pass the send_id of a row of outreach.send_log.';
  end if;
  -- A send outside any campaign (imported history) has no window.
  if w.pref = 'any' or not w.has_campaign then
    return next_send_window.as_of;
  end if;
  if cardinality(w.days) = 0 then
    return null;
  end if;
  if outreach.in_send_window(next_send_window.as_of, w.tz, w.days, w.w_start, w.w_end) then
    return next_send_window.as_of;
  end if;
  -- The next opening: today's, if still ahead, else a later listed day's. Fifteen
  -- days reach every weekday twice, so a day whose window lies wholly inside a DST
  -- gap is skipped too.
  local_day := (next_send_window.as_of at time zone w.tz)::date;
  for i in 0..14 loop
    if extract(isodow from local_day + i)::smallint = any (w.days) then
      opens := outreach_private.first_local_instant((local_day + i) + w.w_start, w.tz);
      if opens > next_send_window.as_of
         and outreach.in_send_window(opens, w.tz, w.days, w.w_start, w.w_end) then
        return opens;
      end if;
    end if;
  end loop;
  return null;
end
$$;
comment on function outreach.next_send_window(uuid, timestamptz) is
  'When a send may next be handed over: as_of when inside its window (or its step says any), else the first later instant that is (a window start inside a DST gap opens at the end of the gap); NULL when its campaign has no send days. OR020 unknown send.';
