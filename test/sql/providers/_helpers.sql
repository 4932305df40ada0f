-- Helpers of the provider tests, created in pg_temp so they vanish with the session.
-- Include after ../fixtures.sql and ../handoff/_helpers.sql with:  \ir _helpers.sql
-- (Not a .test.sql file: the runner does not run it on its own.)

-- An active provider campaign with three steps (delays 0, 2 and 4 days).
create function pg_temp.provider_campaign(sender text default 'instantly', pcid text default 'camp-1',
                                          status text default 'active')
returns uuid language plpgsql volatile as $$
declare
  camp uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id)
  values (sender || ' ' || pcid, status, sender, pcid)
  returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
  values (camp, 'Intro', 1, 0), (camp, 'Nudge', 2, 2), (camp, 'Breakup', 3, 4);
  return camp;
end
$$;

-- Enrols a staffed record's HR contact in a campaign and reports the push of
-- step 1 as the provider accepting it: a claimed step-1 row (as claim_sends leaves
-- it), then ack_provider_push. Returns the enrolment id.
create function pg_temp.pushed(oid uuid, camp uuid, lead_id text default 'lead-1',
                               at timestamptz default '2025-03-03 14:00:00+00')
returns uuid language plpgsql volatile as $$
declare
  tok  uuid := gen_random_uuid();
  s1   uuid;
  enr  uuid;
begin
  insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                                 email_to, sequence_step, send_status, scheduled_at, claim_token, claimed_by,
                                 claimed_at, first_claimed_at, lease_until, attempt, correlation_id)
  select o.outreach_id, t.target_id, o.sovereign_company_id, camp,
         (select sequence_id from outreach.sequences where campaign_id = camp and sequence_order = 1),
         p.person_id, upper(p.email), 1, 'queued', at, tok, (select sender from outreach.campaigns where campaign_id = camp),
         at, at, at + interval '5 minutes', 1, gen_random_uuid()
    from outreach.outreach o
    join outreach.company_target t on t.outreach_id = o.outreach_id
    join outreach.company_slot cs on cs.outreach_id = o.outreach_id and cs.slot_type = 'HR'
    join outreach.people p on p.person_id = cs.person_id
   where o.outreach_id = oid
  returning send_id, enrolment_id into s1, enr;
  perform outreach.ack_provider_push(s1, tok, lead_id, at);
  return enr;
end
$$;

-- The HR contact's email of a record (lower case, as provider_leads keys it).
create function pg_temp.hr_email(oid uuid) returns text language sql stable as $$
  select lower(p.email)
    from outreach.company_slot cs join outreach.people p on p.person_id = cs.person_id
   where cs.outreach_id = oid and cs.slot_type = 'HR'
$$;
