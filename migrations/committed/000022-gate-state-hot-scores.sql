--! Previous: sha1:d67590664cf16b5f9493bdea7018dd4679605c4a
--! Hash: sha1:66ed7d15de5aa58cb62ee1dd1e20eaa7714403f3
--! Message: gate state: partial indexes defined by the generated masks, the scored index by key alone, so a score change can be HOT

-- Issue 18: a score change updates its gate state row in place (a HOT update: no index
-- entry written) when the page has room (fillfactor 90). Until now each one wrote two:
-- the primary key's and the scored index's, whose entry held the score (every column
-- candidates_scored() reads, so the scored rows were read from the index alone), and both
-- partial indexes were defined by `bit_score is [not] null`, which alone made the score an
-- indexed column. A BIT score is rewritten far more often than a record is evaluated:
-- 100k score upserts measured 2.1-2.6x their time without the state's trigger, against a
-- target of 2x. Now the partial indexes are defined by the generated masks, which are
-- NULL exactly when the record is unscored (scored_mask) or scored (unscored_mask) and
-- keep their value while a score changes (unless the band crosses 3), and the scored index
-- holds only the key: the scored part reads its rows from the table (about 14 % of the
-- records in the generated data). Both indexes are rebuilt under an exclusive lock (about
-- 1 s per 100k records here), in this transaction.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

lock table outreach.gate_state in access exclusive mode;

-- squawk-ignore require-concurrent-index-deletion -- rebuilt in this transaction, the table held exclusively (see above)
drop index outreach.gate_state_scored_idx;
-- squawk-ignore require-concurrent-index-creation -- rebuilt in this transaction, the table held exclusively (see above)
create index gate_state_scored_idx on outreach.gate_state (outreach_id)
  where scored_mask is not null;
comment on index outreach.gate_state_scored_idx is
  'The scored records (candidates_scored()), by key. Defined by scored_mask, not the score, so a score change can be HOT.';

-- squawk-ignore require-concurrent-index-deletion -- rebuilt in this transaction, the table held exclusively (see above)
drop index outreach.gate_state_unscored_idx;
-- squawk-ignore require-concurrent-index-creation -- rebuilt in this transaction, the table held exclusively (see above)
create index gate_state_unscored_idx on outreach.gate_state (unscored_mask, last_sent) include (outreach_id)
  where unscored_mask is not null;
comment on index outreach.gate_state_unscored_idx is
  'The unscored records by their kept reasons (unscored_tally()). Defined by unscored_mask, not the score, so a score change can be HOT.';
