--! Previous: sha1:3108c398a0b230e2432b80a568e0c13368408891
--! Hash: sha1:d67590664cf16b5f9493bdea7018dd4679605c4a
--! Message: gate state: the static reasons of a scored record as bits (scored_mask), in the scored index

-- Issue 18: candidates_scored() spelt every scored record's reasons by building an array
-- of seventeen CASEs and removing the NULLs: at 95k records that was about as much as the
-- rest of the scored part together (9k records blocked, ~1.5 us each, most of it trimming
-- the domain and the pattern again). The reasons a scored record's own row decides
-- (everything but bit_below_threshold, no_contact_email, cooling_off,
-- no_matching_campaign and no_contact_profile, which depend on as_of, the settings or
-- the campaign search) are now kept as bits, numbered as in unscored_mask: bit k-1 for
-- the k-th code of blocking_reason_codes(). candidates_scored() ORs in the others and
-- spells each distinct mask once. NULL for an unscored record (its reasons are
-- unscored_mask / unscored_reasons). The column is added to the covering index the scored
-- part reads (an index-only scan), and the five columns it now reads only through the mask
-- (queued_sends, spine_status, target_status, upstream_passed, domain_suppressed) leave it:
-- a narrower entry for every write of a scored record's state. Adding a stored generated column rewrites the table
-- under an exclusive lock (about 1 s per 100k records here); the index is rebuilt in the
-- same transaction, under that lock.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- squawk-ignore adding-field-with-default -- a generated column of derived state: the rewrite is the backfill (about 1 s per 100k records, exclusive lock), see above
alter table outreach.gate_state add column scored_mask int generated always as (
  case when bit_score is not null then
    case when target_id is null then 1 else 0 end
    | case when target_id is not null and coalesce(btrim(domain), '') = '' then 2 else 0 end
    | case when target_id is not null and coalesce(btrim(email_pattern), '') = '' then 4 else 0 end
    | case when coalesce(filled_slots, 0) = 0 then 16 else 0 end
    | case when queued_sends > 0 then 128 else 0 end
    | case target_status when 'paused' then 256 when 'opted_out' then 512
                         when 'exhausted' then 1024 else 0 end
    | case when spine_status = 'HANDED_OFF' then 4096 else 0 end
    | case when band < 3 then 8192 else 0 end
    | case when not upstream_passed then 16384 else 0 end
    | case when domain_suppressed then 32768 else 0 end
  end
) stored;
comment on column outreach.gate_state.scored_mask is
  'A scored record''s reasons that its own row decides, as bits (bit k-1: the k-th code of blocking_reason_codes()); NULL for an unscored record.';

-- squawk-ignore require-concurrent-index-deletion -- the table is held exclusively by the rewrite above
drop index outreach.gate_state_scored_idx;
-- squawk-ignore require-concurrent-index-creation -- the table is held exclusively by the rewrite above
create index gate_state_scored_idx on outreach.gate_state (outreach_id)
  include (bit_score, last_sent, static_clear, scored_mask, sovereign_company_id, target_id, domain, email_pattern,
           score_tier, contact_person_id, contact_slot, contact_email, band, filled_slots, industry_key,
           employee_count, contact_li_person_id, contact_li_slot, contact_linkedin_url)
  where bit_score is not null;
