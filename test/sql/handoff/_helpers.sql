-- Helpers of the handoff tests, created in pg_temp so they vanish with the session.
-- Include after the shared fixtures with:  \ir _helpers.sql
-- (Not a .test.sql file: the runner does not run it on its own.)

-- The fixed clock of these tests: links are made as of t0(); with the default
-- 72 h TTL they expire at 2025-03-11 12:00:00 UTC, exp = 1741694400.
create function pg_temp.t0() returns timestamptz language sql immutable as $$
  select timestamptz '2025-03-08 12:00:00+00'
$$;

-- One query parameter of a link.
create function pg_temp.param(link text, name text) returns text language sql immutable as $$
  select (regexp_match(link, '[?&]' || name || '=([^&#]*)'))[1]
$$;

-- A staffed outreach record: CL company, spine ACTIVE, target, HR and CEO
-- contacts in their slots (CFO unfilled), BIT score 80. Returns the outreach id.
create function pg_temp.staffed_record(name text default 'Acme') returns uuid language plpgsql volatile as $$
declare
  sid uuid := pg_temp.company(name);
  oid uuid := outreach.init_outreach(sid, gen_random_uuid());
  dom text := lower(regexp_replace(name, '\W', '', 'g')) || '.example';
  tid uuid;
  hr  uuid;
  ceo uuid;
begin
  update outreach.outreach set status = 'ACTIVE' where outreach_id = oid;
  insert into outreach.company_target (outreach_id, sovereign_company_id, domain, email_pattern, industry, employee_count, target_status)
  values (oid, sid, dom, '{first}.{last}@' || dom, 'SaaS', 120, 'active')
  returning target_id into tid;
  insert into outreach.people (outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status)
  values (oid, tid, sid, 'Hannah Reyes', 'hannah.reyes@' || dom, 'Head of People', 'verified')
  returning person_id into hr;
  insert into outreach.people (outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status)
  values (oid, tid, sid, 'Carl Ortiz', 'carl.ortiz@' || dom, 'CEO', 'verified')
  returning person_id into ceo;
  insert into outreach.company_slot (outreach_id, slot_type, person_id)
  values (oid, 'HR', hr), (oid, 'CEO', ceo), (oid, 'CFO', null);
  insert into outreach.bit_scores (outreach_id, score, band, pressure_class)
  values (oid, 80, 4, 'VENDOR_DISSATISFACTION');
  return oid;
end
$$;

-- Enrols a staffed record in a two-step campaign: step 1 to the HR contact,
-- sent at sent_at and opened twice (events logged), step 2 queued.
-- Returns the campaign id.
create function pg_temp.enrol(oid uuid, sent_at timestamptz default '2025-03-01 10:00:00+00')
returns uuid language plpgsql volatile as $$
declare
  camp uuid;
  seq1 uuid;
  seq2 uuid;
  enr  uuid := gen_random_uuid();
  s1   uuid;
  o    outreach.outreach;
  tid  uuid;
  hr   uuid;
  mail text;
begin
  select * into o from outreach.outreach where outreach_id = oid;
  select target_id into tid from outreach.company_target where outreach_id = oid;
  select cs.person_id, p.email into hr, mail
    from outreach.company_slot cs join outreach.people p using (person_id)
   where cs.outreach_id = oid and cs.slot_type = 'HR';
  insert into outreach.campaigns (campaign_name, campaign_status) values ('Benefits Q1', 'active')
  returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
  values (camp, 'Intro', 1, 0) returning sequence_id into seq1;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
  values (camp, 'Nudge', 2, 3) returning sequence_id into seq2;
  insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                                 enrolment_id, email_to, sequence_step, send_status, scheduled_at, sent_at,
                                 delivered_at, opened_at, open_count, correlation_id)
  values (oid, tid, o.sovereign_company_id, camp, seq1, hr, enr, mail, 1, 'opened', sent_at, sent_at,
          sent_at + interval '1 minute', sent_at + interval '1 hour', 2, gen_random_uuid())
  returning send_id into s1;
  insert into outreach.engagement_events (send_id, outreach_id, person_id, event_type, event_ts, source_system, event_hash, correlation_id)
  values (s1, oid, hr, 'email_sent', sent_at, 'test', md5(random()::text), gen_random_uuid()),
         (s1, oid, hr, 'email_open', sent_at + interval '1 hour', 'test', md5(random()::text), gen_random_uuid()),
         (s1, oid, hr, 'email_open', sent_at + interval '2 hours', 'test', md5(random()::text), gen_random_uuid());
  insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                                 enrolment_id, email_to, sequence_step, send_status, scheduled_at, correlation_id)
  values (oid, tid, o.sovereign_company_id, camp, seq2, hr, enr, mail, 2, 'queued',
          sent_at + interval '3 days', gen_random_uuid());
  return camp;
end
$$;

-- Books the record's meeting through its calendar link made at t0().
create function pg_temp.book(oid uuid, booked_at timestamptz default '2025-03-09 00:00:00+00',
                             correlation_id uuid default gen_random_uuid(), payload jsonb default '{}')
returns uuid language plpgsql volatile as $$
declare
  link text := outreach.calendar_link(oid, pg_temp.t0());
begin
  return outreach.record_meeting_booked(pg_temp.param(link, 'sid')::uuid, pg_temp.param(link, 'oid')::uuid,
                                        pg_temp.param(link, 'exp')::bigint, pg_temp.param(link, 'sig'),
                                        booked_at, correlation_id, payload);
end
$$;
