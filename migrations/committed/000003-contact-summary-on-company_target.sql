--! Previous: sha1:f670f36264107e27ab7e64e96b9b0d648b336d97
--! Hash: sha1:5a36303df15f91e2c1a5564d1d6e30ab0d39076e
--! Message: Contact summary on company_target

--------------------------------------------------------------------------------
-- 000003 — Contact summary on company_target.
--
-- The best usable contact of a record (HR > CEO > CFO, usable email) and how many
-- slots are filled, kept by statement-level triggers on company_slot and people
-- (sql/20_gate/05_contact_summary.sql), so candidates() reads one row per record
-- instead of joining and sorting every slot and person. outreach.primary_contact()
-- stays the authority (and the only way to apply a pressure class).
--------------------------------------------------------------------------------

alter table outreach.company_target
  add column if not exists contact_person_id uuid,
  add column if not exists contact_slot text
    constraint company_target_contact_slot_check check (contact_slot in ('HR', 'CEO', 'CFO')),
  add column if not exists contact_email text,
  add column if not exists filled_slots smallint not null default 0
    constraint company_target_filled_slots_check check (filled_slots between 0 and 3);

comment on column outreach.company_target.contact_person_id is
  'Derived, kept by triggers: the person outreach.primary_contact() picks without a pressure class (NULL = none usable).';
comment on column outreach.company_target.contact_slot is 'Derived, kept by triggers: the slot of contact_person_id.';
comment on column outreach.company_target.contact_email is 'Derived, kept by triggers: the email of contact_person_id.';
comment on column outreach.company_target.filled_slots is 'Derived, kept by triggers: how many of the HR/CEO/CFO slots are filled.';

-- Backfill (the rule is written out here: sql/ is applied after the migrations).
update outreach.company_target t
   set contact_person_id = c.person_id, contact_slot = c.slot_type, contact_email = c.email, filled_slots = c.filled
  from (
    select cs.outreach_id,
           count(*)::smallint as filled,
           (array_agg(p.person_id order by case cs.slot_type when 'HR' then 1 when 'CEO' then 2 else 3 end)
              filter (where coalesce(btrim(p.email), '') <> '' and p.email_status not in ('bounced', 'unsubscribed')))[1] as person_id,
           (array_agg(cs.slot_type order by case cs.slot_type when 'HR' then 1 when 'CEO' then 2 else 3 end)
              filter (where coalesce(btrim(p.email), '') <> '' and p.email_status not in ('bounced', 'unsubscribed')))[1] as slot_type,
           (array_agg(p.email order by case cs.slot_type when 'HR' then 1 when 'CEO' then 2 else 3 end)
              filter (where coalesce(btrim(p.email), '') <> '' and p.email_status not in ('bounced', 'unsubscribed')))[1] as email
      from outreach.company_slot cs
      join outreach.people p on p.person_id = cs.person_id
     group by cs.outreach_id
  ) c
 where t.outreach_id = c.outreach_id;
