--! Previous: sha1:711d6fd4646d898169bc055adbdc791d291a46bf
--! Hash: sha1:9e5256ccc740536d227723b8f0d6cfcddf2aa1e0
--! Message: Validate the providers check constraints

--------------------------------------------------------------------------------
-- Validate the check constraints the providers migration added NOT VALID, in a
-- transaction of its own: VALIDATE CONSTRAINT takes a SHARE UPDATE EXCLUSIVE lock,
-- so reads and writes go on while the existing rows are checked.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.engagement_events validate constraint engagement_events_event_type_check;
alter table outreach.settings validate constraint settings_calendar_provider_check;
