--! Previous: -
--! Hash: sha1:39fcadccfd6e7ce50ba0c8ed1c82ce39887279d0
--! Message: Foundation: schemas, roles, data model

--------------------------------------------------------------------------------
-- 000001 — Foundation: schemas, roles, the data model of SPEC §3.
--
-- Tables, constraints and indexes only. Functions, views, triggers, grants and
-- RLS policies live in sql/ and are re-applied after every migrate.
--------------------------------------------------------------------------------

create extension if not exists pgcrypto with schema public;

-- Roles are cluster-wide: another database on the same server may have made
-- them already, and two migrations may race to make them.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'outreach_hub_writer') then
    begin
      create role outreach_hub_writer nologin;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'hub_reader') then
    begin
      create role hub_reader nologin;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end
$$;

create schema cl;
comment on schema cl is 'Company Lifecycle authority registry: identity and write-once pointers, no workflow state.';
create schema outreach;
comment on schema outreach is 'Outreach Execution Hub: spine, sub-hubs, execution logs and the public API.';
create schema outreach_private;
comment on schema outreach_private is 'Secrets and internals of the hub; no grants to hub roles.';

revoke all on schema outreach_private from public;

--------------------------------------------------------------------------------
-- Correlation ids: UUID v4 only (OR004 otherwise, NULL included).
--------------------------------------------------------------------------------
create function outreach.check_correlation_id(candidate uuid)
returns boolean
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  if candidate is null then
    raise exception 'correlation id is missing'
      using errcode = 'OR004',
            hint = 'Pass a UUID v4, e.g. gen_random_uuid().';
  end if;
  if substr(candidate::text, 15, 1) <> '4'
     or substr(candidate::text, 20, 1) not in ('8', '9', 'a', 'b') then
    raise exception 'correlation id % is not a UUID v4', candidate
      using errcode = 'OR004',
            detail = format('version nibble %s, variant nibble %s',
                            substr(candidate::text, 15, 1), substr(candidate::text, 20, 1)),
            hint = 'Pass a UUID v4, e.g. gen_random_uuid().';
  end if;
  return true;
end
$$;
comment on function outreach.check_correlation_id(uuid) is
  'Returns true for a UUID v4; raises OR004 for NULL or any other UUID version.';

create domain outreach.correlation_id as uuid
  constraint correlation_id_is_v4 check (outreach.check_correlation_id(value));
comment on domain outreach.correlation_id is
  'A UUID v4 that traces one piece of work across processes; anything else (NULL included) is OR004.';

--------------------------------------------------------------------------------
-- CL authority registry
--------------------------------------------------------------------------------
create table cl.company_identity (
  sovereign_company_id uuid primary key default gen_random_uuid(),
  company_name         text not null,
  company_domain       text,
  linkedin_url         text,
  identity_status      text not null default 'PASS',
  outreach_id          uuid unique,
  sales_process_id     uuid unique,
  client_id            uuid unique,
  created_at           timestamptz not null default now()
);
comment on table cl.company_identity is
  'CL authority registry: one row per sovereign company; identity and three write-once pointers, no workflow state.';
comment on column cl.company_identity.outreach_id is 'Write-once pointer to outreach.outreach, set only by outreach.init_outreach (OR003 on change).';
comment on column cl.company_identity.sales_process_id is 'Write-once pointer minted by Sales; Outreach never writes it (OR003 on change).';
comment on column cl.company_identity.client_id is 'Write-once pointer minted by Client; Outreach never writes it (OR003 on change).';
comment on column cl.company_identity.identity_status is 'Identity verification status as CL reports it.';

