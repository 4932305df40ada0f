--! Previous: sha1:ddd0ce8680e7a850cb354382ef56f02082f8ec80
--! Hash: sha1:dd1e7b3838f736453c6e8e75ce09942defa64b98
--! Message: gate state: one kept row per outreach record with what candidates() reads

--------------------------------------------------------------------------------
-- Issue 18: the gate's state, kept instead of recomputed. One narrow row per
-- outreach record (outreach.outreach) holding what the static rules of
-- candidates() read: the spine status, the target (with its contact summary), the
-- BIT score, whether the upstream hubs passed, the last message sent and the
-- count of queued sends. Kept exact by the statement triggers of
-- sql/20_gate/18_gate_state.sql; outreach.refresh_gate_state() rebuilds it.
-- The time-based rules (cooling-off, the BIT threshold, campaign matching) are
-- still computed when candidates() is read.
--
-- This migration creates the table and fills it from the existing data; the
-- triggers and the refresh function are re-applied from sql/ after it.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table outreach.gate_state (
  outreach_id          uuid primary key,
  sovereign_company_id uuid not null,
  spine_status         text not null,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  target_status        text,
  industry_key         text,
  employee_count       int,
  filled_slots         smallint,
  domain_suppressed    boolean,
  contact_person_id    uuid,
  contact_slot         text,
  contact_email        text,
  contact_li_person_id uuid,
  contact_li_slot      text,
  contact_linkedin_url text,
  bit_score            numeric,
  score_tier           text,
  band                 smallint,
  upstream_passed      boolean,
  last_sent            timestamptz,
  queued_sends         int not null default 0,
  -- Nothing static stands against the record: the rules of candidates() that read only
  -- this row (target, domain, pattern, slots, target status, spine, upstream, suppression,
  -- queued sends) all pass. Computed by PostgreSQL from the row on every write, so it is
  -- exact whichever trigger wrote the row; candidates() uses it as a shortcut and
  -- test/sql/gate_state/equals_baseline proves the shortcut changes no answer.
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
  -- The blocking reasons of an unscored record that is not in cooling-off, in the order
  -- of outreach.blocking_reason_codes(): the static rules of candidates(), with
  -- bit_below_threshold and no_matching_campaign (no score, no campaign); NULL for a
  -- scored record. Most records are exactly that, so candidates() returns this array as
  -- it is for them; test/sql/gate_state/equals_baseline proves it equals the full rule.
  unscored_reasons     text[] generated always as (
                         case when bit_score is null then array_remove(array[
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
                           case when band < 3 then 'band_below_3' end,
                           case when not upstream_passed then 'upstream_not_passed' end,
                           case when domain_suppressed then 'suppressed' end
                         ], null) end
                       ) stored
)
-- Room on each page for the new version of an updated row (most writes change a status
-- or a counter, no indexed column: a HOT update, no index entry).
with (fillfactor = 90);
-- candidates() searches campaigns for the scored records only (about one in seven).
create index gate_state_scored_idx on outreach.gate_state (outreach_id)
  include (bit_score, industry_key, employee_count, contact_person_id, contact_li_person_id)
  where bit_score is not null;
comment on table outreach.gate_state is
  'Derived, kept by statement triggers: one row per outreach record with what the static rules of candidates() read (spine status, target and contact summary, BIT score, upstream verdict, last send, queued sends). Rebuilt by refresh_gate_state().';
comment on column outreach.gate_state.spine_status is 'The spine''s status (outreach.outreach.status).';
comment on column outreach.gate_state.target_id is 'The record''s company_target, NULL when it has none (then every target column is NULL).';
comment on column outreach.gate_state.industry_key is 'The target''s industry, lower-cased and trimmed (what campaign matching compares).';
comment on column outreach.gate_state.bit_score is 'bit_scores.score, NULL when the record is not scored (with score_tier and band).';
comment on column outreach.gate_state.upstream_passed is 'Whether every hub before Outreach Execution reported PASS; NULL when no upstream hub reported on the record.';
comment on column outreach.gate_state.last_sent is 'The latest send_log.sent_at of the record (any status), NULL when nothing was sent.';
comment on column outreach.gate_state.queued_sends is 'How many of the record''s sends are queued (kept by deltas).';
comment on column outreach.gate_state.unscored_reasons is
  'Generated: the blocking reasons of the record while it is unscored and not in cooling-off (candidates() returns them as they are); NULL for a scored record.';
comment on column outreach.gate_state.static_clear is
  'Generated: no rule that reads only this row blocks the record (target, domain, pattern, filled slots, target status, spine status, upstream verdict, suppression, queued sends).';

-- Fill it from the data already there (the same recomputation as
-- outreach_private.gate_state_recomputed(), written out: sql/ is applied after
-- every migration, so nothing defined there exists yet on a fresh database).
insert into outreach.gate_state (outreach_id, sovereign_company_id, spine_status, target_id, domain, email_pattern,
                                 target_status, industry_key, employee_count, filled_slots, domain_suppressed,
                                 contact_person_id, contact_slot, contact_email, contact_li_person_id, contact_li_slot,
                                 contact_linkedin_url, bit_score, score_tier, band, upstream_passed, last_sent, queued_sends)
select o.outreach_id, o.sovereign_company_id, o.status,
       t.target_id, t.domain, t.email_pattern, t.target_status, lower(btrim(t.industry)), t.employee_count,
       t.filled_slots, t.domain_suppressed,
       t.contact_person_id, t.contact_slot, t.contact_email, t.contact_li_person_id, t.contact_li_slot,
       t.contact_linkedin_url,
       b.score, b.score_tier, b.band,
       up.passed, ls.last_sent, coalesce(q.n, 0)::int
  from outreach.outreach o
  left join outreach.company_target t on t.outreach_id = o.outreach_id
  left join outreach.bit_scores b on b.outreach_id = o.outreach_id
  left join (
    -- The hubs that must PASS before Outreach Execution (v_execution_prerequisites,
    -- written out: the view lives in sql/ and does not exist yet on a fresh database).
    with recursive prerequisite (hub_id) as (
      select h.hub_id from outreach.hub_registry h where h.must_pass_before = 'outreach_execution'
      union
      select h.hub_id from outreach.hub_registry h join prerequisite p on h.must_pass_before = p.hub_id
    )
    select u.outreach_id,
           count(*) filter (where u.status = 'PASS'
                              and u.hub_id = any ((select array_agg(p.hub_id) from prerequisite p)::text[]))
             >= (select count(*) from prerequisite p) as passed
      from outreach.upstream_status u
     group by u.outreach_id
  ) up on up.outreach_id = o.outreach_id
  left join (
    select l.outreach_id, max(l.sent_at) as last_sent
      from outreach.send_log l
     where l.sent_at is not null
     group by l.outreach_id
  ) ls on ls.outreach_id = o.outreach_id
  left join (
    select q.outreach_id, count(*) as n
      from outreach.send_log q
     where q.send_status = 'queued'
     group by q.outreach_id
  ) q on q.outreach_id = o.outreach_id;
