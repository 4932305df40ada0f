--! Previous: sha1:8f59b9946e2080cc1743734317c702e375027cbf
--! Hash: sha1:45322f01f6ce538d05f4e1e832e980b1e2a069cf
--! Message: Index people by lower-cased address

--! no-transaction
-- 000009 — people by lower-cased, trimmed address: a suppression of one address finds
-- the people (and their records' contact summaries) it affects without a scan. Built
-- concurrently so a live people table keeps taking writes; a no-transaction migration
-- holds exactly one statement, so its timeouts come from the migrating session.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
create index concurrently if not exists people_email_lower_idx on outreach.people (lower(btrim(email)));
