--! Previous: sha1:32e058784971fc99cb878c8a27e5a8c30b7420af
--! Hash: sha1:11c883f92f2dae3af767ea7b718ba2bf32476292
--! Message: Dispatch: senders, send windows, claims on send_log, suppressions, unsubscribe keys

--------------------------------------------------------------------------------
-- 000007 — Dispatch (SPEC §10): who sends a campaign, when a recipient may be
-- written to, the lease / hand-over columns of send_log, the suppression list and
-- the keys that sign one-click unsubscribe tokens.
--
-- Tables, columns, constraints and indexes only; claim_sends, the window rules,
-- the suppression matching and the unsubscribe tokens live in sql/80_dispatch/.
-- Every new column has a default or is nullable, so the interface inserts of SPEC §3
-- keep working. Check constraints are added NOT VALID here (new rows are checked at
-- once) and validated by 000008, in a transaction of its own.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

--------------------------------------------------------------------------------
-- Campaigns: the sender and the send window.
--------------------------------------------------------------------------------
alter table outreach.campaigns
  add column if not exists sender text not null default 'queue',
  add column if not exists provider_campaign_id text,
  add column if not exists send_days smallint[] not null default '{1,2,3,4,5}',
  add column if not exists send_window_start time not null default '09:00',
  add column if not exists send_window_end time not null default '17:00';

alter table outreach.campaigns
  add constraint campaigns_sender_check
  check (sender in ('queue', 'smtp', 'instantly', 'smartlead', 'heyreach')) not valid;
alter table outreach.campaigns
  add constraint campaigns_provider_campaign_id_check
  check (sender in ('queue', 'smtp') or coalesce(btrim(provider_campaign_id), '') <> '') not valid;
alter table outreach.campaigns
  add constraint campaigns_send_days_check
  check (send_days <@ '{1,2,3,4,5,6,7}'::smallint[] and array_position(send_days, null) is null) not valid;
alter table outreach.campaigns
  add constraint campaigns_send_window_check check (send_window_start < send_window_end) not valid;

comment on column outreach.campaigns.sender is
  'Who sends the campaign''s messages: queue (an external process claiming through claim_sends), smtp (the runner), or a provider that runs the steps itself (instantly, smartlead, heyreach).';
comment on column outreach.campaigns.provider_campaign_id is 'The campaign''s id at its provider; required when sender is instantly, smartlead or heyreach.';
comment on column outreach.campaigns.send_days is 'ISO weekdays (Monday = 1) on which messages may be handed over, in the recipient''s time zone; empty = never.';
comment on column outreach.campaigns.send_window_start is 'Local time (recipient''s time zone) from which messages may be handed over, inclusive.';
comment on column outreach.campaigns.send_window_end is 'Local time (recipient''s time zone) until which messages may be handed over, exclusive.';

--------------------------------------------------------------------------------
-- Sequences: business hours or any time.
--------------------------------------------------------------------------------
alter table outreach.sequences
  add column if not exists send_time_preference text not null default 'business_hours';
alter table outreach.sequences
  add constraint sequences_send_time_preference_check
  check (send_time_preference in ('business_hours', 'any')) not valid;
comment on column outreach.sequences.send_time_preference is
  'business_hours (default): the step is handed over inside its campaign''s send window only; any: at any time.';

--------------------------------------------------------------------------------
-- Company target: the recipient's time zone, and whether its domain is suppressed.
--------------------------------------------------------------------------------
alter table outreach.company_target
  add column if not exists timezone text,
  add column if not exists domain_suppressed boolean not null default false;
comment on column outreach.company_target.timezone is
  'IANA time zone of the company''s recipients (NULL: settings.default_timezone); a name PostgreSQL does not know is refused (22023).';
comment on column outreach.company_target.domain_suppressed is
  'Derived, kept by triggers: true while an active suppression names the target''s domain or a parent domain (candidates() reports suppressed).';

