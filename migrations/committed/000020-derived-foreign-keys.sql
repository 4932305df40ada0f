--! Previous: sha1:ddd0ce8680e7a850cb354382ef56f02082f8ec80
--! Hash: sha1:d546008d1d4f5534460b12fd60c459ee548b46fe
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
