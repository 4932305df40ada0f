--! Previous: sha1:63496edd984eb0e620447e3e5f4fb14a678a7913
--! Hash: sha1:234c3c2ecab67216d82aadd01f3c8e7e7bc867a6
--! Message: handover counts: first hand-overs per channel and UTC hour, kept by triggers on send_log (claim_sends reads its email caps from it)

-- 000025 — First hand-overs counted per channel and UTC hour (issue 18, claims).
-- claim_sends checks the email caps on every call: first hand-overs in this UTC hour and
-- UTC day. It counted them from send_log_channel_first_claimed_idx, one index entry a
-- hand-over, and those entries lie on pages that the claims themselves just changed (not
-- all-visible), so each was also read from the table: with the caps lifted at 1M records
-- the count averaged 11 ms of a 45 ms call of 100 and grew with every claim of the day.
-- The counts are kept instead, one row per channel and hour, by statement triggers on
-- send_log (sql/80_dispatch/55_handover_counts.sql), which also fills this table in the
-- transaction that installs them. A day is at most 24 rows.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table if not exists outreach_private.handover_counts (
  channel   text not null,
  hour      timestamptz not null,
  handovers bigint not null,
  constraint handover_counts_pkey primary key (channel, hour)
);
comment on table outreach_private.handover_counts is
  'Derived, kept by the statement triggers handover_counts_* on send_log: how many sends of each channel were first handed over (send_log.first_claimed_at) in each UTC hour. claim_sends reads its email caps from it. Rebuilt by outreach.refresh_handover_counts().';
comment on column outreach_private.handover_counts.hour is
  'The UTC hour: date_trunc(''hour'', first_claimed_at, ''UTC'').';