--------------------------------------------------------------------------------
-- Send log: channel, stored message, claim / lease / hand-over.
--------------------------------------------------------------------------------
alter table outreach.send_log
  add column if not exists channel text not null default 'email',
  add column if not exists linkedin_url text,
  add column if not exists body text,
  add column if not exists claim_token uuid,
  add column if not exists claim_correlation_id uuid,
  add column if not exists claimed_by text,
  add column if not exists claimed_at timestamptz,
  add column if not exists first_claimed_at timestamptz,
  add column if not exists lease_until timestamptz,
  add column if not exists attempt int not null default 0,
  add column if not exists retry_after timestamptz,
  add column if not exists handed_over_at timestamptz,
  add column if not exists provider_message_id text;

alter table outreach.send_log
  add constraint send_log_channel_check check (channel in ('email', 'linkedin')) not valid;
alter table outreach.send_log
  add constraint send_log_attempt_check check (attempt >= 0) not valid;

comment on column outreach.send_log.channel is 'email (default) or linkedin: where the message goes (email_to or linkedin_url).';
comment on column outreach.send_log.linkedin_url is 'The LinkedIn profile a linkedin send goes to (its email_to may be NULL).';
comment on column outreach.send_log.subject is 'The subject as handed over (rendered by promote for audit, then again by claim_sends at hand-over).';
comment on column outreach.send_log.body is 'The body as handed over, rendered by claim_sends: what was sent is what is kept.';
comment on column outreach.send_log.claim_token is 'Fencing token of the current claim (NULL: never claimed, or released); ack_send and release_send must present it (OR030).';
comment on column outreach.send_log.claim_correlation_id is 'Correlation id of the claim_sends call that holds (or last held) the send.';
comment on column outreach.send_log.claimed_by is 'The sender (campaigns.sender) that claimed the send last.';
comment on column outreach.send_log.claimed_at is 'When the current (or last) claim was made (claim_sends'' as_of).';
comment on column outreach.send_log.first_claimed_at is 'When the send was first handed to a sender; the hand-over caps count sends by this column.';
comment on column outreach.send_log.lease_until is 'End of the current lease; after it, without ack or release, the attempt has failed and the send may be claimed again.';
comment on column outreach.send_log.attempt is 'How many times the send has been claimed (each claim is an attempt; max_send_attempts fails it).';
comment on column outreach.send_log.retry_after is 'A released send is not takeable before this instant (backoff).';
comment on column outreach.send_log.handed_over_at is 'When the holder of the claim acknowledged the hand-over (ack_send); never handed over again after it.';
comment on column outreach.send_log.provider_message_id is 'The sender''s id for the message (SMTP Message-ID, provider lead id), from ack_send.';
comment on column outreach.send_log.error_message is 'The last error a sender reported for the send (release_send).';
comment on column outreach.send_log.stop_reason is 'Why the enrolment stopped: replied, meeting_booked, bounced, unsubscribed, spam_complaint, handed_off, suppressed, send_failed.';

-- The dispatch queue: queued sends not handed over yet, oldest first.
-- squawk-ignore require-concurrent-index-creation -- the predicate's columns are new and NULL everywhere, so the index is built over no rows
create index if not exists send_log_dispatch_idx on outreach.send_log (scheduled_at, send_id)
  where send_status = 'queued' and handed_over_at is null;
-- Leases that may have expired (claimed, not handed over, still queued).
-- squawk-ignore require-concurrent-index-creation -- claim_token is a new column, NULL everywhere: built over no rows
create index if not exists send_log_lease_idx on outreach.send_log (lease_until)
  where claim_token is not null and handed_over_at is null and send_status = 'queued';
-- The hand-over caps count first claims per UTC hour and day.
-- squawk-ignore require-concurrent-index-creation -- first_claimed_at is a new column, NULL everywhere: built over no rows
create index if not exists send_log_first_claimed_idx on outreach.send_log (first_claimed_at)
  where first_claimed_at is not null;

--------------------------------------------------------------------------------
-- Settings.
--------------------------------------------------------------------------------
alter table outreach.settings
  add column if not exists default_timezone text not null default 'America/New_York',
  add column if not exists max_send_attempts int not null default 3,
  add column if not exists unsubscribe_base_url text not null default 'http://localhost:8080/u',
  add column if not exists postal_address text;
alter table outreach.settings
  add constraint settings_max_send_attempts_check check (max_send_attempts >= 1) not valid;
