--! Previous: sha1:c74f974aa5bde0c216ede69a593cf1d48507444f
--! Hash: sha1:ab2ccfc54f802327302b83a78715d655e37de6a0
--! Message: Index people by lower-cased address

--! no-transaction
-- 000009 — people by lower-cased, trimmed address: a suppression of one address finds
-- the people (and their records' contact summaries) it affects without a scan. Built
-- concurrently so a live people table keeps taking writes; a no-transaction migration
-- holds exactly one statement, so its timeouts come from the migrating session.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
create index concurrently if not exists people_email_lower_idx on outreach.people (lower(btrim(email)));
