--! Previous: sha1:e674eb493c16b9f20430f79285e4925e37f8da35
--! Hash: sha1:f66e2f906953f7a3c416844ecd503d105bd1ccbe
--! Message: LinkedIn channel: campaigns.channel, people.linkedin_url, the LinkedIn contact summary, caps, event types

--------------------------------------------------------------------------------
-- LinkedIn as a second channel (SPEC §12): a campaign's channel, the person's
-- profile URL (an interface column People writes), the LinkedIn half of the
-- contact summary on company_target (kept by the triggers of
-- sql/20_gate/15_contact_summary.sql), the LinkedIn caps and the LinkedIn event
-- types. New check constraints are added NOT VALID and validated by 000016.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

--------------------------------------------------------------------------------
-- Campaigns: the channel (heyreach campaigns are linkedin, every other sender email).
--------------------------------------------------------------------------------
alter table outreach.campaigns
  add column if not exists channel text not null default 'email';
alter table outreach.campaigns
  add constraint campaigns_channel_check check (channel in ('email', 'linkedin')) not valid;
alter table outreach.campaigns
  add constraint campaigns_channel_sender_check
  check ((sender = 'heyreach') = (channel = 'linkedin')) not valid;
-- Existing HeyReach campaigns are LinkedIn campaigns.
update outreach.campaigns set channel = 'linkedin' where sender = 'heyreach' and channel <> 'linkedin';
comment on column outreach.campaigns.channel is
  'email (default) or linkedin: which address a contact needs and where the sends go; heyreach campaigns are linkedin, the others email.';

--------------------------------------------------------------------------------
-- People: the LinkedIn profile (interface column, written by People).
--------------------------------------------------------------------------------
alter table outreach.people
  add column if not exists linkedin_url text;
comment on column outreach.people.linkedin_url is
  'The person''s LinkedIn profile URL (interface column, written by People); a LinkedIn campaign needs it.';

--------------------------------------------------------------------------------
-- The LinkedIn contact summary on company_target.
--------------------------------------------------------------------------------
alter table outreach.company_target
  add column if not exists contact_li_person_id uuid,
  add column if not exists contact_li_slot text,
  add column if not exists contact_linkedin_url text;
alter table outreach.company_target
  add constraint company_target_contact_li_slot_check
  check (contact_li_slot in ('HR', 'CEO', 'CFO')) not valid;
comment on column outreach.company_target.contact_li_person_id is
  'Derived, kept by triggers: the person a LinkedIn campaign writes to (slot order with the pressure class, usable profile), NULL when none.';
comment on column outreach.company_target.contact_li_slot is 'Derived, kept by triggers: the slot of contact_li_person_id.';
comment on column outreach.company_target.contact_linkedin_url is 'Derived, kept by triggers: the profile URL of contact_li_person_id.';

--------------------------------------------------------------------------------
-- Settings: the LinkedIn caps.
--------------------------------------------------------------------------------
alter table outreach.settings
  add column if not exists linkedin_weekly_connect_cap int not null default 100,
  add column if not exists linkedin_daily_message_cap int not null default 50;
alter table outreach.settings
  add constraint settings_linkedin_caps_check
  check (linkedin_weekly_connect_cap >= 0 and linkedin_daily_message_cap >= 0) not valid;
comment on column outreach.settings.linkedin_weekly_connect_cap is
  'Most LinkedIn connection requests (step 1 of a LinkedIn enrolment) in any rolling 7 days.';
comment on column outreach.settings.linkedin_daily_message_cap is
  'Most LinkedIn messages (later steps of a LinkedIn enrolment) in one UTC day.';

--------------------------------------------------------------------------------
-- Kill switches: the LinkedIn caps on the board.
--------------------------------------------------------------------------------
alter table outreach.kill_switch_state
  drop constraint if exists kill_switch_state_switch_check;
alter table outreach.kill_switch_state
  add constraint kill_switch_state_switch_check check (switch in (
    'daily_send_cap', 'hourly_send_cap', 'bounce_rate', 'unsubscribe_rate', 'complaint_rate',
    'linkedin_weekly_connect_cap', 'linkedin_daily_message_cap')) not valid;
insert into outreach.kill_switch_state (switch)
values ('linkedin_weekly_connect_cap'), ('linkedin_daily_message_cap')
on conflict (switch) do nothing;

--------------------------------------------------------------------------------
-- Event types: the LinkedIn events (linkedin_view stays).
--------------------------------------------------------------------------------
alter table outreach.engagement_events
  drop constraint if exists engagement_events_event_type_check;
alter table outreach.engagement_events
  add constraint engagement_events_event_type_check check (event_type in (
    'email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply', 'email_auto_reply',
    'email_bounce', 'unsubscribe', 'spam_complaint', 'meeting_booked', 'meeting_cancelled',
    'meeting_rescheduled', 'linkedin_view', 'website_visit', 'form_submit',
    'linkedin_connect_sent', 'linkedin_connect_accepted', 'linkedin_message_sent', 'linkedin_reply',
    'linkedin_touch')) not valid;
