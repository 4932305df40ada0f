--! Previous: sha1:7b91c8d53152abf1ef3aa72625f33f6f2d6cf2f7
--! Hash: sha1:32e058784971fc99cb878c8a27e5a8c30b7420af
--! Message: Index send_log campaign_id

--! no-transaction
-- 000006 — An index for send_log.campaign_id (its foreign key had only a partial one),
-- built concurrently so a live send log keeps taking writes. A no-transaction migration
-- holds exactly one statement, so its timeouts come from the migrating session
-- (e.g. PGOPTIONS='-c lock_timeout=5s -c statement_timeout=30min' npm run migrate).
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
create index concurrently if not exists send_log_campaign_idx on outreach.send_log (campaign_id);