comment on column outreach.settings.default_timezone is 'IANA time zone of a target without one (send windows).';
comment on column outreach.settings.max_send_attempts is 'Claims (attempts) after which a send that was released or whose lease expired is failed.';
comment on column outreach.settings.unsubscribe_base_url is 'Base of one-click unsubscribe URLs: <base>/<token> (the receiver serves POST and GET /u/<token>).';
comment on column outreach.settings.postal_address is 'The sender''s postal address for {{postal_address}} (CAN-SPAM wants one in every commercial message).';

--------------------------------------------------------------------------------
-- Suppressions: never written to, whatever the company, campaign or import.
--------------------------------------------------------------------------------
create table outreach.suppressions (
  suppression_id uuid primary key default gen_random_uuid(),
  pattern        text not null,
  reason         text,
  source         text not null default 'manual'
                 check (source in ('manual', 'import', 'unsubscribe', 'spam_complaint', 'bounce', 'provider')),
  added_by       text not null default current_user,
  correlation_id outreach.correlation_id not null,
  created_at     timestamptz not null default now(),
  lifted_at      timestamptz,
  lifted_by      text,
  lift_note      text,
  check (pattern = lower(btrim(pattern)) and pattern <> ''),
  check ((lifted_at is null) = (lifted_by is null))
);
-- One active row per pattern: suppress() returns it for an identical pattern.
create unique index suppressions_active_pattern_idx on outreach.suppressions (pattern) where lifted_at is null;
-- The glob patterns (address patterns with *), scanned with LIKE.
create index suppressions_active_glob_idx on outreach.suppressions (created_at)
  where lifted_at is null and strpos(pattern, '*') > 0;
create index suppressions_pattern_idx on outreach.suppressions (pattern);
comment on table outreach.suppressions is
  'Do-not-contact list: an address (with * globs: legal@*, *@rival.com) or a domain (matches it and its subdomains). Lifted rows are kept; rows are never deleted.';
comment on column outreach.suppressions.pattern is 'Lower-cased, trimmed: with @ an address pattern (* matches any run of characters), without @ a domain and its subdomains.';
comment on column outreach.suppressions.reason is 'Why the pattern is suppressed, in words.';
comment on column outreach.suppressions.source is 'manual, import, unsubscribe, spam_complaint, bounce (the last three added by engagement events) or provider.';
comment on column outreach.suppressions.added_by is 'Role or system that added the suppression.';
comment on column outreach.suppressions.correlation_id is 'Correlation id of the work that added it.';
comment on column outreach.suppressions.lifted_at is 'When the suppression was lifted (NULL: active).';
comment on column outreach.suppressions.lifted_by is 'Who lifted it.';
comment on column outreach.suppressions.lift_note is 'Why it was lifted.';

--------------------------------------------------------------------------------
-- Keys that sign one-click unsubscribe tokens (never readable by hub roles).
--------------------------------------------------------------------------------
create table outreach_private.unsubscribe_keys (
  kid         text primary key check (kid ~ '^[A-Za-z0-9_-]+$'),
  secret      bytea not null check (length(secret) >= 32),
  created_at  timestamptz not null default now(),
  retired_at  timestamptz
);
comment on table outreach_private.unsubscribe_keys is
  'HMAC-SHA256 keys for one-click unsubscribe tokens: the newest unretired key signs, every key (retired ones too) verifies, since an opt-out must keep working. Never readable by hub roles.';

--------------------------------------------------------------------------------
-- The serialisation point of claim_sends: a row no hub role can lock (an advisory
-- lock could be taken, and held, by any role). The table is the one promote and
-- advance_sequences lock their send-capacity row in; created here too when absent.
--------------------------------------------------------------------------------
create table if not exists outreach_private.serial_locks (
  lock_name text primary key,
  purpose   text not null
);
comment on table outreach_private.serial_locks is
  'One row per serialisation point of the hub''s functions (locked FOR UPDATE by them); no hub role can read or lock it.';
insert into outreach_private.serial_locks (lock_name, purpose)
values ('send_handover', 'claim_sends counts and spends the hourly and daily hand-over caps one claimer at a time')
on conflict (lock_name) do nothing;
