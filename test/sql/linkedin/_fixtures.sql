-- Fixtures of the LinkedIn tests (pg_temp, gone with the session). Include after
--   \ir ../fixtures.sql
-- Names start with li_.

-- An active HeyReach (LinkedIn) campaign with two active steps.
create function pg_temp.li_campaign(name text default 'LinkedIn', min_score int default null, priority int default 0)
returns uuid language plpgsql volatile as $$
declare
  cid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id,
                                  target_bit_score_min, priority)
  values (name, 'active', 'heyreach', 'hr-' || substr(gen_random_uuid()::text, 1, 8), min_score, priority)
  returning campaign_id into cid;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
  values (cid, name || ' connect', 1, 0), (cid, name || ' message', 2, 3);
  return cid;
end $$;

-- Give every slotted person of a record a profile URL.
create function pg_temp.li_profiles(oid uuid)
returns void language sql volatile as $$
  update outreach.people
     set linkedin_url = 'https://www.linkedin.com/in/' || lower(title) || '-' || substr(oid::text, 1, 8) || '/'
   where outreach_id = oid;
$$;

-- The summary computed from scratch for every record: the email half is primary_contact,
-- the LinkedIn half the same slot order over usable profiles.
create function pg_temp.li_summary_ok() returns boolean language sql stable as $$
  select coalesce(bool_and(t.contact_person_id is not distinct from pc.person_id
                  and t.contact_email is not distinct from pc.email
                  and t.contact_li_person_id is not distinct from li.person_id
                  and t.contact_li_slot is not distinct from li.slot_type
                  and t.contact_linkedin_url is not distinct from li.linkedin_url), true)
    from outreach.company_target t
    left join outreach.bit_scores b on b.outreach_id = t.outreach_id
    left join lateral (select * from outreach.primary_contact(t.outreach_id, b.pressure_class)) pc on true
    left join lateral (
      select p.person_id, cs.slot_type, p.linkedin_url
        from outreach.company_slot cs
        join outreach.people p on p.person_id = cs.person_id
       where cs.outreach_id = t.outreach_id
         and coalesce(btrim(p.linkedin_url), '') <> ''
         and p.email_status <> 'unsubscribed'
         and not outreach.is_suppressed(p.email)
       order by outreach.slot_rank(cs.slot_type, outreach.pressure_slot(b.pressure_class))
       limit 1) li on true
$$;
