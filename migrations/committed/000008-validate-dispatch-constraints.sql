--! Previous: sha1:11c883f92f2dae3af767ea7b718ba2bf32476292
--! Hash: sha1:c74f974aa5bde0c216ede69a593cf1d48507444f
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