--------------------------------------------------------------------------------
-- The spine
--------------------------------------------------------------------------------
create table outreach.outreach (
  outreach_id          uuid primary key default gen_random_uuid(),
  sovereign_company_id uuid not null unique references cl.company_identity (sovereign_company_id),
  status               text not null default 'INIT'
                       check (status in ('INIT', 'ACTIVE', 'HANDED_OFF', 'PAUSED', 'CLOSED')),
  correlation_id       outreach.correlation_id not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (outreach_id, sovereign_company_id)
);
comment on table outreach.outreach is
  'The operational spine: one outreach record per sovereign company, minted by init_outreach; every sub-hub row joins it by outreach_id.';
comment on column outreach.outreach.status is 'Workflow state: INIT at mint, ACTIVE once enrolled, HANDED_OFF after a booked meeting.';
comment on column outreach.outreach.correlation_id is 'Correlation id of the init that minted the record.';

-- CL's pointer must point at the spine row of the same company.
alter table cl.company_identity
  add constraint company_identity_outreach_fk
  foreign key (outreach_id, sovereign_company_id)
  references outreach.outreach (outreach_id, sovereign_company_id);

--------------------------------------------------------------------------------
-- Sub-hubs
--------------------------------------------------------------------------------
create table outreach.company_target (
  target_id            uuid primary key default gen_random_uuid(),
  outreach_id          uuid not null unique references outreach.outreach (outreach_id),
  sovereign_company_id uuid,
  domain               text,
  email_pattern        text,
  industry             text,
  employee_count       int check (employee_count >= 0),
  target_status        text not null default 'queued'
                       check (target_status in ('queued', 'active', 'exhausted', 'paused', 'opted_out')),
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (target_id, outreach_id),
  foreign key (outreach_id, sovereign_company_id)
    references outreach.outreach (outreach_id, sovereign_company_id)
);
comment on table outreach.company_target is
  'Company Target sub-hub: the internal anchor of an outreach record (domain, verified email pattern, firmographics, outreach status).';
comment on column outreach.company_target.email_pattern is 'Verified email pattern of the domain, e.g. {first}.{last}@acme.com.';
comment on column outreach.company_target.target_status is 'queued, active (enrolled), exhausted, paused or opted_out; the last three block promotion.';

create table outreach.people (
  person_id            uuid primary key default gen_random_uuid(),
  outreach_id          uuid not null,
  target_id            uuid not null,
  sovereign_company_id uuid,
  full_name            text,
  email                text,
  title                text,
  email_status         text not null default 'unverified'
                       check (email_status in ('unverified', 'verified', 'bounced', 'unsubscribed')),
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (person_id, outreach_id),
  foreign key (target_id, outreach_id) references outreach.company_target (target_id, outreach_id),
  foreign key (outreach_id, sovereign_company_id)
    references outreach.outreach (outreach_id, sovereign_company_id)
);
create index people_target_outreach_idx on outreach.people (target_id, outreach_id);
create index people_outreach_sovereign_idx on outreach.people (outreach_id, sovereign_company_id);
comment on table outreach.people is
  'People sub-hub: contacts attached to a company target; an email is usable unless blank, bounced or unsubscribed.';
comment on column outreach.people.email_status is 'unverified (default), verified, bounced or unsubscribed; the last two make the email unusable.';

create table outreach.company_slot (
  outreach_id  uuid not null references outreach.outreach (outreach_id),
  slot_type    text not null check (slot_type in ('HR', 'CEO', 'CFO')),
  person_id    uuid,
  assigned_at  timestamptz,
  updated_at   timestamptz not null default now(),
  primary key (outreach_id, slot_type),
  foreign key (person_id, outreach_id) references outreach.people (person_id, outreach_id)
);
create index company_slot_person_idx on outreach.company_slot (person_id, outreach_id) where person_id is not null;
comment on table outreach.company_slot is
  'Slot assignments: one row per outreach record and slot (HR, CEO, CFO); person_id NULL means unfilled.';

