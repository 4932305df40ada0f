--! Previous: sha1:c6c461b0f248ff058f62933bec26b23c85876a1c
--! Hash: sha1:e674eb493c16b9f20430f79285e4925e37f8da35
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
