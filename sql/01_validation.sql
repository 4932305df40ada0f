--------------------------------------------------------------------------------
-- Argument validation shared by the public functions: times that are values.
--
-- A time argument (as_of, booked_at, sent_from, …) or an event time is accepted
-- when it is finite and inside [1900-01-01 00:00 UTC, 10000-01-01 00:00 UTC):
-- ±infinity and absurd years (a year 200000 promote, follow-ups at infinity) are
-- refused with 22023, a NULL with 22004, each with a HINT naming the argument.
-- Event times given as text must be ISO 8601 with a UTC offset
-- (2026-03-02T10:15:00Z, 2026-03-02 10:15+02:00); PostgreSQL's own input would
-- also take 'yesterday', 'now', 'epoch' or a time without an offset (read in the
-- session TimeZone), none of which says when something happened.
--------------------------------------------------------------------------------

create or replace function outreach.time_in_range(value timestamptz)
returns boolean
language sql
immutable
parallel safe
as $$
  select isfinite(value)
         and value >= timestamptz '1900-01-01 00:00:00+00'
         and value < timestamptz '10000-01-01 00:00:00+00'
$$;
comment on function outreach.time_in_range(timestamptz) is
  'True when a time is finite and from 1900-01-01 00:00 UTC up to (not including) 10000-01-01 00:00 UTC: the times the hub accepts; NULL for NULL.';

create or replace function outreach.checked_time(value timestamptz, argument text)
returns timestamptz
language plpgsql
stable
parallel safe
as $$
begin
  if value is null then
    raise exception '% must not be NULL', argument
      using errcode = '22004',
            hint = format('Pass %s as a timestamptz with a UTC offset (an as_of may be omitted: it defaults to now()).', argument);
  end if;
  if not outreach.time_in_range(value) then
    raise exception '% % is not a usable time', argument, value
      using errcode = '22023',
            detail = format('%s = %s', argument, value),
            hint = format('%s must be finite and from 1900-01-01 to 9999-12-31 (UTC).', argument);
  end if;
  return value;
end
$$;
comment on function outreach.checked_time(timestamptz, text) is
  'Returns the time when it is usable; 22004 when NULL, 22023 when infinite or outside 1900-01-01..9999-12-31 UTC, each with a HINT naming the argument.';

create or replace function outreach.parse_event_time(value text)
returns timestamptz
language plpgsql
stable
parallel safe
as $$
declare
  m text[];
begin
  -- date, T or space, hh:mm[:ss[.fraction]], then Z or ±hh[[:]mm]
  m := regexp_match(value, '^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(?:Z|[+-]([0-9]{2})(?::?([0-9]{2}))?)$');
  if m is null
     or m[1]::int < 1 or m[2]::int not between 1 and 12 or m[3]::int < 1
     or m[3]::int > extract(day from make_date(m[1]::int, m[2]::int, 1) + interval '1 month - 1 day')
     or m[4]::int > 23 or m[5]::int > 59 or coalesce(m[6]::int, 0) > 60
     or coalesce(m[7]::int, 0) > 15 or coalesce(m[8]::int, 0) > 59 then
    return null;
  end if;
  return value::timestamptz;
end
$$;
comment on function outreach.parse_event_time(text) is
  'An event time given as text, read only when it is ISO 8601 with a UTC offset (2026-03-02T10:15:00Z, 2026-03-02 10:15:00.5+02:00); NULL for anything else (no offset, relative words such as yesterday, impossible dates).';