create table outreach.bit_scores (
  outreach_id     uuid primary key references outreach.outreach (outreach_id),
  score           numeric not null check (score >= 0),
  score_tier      text generated always as (
                    case when score >= 75 then 'BURNING'
                         when score >= 50 then 'HOT'
                         when score >= 25 then 'WARM'
                         else 'COLD' end) stored,
  band            smallint check (band between 0 and 5),
  pressure_class  text check (pressure_class in ('COST_PRESSURE', 'VENDOR_DISSATISFACTION',
                    'DEADLINE_PROXIMITY', 'ORGANIZATIONAL_RECONFIGURATION', 'OPERATIONAL_CHAOS')),
  signal_count    int,
  last_scored_at  timestamptz,
  updated_at      timestamptz not null default now()
);
create index bit_scores_score_idx on outreach.bit_scores (score desc);
comment on table outreach.bit_scores is
  'Buyer-intent scores from the BIT engine; the tier is derived from the score (COLD 0–24, WARM 25–49, HOT 50–74, BURNING 75+).';
comment on column outreach.bit_scores.band is 'Optional BIT band 0–5 from the messaging layer.';
comment on column outreach.bit_scores.pressure_class is 'Optional dominant pressure class; decides which slot is addressed first.';

create table outreach.dol (
  dol_id                           uuid primary key default gen_random_uuid(),
  outreach_id                      uuid not null references outreach.outreach (outreach_id),
  ein                              text,
  renewal_date                     date,
  employer_contribution_change_pct numeric,
  created_at                       timestamptz not null default now()
);
create index dol_outreach_idx on outreach.dol (outreach_id);
comment on table outreach.dol is 'DOL (Form 5500) signals per outreach record: EIN, plan renewal date, employer contribution change.';

create table outreach.blog (
  blog_id      uuid primary key default gen_random_uuid(),
  outreach_id  uuid not null references outreach.outreach (outreach_id),
  signal_type  text,
  summary      text,
  published_at timestamptz,
  created_at   timestamptz not null default now()
);
create index blog_outreach_idx on outreach.blog (outreach_id, published_at desc);
comment on table outreach.blog is 'Blog / news signals per outreach record.';

--------------------------------------------------------------------------------
-- Campaigns and sequences
--------------------------------------------------------------------------------
create table outreach.campaigns (
  campaign_id          uuid primary key default gen_random_uuid(),
  campaign_name        text not null,
  campaign_status      text not null default 'draft'
                       check (campaign_status in ('draft', 'active', 'paused', 'completed')),
  target_bit_score_min int check (target_bit_score_min >= 0),
  target_industries    text[],
  min_employees        int check (min_employees >= 0),
  max_employees        int check (max_employees >= 0),
  priority             int not null default 0,
  daily_send_limit     int check (daily_send_limit >= 0),
  total_send_limit     int check (total_send_limit >= 0),
  start_date           date,
  end_date             date,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check (min_employees is null or max_employees is null or min_employees <= max_employees),
  check (start_date is null or end_date is null or start_date <= end_date)
);
comment on table outreach.campaigns is
  'Campaigns and their targeting: minimum BIT score, industries (NULL = any), employee range (NULL = open), limits, date window, priority (higher first).';
comment on column outreach.campaigns.daily_send_limit is 'Most sends this campaign may schedule in one UTC day (NULL = no limit of its own).';
comment on column outreach.campaigns.total_send_limit is 'Most non-cancelled sends this campaign may ever schedule (NULL = no limit).';
comment on column outreach.campaigns.start_date is 'First UTC day of the campaign window (NULL = open).';
comment on column outreach.campaigns.end_date is 'Last UTC day of the campaign window, inclusive (NULL = open).';

create table outreach.sequences (
  sequence_id      uuid primary key default gen_random_uuid(),
  campaign_id      uuid not null references outreach.campaigns (campaign_id),
  sequence_name    text,
  sequence_order   int not null check (sequence_order >= 1),
  delay_days       int not null default 0 check (delay_days >= 0),
  delay_hours      int not null default 0 check (delay_hours >= 0),
  sequence_status  text not null default 'active' check (sequence_status in ('active', 'paused', 'archived')),
  subject_template text,
  body_template    text,
  created_at       timestamptz not null default now(),
  unique (campaign_id, sequence_order)
);
comment on table outreach.sequences is
  'Steps of a campaign: sequence_order 1 is the first touch; each later step waits delay_days + delay_hours after the previous send.';

