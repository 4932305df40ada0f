--------------------------------------------------------------------------------
-- What appends to outreach.provider_outbox (SPEC §11.4), always in the
-- transaction of the change that causes it, by statement-level triggers so that
-- every path (record_events, record_meeting_booked, release_send, claim_sends,
-- suppress, check_kill_switches, clear_kill_switch, a DBA's own UPDATE) is covered.
--
--   send_log: an enrolment stops      stop_lead, once per pushed enrolment and
--   (stopped_at NULL → set)           provider, with the lead's key and id, unless
--                                     the stop is an event that same provider
--                                     reported (it stopped the lead itself).
--   kill_switch_state: sending goes   pause_campaign for every active campaign of a
--   from not halted to halted         provider (instantly, smartlead, heyreach);
--   ... and back                      resume_campaign for the same set then active.
--                                     "Halted" = some switch is tripped.
--   suppressions: a pattern added     block_email (an address) or block_domain (a
--                                     domain, or *@domain) for each email provider in
--                                     use (a campaign active or paused); other globs
--                                     cannot be expressed at a provider and are not
--                                     sent. Every pushed enrolment whose lead or
--                                     address the pattern matches and that is not
--                                     stopped is stopped (stop_reason 'suppressed'),
--                                     which appends its stop_lead through the first
--                                     trigger.
-- The trigger functions are security definer: the hub roles cannot write the
-- outbox themselves.
--------------------------------------------------------------------------------

create or replace function outreach_private.append_stop_leads(enrolments uuid[])
returns int
language sql
volatile
set search_path = ''
as $$
  with appended as (
    insert into outreach.provider_outbox
           (provider, kind, provider_campaign_id, lead_key, provider_lead_id, enrolment_id, payload, correlation_id)
    select pl.provider, 'stop_lead', pl.provider_campaign_id, pl.lead_key, pl.provider_lead_id, pl.enrolment_id,
           jsonb_build_object('stop_reason', st.stop_reason, 'stopped_at', st.stopped_at, 'send_id', pl.send_id),
           pushed.correlation_id
      from outreach.provider_leads pl
      join outreach.send_log pushed on pushed.send_id = pl.send_id
      cross join lateral (select l.stopped_at, l.stop_reason
                            from outreach.send_log l
                           where l.enrolment_id = pl.enrolment_id and l.stopped_at is not null
                           order by l.stopped_at, l.sequence_step
                           limit 1) st
     where pl.enrolment_id = any (append_stop_leads.enrolments)
       -- A stop the provider itself reported (its reply, bounce, unsubscribe event
       -- at the stop's time) is already a stop at the provider.
       and not exists (select 1
                         from outreach.send_log x
                         join outreach.engagement_events e on e.send_id = x.send_id
                        where x.enrolment_id = pl.enrolment_id
                          and e.source_system = pl.provider
                          and e.event_ts = st.stopped_at
                          and e.event_type in ('email_reply', 'linkedin_reply', 'email_bounce', 'unsubscribe',
                                               'spam_complaint'))
     order by pl.enrolment_id
        on conflict (provider, enrolment_id) where kind = 'stop_lead' do nothing
    returning 1
  )
  select count(*)::int from appended;
$$;
comment on function outreach_private.append_stop_leads(uuid[]) is
  'Appends one stop_lead to provider_outbox for each given enrolment that was pushed to a provider and is stopped, unless that provider reported the stopping event itself or a stop_lead exists already; returns how many were appended.';

create or replace function outreach_private.send_log_stop_to_outbox()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  stopped uuid[];
begin
  -- Paired by key, never by a nested loop (18_gate_state.sql, "Plans"): this fires on
  -- every send_log update, one row or thousands, on a plan made at the first.
  select array_agg(distinct n.enrolment_id)
           filter (where o.send_id is not null and o.stopped_at is null and n.stopped_at is not null)
    into stopped
    from stopped_new n
    full join stopped_old o on o.send_id = n.send_id;
  if stopped is not null then
    perform outreach_private.append_stop_leads(stopped);
  end if;
  return null;
end
$$;
comment on function outreach_private.send_log_stop_to_outbox() is
  'Trigger function (send_log, after update, per statement): an enrolment that stopped in the statement gets its stop_lead in provider_outbox when a provider runs it.';

drop trigger if exists send_log_stop_to_outbox on outreach.send_log;
create trigger send_log_stop_to_outbox
  after update on outreach.send_log
  referencing old table as stopped_old new table as stopped_new
  for each statement execute function outreach_private.send_log_stop_to_outbox();
comment on trigger send_log_stop_to_outbox on outreach.send_log is
  'Stops of provider-run enrolments go to outreach.provider_outbox (stop_lead) in the same transaction.';

create or replace function outreach_private.kill_switch_to_outbox()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  was_halted boolean;
  is_halted  boolean;
  kind       text;
begin
  select exists (select 1 from switch_old o where o.tripped)
         or exists (select 1 from outreach.kill_switch_state k
                     where k.tripped and k.switch not in (select n.switch from switch_new n))
    into was_halted;
  select exists (select 1 from outreach.kill_switch_state k where k.tripped) into is_halted;
  if was_halted = is_halted then
    return null;
  end if;
  kind := case when is_halted then 'pause_campaign' else 'resume_campaign' end;

  insert into outreach.provider_outbox (provider, kind, provider_campaign_id, payload, correlation_id)
  select c.sender, kind, c.provider_campaign_id,
         jsonb_build_object('campaign_id', c.campaign_id,
                            'switches', (select coalesce(jsonb_agg(k.switch order by k.switch), '[]'::jsonb)
                                           from outreach.kill_switch_state k where k.tripped)),
         gen_random_uuid()
    from outreach.campaigns c
   where c.sender in ('instantly', 'smartlead', 'heyreach')
     and c.campaign_status = 'active'
     and nullif(btrim(c.provider_campaign_id), '') is not null
   order by c.sender, c.provider_campaign_id, c.campaign_id;
  return null;
end
$$;
comment on function outreach_private.kill_switch_to_outbox() is
  'Trigger function (kill_switch_state, after update, per statement): when sending becomes halted (some switch tripped) appends pause_campaign, when it stops being halted resume_campaign, for every active provider campaign.';

drop trigger if exists kill_switch_to_outbox on outreach.kill_switch_state;
create trigger kill_switch_to_outbox
  after update on outreach.kill_switch_state
  referencing old table as switch_old new table as switch_new
  for each statement execute function outreach_private.kill_switch_to_outbox();
comment on trigger kill_switch_to_outbox on outreach.kill_switch_state is
  'A halt pauses, and its end resumes, every active provider campaign through outreach.provider_outbox, in the same transaction.';

create or replace function outreach_private.suppression_to_outbox()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Block-list entries at each email provider in use.
  insert into outreach.provider_outbox (provider, kind, lead_key, payload, correlation_id)
  select p.sender, b.kind, b.target,
         jsonb_build_object('pattern', b.pattern, 'suppression_id', b.suppression_id, 'source', b.source),
         b.correlation_id
    from (select n.suppression_id, n.pattern, n.source, n.correlation_id,
                 case when strpos(n.pattern, '@') = 0 and strpos(n.pattern, '*') = 0 then 'block_domain'
                      when n.pattern ~ '^\*@[^*@]+$' then 'block_domain'
                      when strpos(n.pattern, '*') = 0 then 'block_email'
                 end as kind,
                 case when strpos(n.pattern, '@') = 0 then n.pattern
                      when n.pattern ~ '^\*@[^*@]+$' then substr(n.pattern, 3)
                      else n.pattern
                 end as target
            from suppression_new n
           where n.lifted_at is null) b
    cross join (select distinct c.sender
                  from outreach.campaigns c
                 where c.sender in ('instantly', 'smartlead')
                   and c.campaign_status in ('active', 'paused')) p
   where b.kind is not null
   order by b.suppression_id, p.sender;

  -- Stop the pushed enrolments the pattern now covers (their stop_lead follows
  -- from the send_log trigger).
  update outreach.send_log l
     set send_status = case when l.send_status = 'queued' then 'cancelled' else l.send_status end,
         stopped_at  = m.created_at,
         stop_reason = 'suppressed',
         updated_at  = now()
    from (select pl.enrolment_id, min(n.created_at) as created_at
            from outreach.provider_leads pl
            join outreach.send_log pushed on pushed.send_id = pl.send_id
            join suppression_new n
              on n.lifted_at is null
             and (outreach.suppression_matches(n.pattern, pl.lead_key)
                  or outreach.suppression_matches(n.pattern, pushed.email_to))
           group by pl.enrolment_id) m
   where l.enrolment_id = m.enrolment_id
     and l.stopped_at is null;
  return null;
end
$$;
comment on function outreach_private.suppression_to_outbox() is
  'Trigger function (suppressions, after insert, per statement): block_email / block_domain for each email provider in use, and stops the pushed enrolments the new patterns cover (stop_reason suppressed), which appends their stop_lead.';

drop trigger if exists suppression_to_outbox on outreach.suppressions;
create trigger suppression_to_outbox
  after insert on outreach.suppressions
  referencing new table as suppression_new
  for each statement execute function outreach_private.suppression_to_outbox();
comment on trigger suppression_to_outbox on outreach.suppressions is
  'A suppression reaches the providers (block-list entries, stop_lead for pushed enrolments it covers) in the same transaction.';
