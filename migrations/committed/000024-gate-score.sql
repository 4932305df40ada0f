--! Previous: sha1:14bd099cb11545db96e68305828eacec82258bee
--! Hash: sha1:63496edd984eb0e620447e3e5f4fb14a678a7913
--! Message: gate state: the score in a narrow table of its own (gate_score), so a score change is a HOT update of it

-- Issue 18: a score change rewrote the record's whole state row. The scored part of
-- candidates() reads every column from gate_state_scored_idx (an index-only scan), and
-- the score was one of them, so no score update could be HOT: each wrote a new version
-- of a wide row (heap, primary key and a wide covering entry) and recomputed the
-- generated columns. 100k bit_scores upserts at 1M records took 2.2-2.3x as long with
-- the state kept as without (issue 18: 2x at most). The score, its tier and band now
-- live in a narrow table of their own, gate_score (one row per scored record, only a key
-- index, fillfactor 80), which a score change rewrites in place (HOT: no index entry).
-- gate_state keeps whether the record is scored (`scored`, which only an insert or a
-- delete of a score changes) and splits its partial indexes on it; the band's reason
-- (band_below_3) is read with the score, like bit_below_threshold. The rest of the row
-- is unchanged, column for column. The table is rebuilt (as in 000019) under an
-- exclusive lock: about 1 s per 100k records here.

set local lock_timeout = '5s';
set local statement_timeout = '15min';

lock table outreach.gate_state in access exclusive mode;
-- The old table's names step aside for the new one's.
alter index outreach.gate_state_pkey rename to gate_state_old_pkey;
alter index outreach.gate_state_scored_idx rename to gate_state_old_scored_idx;
alter index outreach.gate_state_unscored_idx rename to gate_state_old_unscored_idx;

create table outreach.gate_score (
  outreach_id uuid not null constraint gate_score_pkey primary key,
  bit_score   numeric not null,
  score_tier  text,
  band        smallint
)
-- Room on each page for a row's new version: a score change is then a HOT update (no
-- index holds the score), on the same page.
with (fillfactor = 80);
comment on table outreach.gate_score is
  'Derived, kept by the statement triggers on bit_scores: the score, tier and band of every scored outreach record (bit_scores.score, score_tier, band), read by candidates() with the record''s gate_state row. Rebuilt by refresh_gate_state().';

insert into outreach.gate_score (outreach_id, bit_score, score_tier, band)
select g.outreach_id, g.bit_score, g.score_tier, g.band
  from outreach.gate_state g
 where g.bit_score is not null
 order by g.outreach_id;

create table outreach.gate_state_rebuilt (
  scored               boolean not null,
  last_sent            timestamptz,
  -- unscored_reasons as bits: bit k-1 set when the k-th code of blocking_reason_codes()
  -- blocks the record (cooling_off, bit 6, is never set here). An unscored record has no
  -- band, so band_below_3 (bit 13) never blocks it.
  unscored_mask        int generated always as (
                         case when not scored then
                           case when target_id is null then 1 else 0 end
                           | case when target_id is not null and coalesce(btrim(domain), '') = '' then 2 else 0 end
                           | case when target_id is not null and coalesce(btrim(email_pattern), '') = '' then 4 else 0 end
                           | 8
                           | case when coalesce(filled_slots, 0) = 0 then 16 else 0 end
                           | case when filled_slots > 0 and contact_person_id is null then 32 else 0 end
                           | case when queued_sends > 0 then 128 else 0 end
                           | case target_status when 'paused' then 256 when 'opted_out' then 512
                                                when 'exhausted' then 1024 else 0 end
                           | 2048
                           | case when spine_status = 'HANDED_OFF' then 4096 else 0 end
                           | case when not upstream_passed then 16384 else 0 end
                           | case when domain_suppressed then 32768 else 0 end
                         end
                       ) stored,
  unscored_reasons     text[] generated always as (
                         case when not scored then array_remove(array[
                           case when target_id is null then 'no_company_target' end,
                           case when target_id is not null and coalesce(btrim(domain), '') = '' then 'missing_domain' end,
                           case when target_id is not null and coalesce(btrim(email_pattern), '') = '' then 'missing_email_pattern' end,
                           'bit_below_threshold',
                           case when coalesce(filled_slots, 0) = 0 then 'no_anchor_slot' end,
                           case when filled_slots > 0 and contact_person_id is null then 'no_contact_email' end,
                           case when queued_sends > 0 then 'already_in_outreach' end,
                           case target_status when 'paused' then 'target_paused'
                                              when 'opted_out' then 'target_opted_out'
                                              when 'exhausted' then 'target_exhausted' end,
                           'no_matching_campaign',
                           case when spine_status = 'HANDED_OFF' then 'handed_off' end,
                           case when not upstream_passed then 'upstream_not_passed' end,
                           case when domain_suppressed then 'suppressed' end
                         ], null) end
                       ) stored,
  static_clear         boolean not null generated always as (
                         target_id is not null
                         and coalesce(btrim(domain), '') <> ''
                         and coalesce(btrim(email_pattern), '') <> ''
                         and coalesce(filled_slots, 0) > 0
                         and queued_sends = 0
                         and coalesce(target_status not in ('paused', 'opted_out', 'exhausted'), false)
                         and spine_status <> 'HANDED_OFF'
                         and coalesce(upstream_passed, true)
                         and not coalesce(domain_suppressed, false)
                       ) stored,
  outreach_id          uuid not null constraint gate_state_pkey primary key,
  sovereign_company_id uuid not null,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  contact_person_id    uuid,
  contact_slot         text,
  contact_email        text,
  queued_sends         int not null default 0,
  filled_slots         smallint,
  spine_status         text not null,
  target_status        text,
  upstream_passed      boolean,
  domain_suppressed    boolean,
  industry_key         text,
  employee_count       int,
  contact_li_person_id uuid,
  contact_li_slot      text,
  contact_linkedin_url text,
  -- A scored record's reasons that its own row decides, as bits (bit k-1: the k-th code
  -- of blocking_reason_codes()): all but bit_below_threshold and band_below_3 (read with
  -- the score), no_contact_email, cooling_off, no_matching_campaign and
  -- no_contact_profile (read at as_of or from the campaign search). NULL when unscored.
  scored_mask          int generated always as (
                         case when scored then
                           case when target_id is null then 1 else 0 end
                           | case when target_id is not null and coalesce(btrim(domain), '') = '' then 2 else 0 end
                           | case when target_id is not null and coalesce(btrim(email_pattern), '') = '' then 4 else 0 end
                           | case when coalesce(filled_slots, 0) = 0 then 16 else 0 end
                           | case when queued_sends > 0 then 128 else 0 end
                           | case target_status when 'paused' then 256 when 'opted_out' then 512
                                                when 'exhausted' then 1024 else 0 end
                           | case when spine_status = 'HANDED_OFF' then 4096 else 0 end
                           | case when not upstream_passed then 16384 else 0 end
                           | case when domain_suppressed then 32768 else 0 end
                         end
                       ) stored
)
-- Room on each page for the new version of an updated row.
with (fillfactor = 90);