--------------------------------------------------------------------------------
-- Execution: send log and engagement events
--------------------------------------------------------------------------------
create table outreach.send_log (
  send_id              uuid primary key default gen_random_uuid(),
  outreach_id          uuid not null references outreach.outreach (outreach_id),
  target_id            uuid not null,
  sovereign_company_id uuid,
  campaign_id          uuid references outreach.campaigns (campaign_id),
  sequence_id          uuid references outreach.sequences (sequence_id),
  person_id            uuid references outreach.people (person_id),
  enrolment_id         uuid not null default gen_random_uuid(),
  email_to             text,
  sequence_step        int not null default 1 check (sequence_step >= 1),
  send_status          text not null default 'queued'
                       check (send_status in ('queued', 'sent', 'delivered', 'opened', 'clicked',
                                              'replied', 'bounced', 'failed', 'cancelled')),
  scheduled_at         timestamptz,
  sent_at              timestamptz,
  delivered_at         timestamptz,
  opened_at            timestamptz,
  clicked_at           timestamptz,
  replied_at           timestamptz,
  bounced_at           timestamptz,
  open_count           int not null default 0,
  click_count          int not null default 0,
  stopped_at           timestamptz,
  stop_reason          text,
  proof_line           text,
  subject              text,
  error_message        text,
  correlation_id       outreach.correlation_id not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  foreign key (target_id, outreach_id) references outreach.company_target (target_id, outreach_id),
  foreign key (outreach_id, sovereign_company_id)
    references outreach.outreach (outreach_id, sovereign_company_id)
);
-- The constraint behind "never two open enrolments for one company".
create unique index send_log_one_open_enrolment on outreach.send_log (outreach_id)
  where send_status = 'queued';
create index send_log_last_contact_idx on outreach.send_log (outreach_id, sent_at desc)
  where sent_at is not null;
create index send_log_scheduled_idx on outreach.send_log (scheduled_at)
  where send_status <> 'cancelled';
create index send_log_campaign_scheduled_idx on outreach.send_log (campaign_id, scheduled_at)
  where send_status <> 'cancelled';
create index send_log_sent_at_idx on outreach.send_log (sent_at) where sent_at is not null;
create index send_log_enrolment_idx on outreach.send_log (enrolment_id, sequence_step);
create index send_log_target_idx on outreach.send_log (target_id, outreach_id);
create index send_log_outreach_sovereign_idx on outreach.send_log (outreach_id, sovereign_company_id);
create index send_log_sequence_idx on outreach.send_log (sequence_id);
create index send_log_person_idx on outreach.send_log (person_id);
comment on table outreach.send_log is
  'One row per message: queued by promote or a follow-up, taken by the external sender, advanced by record_event.';
comment on column outreach.send_log.enrolment_id is 'Groups the steps of one enrolment (step 1 and its follow-ups).';
comment on column outreach.send_log.sequence_step is 'Step number inside the enrolment, 1 for the first touch.';
comment on column outreach.send_log.scheduled_at is 'When the send may go out; promote sets it to its as_of. Caps count by this column.';
comment on column outreach.send_log.sent_at is 'When the message actually went out; cooling-off and rate windows count from here.';
comment on column outreach.send_log.stopped_at is 'Set when the enrolment was stopped (reply, meeting, bounce, unsubscribe); no follow-ups after it.';
comment on column outreach.send_log.correlation_id is 'Correlation id of the process that queued the row; never rewritten.';

