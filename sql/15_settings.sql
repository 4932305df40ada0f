--------------------------------------------------------------------------------
-- Settings: doctrine minimums (OR007) and the change history.
--------------------------------------------------------------------------------

create or replace function outreach_private.guard_settings()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if tg_op in ('DELETE', 'TRUNCATE') then
    raise exception 'the settings row cannot be removed'
      using errcode = 'OR007', hint = 'Update the settings row instead.';
  end if;
  -- NaN sorts above every number and Infinity above every score: neither would
  -- fail "< 50", and either would silently stop all sending.
  if new.bit_threshold is not null and not (new.bit_threshold < 'Infinity'::numeric) then
    raise exception 'bit_threshold % is not a number', new.bit_threshold
      using errcode = '22023', hint = 'Set bit_threshold to a finite number of at least 50.';
  end if;
  if not (isfinite(new.cooling_off) and isfinite(new.rate_window) and isfinite(new.rate_switch_cooldown)
          and isfinite(new.calendar_ttl) and isfinite(new.max_clock_skew)) then
    raise exception 'interval settings must be finite'
      using errcode = '22023',
            detail = format('cooling_off %s, rate_window %s, rate_switch_cooldown %s, calendar_ttl %s, max_clock_skew %s',
                            new.cooling_off, new.rate_window, new.rate_switch_cooldown, new.calendar_ttl, new.max_clock_skew),
            hint = 'Set a finite interval (infinite intervals exist from PostgreSQL 17 on).';
  end if;
  if new.bit_threshold is null or new.bit_threshold < 50 then
    raise exception 'bit_threshold % is weaker than the doctrine minimum 50', new.bit_threshold
      using errcode = 'OR007', hint = 'The BIT threshold may be raised above 50, never lowered below it.';
  end if;
  if new.cooling_off is null
     or extract(epoch from new.cooling_off) < extract(epoch from interval '30 days') then
    raise exception 'cooling_off % is weaker than the doctrine minimum of 30 days', new.cooling_off
      using errcode = 'OR007', hint = 'The cooling-off period may be lengthened, never shortened below 30 × 24 h.';
  end if;
  new.updated_at := now();
  new.updated_by := current_user;
  return new;
end
$$;
comment on function outreach_private.guard_settings() is
  'Trigger function: refuses a BIT threshold below 50, a cooling-off under 30 × 24 h, or removing the settings row (OR007).';

create or replace function outreach_private.record_settings_change()
returns trigger
language plpgsql
volatile
security definer  -- settings_history is written by this trigger only
set search_path = ''
as $$
declare
  old_j jsonb := to_jsonb(old) - 'updated_at' - 'updated_by';
  new_j jsonb := to_jsonb(new) - 'updated_at' - 'updated_by';
  changed text[];
begin
  select array_agg(k) into changed
    from jsonb_object_keys(new_j) k
   where new_j -> k is distinct from old_j -> k;
  if changed is not null then
    insert into outreach.settings_history (changed_by, old_values, new_values)
    select new.updated_by,
           (select jsonb_object_agg(k, old_j -> k) from unnest(changed) k),
           (select jsonb_object_agg(k, new_j -> k) from unnest(changed) k);
  end if;
  return null;
end
$$;
comment on function outreach_private.record_settings_change() is
  'Trigger function: appends who changed which settings, from what to what, to outreach.settings_history.';

drop trigger if exists settings_guard on outreach.settings;
create trigger settings_guard
  before update or delete on outreach.settings
  for each row execute function outreach_private.guard_settings();
alter table outreach.settings enable always trigger settings_guard;

drop trigger if exists settings_guard_truncate on outreach.settings;
create trigger settings_guard_truncate
  before truncate on outreach.settings
  for each statement execute function outreach_private.guard_settings();
alter table outreach.settings enable always trigger settings_guard_truncate;

drop trigger if exists settings_history on outreach.settings;
create trigger settings_history
  after update on outreach.settings
  for each row execute function outreach_private.record_settings_change();

comment on trigger settings_guard on outreach.settings is 'Doctrine minimums for threshold and cooling-off (OR007); stamps who and when.';
comment on trigger settings_history on outreach.settings is 'Records every settings change in outreach.settings_history.';
