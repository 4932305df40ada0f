--! Previous: sha1:e0a83de1da8410ed6d615eb5f17807dadfdfcc2e
--! Hash: sha1:3108c398a0b230e2432b80a568e0c13368408891
--! Message: engagement_events: drop the person index (no query reads events by person)

--! no-transaction
-- 000020 — engagement_events_person_idx is read by no query of the hub: events are found
-- by send (engagement_events_send_idx: kill switches, metrics, unsubscribe, outbox), by
-- company (engagement_events_outreach_idx: handoff_snapshot), by hash (the unique key)
-- and by type and time (engagement_events_type_ts_idx: kill switches); the foreign key
-- on person_id that it once served was dropped in 000018, and nobody deletes a person.
-- Every recorded event paid for it: one more random insert into a uuid B-tree (about
-- 1 ms of a 1,000-event record_events batch at 95k, more as the log grows). Dropped
-- concurrently so a live log keeps taking events; a no-transaction migration holds
-- exactly one statement, so its timeouts come from the migrating session.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
drop index concurrently if exists outreach.engagement_events_person_idx;
