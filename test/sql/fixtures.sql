-- Test fixtures, created in pg_temp so they vanish with the session.
-- Include from a test file with:  \ir ../fixtures.sql

-- A CL company; returns its sovereign id.
create function pg_temp.company(name text default 'Acme', domain text default null)
returns uuid language sql volatile as $$
  insert into cl.company_identity (company_name, company_domain)
  values (name, coalesce(domain, lower(regexp_replace(name, '\W', '', 'g')) || '.example'))
  returning sovereign_company_id;
$$;

-- A fresh correlation id.
create function pg_temp.cid() returns uuid language sql volatile as $$ select gen_random_uuid() $$;

-- A UUID of the given version (for OR004 tests).
create function pg_temp.uuid_v(version int) returns uuid language sql volatile as $$
  select overlay(overlay(gen_random_uuid()::text placing version::text from 15 for 1)
                 placing '8' from 20 for 1)::uuid;
$$;

-- An active campaign with an active first step (and a second step 3 days later).
create function pg_temp.campaign(
  name text default 'General',
  min_score int default null,
  industries text[] default null,
  min_employees int default null,
  max_employees int default null,
  priority int default 0,
  daily_limit int default null,
  total_limit int default null
) returns uuid language plpgsql volatile as $$
declare
  cid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, target_bit_score_min, target_industries,
                                  min_employees, max_employees, priority, daily_send_limit, total_send_limit)
  values (name, 'active', min_score, industries, min_employees, max_employees, priority, daily_limit, total_limit)
  returning campaign_id into cid;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
  values (cid, name || ' step 1', 1, 0), (cid, name || ' step 2', 2, 3);
  return cid;
end $$;

-- A person in a slot of a record; returns the person id.
create function pg_temp.slot(oid uuid, slot text, email text default null, status text default 'verified')
returns uuid language plpgsql volatile as $$
declare
  pid uuid;
  tid uuid;
begin
  select target_id into tid from outreach.company_target where outreach_id = oid;
  insert into outreach.people (outreach_id, target_id, full_name, email, title, email_status)
  values (oid, tid, slot || ' person', coalesce(email, lower(slot) || '@' || substr(oid::text, 1, 8) || '.example'), slot, status)
  returning person_id into pid;
  insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, slot, pid)
  on conflict (outreach_id, slot_type) do update set person_id = excluded.person_id;
  return pid;
end $$;

-- A record that passes every rule when a general campaign exists: target with domain
-- and pattern, HR/CEO/CFO filled with verified emails, the given BIT score.
create function pg_temp.ready_record(
  score numeric default 60,
  industry text default 'Manufacturing',
  employees int default 250,
  name text default null
) returns uuid language plpgsql volatile as $$
declare
  oid uuid;
begin
  oid := outreach.init_outreach(pg_temp.company(coalesce(name, 'Co ' || substr(gen_random_uuid()::text, 1, 8))), gen_random_uuid());
  insert into outreach.company_target (outreach_id, domain, email_pattern, industry, employee_count)
  values (oid, substr(oid::text, 1, 8) || '.example', '{first}.{last}@' || substr(oid::text, 1, 8) || '.example', industry, employees);
  perform pg_temp.slot(oid, 'HR');
  perform pg_temp.slot(oid, 'CEO');
  perform pg_temp.slot(oid, 'CFO');
  if score is not null then
    insert into outreach.bit_scores (outreach_id, score) values (oid, score);
  end if;
  return oid;
end $$;

-- Record a message actually sent to a record at a given time (any later status).
create function pg_temp.sent(oid uuid, at timestamptz, status text default 'sent')
returns uuid language sql volatile as $$
  insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
  select oid, t.target_id, 'x@example.com', status, at, at, gen_random_uuid()
    from outreach.company_target t where t.outreach_id = oid
  returning send_id;
$$;

-- Reasons of one record at a moment.
create function pg_temp.reasons(oid uuid, at timestamptz default now())
returns text[] language sql stable as $$
  select blocking_reasons from outreach.candidates(at) where outreach_id = oid;
$$;

-- The kept gate state against its recomputation from scratch: rows of either that the
-- other lacks (0 = equal).
create function pg_temp.drift() returns bigint language sql stable as $$
  select (select count(*) from (select * from outreach_private.gate_state_kept() except all
                                select * from outreach_private.gate_state_recomputed()) a)
       + (select count(*) from (select * from outreach_private.gate_state_recomputed() except all
                                select * from outreach_private.gate_state_kept()) b)
$$;

-- The first hand-overs kept per hour (outreach_private.handover_counts) against their
-- recount from send_log: rows of either that the other lacks (0 = equal; an hour kept at
-- zero counts as a difference).
create function pg_temp.handover_drift() returns bigint language sql stable as $$
  select (select count(*) from (select channel, hour, handovers from outreach_private.handover_counts
                                except all select * from outreach_private.handover_counts_recomputed()) a)
       + (select count(*) from (select * from outreach_private.handover_counts_recomputed()
                                except all select channel, hour, handovers from outreach_private.handover_counts) b)
$$;
