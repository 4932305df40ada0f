--! Previous: sha1:f66e2f906953f7a3c416844ecd503d105bd1ccbe
--! Hash: sha1:ddd0ce8680e7a850cb354382ef56f02082f8ec80
--! Message: Validate the LinkedIn check constraints

--------------------------------------------------------------------------------
-- Validate the check constraints the LinkedIn migration added NOT VALID, in a
-- transaction of its own (SHARE UPDATE EXCLUSIVE: reads and writes go on).
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.campaigns validate constraint campaigns_channel_check;
alter table outreach.campaigns validate constraint campaigns_channel_sender_check;
alter table outreach.company_target validate constraint company_target_contact_li_slot_check;
alter table outreach.settings validate constraint settings_linkedin_caps_check;
alter table outreach.kill_switch_state validate constraint kill_switch_state_switch_check;
alter table outreach.engagement_events validate constraint engagement_events_event_type_check;
