--------------------------------------------------------------------------------
-- The handoff snapshot: what Sales receives about an outreach record.
-- Timestamps are rendered in UTC whatever the session TimeZone.
--
--   version, outreach_id, sovereign_company_id, outreach_status,
--   company    CL identity + company target (domain, pattern, firmographics),
--   bit        score, tier, band, pressure class,
--   contact    the person of the latest message actually sent (source
--              'last_send'), else the first filled HR > CEO > CFO slot with a
--              usable email (source 'slot'), else null,
--   slots      every filled slot with its person,
--   campaign   campaign and step of that latest message, else null,
--   engagement counts and times from send_log and engagement_events.
--------------------------------------------------------------------------------

create or replace function outreach.handoff_snapshot(outreach_id uuid)
returns jsonb
language sql
stable
set search_path = ''
set "TimeZone" = 'UTC'
as $$
  with spine as (
    select o.outreach_id, o.sovereign_company_id, o.status
      from outreach.outreach o
     where o.outreach_id = handoff_snapshot.outreach_id
  ), last_send as (
    select sl.send_id, sl.person_id, sl.email_to, sl.campaign_id, sl.sequence_id, sl.sequence_step,
           sl.enrolment_id, sl.send_status, sl.sent_at
      from outreach.send_log sl
     where sl.outreach_id = handoff_snapshot.outreach_id
     order by sl.sent_at desc nulls last, sl.created_at desc, sl.send_id desc
     limit 1
  ), contact_pick as (
    select c.person_id, c.source, c.email_to
      from (select ls.person_id, 'last_send' as source, ls.email_to, 0 as rank
              from last_send ls
             where ls.person_id is not null
            union all
            select cs.person_id, 'slot', null, array_position(array['HR', 'CEO', 'CFO'], cs.slot_type)
              from outreach.company_slot cs
              join outreach.people p on p.person_id = cs.person_id
             where cs.outreach_id = handoff_snapshot.outreach_id
               and nullif(btrim(p.email), '') is not null
               and p.email_status not in ('bounced', 'unsubscribed')) c
     order by c.rank
     limit 1
  ), sends as (
    select count(*) filter (where sl.sent_at is not null) as messages_sent,
           count(distinct sl.enrolment_id) as enrolments,
           min(sl.sent_at) as first_sent_at,
           max(sl.sent_at) as last_sent_at,
           count(sl.delivered_at) as delivered,
           count(sl.opened_at) as opened,
           count(sl.clicked_at) as clicked,
           count(sl.replied_at) as replied,
           count(sl.bounced_at) as bounced,
           coalesce(sum(sl.open_count), 0) as open_count,
           coalesce(sum(sl.click_count), 0) as click_count,
           max(sl.replied_at) as last_replied_at
      from outreach.send_log sl
     where sl.outreach_id = handoff_snapshot.outreach_id
  ), events as (
    select coalesce(jsonb_object_agg(e.event_type, e.n), '{}'::jsonb) as by_type, max(e.last_ts) as last_event_at
      from (select ev.event_type, count(*) as n, max(ev.event_ts) as last_ts
              from outreach.engagement_events ev
             where ev.outreach_id = handoff_snapshot.outreach_id
             group by ev.event_type) e
  )
  select jsonb_build_object(
    'version', 1,
    'outreach_id', s.outreach_id,
    'sovereign_company_id', s.sovereign_company_id,
    'outreach_status', s.status,
    'company', (
      select jsonb_build_object(
               'sovereign_company_id', ci.sovereign_company_id,
               'company_name', ci.company_name,
               'company_domain', ci.company_domain,
               'linkedin_url', ci.linkedin_url,
               'target_id', t.target_id,
               'domain', t.domain,
               'email_pattern', t.email_pattern,
               'industry', t.industry,
               'employee_count', t.employee_count,
               'target_status', t.target_status)
        from cl.company_identity ci
        left join outreach.company_target t on t.outreach_id = s.outreach_id
       where ci.sovereign_company_id = s.sovereign_company_id),
    'bit', (
      select jsonb_build_object('score', b.score, 'score_tier', b.score_tier, 'band', b.band,
                                'pressure_class', b.pressure_class, 'last_scored_at', b.last_scored_at)
        from outreach.bit_scores b
       where b.outreach_id = s.outreach_id),
    'contact', (
      select jsonb_build_object(
               'person_id', p.person_id,
               'full_name', p.full_name,
               'email', coalesce(cp.email_to, p.email),
               'title', p.title,
               'email_status', p.email_status,
               'slot_type', (select cs.slot_type from outreach.company_slot cs
                              where cs.outreach_id = s.outreach_id and cs.person_id = p.person_id
                              order by array_position(array['HR', 'CEO', 'CFO'], cs.slot_type)
                              limit 1),
               'source', cp.source)
        from contact_pick cp
        join outreach.people p on p.person_id = cp.person_id),
    'slots', (
      select coalesce(jsonb_agg(jsonb_build_object(
                        'slot_type', cs.slot_type,
                        'person_id', p.person_id,
                        'full_name', p.full_name,
                        'email', p.email,
                        'title', p.title,
                        'email_status', p.email_status)
                      order by array_position(array['HR', 'CEO', 'CFO'], cs.slot_type)), '[]'::jsonb)
        from outreach.company_slot cs
        join outreach.people p on p.person_id = cs.person_id
       where cs.outreach_id = s.outreach_id),
    'campaign', (
      select jsonb_build_object(
               'campaign_id', ls.campaign_id,
               'campaign_name', c.campaign_name,
               'sequence_id', ls.sequence_id,
               'sequence_name', q.sequence_name,
               'sequence_step', ls.sequence_step,
               'enrolment_id', ls.enrolment_id,
               'last_send_id', ls.send_id,
               'last_send_status', ls.send_status)
        from last_send ls
        left join outreach.campaigns c on c.campaign_id = ls.campaign_id
        left join outreach.sequences q on q.sequence_id = ls.sequence_id),
    'engagement', (
      select jsonb_build_object(
               'messages_sent', se.messages_sent,
               'enrolments', se.enrolments,
               'first_sent_at', se.first_sent_at,
               'last_sent_at', se.last_sent_at,
               'delivered', se.delivered,
               'opened', se.opened,
               'clicked', se.clicked,
               'replied', se.replied,
               'bounced', se.bounced,
               'open_count', se.open_count,
               'click_count', se.click_count,
               'last_replied_at', se.last_replied_at,
               'events', ev.by_type,
               'last_event_at', ev.last_event_at)
        from sends se, events ev))
  from spine s;
$$;
comment on function outreach.handoff_snapshot(uuid) is
  'The jsonb snapshot Sales receives for an outreach record: company, BIT score, contact, slots, campaign and engagement summary (timestamps in UTC); NULL for an unknown record.';
