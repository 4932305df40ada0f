--------------------------------------------------------------------------------
-- Bookings through Calendly and Cal.com (SPEC §11.5).
--
-- record_booking(provider, token, booked_at, event, correlation_id, payload):
--   created      the token is unpacked and handed to record_meeting_booked, which
--                verifies it as of booked_at and hands the record off (a repeat
--                returns the same handoff).
--   cancelled,   the meeting of a handed-off record was cancelled or moved: one
--   rescheduled  row in outreach.handoff_events (meeting_cancelled /
--                meeting_rescheduled) linked to the handoff, NOTIFY
--                outreach_handoff_event; the handoff itself and the spine are
--                not changed (Outreach does not take the company back). The token
--                must be genuine (not forged, naming the record), but may have
--                expired since: the booking it came with was checked when made.
-- A booking that cannot be taken — token missing, malformed, forged, unknown, or
-- expired at booking time; a cancellation or reschedule of a record that was never
-- handed off — is recorded in outreach_errors (OR041, the verdict in detail) and
-- answered NULL: the webhook says 2xx, the calendar stops retrying, nothing is
-- handed off. Bad arguments (provider, event, booked_at, correlation id) raise.
--------------------------------------------------------------------------------

create or replace function outreach.record_booking(
  provider text,
  token text,
  booked_at timestamptz,
  event text,
  correlation_id uuid,
  payload jsonb default '{}'
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  p        record;
  verdict  text;
  handoff  uuid;
  ev_type  text;
  ev_id    uuid;
  refusal  text;
begin
  perform outreach.check_correlation_id(record_booking.correlation_id);
  if record_booking.provider is null or record_booking.provider not in ('calendly', 'calcom') then
    raise exception 'booking provider % is unknown', coalesce(record_booking.provider, 'NULL')
      using errcode = '22023', hint = 'Pass calendly or calcom.';
  end if;
  if record_booking.event is null or record_booking.event not in ('created', 'cancelled', 'rescheduled') then
    raise exception 'booking event % is unknown', coalesce(record_booking.event, 'NULL')
      using errcode = '22023', hint = 'Pass created, cancelled or rescheduled.';
  end if;
  if record_booking.booked_at is null then
    raise exception 'booked_at must not be NULL'
      using errcode = '22023',
            hint = 'Pass the time of the booking (or of the cancellation or reschedule) as the calendar reports it.';
  end if;

  select t.sid, t.oid, t.exp, t.kid, t.sig into p
    from outreach.calendar_token_parts(record_booking.token) t;
  if p.oid is null then
    verdict := case when nullif(btrim(record_booking.token), '') is null then 'missing' else 'malformed' end;
  elsif record_booking.event = 'created' then
    verdict := outreach.verify_calendar_link(p.sid, p.oid, p.exp, p.sig, record_booking.booked_at);
  else
    -- A cancellation may come long after the link expired; genuineness is what counts.
    verdict := outreach.verify_calendar_link(p.sid, p.oid, p.exp, p.sig, record_booking.booked_at);
    if verdict = 'expired' then
      verdict := 'valid';
    end if;
    if verdict = 'valid' then
      select h.handoff_id into handoff from outreach.handoffs h where h.outreach_id = p.oid;
      if handoff is null then
        verdict := 'not_handed_off';
      end if;
    end if;
  end if;

  if verdict <> 'valid' then
    refusal := format('%s booking %s refused: token %s', record_booking.provider, record_booking.event, verdict);
    perform outreach.record_error(
      record_booking.correlation_id, 'outreach.record_booking', refusal, 'OR041',
      jsonb_build_object('provider', record_booking.provider, 'event', record_booking.event,
                         'verdict', verdict, 'booked_at', record_booking.booked_at,
                         'token', left(record_booking.token, 400), 'exp', p.exp, 'kid', p.kid,
                         'payload', coalesce(record_booking.payload, '{}'::jsonb)),
      p.oid);
    return null;
  end if;

  if record_booking.event = 'created' then
    return outreach.record_meeting_booked(
      p.sid, p.oid, p.exp, p.sig, record_booking.booked_at, record_booking.correlation_id,
      coalesce(record_booking.payload, '{}'::jsonb)
        || jsonb_build_object('calendar_provider', record_booking.provider, 'kid', p.kid));
  end if;

  ev_type := case record_booking.event when 'cancelled' then 'meeting_cancelled' else 'meeting_rescheduled' end;
  insert into outreach.handoff_events (handoff_id, outreach_id, event_type, event_ts, provider, payload,
                                       event_hash, correlation_id)
  values (handoff, p.oid, ev_type, record_booking.booked_at, record_booking.provider,
          coalesce(record_booking.payload, '{}'::jsonb),
          encode(sha256(convert_to(handoff::text || '|' || ev_type || '|'
                                   || to_char(record_booking.booked_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|'
                                   || record_booking.provider, 'UTF8')), 'hex'),
          record_booking.correlation_id)
  on conflict (event_hash) do nothing
  returning handoff_event_id into ev_id;
  if ev_id is not null then
    perform pg_notify('outreach_handoff_event', ev_id::text);
  end if;
  return handoff;
end
$$;
comment on function outreach.record_booking(text, text, timestamptz, text, uuid, jsonb) is
  'A Calendly or Cal.com booking webhook by its calendar token: created hands the record off (record_meeting_booked, token valid at booked_at); cancelled / rescheduled append meeting_cancelled / meeting_rescheduled to outreach.handoff_events for the record''s handoff. Returns the handoff id, or NULL when refused (token missing, forged, unknown, expired at booking, or no handoff): recorded in outreach_errors as OR041. 22023 bad provider, event or booked_at; OR004 bad correlation id.';

-- handoff_events is a log: update, delete and truncate raise OR005 for every role.
drop trigger if exists handoff_events_append_only on outreach.handoff_events;
create trigger handoff_events_append_only
  before update or delete on outreach.handoff_events
  for each row execute function outreach_private.forbid_log_change();
alter table outreach.handoff_events enable always trigger handoff_events_append_only;
drop trigger if exists handoff_events_no_truncate on outreach.handoff_events;
create trigger handoff_events_no_truncate
  before truncate on outreach.handoff_events
  for each statement execute function outreach_private.forbid_log_change();
alter table outreach.handoff_events enable always trigger handoff_events_no_truncate;
comment on trigger handoff_events_append_only on outreach.handoff_events is 'Append-only: update and delete raise OR005.';
comment on trigger handoff_events_no_truncate on outreach.handoff_events is 'Append-only: truncate raises OR005.';
