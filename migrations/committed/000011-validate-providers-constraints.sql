--! Previous: sha1:ad3e02ae99adecbaf814269734af988261267ea6
--! Hash: sha1:9e485cd835ef40022211560df052eeabab100083
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
