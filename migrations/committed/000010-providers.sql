--! Previous: sha1:ab2ccfc54f802327302b83a78715d655e37de6a0
--! Hash: sha1:ad3e02ae99adecbaf814269734af988261267ea6
--! Message: Providers: provider_leads, provider_outbox, handoff_events, new event types, calendar_provider

--------------------------------------------------------------------------------
-- Providers (SPEC §11): the map from a provider's lead back to the hub's enrolment,
-- the outbox of work the hub owes the providers (stops, pauses, block-list entries),
-- cancellations and reschedules recorded on a handoff, three new engagement event
-- types and the calendar a booking link is made for.
--
-- Tables, columns, constraints and indexes only; the functions and triggers live in
-- sql/85_providers/. New check constraints are added NOT VALID (new rows are checked
-- at once) and validated by the next migration, in a transaction of its own.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

--------------------------------------------------------------------------------
-- Event types: email_auto_reply, meeting_cancelled, meeting_rescheduled.
--------------------------------------------------------------------------------
alter table outreach.engagement_events
  drop constraint if exists engagement_events_event_type_check;
alter table outreach.engagement_events
  add constraint engagement_events_event_type_check check (event_type in (
    'email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply', 'email_auto_reply',
    'email_bounce', 'unsubscribe', 'spam_complaint', 'meeting_booked', 'meeting_cancelled',
    'meeting_rescheduled', 'linkedin_view', 'website_visit', 'form_submit')) not valid;

--------------------------------------------------------------------------------
-- Settings: which calendar the booking link is made for.
--------------------------------------------------------------------------------
alter table outreach.settings
  add column if not exists calendar_provider text not null default 'generic';
alter table outreach.settings
  add constraint settings_calendar_provider_check
  check (calendar_provider in ('generic', 'calendly', 'calcom')) not valid;
comment on column outreach.settings.calendar_provider is
  'generic (default: sid, oid, exp, kid, sig as query parameters), calendly (one token in utm_content) or calcom (one token in metadata[hub]).';

--------------------------------------------------------------------------------
-- provider_leads: which enrolment a provider's lead is.
--------------------------------------------------------------------------------
create table outreach.provider_leads (
  provider             text not null check (provider in ('instantly', 'smartlead', 'heyreach')),
  provider_campaign_id text not null check (btrim(provider_campaign_id) <> ''),
  lead_key             text not null check (lead_key = lower(btrim(lead_key)) and lead_key <> ''),
  enrolment_id         uuid not null,
  send_id              uuid not null references outreach.send_log (send_id),
  provider_lead_id     text,
  pushed_at            timestamptz not null,
  correlation_id       outreach.correlation_id not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  primary key (provider, provider_campaign_id, lead_key),
  unique (enrolment_id)
);
create index provider_leads_send_idx on outreach.provider_leads (send_id);
comment on table outreach.provider_leads is
  'One row per enrolment pushed to a provider (Instantly, Smartlead, HeyReach): how the provider''s events find their enrolment. Written by ack_provider_push only.';
comment on column outreach.provider_leads.lead_key is 'The lead at the provider: the lower-cased email, or the normalised LinkedIn profile URL (outreach.provider_lead_key).';
comment on column outreach.provider_leads.enrolment_id is 'The hub enrolment (send_log.enrolment_id) the lead stands for.';
comment on column outreach.provider_leads.send_id is 'The step-1 send whose hand-over pushed the lead.';
comment on column outreach.provider_leads.provider_lead_id is 'The provider''s own id for the lead, when its API returns one.';
comment on column outreach.provider_leads.pushed_at is 'When the provider accepted the lead.';
comment on column outreach.provider_leads.correlation_id is 'Correlation id of the push (the claim that handed the send over).';

