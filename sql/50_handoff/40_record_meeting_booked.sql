--------------------------------------------------------------------------------
-- The meeting-booked webhook: Outreach ends here.
--
-- Verify the link as of booked_at (a late or retried webhook for a meeting
-- booked while the link was valid is accepted); OR006 otherwise. Then, with the
-- spine row locked (two concurrent deliveries queue here and the second returns
-- the first one's id):
--   1. an existing handoff for the record → return its id, change nothing;
--   2. snapshot the record as it stands (outreach.handoff_snapshot);
--   3. stop follow-ups: every unstopped send_log row of the record gets
--      stopped_at = booked_at, stop_reason = 'meeting_booked'; still-queued rows
--      become 'cancelled';
--   4. spine → HANDED_OFF;
--   5. append the snapshot, with booked_at, the correlation id, the link's exp,
--      the follow-up counts and the webhook payload (key 'booking'), to
--      outreach.handoffs (the outbox Sales reads);
--   6. NOTIFY outreach_handoff with the handoff id (delivered on commit).
-- It never writes cl.company_identity: sales_process_id and client_id are
-- minted by Sales and Client.
--------------------------------------------------------------------------------

create or replace function outreach.record_meeting_booked(
  sid uuid,
  oid uuid,
  exp bigint,
  sig text,
  booked_at timestamptz,
  correlation_id uuid,
  payload jsonb default '{}'
)
returns uuid
language plpgsql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  verdict   text;
  handoff   uuid;
  snap      jsonb;
  stopped   int;
  cancelled int;
  skew      interval;
  ttl       interval;
begin
  perform outreach.check_correlation_id(record_meeting_booked.correlation_id);
  perform outreach.checked_time(record_meeting_booked.booked_at, 'booked_at');
  -- booked_at must fall in the link's life as far as the hub can know it: not
  -- after the database's now(), nor (once the link is verified) before the link
  -- was issued (exp - calendar_ttl), each give or take max_clock_skew.
  select s.max_clock_skew, s.calendar_ttl into skew, ttl from outreach.settings s;
  if record_meeting_booked.booked_at > now() + skew then
    raise exception 'booked_at % is ahead of the database clock (outreach record %)',
        record_meeting_booked.booked_at, record_meeting_booked.oid
      using errcode = '22023',
            detail = format('booked_at %s; now() %s; max_clock_skew %s', record_meeting_booked.booked_at, now(), skew),
            hint = 'A booking is reported after it happens; check the sender''s clock and time zone (settings.max_clock_skew is the tolerance).';
  end if;

  verdict := outreach.verify_calendar_link(record_meeting_booked.sid, record_meeting_booked.oid,
                                           record_meeting_booked.exp, record_meeting_booked.sig,
                                           record_meeting_booked.booked_at);
  if verdict <> 'valid' then
    raise exception 'calendar link for outreach record % (sovereign company %) is %',
        record_meeting_booked.oid, record_meeting_booked.sid, verdict
      using errcode = 'OR006',
            detail = format('verification: %s; exp %s; booked_at %s', verdict, record_meeting_booked.exp,
                            record_meeting_booked.booked_at),
            hint = 'Only links made by outreach.calendar_link, unaltered and booked before exp, hand a record off.';
  end if;
  -- Compared in unix seconds: exp is the link's, verified above.
  if extract(epoch from record_meeting_booked.booked_at)
     < record_meeting_booked.exp - extract(epoch from ttl) - extract(epoch from skew) then
    raise exception 'booked_at % is before the calendar link of outreach record % was issued',
        record_meeting_booked.booked_at, record_meeting_booked.oid
      using errcode = '22023',
            detail = format('booked_at %s; link issued at %s (exp %s - calendar_ttl %s); max_clock_skew %s',
                            record_meeting_booked.booked_at,
                            to_timestamp(record_meeting_booked.exp - extract(epoch from ttl)),
                            record_meeting_booked.exp, ttl, skew),
            hint = 'A meeting is booked through a link after the link was made; pass the booking time the calendar reports, in UTC or with its offset.';
  end if;

  -- Serialise deliveries for one record. NO KEY UPDATE, the hub's company lock
  -- (docs/security.md): it does not block the foreign-key checks of concurrent
  -- inserts (events, follow-ups), which would otherwise wait here while holding
  -- send_log rows this function is about to update.
  perform 1 from outreach.outreach o where o.outreach_id = record_meeting_booked.oid for no key update;

  select h.handoff_id into handoff
    from outreach.handoffs h
   where h.outreach_id = record_meeting_booked.oid;
  if found then
    return handoff;
  end if;

  -- The record as Outreach saw it when the meeting was booked.
  snap := outreach.handoff_snapshot(record_meeting_booked.oid);

  -- Stop the follow-ups: cancel what is still queued, mark the rest stopped.
  update outreach.send_log sl
     set send_status = 'cancelled',
         stopped_at  = coalesce(sl.stopped_at, record_meeting_booked.booked_at),
         stop_reason = coalesce(sl.stop_reason, 'meeting_booked'),
         updated_at  = now()
   where sl.outreach_id = record_meeting_booked.oid
     and sl.send_status = 'queued';
  get diagnostics cancelled = row_count;
  update outreach.send_log sl
     set stopped_at  = record_meeting_booked.booked_at,
         stop_reason = 'meeting_booked',
         updated_at  = now()
   where sl.outreach_id = record_meeting_booked.oid
     and sl.stopped_at is null;
  get diagnostics stopped = row_count;

  update outreach.outreach o
     set status = 'HANDED_OFF', updated_at = now()
   where o.outreach_id = record_meeting_booked.oid
     and o.status <> 'HANDED_OFF';

  insert into outreach.handoffs (outreach_id, sovereign_company_id, booked_at, snapshot, correlation_id)
  values (record_meeting_booked.oid, record_meeting_booked.sid, record_meeting_booked.booked_at,
          snap
            || jsonb_build_object(
                 'booked_at', record_meeting_booked.booked_at,
                 'correlation_id', record_meeting_booked.correlation_id,
                 'link_exp', record_meeting_booked.exp,
                 'follow_ups', jsonb_build_object('stopped', stopped, 'cancelled', cancelled),
                 'booking', coalesce(record_meeting_booked.payload, '{}'::jsonb)),
          record_meeting_booked.correlation_id)
  on conflict (outreach_id) do nothing
  returning handoff_id into handoff;

  if handoff is null then
    -- Unreachable while the row lock above holds; kept so a repeat can never fail.
    select h.handoff_id into handoff from outreach.handoffs h where h.outreach_id = record_meeting_booked.oid;
    return handoff;
  end if;

  perform pg_notify('outreach_handoff', handoff::text);
  return handoff;
end
$$;
comment on function outreach.record_meeting_booked(uuid, uuid, bigint, text, timestamptz, uuid, jsonb) is
  'Meeting-booked webhook: refuses a booked_at that is unusable, before the link was issued or ahead of now() (beyond max_clock_skew; 22023, NULL 22004), verifies the link as of booked_at (OR006), stops follow-ups, sets the spine HANDED_OFF, appends the snapshot to outreach.handoffs and notifies outreach_handoff; a repeat returns the same handoff id and changes nothing.';
