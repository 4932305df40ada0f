--------------------------------------------------------------------------------
-- Engagement rules shared by record_event, the kill switches and the sequences:
-- the send-status ranking, what each event type says about a message, and the
-- event hash that deduplicates redelivered events.
--
-- Status ranking (send_status only ever moves to a higher rank):
--   queued 0 < sent 1 < delivered 2 < opened 3 < clicked 4 < bounced 5 = failed 5 < replied 6
--   cancelled never moves (a cancelled row keeps its status; its timestamps and
--   counters are still maintained, so a message that went out anyway is counted).
-- A bounce outranks opens and clicks (image proxies and link scanners open and
-- click mail by themselves); only a reply, written by a person, outranks a bounce.
-- The final status is the highest rank over all events, whatever their order.
--
-- These helpers are security invoker, use built-ins only (pg_catalog is always
-- searched first) and carry no SET clause on purpose: a function with SET is never
-- inlined, and record_events calls them once per event.
--------------------------------------------------------------------------------

create or replace function outreach.send_status_rank(send_status text)
returns int
language sql
immutable
parallel safe
as $$
  select case send_status
           when 'queued'    then 0
           when 'sent'      then 1
           when 'delivered' then 2
           when 'opened'    then 3
           when 'clicked'   then 4
           when 'bounced'   then 5
           when 'failed'    then 5
           when 'replied'   then 6
           when 'cancelled' then 100
         end;
$$;
comment on function outreach.send_status_rank(text) is
  'Rank of a send status: queued 0 < sent 1 < delivered 2 < opened 3 < clicked 4 < bounced = failed 5 < replied 6; cancelled 100 (never moves). record_event only moves a status to a higher rank.';

create or replace function outreach.event_send_status(event_type text)
returns text
language sql
immutable
parallel safe
as $$
  select case event_type
           when 'email_sent'      then 'sent'
           when 'email_delivered' then 'delivered'
           when 'email_open'      then 'opened'
           when 'email_click'     then 'clicked'
           when 'email_reply'     then 'replied'
           -- An out-of-office answer proves delivery; it is no reply and stops nothing.
           when 'email_auto_reply' then 'delivered'
           when 'email_bounce'    then 'bounced'
           -- The person received the message to react to it.
           when 'unsubscribe'     then 'delivered'
           when 'spam_complaint'  then 'delivered'
           when 'meeting_booked'  then 'delivered'
           -- LinkedIn (through HeyReach): the connection request or message went out; an
           -- accepted request proves it arrived; a reply is a reply whatever the channel.
           when 'linkedin_connect_sent'     then 'sent'
           when 'linkedin_message_sent'     then 'sent'
           when 'linkedin_connect_accepted' then 'delivered'
           when 'linkedin_reply'            then 'replied'
         end;
$$;
comment on function outreach.event_send_status(text) is
  'The send status an event type proves (email_open → opened, unsubscribe → delivered, …); email_auto_reply → delivered; linkedin_connect_sent and linkedin_message_sent → sent, linkedin_connect_accepted → delivered, linkedin_reply → replied; NULL for events that say nothing about the message (linkedin_view, linkedin_touch, website_visit, form_submit, meeting_cancelled, meeting_rescheduled).';

create or replace function outreach.event_types()
returns text[]
language sql
immutable
parallel safe
as $$
  select array['email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply',
               'email_auto_reply', 'email_bounce', 'unsubscribe', 'spam_complaint', 'meeting_booked',
               'meeting_cancelled', 'meeting_rescheduled', 'linkedin_view', 'website_visit', 'form_submit',
               'linkedin_connect_sent', 'linkedin_connect_accepted', 'linkedin_message_sent', 'linkedin_reply',
               'linkedin_touch'];
$$;
comment on function outreach.event_types() is
  'The engagement event types record_event accepts (the same list as the check constraint of outreach.engagement_events).';

-- to_char and convert_to are STABLE in general (some patterns follow the locale;
-- the encoding); the pattern used here has no locale- or DateStyle-dependent field,
-- and the time is converted to UTC first, so the result depends on the arguments
-- only. Declared STABLE all the same: PostgreSQL inlines a SQL function only when
-- its body is no more volatile than its declaration, and inlined, the hash costs
-- record_events about half (declared IMMUTABLE it ran as a function call per event).
create or replace function outreach.event_hash(send_id uuid, event_type text, event_ts timestamptz, source_system text)
returns text
language sql
stable
parallel safe
as $$
  select encode(sha256(convert_to(
           send_id::text || '|' || event_type || '|'
           || to_char(event_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|'
           || lower(btrim(source_system)),
           'UTF8')), 'hex');
$$;
comment on function outreach.event_hash(uuid, text, timestamptz, text) is
  'Deduplication key of an engagement event: hex sha256 of send_id|event_type|event_ts in UTC (ISO 8601, microseconds)|source_system (trimmed, lower case); independent of the session TimeZone.';