insert into outreach.gate_state_rebuilt
       (scored, last_sent, outreach_id, sovereign_company_id, target_id, domain, email_pattern,
        contact_person_id, contact_slot, contact_email, queued_sends, filled_slots, spine_status,
        target_status, upstream_passed, domain_suppressed, industry_key, employee_count,
        contact_li_person_id, contact_li_slot, contact_linkedin_url)
select g.bit_score is not null, g.last_sent, g.outreach_id, g.sovereign_company_id, g.target_id, g.domain, g.email_pattern,
       g.contact_person_id, g.contact_slot, g.contact_email, g.queued_sends, g.filled_slots, g.spine_status,
       g.target_status, g.upstream_passed, g.domain_suppressed, g.industry_key, g.employee_count,
       g.contact_li_person_id, g.contact_li_slot, g.contact_linkedin_url
  from outreach.gate_state g
 order by g.outreach_id;

-- The scored records (about one in seven) as a narrow copy that candidates_scored()
-- reads alone (an index-only scan), joined to gate_score for the score. Neither the
-- score nor the band is in it (nor in any index of the state), so a score change writes
-- neither the state nor its indexes.
create index gate_state_scored_idx on outreach.gate_state_rebuilt (outreach_id)
  include (last_sent, static_clear, scored_mask, sovereign_company_id, target_id, domain, email_pattern,
           contact_person_id, contact_slot, contact_email, filled_slots, industry_key,
           employee_count, contact_li_person_id, contact_li_slot, contact_linkedin_url)
  where scored;

-- The unscored records' kept reasons (as bits) and last send: promote's evaluation log
-- counts them (outreach_private.unscored_tally) from this index alone.
create index gate_state_unscored_idx on outreach.gate_state_rebuilt (unscored_mask, last_sent)
  include (outreach_id)
  where not scored;

-- The state is derived and read only by the hub's own functions, which name it (nothing
-- depends on the table object): the old one goes and the new one takes its name.
-- squawk-ignore ban-drop-table -- derived data, copied above in the same transaction
drop table outreach.gate_state;
-- squawk-ignore renaming-table -- the rebuilt table takes the old one's name in the same transaction
alter table outreach.gate_state_rebuilt rename to gate_state;
analyze outreach.gate_state;
analyze outreach.gate_score;
comment on table outreach.gate_state is
  'Derived, kept by statement triggers: one row per outreach record with what the static rules of candidates() read (spine status, target and contact summary, whether it is scored, upstream verdict, last send, queued sends); the score itself is in gate_score. Rebuilt by refresh_gate_state().';
comment on column outreach.gate_state.scored is 'Whether the record has a BIT score (a bit_scores row; its score, tier and band are in gate_score).';
comment on column outreach.gate_state.target_id is 'The record''s company_target, NULL when it has none (then every target column is NULL).';
comment on column outreach.gate_state.industry_key is 'The target''s industry, lower-cased and trimmed (what campaign matching compares).';
comment on column outreach.gate_state.upstream_passed is 'Whether every hub before Outreach Execution reported PASS; NULL when no upstream hub reported on the record.';
comment on column outreach.gate_state.last_sent is 'The latest send_log.sent_at of the record (any status), NULL when nothing was sent.';
comment on column outreach.gate_state.queued_sends is 'How many of the record''s sends are queued (kept by deltas).';
comment on column outreach.gate_state.unscored_mask is
  'Generated: unscored_reasons as bits (bit k-1 for the k-th code of blocking_reason_codes()); NULL for a scored record.';
comment on column outreach.gate_state.unscored_reasons is
  'Generated: the blocking reasons of the record while it is unscored and not in cooling-off (candidates() returns them as they are); NULL for a scored record.';
comment on column outreach.gate_state.static_clear is
  'Generated: no rule that reads only this row blocks the record (target, domain, pattern, filled slots, target status, spine status, upstream verdict, suppression, queued sends).';
comment on column outreach.gate_state.scored_mask is
  'Generated: a scored record''s reasons that its own row decides, as bits (bit k-1: the k-th code of blocking_reason_codes()); NULL for an unscored record.';
