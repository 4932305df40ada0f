--! Previous: sha1:32e058784971fc99cb878c8a27e5a8c30b7420af
--! Hash: sha1:06dd29af743d714018676ab6a0c948eef5e25f30
--! Message: Finite scores and thresholds, SQLSTATE-shaped outreach_errors.sqlstate, settings.max_clock_skew

--------------------------------------------------------------------------------
-- Values that are not values: a NaN or infinite BIT score (NaN sorts above every
-- number, so it was BURNING and promoted first) or BIT threshold (nothing reached
-- it), send times at ±infinity or in absurd years, and error rows whose sqlstate is a driver's word (CONNECTION_CLOSED)
-- instead of a SQLSTATE. Constraints are added NOT VALID here (new rows are
-- checked at once, with no long lock) and validated by the next migration.
--
-- settings.max_clock_skew: how far ahead of the database's clock a reported time
-- (a booking's booked_at) may be before it is refused.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.settings
  add column max_clock_skew interval not null default '5 minutes';
comment on column outreach.settings.max_clock_skew is
  'How far ahead of the database clock a reported time (booked_at) may be; later is refused (22023). 0 to 24 hours.';

alter table outreach.settings
  add constraint settings_max_clock_skew_check
  check (max_clock_skew >= interval '0' and max_clock_skew <= interval '24 hours') not valid;

-- 'Infinity' is the largest numeric but NaN, so "< Infinity" refuses both.
alter table outreach.settings
  add constraint settings_bit_threshold_finite_check
  check (bit_threshold < 'Infinity'::numeric) not valid;

alter table outreach.bit_scores
  add constraint bit_scores_score_finite_check
  check (score < 'Infinity'::numeric) not valid;

-- The sender writes scheduled_at / sent_at directly; cooling-off, caps and
-- follow-ups compute with them, so they must be times (NULL allowed).
alter table outreach.send_log
  add constraint send_log_times_check
  check (scheduled_at >= '1900-01-01 00:00:00+00' and scheduled_at < '10000-01-01 00:00:00+00'
         and sent_at >= '1900-01-01 00:00:00+00' and sent_at < '10000-01-01 00:00:00+00') not valid;

alter table outreach.outreach_errors
  add constraint outreach_errors_sqlstate_check
  check (sqlstate ~ '^[0-9A-Z]{5}$') not valid;
