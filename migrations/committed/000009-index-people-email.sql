--! Previous: sha1:9a08d8b359a0343d51f15b611d8bc207eaf787f5
--! Hash: sha1:0647ed11fc8cb494d31c5f1a9d1a001fb1481d65
--! Message: Index people by lower-cased address

--! no-transaction
-- 000009 — people by lower-cased, trimmed address: a suppression of one address finds
-- the people (and their records' contact summaries) it affects without a scan. Built
-- concurrently so a live people table keeps taking writes; a no-transaction migration
-- holds exactly one statement, so its timeouts come from the migrating session.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
create index concurrently if not exists people_email_lower_idx on outreach.people (lower(btrim(email)));
