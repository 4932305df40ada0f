--! Previous: sha1:5a36303df15f91e2c1a5564d1d6e30ab0d39076e
--! Hash: sha1:1187681f0c733a334fcd5b0a3cf5dbc3f5cf1090
--! Message: Contact summary follows the pressure class

--------------------------------------------------------------------------------
-- 000004 — The contact summary follows the record's pressure class.
--
-- candidates() (and so promote) address the slot of the record's pressure class
-- first, as primary_contact(id, pressure_class) does; recompute the summary of
-- the records that have one (the rule written out: sql/ is applied afterwards).
--------------------------------------------------------------------------------

update outreach.company_target t
   set contact_person_id = c.person_id, contact_slot = c.slot_type, contact_email = c.email
  from (
    select b.outreach_id, best.person_id, best.slot_type, best.email
      from outreach.bit_scores b
      left join lateral (
        select p.person_id, cs.slot_type, p.email
          from outreach.company_slot cs
          join outreach.people p on p.person_id = cs.person_id
         where cs.outreach_id = b.outreach_id
           and coalesce(btrim(p.email), '') <> '' and p.email_status not in ('bounced', 'unsubscribed')
         order by case
                    when cs.slot_type = case b.pressure_class
                                          when 'COST_PRESSURE' then 'CFO'
                                          when 'VENDOR_DISSATISFACTION' then 'HR'
                                          when 'DEADLINE_PROXIMITY' then 'HR'
                                          when 'ORGANIZATIONAL_RECONFIGURATION' then 'CEO'
                                          when 'OPERATIONAL_CHAOS' then 'CFO' end then 0
                    else case cs.slot_type when 'CEO' then 1 when 'CFO' then 2 else 3 end
                  end
         limit 1
      ) best on true
     where b.pressure_class is not null
  ) c
 where t.outreach_id = c.outreach_id;