create table outreach.engagement_events (
  event_id             uuid primary key default gen_random_uuid(),
  send_id              uuid not null references outreach.send_log (send_id),
  outreach_id          uuid not null references outreach.outreach (outreach_id),
  person_id            uuid references outreach.people (person_id),
  event_type           text not null check (event_type in (
                         'email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply',
                         'email_bounce', 'unsubscribe', 'spam_complaint', 'meeting_booked',
                         'linkedin_view', 'website_visit', 'form_submit')),
  event_ts             timestamptz not null,
  source_system        text not null,
  metadata             jsonb not null default '{}',
  event_hash           text not null unique,
  correlation_id       outreach.correlation_id not null,
  recorded_at          timestamptz not null default now()
);
create index engagement_events_send_idx on outreach.engagement_events (send_id, event_type);
create index engagement_events_outreach_idx on outreach.engagement_events (outreach_id);
create index engagement_events_person_idx on outreach.engagement_events (person_id);
create index engagement_events_type_ts_idx on outreach.engagement_events (event_type, event_ts);
comment on table outreach.engagement_events is
  'Append-only log of engagement events from the external senders; deduplicated by event_hash (update, delete, truncate raise OR005).';
comment on column outreach.engagement_events.event_hash is 'sha256 over send id, event type, event time and source system: a redelivered event has the same hash.';

create table outreach.outreach_errors (
  error_id       uuid primary key default gen_random_uuid(),
  correlation_id outreach.correlation_id not null,
  source         text not null,
  sqlstate       text,
  message        text not null,
  detail         jsonb not null default '{}',
  outreach_id    uuid,
  occurred_at    timestamptz not null default now()
);
create index outreach_errors_correlation_idx on outreach.outreach_errors (correlation_id);
create index outreach_errors_occurred_idx on outreach.outreach_errors (occurred_at desc);
comment on table outreach.outreach_errors is
  'Append-only record of every error the hub met, with the correlation id of the work that failed.';
comment on column outreach.outreach_errors.outreach_id is 'The outreach record involved, when there is one (no foreign key: errors may name ids that do not exist).';

--------------------------------------------------------------------------------
-- Settings (one row) and their history
--------------------------------------------------------------------------------
create table outreach.settings (
  singleton                boolean primary key default true check (singleton),
  bit_threshold            numeric not null default 50,
  cooling_off              interval not null default interval '30 days',
  daily_send_cap           int not null default 200 check (daily_send_cap >= 0),
  hourly_send_cap          int not null default 30 check (hourly_send_cap >= 0),
  bounce_rate_ceiling      numeric not null default 0.10 check (bounce_rate_ceiling > 0 and bounce_rate_ceiling <= 1),
  unsubscribe_rate_ceiling numeric not null default 0.05 check (unsubscribe_rate_ceiling > 0 and unsubscribe_rate_ceiling <= 1),
  complaint_rate_ceiling   numeric not null default 0.003 check (complaint_rate_ceiling > 0 and complaint_rate_ceiling <= 1),
  rate_window              interval not null default interval '7 days' check (rate_window > interval '0'),
  rate_min_sample          int not null default 50 check (rate_min_sample >= 1),
  rate_switch_cooldown     interval not null default interval '24 hours' check (rate_switch_cooldown >= interval '0'),
  calendar_base_url        text not null default 'https://book.example.com/meet',
  calendar_ttl             interval not null default interval '72 hours' check (calendar_ttl > interval '0'),
  updated_at               timestamptz not null default now(),
  updated_by               text not null default current_user
);
insert into outreach.settings default values;
comment on table outreach.settings is
  'The one row of operator settings; threshold and cooling-off may only be made stricter than the doctrine (OR007); every change is recorded in settings_history.';
