--! Previous: sha1:211f3fde5729bbe5a6e05cfacb960b68e157b23e
--! Hash: sha1:09e4bdb4612e0263de42a9d8e8569a4a1f5bdfdc
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
