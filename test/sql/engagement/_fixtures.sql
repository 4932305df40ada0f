-- Fixtures of the engagement, kill-switch and sequence tests (pg_temp, gone with
-- the session). Include after the shared fixtures:
--   \ir ../fixtures.sql
--   \ir ../engagement/_fixtures.sql
-- Names start with eng_ so that they never collide with test/sql/fixtures.sql.

-- An active campaign with `steps` active steps: step 1 at once, every later step
-- delay_days days + delay_hours hours after the previous send.
create function pg_temp.eng_campaign(steps int default 3, delay_days int default 3, delay_hours int default 0,
                                     daily_limit int default null)
returns uuid language plpgsql volatile as $$
declare
  cid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, daily_send_limit)
  values ('Engagement ' || substr(gen_random_uuid()::text, 1, 8), 'active', daily_limit)
  returning campaign_id into cid;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, delay_hours)
  select cid, 'step ' || g, g, case when g = 1 then 0 else delay_days end, case when g = 1 then 0 else delay_hours end
    from generate_series(1, steps) g;
  return cid;
end $$;

-- One enrolled company: CL row → init_outreach → target → person → step 1 in
-- send_log (in the campaign when given). Returns the send id.
create function pg_temp.eng_send(campaign uuid default null, status text default 'queued',
                                 sent_at timestamptz default null, scheduled_at timestamptz default now())
returns uuid language plpgsql volatile as $$
declare
  oid uuid;
  tid uuid;
  pid uuid;
  sid uuid;
  email text;
begin
  oid := outreach.init_outreach(pg_temp.company('Eng ' || substr(gen_random_uuid()::text, 1, 8)), gen_random_uuid());
  insert into outreach.company_target (outreach_id, domain, email_pattern, industry, employee_count, target_status)
  values (oid, substr(oid::text, 1, 8) || '.example', '{first}@' || substr(oid::text, 1, 8) || '.example',
          'Manufacturing', 100, 'active')
  returning target_id into tid;
  email := 'hr@' || substr(oid::text, 1, 8) || '.example';
  insert into outreach.people (outreach_id, target_id, full_name, email, title, email_status)
  values (oid, tid, 'HR person', email, 'HR', 'verified')
  returning person_id into pid;
  insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
  insert into outreach.send_log (outreach_id, target_id, campaign_id, sequence_id, person_id, email_to,
                                 sequence_step, send_status, scheduled_at, sent_at, correlation_id)
  values (oid, tid, campaign,
          (select s.sequence_id from outreach.sequences s where s.campaign_id = campaign and s.sequence_order = 1),
          pid, email, 1, status, scheduled_at, sent_at, gen_random_uuid())
  returning send_id into sid;
  return sid;
end $$;

-- n enrolled companies at once, each with one message sent (scheduled and sent)
-- at `at`. Returns their send ids.
create function pg_temp.eng_sends(n int, at timestamptz, status text default 'sent')
returns setof uuid language plpgsql volatile as $$
declare
  sids uuid[];
  cid uuid := gen_random_uuid();
begin
  with ins as (
    insert into cl.company_identity (company_name, company_domain)
    select 'Bulk ' || g, 'bulk-' || substr(gen_random_uuid()::text, 1, 12) || '.example'
      from generate_series(1, n) g
    returning sovereign_company_id
  )
  select array_agg(sovereign_company_id) into sids from ins;
  perform outreach.init_outreach(s, cid) from unnest(sids) s;
  insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
  select o.outreach_id, c.company_domain, '{first}@' || c.company_domain, 'active'
    from outreach.outreach o join cl.company_identity c using (sovereign_company_id)
   where o.sovereign_company_id = any (sids);
  insert into outreach.people (outreach_id, target_id, full_name, email, email_status)
  select t.outreach_id, t.target_id, 'Bulk person', 'hr@' || t.domain, 'verified'
    from outreach.company_target t join outreach.outreach o using (outreach_id)
   where o.sovereign_company_id = any (sids);
  return query
    insert into outreach.send_log (outreach_id, target_id, person_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
    select p.outreach_id, p.target_id, p.person_id, p.email, eng_sends.status, eng_sends.at,
           case when eng_sends.status in ('queued', 'cancelled') then null else eng_sends.at end, cid
      from outreach.people p join outreach.outreach o using (outreach_id)
     where o.sovereign_company_id = any (sids)
    returning send_id;
end $$;

-- Record one event; returns whether it was a duplicate.
create function pg_temp.eng_event(send uuid, type text, at timestamptz, source text default 'instantly')
returns boolean language sql volatile as $$
  select r.is_duplicate from outreach.record_event(send, type, at, source) r;
$$;

-- The whole send_log row as jsonb (to prove "nothing changed").
create function pg_temp.eng_row(send uuid)
returns jsonb language sql stable as $$
  select to_jsonb(l) from outreach.send_log l where l.send_id = send;
$$;

-- The tripped flag of one switch on the board at a moment.
create function pg_temp.eng_tripped(name text, at timestamptz)
returns boolean language sql stable as $$
  select k.tripped from outreach.kill_switches(at) k where k.switch = name;
$$;

-- Record one event of `type` at `at` on each of the given sends (one batch).
create function pg_temp.eng_events_on(sends uuid[], type text, at timestamptz, source text default 'instantly')
returns int language sql volatile as $$
  select count(*)::int
    from outreach.record_events(
           (select coalesce(jsonb_agg(jsonb_build_object('send_id', s, 'event_type', type, 'event_ts', at,
                                                         'source_system', source)), '[]')
              from unnest(sends) s)) r
   where not r.is_duplicate;
$$;
