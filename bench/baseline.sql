--------------------------------------------------------------------------------
-- The benchmark's baseline (not part of the product): outreach.candidates() as it
-- was before the gate state (issue 18), i.e. recomputed from the feeding tables on
-- every call: spine ⋈ company_target ⋈ bit_scores ⋈ upstream aggregate ⋈ last-contact
-- aggregate ⋈ queued anti-join ⋈ campaign search. bench/bench.ts loads it into the
-- bench database and reports the kept-state version side by side with it;
-- test/sql/gate_state/equals_baseline proves both return the same rows.
-- Load with psql: \i bench/baseline.sql
--------------------------------------------------------------------------------

create schema if not exists bench_baseline;
comment on schema bench_baseline is 'Benchmark baseline only (bench/baseline.sql): never part of a product migration.';

create or replace function bench_baseline.candidates(as_of timestamptz default now())
returns table (
  outreach_id          uuid,
  sovereign_company_id uuid,
  target_id            uuid,
  domain               text,
  email_pattern        text,
  bit_score            numeric,
  score_tier           text,
  primary_person_id    uuid,
  primary_slot         text,
  primary_email        text,
  last_contacted_at    timestamptz,
  cooling_off_until    timestamptz,
  campaign_id          uuid,
  sequence_id          uuid,
  eligible             boolean,
  blocking_reasons     text[],
  channel              text,
  primary_linkedin_url text
)
language sql
stable
as $$
  -- `limit 1`: settings is one row (a singleton key), but a one-row table is never
  -- analysed by autovacuum, so the planner guesses hundreds of rows, multiplies every
  -- join by them and turns on JIT with optimisation (more than half the time at 95k).
  with settings as materialized (
    select s.bit_threshold, outreach.cooling_off_interval() as cooling_off,
           (candidates.as_of at time zone 'UTC')::date as utc_day,
           (select array_agg(p.hub_id) from outreach.v_execution_prerequisites p) as prerequisites
      from outreach.settings s
     limit 1
  ),
  -- Per record with any upstream status row: whether every hub that must pass before
  -- Outreach Execution reported PASS. The status rows are aggregated once (the hub list
  -- is an init plan, not a join) and hash-joined below; a record without status rows
  -- has no row here, so the rule does not apply to it.
  upstream as (
    select u.outreach_id,
           count(*) filter (where u.status = 'PASS' and u.hub_id = any ((select s.prerequisites from settings s)::text[]))
             >= coalesce((select cardinality(s.prerequisites) from settings s), 0) as passed
      from outreach.upstream_status u
     group by u.outreach_id
  ),
  -- Campaigns that can take an enrolment at as_of, with their first step.
  open_campaigns as materialized (
    select c.campaign_id, f.sequence_id, c.channel, coalesce(c.target_bit_score_min, 0) as min_score,
           (select array_agg(lower(btrim(i))) from unnest(c.target_industries) i) as industries,
           c.min_employees, c.max_employees, c.priority, c.created_at,
           (c.target_industries is not null)::int + (c.min_employees is not null)::int
             + (c.max_employees is not null)::int + (c.target_bit_score_min is not null)::int as specificity
      from outreach.campaigns c
      cross join settings s
      join lateral (
        select q.sequence_id, q.sequence_status
          from outreach.sequences q
         where q.campaign_id = c.campaign_id
         order by q.sequence_order
         limit 1
      ) f on f.sequence_status = 'active'
     where c.campaign_status = 'active'
       and (c.start_date is null or c.start_date <= s.utc_day)
       and (c.end_date is null or c.end_date >= s.utc_day)
       and (c.total_send_limit is null or outreach.campaign_sends(c.campaign_id) < c.total_send_limit)
  )
  select r.outreach_id, r.sovereign_company_id, r.target_id, r.domain, r.email_pattern,
         r.bit_score, r.score_tier, r.primary_person_id, r.primary_slot, r.primary_email,
         r.last_contacted_at, r.cooling_off_until, r.campaign_id, r.sequence_id,
         r.eligible, r.reasons as blocking_reasons, r.channel, r.primary_linkedin_url
    from (
      select o.outreach_id, o.sovereign_company_id, t.target_id, t.domain, t.email_pattern,
             b.score as bit_score, b.score_tier,
             -- The contact summary (kept by triggers) is primary_contact(id, record's pressure class);
             -- for a LinkedIn campaign its LinkedIn half (same slot order, usable profiles).
             case when cm.channel = 'linkedin' then t.contact_li_person_id else t.contact_person_id end
               as primary_person_id,
             case when cm.channel = 'linkedin' then t.contact_li_slot else t.contact_slot end as primary_slot,
             case when cm.channel = 'linkedin' then null else t.contact_email end as primary_email,
             cm.channel,
             case when cm.channel = 'linkedin' then t.contact_linkedin_url end as primary_linkedin_url,
             lc.last_sent as last_contacted_at,
             lc.last_sent + s.cooling_off as cooling_off_until,
             cm.campaign_id, cm.sequence_id,
             -- The same rules as the reasons below, as one short-circuit test (cheapest and
             -- most selective first) so the array is built once; test/sql/gate proves the two agree.
             coalesce(b.score >= s.bit_threshold, false)
               and coalesce(b.band >= 3, true)
               and t.target_id is not null
               and coalesce(btrim(t.domain), '') <> ''
               and coalesce(btrim(t.email_pattern), '') <> ''
               and t.filled_slots > 0
               and t.target_status not in ('paused', 'opted_out', 'exhausted')
               and cm.campaign_id is not null
               and o.status <> 'HANDED_OFF'
               and coalesce(up.passed, true)
               and not t.domain_suppressed
               and not coalesce(candidates.as_of < lc.last_sent + s.cooling_off, false)
               and o.outreach_id not in (select q.outreach_id from outreach.send_log q where q.send_status = 'queued')
               as eligible,
             array_remove(array[
               case when t.target_id is null then 'no_company_target' end,
               case when t.target_id is not null and coalesce(btrim(t.domain), '') = '' then 'missing_domain' end,
               case when t.target_id is not null and coalesce(btrim(t.email_pattern), '') = '' then 'missing_email_pattern' end,
               case when b.score is null or b.score < s.bit_threshold then 'bit_below_threshold' end,
               case when coalesce(t.filled_slots, 0) = 0 then 'no_anchor_slot' end,
               -- No address for any matching campaign: the email contact is missing and an email
               -- campaign matches (or no LinkedIn one does, as before channels).
               case when t.filled_slots > 0 and t.contact_person_id is null and cm.campaign_id is null
                     and (coalesce(cm.email_matches, false) or not coalesce(cm.linkedin_matches, false))
                    then 'no_contact_email' end,
               case when candidates.as_of < lc.last_sent + s.cooling_off then 'cooling_off' end,
               case when o.outreach_id in (select q.outreach_id from outreach.send_log q where q.send_status = 'queued')
                    then 'already_in_outreach' end,
               case t.target_status when 'paused' then 'target_paused'
                                    when 'opted_out' then 'target_opted_out'
                                    when 'exhausted' then 'target_exhausted' end,
               case when not coalesce(cm.email_matches or cm.linkedin_matches, false) then 'no_matching_campaign' end,
               case when o.status = 'HANDED_OFF' then 'handed_off' end,
               -- A BIT band, where there is one, must be 3 or more (messaging seed); no band → the score decides.
               case when b.band < 3 then 'band_below_3' end,
               -- A record the upstream hubs report on: each hub before Outreach Execution must have PASSed.
               case when not up.passed then 'upstream_not_passed' end,
               -- The target's domain (or a parent domain) is on the suppression list (kept by triggers).
               case when t.domain_suppressed then 'suppressed' end,
               -- A LinkedIn campaign matches, no campaign the record has an address for does,
               -- and no slotted person has a usable profile.
               case when t.filled_slots > 0 and t.contact_li_person_id is null and cm.campaign_id is null
                     and coalesce(cm.linkedin_matches, false)
                    then 'no_contact_profile' end
             ], null) as reasons
        from outreach.outreach o
        cross join settings s
        left join outreach.company_target t on t.outreach_id = o.outreach_id
        left join outreach.bit_scores b on b.outreach_id = o.outreach_id
        left join upstream up on up.outreach_id = o.outreach_id
        -- Last message actually sent to the company, whatever its status became. One
        -- dated after as_of counts too (a sender's fast clock, an as_of in the past):
        -- any message less than cooling_off away from as_of, on either side, blocks it.
        left join (
          select l.outreach_id, max(l.sent_at) as last_sent
            from outreach.send_log l
           where l.sent_at is not null and l.sent_at < candidates.as_of + outreach.cooling_off_interval()
           group by l.outreach_id
        ) lc on lc.outreach_id = o.outreach_id
        -- Most specific matching campaign the record has an address for (an email
        -- contact for an email campaign, a profile for a LinkedIn one), then priority,
        -- then oldest, then id; and whether any email / LinkedIn campaign matches at all
        -- (for the no_contact_* reasons). One pass over the open campaigns per record.
        -- Only a scored record can match, so the search is driven by bit_scores.
        left join (
          select sb.outreach_id, m.campaign_id, m.sequence_id, m.channel, m.email_matches, m.linkedin_matches
            from outreach.bit_scores sb
            left join outreach.company_target st on st.outreach_id = sb.outreach_id
            cross join lateral (
              select (array_agg(oc.campaign_id order by oc.specificity desc, oc.priority desc, oc.created_at, oc.campaign_id)
                        filter (where a.addressable))[1] as campaign_id,
                     (array_agg(oc.sequence_id order by oc.specificity desc, oc.priority desc, oc.created_at, oc.campaign_id)
                        filter (where a.addressable))[1] as sequence_id,
                     (array_agg(oc.channel order by oc.specificity desc, oc.priority desc, oc.created_at, oc.campaign_id)
                        filter (where a.addressable))[1] as channel,
                     bool_or(oc.channel = 'email') as email_matches,
                     bool_or(oc.channel = 'linkedin') as linkedin_matches
                from open_campaigns oc
                cross join lateral (
                  select case oc.channel when 'linkedin' then st.contact_li_person_id is not null
                                         else st.contact_person_id is not null end as addressable
                ) a
               where sb.score >= oc.min_score
                 and (oc.industries is null or lower(btrim(st.industry)) = any (oc.industries))
                 and (oc.min_employees is null or st.employee_count >= oc.min_employees)
                 and (oc.max_employees is null or st.employee_count <= oc.max_employees)
            ) m
        ) cm on cm.outreach_id = o.outreach_id
    ) r
   -- A one-time filter, checked before any table is read: 22004 / 22023 for an unusable as_of.
   where outreach.checked_time(candidates.as_of, 'as_of') is not null
$$;
comment on function bench_baseline.candidates(timestamptz) is
  'outreach.candidates() before the kept gate state (issue 18): the benchmark baseline.';
