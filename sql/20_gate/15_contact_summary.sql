--------------------------------------------------------------------------------
-- The contact summary on company_target (contact_person_id, contact_slot,
-- contact_email, filled_slots; for LinkedIn campaigns contact_li_person_id,
-- contact_li_slot, contact_linkedin_url): recomputed set-based, once per statement, for the
-- records a statement on company_slot, people or bit_scores (the pressure class)
-- touched. candidates() reads it: it is primary_contact(id, the record's pressure class).
--------------------------------------------------------------------------------

create or replace function outreach_private.refresh_contact_summary(outreach_ids uuid[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if outreach_ids is null or cardinality(outreach_ids) = 0 then
    return;
  end if;
  -- Take the targets' row locks first (in a stable order), then read the slots: a
  -- concurrent change of the same record waits here and is seen once it commits.
  perform 1
     from outreach.company_target t
    where t.outreach_id = any (outreach_ids)
    order by t.outreach_id
      for no key update;

  update outreach.company_target t
     set contact_person_id = c.person_id, contact_slot = c.slot_type, contact_email = c.email,
         filled_slots = c.filled, contact_li_person_id = c.li_person_id, contact_li_slot = c.li_slot_type,
         contact_linkedin_url = c.linkedin_url
    from (
      select ids.outreach_id, best.person_id, best.slot_type, best.email, coalesce(cnt.filled, 0)::smallint as filled,
             li.person_id as li_person_id, li.slot_type as li_slot_type, li.linkedin_url
        from (select distinct u.id as outreach_id from unnest(outreach_ids) u(id)) ids
        left join lateral (
          select p.person_id, cs.slot_type, p.email
            from outreach.company_slot cs
            join outreach.people p on p.person_id = cs.person_id
            left join outreach.bit_scores b on b.outreach_id = cs.outreach_id
           where cs.outreach_id = ids.outreach_id
             and outreach.email_usable(p.email, p.email_status)
           order by outreach.slot_rank(cs.slot_type, outreach.pressure_class_slot(b.pressure_class))
           limit 1
        ) best on true
        -- The same slot order for a LinkedIn campaign, over usable profiles.
        left join lateral (
          select p.person_id, cs.slot_type, p.linkedin_url
            from outreach.company_slot cs
            join outreach.people p on p.person_id = cs.person_id
            left join outreach.bit_scores b on b.outreach_id = cs.outreach_id
           where cs.outreach_id = ids.outreach_id
             and outreach.linkedin_usable(p.linkedin_url, p.email, p.email_status)
           order by outreach.slot_rank(cs.slot_type, outreach.pressure_class_slot(b.pressure_class))
           limit 1
        ) li on true
        left join lateral (
          select count(*) as filled
            from outreach.company_slot cs
           where cs.outreach_id = ids.outreach_id and cs.person_id is not null
        ) cnt on true
    ) c
   where t.outreach_id = c.outreach_id
     and (t.contact_person_id, t.contact_slot, t.contact_email, t.filled_slots,
          t.contact_li_person_id, t.contact_li_slot, t.contact_linkedin_url)
         is distinct from (c.person_id, c.slot_type, c.email, c.filled, c.li_person_id, c.li_slot_type, c.linkedin_url);
end
$$;
comment on function outreach_private.refresh_contact_summary(uuid[]) is
  'Recomputes the contact summary columns of company_target for the given outreach records (locks their target rows first).';

create or replace function outreach_private.slots_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who have no access to outreach_private
set search_path = ''
as $$
declare
  ids uuid[];
begin
  if tg_op = 'INSERT' then
    select array_agg(distinct n.outreach_id) into ids from new_rows n where n.person_id is not null;
  elsif tg_op = 'UPDATE' then
    -- Slots paired by key (18_gate_state.sql, "Plans"): one that appeared, went or
    -- changed person.
    select array_agg(distinct coalesce(n.outreach_id, o.outreach_id))
             filter (where n.outreach_id is null or o.outreach_id is null or n.person_id is distinct from o.person_id)
      into ids
      from new_rows n
      full join old_rows o on o.outreach_id = n.outreach_id and o.slot_type = n.slot_type;
  else
    select array_agg(distinct o.outreach_id) into ids from old_rows o where o.person_id is not null;
  end if;
  perform outreach_private.refresh_contact_summary(ids);
  return null;
end
$$;
comment on function outreach_private.slots_changed() is
  'Statement trigger on company_slot: refreshes the contact summary of the records whose slot assignments changed.';

create or replace function outreach_private.people_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who have no access to outreach_private
set search_path = ''
as $$
declare
  ids uuid[];
  persons uuid[];
begin
  -- Only a slotted person's email, status, profile (or record) matters. People paired by
  -- key (18_gate_state.sql, "Plans"), then their slots.
  select array_agg(n.person_id)
           filter (where n.person_id is not null and o.person_id is not null
                     and (n.email, n.email_status, n.outreach_id, n.linkedin_url)
                         is distinct from (o.email, o.email_status, o.outreach_id, o.linkedin_url))
    into persons
    from new_rows n
    full join old_rows o on o.person_id = n.person_id;
  if persons is not null then
    select array_agg(distinct cs.outreach_id) into ids
      from outreach.company_slot cs
     where cs.person_id = any (persons);
  end if;
  perform outreach_private.refresh_contact_summary(ids);
  return null;
end
$$;
comment on function outreach_private.people_changed() is
  'Statement trigger on people: refreshes the contact summary of the records whose slotted person changed email, status or LinkedIn profile.';

create or replace function outreach_private.pressure_changed()
returns trigger
language plpgsql
volatile
security definer  -- fires for upstream writers, who have no access to outreach_private
set search_path = ''
as $$
declare
  ids uuid[];
begin
  if tg_op = 'INSERT' then
    select array_agg(n.outreach_id) into ids from new_rows n where n.pressure_class is not null;
  elsif tg_op = 'UPDATE' then
    select array_agg(n.outreach_id)
             filter (where n.outreach_id is not null and o.outreach_id is not null
                       and n.pressure_class is distinct from o.pressure_class)
      into ids
      from new_rows n
      full join old_rows o on o.outreach_id = n.outreach_id;
  else
    select array_agg(o.outreach_id) into ids from old_rows o where o.pressure_class is not null;
  end if;
  perform outreach_private.refresh_contact_summary(ids);
  return null;
end
$$;
comment on function outreach_private.pressure_changed() is
  'Statement trigger on bit_scores: refreshes the contact summary of the records whose pressure class changed.';


-- One statement trigger per table and event (transition tables allow one event each).
do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('company_slot', 'insert', 'outreach_private.slots_changed', 'new table as new_rows'),
      ('company_slot', 'update', 'outreach_private.slots_changed', 'new table as new_rows old table as old_rows'),
      ('company_slot', 'delete', 'outreach_private.slots_changed', 'old table as old_rows'),
      ('people',       'update', 'outreach_private.people_changed', 'new table as new_rows old table as old_rows'),
      ('bit_scores',   'insert', 'outreach_private.pressure_changed', 'new table as new_rows'),
      ('bit_scores',   'update', 'outreach_private.pressure_changed', 'new table as new_rows old table as old_rows'),
      ('bit_scores',   'delete', 'outreach_private.pressure_changed', 'old table as old_rows')
    ) v(tbl, event, fn, transition)
  loop
    execute format('drop trigger if exists %I on outreach.%I', t.tbl || '_summary_' || t.event, t.tbl);
    execute format('create trigger %I after %s on outreach.%I referencing %s for each statement execute function %s()',
                   t.tbl || '_summary_' || t.event, t.event, t.tbl, t.transition, t.fn);
    execute format('comment on trigger %I on outreach.%I is %L', t.tbl || '_summary_' || t.event, t.tbl,
                   'Keeps company_target''s contact summary (contact_*, filled_slots) current.');
  end loop;
end
$$;

-- The LinkedIn half of the summary for records written before it existed: every
-- record with a slotted profile but no LinkedIn contact is recomputed (a no-op once
-- exact; the triggers keep it so afterwards).
select outreach_private.refresh_contact_summary(array_agg(distinct cs.outreach_id))
  from outreach.company_slot cs
  join outreach.people p on p.person_id = cs.person_id
  join outreach.company_target t on t.outreach_id = cs.outreach_id
 where coalesce(btrim(p.linkedin_url), '') <> ''
   and t.contact_li_person_id is null;
