--! Previous: sha1:0b7386c2b26544fb25b0f9ca662ddcf6574f7720
--! Hash: sha1:9a08d8b359a0343d51f15b611d8bc207eaf787f5
--! Message: Validate the dispatch check constraints

--------------------------------------------------------------------------------
-- 000008 — Validate the check constraints 000007 added NOT VALID, in a transaction
-- of its own: VALIDATE CONSTRAINT takes a SHARE UPDATE EXCLUSIVE lock, so reads and
-- writes go on while the existing rows (all at the new columns' defaults) are checked.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.campaigns validate constraint campaigns_sender_check;
alter table outreach.campaigns validate constraint campaigns_provider_campaign_id_check;
alter table outreach.campaigns validate constraint campaigns_send_days_check;
alter table outreach.campaigns validate constraint campaigns_send_window_check;
alter table outreach.sequences validate constraint sequences_send_time_preference_check;
alter table outreach.send_log validate constraint send_log_channel_check;
alter table outreach.send_log validate constraint send_log_attempt_check;
alter table outreach.settings validate constraint settings_max_send_attempts_check;
