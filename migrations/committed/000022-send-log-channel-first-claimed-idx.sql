--! Previous: sha1:d67590664cf16b5f9493bdea7018dd4679605c4a
--! Hash: sha1:a278926cca030b29e5841db3c3a63b0f6164dc13
--! Message: send_log: first claims indexed by channel (the hand-over caps count one channel each)

--! no-transaction
-- 000022 — The caps claim_sends checks on every call count first hand-overs by channel
-- (sql/80_dispatch/60_claims.sql, step 2; the kill switches' LinkedIn readings too):
-- email ones in this UTC hour and day, LinkedIn connection requests over a rolling 7
-- days and LinkedIn messages today. send_log_first_claimed_idx (first_claimed_at) made
-- the LinkedIn count walk every first claim of the last 7 days, email included, and
-- filter the channel from the table (at 1M records, after a day of 44k email claims: a
-- week of them read on every call), and the email count read every row of the day from
-- the table. Keyed by channel first, each count reads its own channel's entries, from the
-- index alone where the table's pages are all-visible (sequence_step included for the
-- LinkedIn split). Built concurrently, so a live log keeps taking claims; 000023 drops
-- the old index. A no-transaction migration holds exactly one statement, so its
-- timeouts come from the migrating session.
-- squawk-ignore require-lock-timeout,require-statement-timeout -- one-statement no-transaction migration; timeouts come from the session (see above)
create index concurrently if not exists send_log_channel_first_claimed_idx
  on outreach.send_log (channel, first_claimed_at) include (sequence_step)
  where first_claimed_at is not null;
