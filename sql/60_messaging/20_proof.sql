--------------------------------------------------------------------------------
-- Evidence and proof lines (messaging seed), for one outreach record as of a
-- moment. Days are counted between UTC calendar dates, so the line is the same
-- in every session TimeZone.
--
--   DOL     one filing: the nearest renewal on or after the as_of day (else the
--           newest filing with a contribution change): "employer contribution
--           +18% YoY, renewal in 75 days" (each part only when known; a renewal
--           already passed is not evidence)
--   People  the latest dated seat assignment (company_slot.assigned_at <= as_of):
--           "CFO seat assigned 40 days ago (VP Finance)"
--   Blog    the latest item published at or before as_of (undated items are
--           ignored): 'vendor_review "Broker under review" (2026-04-01)'
--
--   band 3  <CLASS> detected via <DOL|Blog|People>: <evidence>   (first source present, in that order)
--   band 4  <CLASS> convergence: DOL: … + People: … [+ Blog: …]   (DOL and People required)
--   band 5  PHASE TRANSITION: <CLASS> — DOL: … + People: … + Blog: … — Decision window: N days
--           (all three required, and an upcoming renewal: N = renewal date − as_of day)
--
-- message_context is the one statement behind proof, proof_line,
-- authorize_message, render_message and promote; `language sql`, stable, no SET
-- clause, so it inlines into a caller's lateral join.
--------------------------------------------------------------------------------

