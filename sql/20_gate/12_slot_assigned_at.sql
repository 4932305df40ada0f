--------------------------------------------------------------------------------
-- company_slot.assigned_at: when the seat's current person was assigned.
--
-- Upstream People writes only the pinned columns (outreach_id, slot_type,
-- person_id); the hub keeps assigned_at so a seat filled that way is People
-- evidence for proof lines (60_messaging/20_proof.sql):
--   person_id set (insert, or changed to another person)  → now()
--   person_id emptied                                      → NULL
--   the writer sets assigned_at itself in the statement     → its value is kept
--   anything else (same person rewritten, other columns)   → unchanged
--------------------------------------------------------------------------------

create or replace function outreach_private.stamp_slot_assignment()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.assigned_at is null and new.person_id is not null then
      new.assigned_at := now();
    end if;
  elsif new.assigned_at is not distinct from old.assigned_at
        and new.person_id is distinct from old.person_id then
    new.assigned_at := case when new.person_id is not null then now() end;
  end if;
  return new;
end
$$;
comment on function outreach_private.stamp_slot_assignment() is
  'Trigger function: dates a seat (assigned_at = now()) when its person is set or changed, clears the date when it is emptied, and keeps a date the writer sets explicitly.';

drop trigger if exists company_slot_assigned_at on outreach.company_slot;
create trigger company_slot_assigned_at
  before insert or update on outreach.company_slot
  for each row execute function outreach_private.stamp_slot_assignment();
comment on trigger company_slot_assigned_at on outreach.company_slot is
  'Keeps assigned_at: now() when the person is set or changed, NULL when the seat is emptied, unless the statement sets it.';
