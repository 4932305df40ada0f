--! Previous: sha1:a278926cca030b29e5841db3c3a63b0f6164dc13
--! Hash: sha1:14bd099cb11545db96e68305828eacec82258bee
--! Message: send_log: drop the first-claims index 000022 replaced

--! no-transaction
-- 000023 — send_log_first_claimed_idx (first_claimed_at) is replaced by
-- send_log_channel_first_claimed_idx (000022): every query that read it counts first
-- claims of one channel. Dropped concurrently, so a live log keeps taking claims.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see 000022)
drop index concurrently if exists outreach.send_log_first_claimed_idx;