create or replace function outreach.message_context(outreach_id uuid, as_of timestamptz default now())
returns table (
  authorized         boolean,
  band               smallint,
  audience           text,
  pressure_class     text,
  person_id          uuid,
  proof_line         text,
  proof_format       text,
  proof_reason       text,
  reason             text,
  placeholder_values jsonb
)
language sql
stable
as $$
  select a.reason is null, e.band, e.audience, e.pressure_class, e.person_id,
         p.proof_line, p.proof_format, r.proof_reason, a.reason,
         jsonb_strip_nulls(jsonb_build_object(
           'company_name', nullif(btrim(e.company_name), ''),
           'first_name', nullif(split_part(btrim(e.full_name), ' ', 1), ''),
           'full_name', nullif(btrim(e.full_name), ''),
           'title', nullif(btrim(e.title), ''),
           'contribution_change', e.contribution_change,
           'renewal_days', e.renewal_days,
           'renewal_date', to_char(e.renewal_date, 'YYYY-MM-DD'),
           'signal_summary', e.signal_summary,
           'proof_line', p.proof_line))
    from (
      select o.outreach_id as found, b.outreach_id is not null as scored, b.band, b.pressure_class,
             ci.company_name, pc.slot_type as audience, pc.person_id, pc.full_name, pc.title,
             d.contribution_change, d.renewal_days, d.renewal_date,
             nullif(concat_ws(', ', 'employer contribution ' || d.contribution_change || ' YoY',
                                    'renewal in ' || d.renewal_days || ' days'), '') as dol_evidence,
             pp.evidence as people_evidence,
             bl.evidence as blog_evidence, bl.signal_summary
        from (select message_context.outreach_id as oid,
                     (message_context.as_of at time zone 'UTC')::date as day) k
        left join outreach.outreach o on o.outreach_id = k.oid
        left join cl.company_identity ci on ci.sovereign_company_id = o.sovereign_company_id
        left join outreach.bit_scores b on b.outreach_id = o.outreach_id
        -- The audience: the slot chosen with the pressure class, as outreach.primary_contact
        -- and candidates choose it (a usable email; its mapped slot, then CEO > CFO > HR):
        -- the contact summary company_target keeps exactly (sql/20_gate/15_contact_summary.sql).
        left join lateral (
          select t.contact_slot as slot_type, pe.person_id, pe.full_name, pe.title
            from outreach.company_target t
            join outreach.people pe on pe.person_id = t.contact_person_id
           where t.outreach_id = o.outreach_id
        ) pc on true
        left join lateral (
          select case when dl.renewal_date >= k.day then dl.renewal_date - k.day end as renewal_days,
                 case when dl.renewal_date >= k.day then dl.renewal_date end as renewal_date,
                 case when dl.employer_contribution_change_pct > 0 then '+' else '' end
                   || trim_scale(round(dl.employer_contribution_change_pct, 1))::text || '%' as contribution_change
            from outreach.dol dl
           where dl.outreach_id = o.outreach_id
           order by case when dl.renewal_date >= k.day then dl.renewal_date end nulls last,
                    dl.employer_contribution_change_pct is null, dl.created_at desc, dl.dol_id
           limit 1
        ) d on true
        left join lateral (
          select format('%s seat assigned %s days ago', cs.slot_type,
                        k.day - (cs.assigned_at at time zone 'UTC')::date)
                   || coalesce(' (' || nullif(btrim(pe.title), '') || ')', '') as evidence
            from outreach.company_slot cs
            join outreach.people pe on pe.person_id = cs.person_id and pe.outreach_id = cs.outreach_id
           where cs.outreach_id = o.outreach_id
             and cs.assigned_at <= message_context.as_of
           order by cs.assigned_at desc,
                    outreach.slot_rank(cs.slot_type, outreach.pressure_class_slot(b.pressure_class))
           limit 1
        ) pp on true
        left join lateral (
          select coalesce(nullif(btrim(bg.summary), ''), nullif(btrim(bg.signal_type), '')) as signal_summary,
                 concat_ws(' ', nullif(btrim(bg.signal_type), ''),
                           '"' || case when length(btrim(bg.summary)) > 120 then left(btrim(bg.summary), 119) || '…'
                                       else nullif(btrim(bg.summary), '') end || '"')
                   || ' (' || to_char((bg.published_at at time zone 'UTC')::date, 'YYYY-MM-DD') || ')' as evidence
            from outreach.blog bg
           where bg.outreach_id = o.outreach_id
             and bg.published_at <= message_context.as_of
             and (coalesce(btrim(bg.summary), '') <> '' or coalesce(btrim(bg.signal_type), '') <> '')
           order by bg.published_at desc, bg.blog_id
           limit 1
        ) bl on true
    ) e
    -- Why there is no proof line (first failing rule), NULL when there is one.
    cross join lateral (
      select case
               when e.found is null then 'unknown_outreach'
               when not e.scored then 'no_bit_score'
               when e.band is null then 'no_band'
               when e.band < 3 then 'band_below_3'
               when e.pressure_class is null then 'no_pressure_class'
               when e.band = 3 and coalesce(e.dol_evidence, e.blog_evidence, e.people_evidence) is null then 'no_evidence'
               when e.band >= 4 and e.dol_evidence is null then 'no_dol_evidence'
               when e.band >= 4 and e.people_evidence is null then 'no_people_evidence'
               when e.band = 5 and e.blog_evidence is null then 'no_blog_evidence'
               when e.band = 5 and e.renewal_days is null then 'no_decision_window'
             end as proof_reason
    ) r
    cross join lateral (
      select case when r.proof_reason is null then
               case e.band
                 when 3 then e.pressure_class || ' detected via '
                             || coalesce('DOL: ' || e.dol_evidence, 'Blog: ' || e.blog_evidence, 'People: ' || e.people_evidence)
                 when 4 then e.pressure_class || ' convergence: '
                             || concat_ws(' + ', 'DOL: ' || e.dol_evidence, 'People: ' || e.people_evidence, 'Blog: ' || e.blog_evidence)
                 when 5 then 'PHASE TRANSITION: ' || e.pressure_class || ' — '
                             || concat_ws(' + ', 'DOL: ' || e.dol_evidence, 'People: ' || e.people_evidence, 'Blog: ' || e.blog_evidence)
                             || ' — Decision window: ' || e.renewal_days || ' days'
               end
             end as proof_line,
             case when r.proof_reason is null then
               case e.band when 3 then 'single_source' when 4 then 'convergence' when 5 then 'phase_transition' end
             end as proof_format
    ) p
    -- Why the message is not authorized: the band and class first, then the audience, then the proof.
    cross join lateral (
      select case
               when r.proof_reason in ('unknown_outreach', 'no_bit_score', 'no_band', 'band_below_3', 'no_pressure_class')
                 then r.proof_reason
               when e.audience is null then 'no_audience'
               else r.proof_reason
             end as reason
    ) a
   -- A one-time filter: 22004 / 22023 for an unusable as_of.
   where outreach.checked_time(message_context.as_of, 'as_of') is not null
$$;
comment on function outreach.message_context(uuid, timestamptz) is
  'Everything messaging knows about one outreach record at as_of, in one row: authorization and its reason, band, audience and contact, pressure class, proof line with its format or the reason it is missing, and the template placeholder values. Inlinable.';

create or replace function outreach.proof(outreach_id uuid, as_of timestamptz default now())
returns table (proof_line text, format text, reason text)
language sql
stable
as $$
  select m.proof_line, m.proof_format, m.proof_reason
    from outreach.message_context(proof.outreach_id, proof.as_of) m
$$;
comment on function outreach.proof(uuid, timestamptz) is
  'The proof line of one outreach record at as_of with its format (single_source, convergence, phase_transition), or NULL and the reason (unknown_outreach, no_bit_score, no_band, band_below_3, no_pressure_class, no_evidence, no_dol_evidence, no_people_evidence, no_blog_evidence, no_decision_window). Always one row.';

create or replace function outreach.proof_line(outreach_id uuid, as_of timestamptz default now())
returns text
language sql
stable
as $$
  select m.proof_line from outreach.message_context(proof_line.outreach_id, proof_line.as_of) m
$$;
comment on function outreach.proof_line(uuid, timestamptz) is
  'The evidence line for one outreach record at as_of in its band''s format; NULL when the evidence is missing (outreach.proof says why).';
