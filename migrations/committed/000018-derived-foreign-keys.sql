--! Previous: sha1:dd1e7b3838f736453c6e8e75ce09942defa64b98
--! Hash: sha1:515f63daba24fe1e08ba701173d57a765fc24e1b
--! Message: Drop the foreign keys that follow from others (send_log.outreach_id, engagement_events.outreach_id and person_id)

--------------------------------------------------------------------------------
-- Keep only the foreign keys that carry the doctrine (issue 18):
--   send_log.outreach_id -> outreach          follows from (outreach_id, sovereign_company_id)
--                                             -> outreach, which send_log keeps
--   engagement_events.outreach_id -> outreach follow from engagement_events.send_id ->
--   engagement_events.person_id -> people     send_log: record_events copies both from the
--                                             send, whose own keys check them; the log is
--                                             append-only and nobody deletes a record or a
--                                             person (docs/security.md)
-- Each was a second index probe per inserted row. Dropping a constraint takes a brief
-- ACCESS EXCLUSIVE lock and no scan. The indexes stay (the reads use them).
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.send_log drop constraint if exists send_log_outreach_id_fkey;
alter table outreach.engagement_events drop constraint if exists engagement_events_outreach_id_fkey;
alter table outreach.engagement_events drop constraint if exists engagement_events_person_id_fkey;
