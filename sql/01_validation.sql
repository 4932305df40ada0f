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

-- One SQL expression (inlined into record_events, no call per element). The regex
-- admits only real field ranges; the nested CASE checks days 29–31 against the
-- month only once the regex has passed (so nothing is cast from a malformed text,
-- not even when a literal is folded at plan time).
create or replace function outreach.parse_event_time(value text)
returns timestamptz
language sql
stable
parallel safe
as $$
  select case
           when value ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)(\.[0-9]+)?)?(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)$'
           then case
                  when left(value, 4) <> '0000'
                   and (substr(value, 9, 2) <= '28'
                        or substr(value, 9, 2)::int
                           <= extract(day from make_date(left(value, 4)::int, substr(value, 6, 2)::int, 1)
                                               + interval '1 month - 1 day'))
                  then value::timestamptz
                end
         end
$$;
comment on function outreach.parse_event_time(text) is
  'An event time given as text, read only when it is ISO 8601 with a UTC offset (2026-03-02T10:15:00Z, 2026-03-02 10:15:00.5+02:00); NULL for anything else (no offset, relative words such as yesterday, impossible dates).';