--------------------------------------------------------------------------------
-- provider_outbox: work the hub owes a provider, leased like sends.
--------------------------------------------------------------------------------
create table outreach.provider_outbox (
  outbox_id            uuid primary key default gen_random_uuid(),
  seq                  bigint generated always as identity unique,
  provider             text not null check (provider in ('instantly', 'smartlead', 'heyreach')),
  kind                 text not null check (kind in ('stop_lead', 'pause_campaign', 'resume_campaign',
                                                     'block_email', 'block_domain')),
  provider_campaign_id text,
  lead_key             text,
  provider_lead_id     text,
  enrolment_id         uuid,
  payload              jsonb not null default '{}',
  correlation_id       outreach.correlation_id not null,
  created_at           timestamptz not null default now(),
  status               text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  claim_token          uuid,
  claim_correlation_id uuid,
  claimed_at           timestamptz,
  lease_until          timestamptz,
  attempt              int not null default 0 check (attempt >= 0),
  retry_after          timestamptz,
  done_at              timestamptz,
  error                text,
  check (kind not in ('stop_lead', 'pause_campaign', 'resume_campaign') or provider_campaign_id is not null),
  check (kind not in ('stop_lead', 'block_email', 'block_domain') or lead_key is not null),
  check ((status = 'pending') = (done_at is null))
);
-- The queue: pending items in append order.
create index provider_outbox_pending_idx on outreach.provider_outbox (provider, seq) where status = 'pending';
-- One stop per enrolment and provider, whatever stops it how often.
create unique index provider_outbox_one_stop_idx on outreach.provider_outbox (provider, enrolment_id)
  where kind = 'stop_lead';
create index provider_outbox_campaign_idx on outreach.provider_outbox (provider, provider_campaign_id, seq)
  where kind in ('pause_campaign', 'resume_campaign');
comment on table outreach.provider_outbox is
  'Work the hub owes a provider (stop_lead, pause_campaign, resume_campaign, block_email, block_domain), appended in the transaction that caused it and drained by claim_outbox / ack_outbox / release_outbox. Rows are never deleted.';
comment on column outreach.provider_outbox.seq is 'Append order (several items of one transaction share created_at); pause and resume of one campaign are handed out in this order, one at a time.';
comment on column outreach.provider_outbox.lead_key is 'stop_lead: the lead (provider_leads.lead_key); block_email: the address; block_domain: the domain.';
comment on column outreach.provider_outbox.payload is 'What the provider call needs beyond the columns, and why the item exists (stop reason, switches, suppression).';
comment on column outreach.provider_outbox.status is 'pending until acknowledged (done) or given up (failed: released permanently, or max_send_attempts attempts).';
comment on column outreach.provider_outbox.claim_token is 'Fencing token of the current (or last) claim; ack_outbox and release_outbox must present it (OR030).';
comment on column outreach.provider_outbox.lease_until is 'End of the current lease; after it, without ack or release, the attempt has failed and the item may be claimed again.';
comment on column outreach.provider_outbox.attempt is 'How many times the item has been claimed.';
comment on column outreach.provider_outbox.retry_after is 'A released item is not takeable before this instant (backoff).';
comment on column outreach.provider_outbox.done_at is 'When the item was acknowledged or given up.';
comment on column outreach.provider_outbox.error is 'The last error reported for the item (release_outbox).';

--------------------------------------------------------------------------------
-- handoff_events: what happened to a handed-off meeting afterwards.
--------------------------------------------------------------------------------
create table outreach.handoff_events (
  handoff_event_id     uuid primary key default gen_random_uuid(),
  handoff_id           uuid not null references outreach.handoffs (handoff_id),
  outreach_id          uuid not null,
  event_type           text not null check (event_type in ('meeting_cancelled', 'meeting_rescheduled')),
  event_ts             timestamptz not null,
  provider             text not null check (provider in ('calendly', 'calcom')),
  payload              jsonb not null default '{}',
  event_hash           text not null unique,
  correlation_id       outreach.correlation_id not null,
  recorded_at          timestamptz not null default now()
);
create index handoff_events_handoff_idx on outreach.handoff_events (handoff_id, event_ts);
comment on table outreach.handoff_events is
  'Append-only, read by Sales: cancellations and reschedules of a handed-off meeting, linked to its handoff. Outreach does not take the company back.';
comment on column outreach.handoff_events.event_ts is 'When the calendar says the meeting was cancelled or rescheduled.';
comment on column outreach.handoff_events.payload is 'The calendar''s webhook payload.';
comment on column outreach.handoff_events.event_hash is 'sha256 over handoff, event type, event time and provider: a redelivered webhook has the same hash.';