comment on column outreach.settings.bit_threshold is 'Minimum BIT score to be eligible; doctrine minimum 50 (OR007 below).';
comment on column outreach.settings.cooling_off is 'Minimum exact elapsed time between two enrolments of one company; doctrine minimum 30 days (OR007 below).';
comment on column outreach.settings.daily_send_cap is 'Most sends scheduled in one UTC day over all campaigns.';
comment on column outreach.settings.hourly_send_cap is 'Most sends scheduled in one UTC clock hour over all campaigns.';
comment on column outreach.settings.rate_window is 'Rolling window over which bounce, unsubscribe and complaint rates are measured.';
comment on column outreach.settings.rate_min_sample is 'Fewest messages sent in the window before a rate switch may trip.';
comment on column outreach.settings.rate_switch_cooldown is 'After a person clears a rate switch, events before the clearing cannot re-trip it for this long.';
comment on column outreach.settings.calendar_ttl is 'Lifetime of a signed calendar link.';

create table outreach.settings_history (
  change_id   uuid primary key default gen_random_uuid(),
  changed_at  timestamptz not null default now(),
  changed_by  text not null,
  old_values  jsonb not null,
  new_values  jsonb not null
);
create index settings_history_changed_idx on outreach.settings_history (changed_at desc);
comment on table outreach.settings_history is 'Append-only record of every settings change: who, when, the old and the new values of the changed settings.';

--------------------------------------------------------------------------------
-- Kill switches
--------------------------------------------------------------------------------
create table outreach.kill_switch_state (
  switch       text primary key check (switch in ('daily_send_cap', 'hourly_send_cap', 'bounce_rate',
                                                  'unsubscribe_rate', 'complaint_rate')),
  tripped      boolean not null default false,
  tripped_at   timestamptz,
  resumes_at   timestamptz,
  observed     numeric,
  threshold    numeric,
  cleared_at   timestamptz,
  cleared_by   text,
  clear_note   text,
  updated_at   timestamptz not null default now()
);
insert into outreach.kill_switch_state (switch)
values ('daily_send_cap'), ('hourly_send_cap'), ('bounce_rate'), ('unsubscribe_rate'), ('complaint_rate');
comment on table outreach.kill_switch_state is
  'Current state of each kill switch: tripped or not, since when, until when (NULL = until a person clears it).';

create table outreach.kill_switch_history (
  history_id     uuid primary key default gen_random_uuid(),
  switch         text not null references outreach.kill_switch_state (switch),
  action         text not null check (action in ('tripped', 'cleared', 'resumed')),
  occurred_at    timestamptz not null default now(),
  observed       numeric,
  threshold      numeric,
  actor          text not null default current_user,
  note           text,
  correlation_id outreach.correlation_id
);
create index kill_switch_history_switch_idx on outreach.kill_switch_history (switch, occurred_at desc);
comment on table outreach.kill_switch_history is 'Append-only history of kill-switch trips, resumptions and clearings.';

--------------------------------------------------------------------------------
-- Handoff outbox and calendar signing keys
--------------------------------------------------------------------------------
create table outreach.handoffs (
  handoff_id           uuid primary key default gen_random_uuid(),
  outreach_id          uuid not null unique references outreach.outreach (outreach_id),
  sovereign_company_id uuid not null,
  booked_at            timestamptz not null,
  snapshot             jsonb not null,
  correlation_id       outreach.correlation_id not null,
  created_at           timestamptz not null default now(),
  foreign key (outreach_id, sovereign_company_id)
    references outreach.outreach (outreach_id, sovereign_company_id)
);
create index handoffs_outreach_sovereign_idx on outreach.handoffs (outreach_id, sovereign_company_id);
comment on table outreach.handoffs is
  'Outbox read by Sales: one snapshot per outreach record whose meeting was booked; Outreach ends here.';

create table outreach_private.calendar_keys (
  kid         text primary key,
  secret      bytea not null check (length(secret) >= 32),
  created_at  timestamptz not null default now(),
  retired_at  timestamptz
);
comment on table outreach_private.calendar_keys is
  'HMAC-SHA256 keys for calendar links; the newest unretired key signs, every unretired key verifies. Never readable by hub roles.';
