--! Previous: sha1:06dd29af743d714018676ab6a0c948eef5e25f30
--! Hash: sha1:38dc9a3da2ed6f460ada4a668243ed4d50a1498c
--! Message: Validate the finite-value, clock-skew and SQLSTATE constraints

--------------------------------------------------------------------------------
-- Validates the constraints 000007 added NOT VALID (SHARE UPDATE EXCLUSIVE: reads
-- and writes go on). A database that already holds a NaN score, a send time at
-- infinity or a non-SQLSTATE error row cannot validate them: outreach_errors is append-only and a score is
-- upstream's to correct. There the constraint stays NOT VALID (it still checks
-- every new row) and a WARNING says how many rows are in the way; validate it
-- by hand once they are gone (ALTER TABLE ... VALIDATE CONSTRAINT ...).
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table outreach.settings validate constraint settings_max_clock_skew_check;
alter table outreach.settings validate constraint settings_bit_threshold_finite_check;

do $$
declare
  n bigint;
begin
  select count(*) into n from outreach.bit_scores where not (score < 'Infinity'::numeric);
  if n = 0 then
    alter table outreach.bit_scores validate constraint bit_scores_score_finite_check;
  else
    raise warning '% bit_scores rows have a NaN or infinite score: bit_scores_score_finite_check left NOT VALID', n;
  end if;
  select count(*) into n from outreach.send_log
   where not (scheduled_at >= '1900-01-01 00:00:00+00' and scheduled_at < '10000-01-01 00:00:00+00'
              and sent_at >= '1900-01-01 00:00:00+00' and sent_at < '10000-01-01 00:00:00+00');
  if n = 0 then
    alter table outreach.send_log validate constraint send_log_times_check;
  else
    raise warning '% send_log rows have an infinite or out-of-range scheduled_at or sent_at: send_log_times_check left NOT VALID', n;
  end if;
  select count(*) into n from outreach.outreach_errors where not (sqlstate ~ '^[0-9A-Z]{5}$');
  if n = 0 then
    alter table outreach.outreach_errors validate constraint outreach_errors_sqlstate_check;
  else
    raise warning '% outreach_errors rows have a sqlstate that is not a SQLSTATE: outreach_errors_sqlstate_check left NOT VALID', n;
  end if;
end
$$;
