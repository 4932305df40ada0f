--------------------------------------------------------------------------------
-- record_provider_event (SPEC §11.3): a provider's webhook event, already mapped to
-- a hub event type by the runner's translator, applied to the send it is about.
--
--   1. The enrolment: enrolment_id when given and known (Instantly returns
--      hub_enrollment_id), else provider_leads by (provider, provider_campaign_id,
--      provider_lead_key(lead_key)), else (a webhook that overtook the push's ack)
--      the latest claimed step-1 send of that provider campaign to that address. No enrolment: one row in outreach_errors
--      (OR040, every argument in detail) and a result row with event_id NULL;
--      nothing raised, so the receiver answers 2xx and the provider stops retrying.
--   2. The send: the enrolment's row for `step` (NULL: its latest row). A step the
--      log has no row for yet — the later steps of a provider-run sequence — gets
--      one, created on this first report: a copy of the enrolment's step-1 row
--      (record, target, person, channel, address, campaign, the step's sequence
--      row, a stop already on the enrolment) with status 'sent', scheduled_at and
--      handed_over_at = the event time (the provider had it, the caps count it).
--      The enrolment's rows are locked first, so two first reports of one step
--      create one row.
--   3. The event goes through record_event (source_system = the provider), with
--      its rules: status forward only, counters, stops, suppression, opt-out.
--      Deduplication is record_event's hash over (send, type, time, provider):
--      the send stands for (campaign, lead, step), so this is Instantly's key
--      (campaign, lead, type, step, timestamp), and Smartlead's (stats_id, type,
--      timestamp) too, since a stats_id names one message of one lead. The
--      lookup (campaign, lead key, step) is added to the event's metadata.
-- Bad arguments raise: unknown provider or blank event time 22023, unknown event
-- type OR021, a correlation id that is not a UUID v4 OR004 (NULL: the send's).
--------------------------------------------------------------------------------

create or replace function outreach.record_provider_event(
  provider text,
  provider_campaign_id text,
  lead_key text,
  step int,
  event_type text,
  event_ts timestamptz,
  metadata jsonb default '{}',
  enrolment_id uuid default null,
  correlation_id uuid default null
)
returns table (event_id uuid, is_duplicate boolean)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  prov    text := lower(btrim(record_provider_event.provider));
  camp    text := btrim(record_provider_event.provider_campaign_id);
  lkey    text := outreach.provider_lead_key(record_provider_event.lead_key);
  enr     uuid;
  target  uuid;
begin
  if record_provider_event.correlation_id is not null then
    perform outreach.check_correlation_id(record_provider_event.correlation_id);
  end if;
  if prov is null or prov not in ('instantly', 'smartlead', 'heyreach') then
    raise exception 'provider % is unknown', coalesce(record_provider_event.provider, 'NULL')
      using errcode = '22023', hint = 'Pass instantly, smartlead or heyreach.';
  end if;
  if record_provider_event.event_type is null
     or not (record_provider_event.event_type = any (outreach.event_types())) then
    raise exception 'event type % is unknown (% event)', coalesce(record_provider_event.event_type, 'NULL'), prov
      using errcode = 'OR021',
            detail = format('accepted types: %s', array_to_string(outreach.event_types(), ', ')),
            hint = 'Map the provider''s event to one of the accepted types; nothing was recorded.';
  end if;
  if record_provider_event.event_ts is null then
    raise exception '% event % has no event time', prov, record_provider_event.event_type
      using errcode = '22023', hint = 'Pass the time the provider reports for the event.';
  end if;
  if record_provider_event.step is not null and record_provider_event.step < 1 then
    raise exception '% event step % is not a step number', prov, record_provider_event.step
      using errcode = '22023', hint = 'Steps count from 1; pass NULL when the provider does not say.';
  end if;

  -- 1. The enrolment.
  if record_provider_event.enrolment_id is not null
     and exists (select 1 from outreach.send_log l where l.enrolment_id = record_provider_event.enrolment_id) then
    enr := record_provider_event.enrolment_id;
  else
    select pl.enrolment_id into enr
      from outreach.provider_leads pl
     where pl.provider = prov and pl.provider_campaign_id = camp and pl.lead_key = lkey;
  end if;
  -- A webhook may overtake the push's ack (the provider sends at once, the runner acks
  -- after its response): no provider_leads row yet, but the enrolment is a claimed
  -- step-1 send of a campaign of this provider to this address.
  if enr is null and lkey is not null then
    select l.enrolment_id into enr
      from outreach.campaigns c
      join outreach.send_log l on l.campaign_id = c.campaign_id
     where c.sender = prov and c.provider_campaign_id = camp
       and l.sequence_step = 1 and l.claimed_at is not null
       and outreach.provider_lead_key(case when l.channel = 'linkedin' then l.linkedin_url else l.email_to end) = lkey
     order by l.claimed_at desc
     limit 1;
  end if;
  if enr is null then
    perform outreach.record_error(
      coalesce(record_provider_event.correlation_id, gen_random_uuid()), 'outreach.record_provider_event',
      format('%s %s event for lead %s in campaign %s matches no enrolment', prov, record_provider_event.event_type,
             coalesce(lkey, 'NULL'), coalesce(camp, 'NULL')),
      'OR040',
      jsonb_build_object('provider', prov, 'provider_campaign_id', camp, 'lead_key', lkey,
                         'step', record_provider_event.step, 'event_type', record_provider_event.event_type,
                         'event_ts', record_provider_event.event_ts, 'enrolment_id', record_provider_event.enrolment_id,
                         'metadata', coalesce(record_provider_event.metadata, '{}'::jsonb)));
    return query select null::uuid, false;
    return;
  end if;

  -- 2. The send, created on the first report of a later step.
  perform 1 from outreach.send_log l where l.enrolment_id = enr order by l.send_id for no key update;
  select l.send_id into target
    from outreach.send_log l
   where l.enrolment_id = enr
     and (record_provider_event.step is null or l.sequence_step = record_provider_event.step)
   order by l.sequence_step desc, l.created_at, l.send_id
   limit 1;
  if target is null then
    insert into outreach.send_log
           (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id, enrolment_id,
            email_to, channel, linkedin_url, sequence_step, send_status, scheduled_at, handed_over_at,
            stopped_at, stop_reason, correlation_id)
    select f.outreach_id, f.target_id, f.sovereign_company_id, f.campaign_id,
           (select sq.sequence_id from outreach.sequences sq
             where sq.campaign_id = f.campaign_id and sq.sequence_order = record_provider_event.step),
           f.person_id, f.enrolment_id, f.email_to, f.channel, f.linkedin_url, record_provider_event.step, 'sent',
           record_provider_event.event_ts, record_provider_event.event_ts, f.stopped_at, f.stop_reason,
           coalesce(record_provider_event.correlation_id, f.correlation_id::uuid)
      from outreach.send_log f
     where f.enrolment_id = enr
     order by f.sequence_step, f.created_at, f.send_id
     limit 1
    returning send_id into target;
  end if;

  -- 3. The event, through record_event's rules.
  return query
    select r.event_id, r.is_duplicate
      from outreach.record_event(
             target, record_provider_event.event_type, record_provider_event.event_ts, prov,
             coalesce(record_provider_event.metadata, '{}'::jsonb)
               || jsonb_build_object('provider_campaign_id', camp, 'lead_key', lkey, 'step', record_provider_event.step,
                                     'enrolment_id', enr),
             record_provider_event.correlation_id) r;
end
$$;
comment on function outreach.record_provider_event(text, text, text, int, text, timestamptz, jsonb, uuid, uuid) is
  'A provider''s event (Instantly, Smartlead, HeyReach), mapped to a hub event type: finds the enrolment (enrolment_id, else provider_leads by campaign and lead key), the row of that step (created on first report for provider-run steps) and records the event through record_event (dedup over send, type, time, provider). No enrolment: recorded in outreach_errors (OR040) and one row with event_id NULL, no raise. 22023 bad provider / time / step, OR021 unknown type, OR004 bad correlation id.';
