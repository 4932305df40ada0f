--------------------------------------------------------------------------------
-- Contact selection: email usability, slot order, primary_contact.
--------------------------------------------------------------------------------

create or replace function outreach.email_usable(email text, email_status text)
returns boolean
language sql
stable
parallel safe
as $$
  -- Stable, not immutable: it reads the suppression list (SPEC §10.4).
  select coalesce(btrim(email), '') <> '' and coalesce(email_status, 'unverified') not in ('bounced', 'unsubscribed')
     and not outreach.is_suppressed(email)
$$;
comment on function outreach.email_usable(text, text) is
  'True when an email can be written to: not NULL or blank, neither bounced nor unsubscribed, and not suppressed (outreach.is_suppressed).';



create or replace function outreach.linkedin_usable(linkedin_url text, email text, email_status text)
returns boolean
language sql
stable
parallel safe
as $$
  -- A profile is one more way to reach the same person: a person who opted out
  -- (unsubscribed, or whose address is suppressed) is opted out on every channel.
  -- A bounce says nothing about the profile. Suppression patterns are addresses and
  -- domains, so they reach a profile through its person's email.
  select coalesce(btrim(linkedin_url), '') <> '' and coalesce(email_status, 'unverified') <> 'unsubscribed'
     and not outreach.is_suppressed(email)
$$;
comment on function outreach.linkedin_usable(text, text, text) is
  'True when a LinkedIn profile can be written to: not NULL or blank, its person not unsubscribed, and the person''s email (if any) not suppressed (an opt-out holds on every channel; a bounce does not make a profile unusable).';

create or replace function outreach.pressure_class_slot(pressure_class text)
returns text
language sql
immutable
parallel safe
as $$
  -- The mapping of outreach.pressure_slot, as one inlinable expression that never
  -- raises and reaches nothing in outreach_private (bit_scores only holds known classes).
  select case pressure_class_slot.pressure_class
           when 'COST_PRESSURE' then 'CFO'
           when 'VENDOR_DISSATISFACTION' then 'HR'
           when 'DEADLINE_PROXIMITY' then 'HR'
           when 'ORGANIZATIONAL_RECONFIGURATION' then 'CEO'
           when 'OPERATIONAL_CHAOS' then 'CFO'
         end
$$;
comment on function outreach.pressure_class_slot(text) is
  'The slot a pressure class addresses first (as outreach.pressure_slot), NULL for NULL or an unknown class; for set-based callers (candidates, message_context).';

create or replace function outreach.pressure_slot(pressure_class text)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  slot text := outreach.pressure_class_slot(pressure_class);
begin
  if slot is null and pressure_class is not null then
    raise exception 'unknown pressure class %', pressure_class
      using errcode = '22023',
            hint = 'Use COST_PRESSURE, VENDOR_DISSATISFACTION, DEADLINE_PROXIMITY, ORGANIZATIONAL_RECONFIGURATION or OPERATIONAL_CHAOS, or NULL.';
  end if;
  return slot;
end
$$;
comment on function outreach.pressure_slot(text) is
  'The slot a pressure class addresses first (COST_PRESSURE → CFO, VENDOR_DISSATISFACTION → HR, DEADLINE_PROXIMITY → HR, ORGANIZATIONAL_RECONFIGURATION → CEO, OPERATIONAL_CHAOS → CFO); NULL for NULL; 22023 for an unknown class.';

drop function if exists outreach_private.unknown_pressure_class(text);

create or replace function outreach.slot_rank(slot_type text, first_slot text default null)
returns int
language sql
immutable
parallel safe
as $$
  select case
    when first_slot is null then case slot_type when 'HR' then 1 when 'CEO' then 2 when 'CFO' then 3 end
    when slot_type = first_slot then 0
    else case slot_type when 'CEO' then 1 when 'CFO' then 2 when 'HR' then 3 end
  end
$$;
comment on function outreach.slot_rank(text, text) is
  'Order in which slots are tried (lower first): HR > CEO > CFO by default; with a first slot (from a pressure class) that slot, then CEO > CFO > HR.';

create or replace function outreach.primary_contact(outreach_id uuid, pressure_class text default null)
returns table (person_id uuid, full_name text, email text, title text, slot_type text)
language sql
stable
as $$
  select p.person_id, p.full_name, p.email, p.title, cs.slot_type
    from outreach.company_slot cs
    join outreach.people p on p.person_id = cs.person_id and p.outreach_id = cs.outreach_id
   where cs.outreach_id = primary_contact.outreach_id
     and outreach.email_usable(p.email, p.email_status)
   order by outreach.slot_rank(cs.slot_type, outreach.pressure_slot(primary_contact.pressure_class))
   limit 1
$$;
comment on function outreach.primary_contact(uuid, text) is
  'The person to write to for one outreach record: HR > CEO > CFO skipping unusable emails; with a pressure class its mapped slot first, then CEO > CFO > HR. Zero rows when no filled slot has a usable email.';
