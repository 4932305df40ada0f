--------------------------------------------------------------------------------
-- The suppression list (SPEC §10.4): suppress, lift_suppression, and the
-- triggers that keep everything derived from it exact. (Matching itself:
-- sql/20_gate/05_suppression_match.sql.)
--
--   * Patterns are stored lower-cased and trimmed; blank, wildcard-only or
--     malformed patterns are refused (22023), on suppress() and on a direct insert.
--   * Rows are never deleted (OR005) and never rewritten: lifting stamps
--     lifted_at / lifted_by / lift_note once. One active row per pattern.
--   * A change of the list re-derives, in the same statement: the contact summary
--     of every record whose slotted person it matches (contact selection skips a
--     suppressed address as it skips a bounced one), and company_target.domain_suppressed
--     of every target whose domain it names (the gate's `suppressed` reason).
--   * Unsubscribe, spam-complaint and hard-bounce events add the address of their
--     send (source unsubscribe, spam_complaint, bounce): the opt-out then holds
--     across companies, campaigns and re-imports. A bounce whose metadata says
--     bounce_type soft / transient does not.
--------------------------------------------------------------------------------

create or replace function outreach.suppression_pattern_problem(pattern text)
returns text
language sql
immutable
parallel safe
as $$
  -- NULL when the (normalised) pattern is acceptable, else what is wrong with it.
  select case
           when coalesce(btrim(p.v), '') = '' then 'is blank'
           when btrim(p.v, '*@.') = '' then 'matches every address'
           when p.v ~ '\s' then 'contains white space'
           when strpos(p.v, '@') > 0 then
             case when p.v !~ '^[^@]+@[^@]+$' then 'is not an address pattern: exactly one @ with text on both sides'
                  when split_part(p.v, '@', 2) !~ '^[a-z0-9*]([a-z0-9*.-]*[a-z0-9*])?$'
                    then 'has a malformed domain after the @' end
           when strpos(p.v, '*') > 0 then 'is a domain with *: a domain pattern already covers its subdomains'
           when p.v !~ '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$'
             then 'is not a domain name with at least one dot'
         end
    from (select lower(btrim(suppression_pattern_problem.pattern)) as v) p
$$;
comment on function outreach.suppression_pattern_problem(text) is
  'NULL when a suppression pattern is acceptable (an address, an address glob with *, or a domain with a dot), else what is wrong with it (blank, wildcard-only, malformed).';

create or replace function outreach_private.guard_suppression()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  problem text;
begin
  if tg_op = 'INSERT' then
    new.pattern := lower(btrim(new.pattern));
    problem := outreach.suppression_pattern_problem(new.pattern);
    if problem is not null then
      raise exception 'suppression pattern % %', quote_literal(coalesce(new.pattern, 'NULL')), problem
        using errcode = '22023',
              hint = 'Use an address (ann@acme.com), an address glob (legal@*, *@rival.com) or a domain (rival.com, subdomains included).';
    end if;
    return new;
  elsif tg_op = 'UPDATE' then
    if (new.suppression_id, new.pattern, new.reason, new.source, new.added_by, new.correlation_id, new.created_at)
       is distinct from (old.suppression_id, old.pattern, old.reason, old.source, old.added_by, old.correlation_id, old.created_at)
       or (old.lifted_at is not null
           and (new.lifted_at, new.lifted_by, new.lift_note) is distinct from (old.lifted_at, old.lifted_by, old.lift_note))
       or (old.lifted_at is null and new.lifted_at is not null and coalesce(btrim(new.lifted_by), '') = '') then
      raise exception 'suppression % may only be lifted, once, by a named person', old.suppression_id
        using errcode = 'OR005',
              detail = format('pattern %s, lifted_at %s', old.pattern, coalesce(old.lifted_at::text, 'NULL')),
              hint = 'Lift with outreach.lift_suppression(pattern, lifted_by, note); add a new suppression to change one.';
    end if;
    return new;
  end if;
  raise exception '% on outreach.suppressions is not allowed: suppressions are never removed', tg_op
    using errcode = 'OR005', hint = 'Lift a suppression with outreach.lift_suppression(pattern, lifted_by, note).';
end
$$;
comment on function outreach_private.guard_suppression() is
  'Trigger function: normalises and validates a new suppression pattern (22023); refuses rewriting a suppression other than lifting it once, and deleting or truncating (OR005).';

drop trigger if exists suppressions_guard on outreach.suppressions;
create trigger suppressions_guard
  before insert or update or delete on outreach.suppressions
  for each row execute function outreach_private.guard_suppression();
alter table outreach.suppressions enable always trigger suppressions_guard;
drop trigger if exists suppressions_no_truncate on outreach.suppressions;
create trigger suppressions_no_truncate
  before truncate on outreach.suppressions
  for each statement execute function outreach_private.guard_suppression();
alter table outreach.suppressions enable always trigger suppressions_no_truncate;
comment on trigger suppressions_guard on outreach.suppressions is 'Valid, normalised patterns; lifted once; never deleted.';
comment on trigger suppressions_no_truncate on outreach.suppressions is 'Suppressions are never removed (OR005).';

-- What a change of the list affects: the records whose slotted person's address it
-- matches (their contact summary), and the targets whose domain it names.
-- Security definer: the writer may add and lift suppressions (SPEC §5); the
-- re-derivation it triggers is the hub's, in outreach_private.
create or replace function outreach_private.suppressions_changed()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  patterns text[];
  ids uuid[];
  wide boolean;
begin
  if tg_op = 'INSERT' then
    select array_agg(distinct n.pattern) into patterns from new_rows n;
  else
    -- Paired by key, never by a nested loop (18_gate_state.sql, "Plans").
    select array_agg(distinct n.pattern)
             filter (where n.suppression_id is not null and o.suppression_id is not null
                       and n.lifted_at is distinct from o.lifted_at)
      into patterns
      from new_rows n
      full join old_rows o on o.suppression_id = n.suppression_id;
  end if;
  if patterns is null then
    return null;
  end if;

  -- Records whose slotted person the patterns match: exact addresses through the
  -- expression index on people's address, domains and globs by scanning people.
  wide := exists (select 1 from unnest(patterns) x(pattern) where strpos(x.pattern, '@') = 0 or strpos(x.pattern, '*') > 0);
  select array_agg(distinct cs.outreach_id) into ids
    from outreach.company_slot cs
   where cs.person_id in (select p.person_id from outreach.people p
                           where lower(btrim(p.email)) = any (patterns)
                          union
                          select p.person_id from outreach.people p
                           where wide
                             and exists (select 1 from unnest(patterns) x(pattern)
                                          where (strpos(x.pattern, '@') = 0 or strpos(x.pattern, '*') > 0)
                                            and outreach.suppression_matches(x.pattern, p.email)));
  perform outreach_private.refresh_contact_summary(ids);

  -- Targets whose domain (or a parent of it) is a changed domain pattern.
  if exists (select 1 from unnest(patterns) x(pattern) where strpos(x.pattern, '@') = 0) then
    update outreach.company_target t
       set domain_suppressed = outreach.domain_suppressed(t.domain)
     where coalesce(btrim(t.domain), '') <> ''
       and exists (select 1 from unnest(patterns) x(pattern)
                    where strpos(x.pattern, '@') = 0
                      and x.pattern = any ((outreach.email_keys('@' || lower(btrim(t.domain))))[2:]))
       and t.domain_suppressed is distinct from outreach.domain_suppressed(t.domain);
  end if;
  return null;
end
$$;
comment on function outreach_private.suppressions_changed() is
  'Statement trigger on suppressions: refreshes the contact summary of the records whose slotted person an added or lifted pattern matches, and domain_suppressed of the targets whose domain it names.';

drop trigger if exists suppressions_changed_insert on outreach.suppressions;
create trigger suppressions_changed_insert
  after insert on outreach.suppressions
  referencing new table as new_rows
  for each statement execute function outreach_private.suppressions_changed();
drop trigger if exists suppressions_changed_update on outreach.suppressions;
create trigger suppressions_changed_update
  after update on outreach.suppressions
  referencing new table as new_rows old table as old_rows
  for each statement execute function outreach_private.suppressions_changed();
comment on trigger suppressions_changed_insert on outreach.suppressions is 'Keeps contact summaries and domain_suppressed exact when suppressions are added.';
comment on trigger suppressions_changed_update on outreach.suppressions is 'Keeps contact summaries and domain_suppressed exact when suppressions are lifted.';

create or replace function outreach_private.target_domain_suppressed()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  new.domain_suppressed := outreach.domain_suppressed(new.domain);
  return new;
end
$$;
comment on function outreach_private.target_domain_suppressed() is
  'Trigger function: derives company_target.domain_suppressed from the suppression list when a target is written.';

drop trigger if exists company_target_domain_suppressed on outreach.company_target;
create trigger company_target_domain_suppressed
  before insert or update of domain, domain_suppressed on outreach.company_target
  for each row execute function outreach_private.target_domain_suppressed();
comment on trigger company_target_domain_suppressed on outreach.company_target is
  'Keeps domain_suppressed derived from the suppression list (it cannot be set by hand).';

-- Engagement events that opt an address out for good. A row trigger with a WHEN
-- clause: the condition is checked without calling anything, so the events that do
-- not opt out (sent, open, click: nearly all of them) cost nothing here.
create or replace function outreach_private.suppress_from_event()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  address text;
begin
  if new.event_type = 'email_bounce'
     and coalesce(lower(new.metadata ->> 'bounce_type'), 'hard') in ('soft', 'transient') then
    return null;
  end if;
  select lower(btrim(l.email_to)) into address from outreach.send_log l where l.send_id = new.send_id;
  if address is null or strpos(address, '*') > 0 or outreach.suppression_pattern_problem(address) is not null then
    return null;
  end if;
  insert into outreach.suppressions (pattern, reason, source, added_by, correlation_id)
  values (address,
          format('%s event %s (send %s)', new.event_type, new.event_id, new.send_id),
          case new.event_type when 'email_bounce' then 'bounce' else new.event_type end,
          new.source_system,
          new.correlation_id)
      on conflict (pattern) where lifted_at is null do nothing;
  return null;
end
$$;
comment on function outreach_private.suppress_from_event() is
  'Trigger function on engagement_events: an unsubscribe, spam complaint or hard bounce adds its send''s address to the suppressions (source = the event type, bounce for email_bounce; a bounce whose metadata says soft or transient does not).';

drop trigger if exists engagement_events_suppress on outreach.engagement_events;
drop function if exists outreach_private.suppress_from_events();
create trigger engagement_events_suppress
  after insert on outreach.engagement_events
  for each row when (new.event_type in ('unsubscribe', 'spam_complaint', 'email_bounce'))
  execute function outreach_private.suppress_from_event();
comment on trigger engagement_events_suppress on outreach.engagement_events is
  'Unsubscribe, spam complaint and hard bounce add the address to outreach.suppressions.';

create or replace function outreach.suppress(pattern text, reason text, source text, correlation_id uuid)
returns uuid
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  normalised text := lower(btrim(suppress.pattern));
  problem text := outreach.suppression_pattern_problem(suppress.pattern);
  made uuid;
begin
  perform outreach.check_correlation_id(suppress.correlation_id);
  if suppress.source is null
     or suppress.source not in ('manual', 'import', 'unsubscribe', 'spam_complaint', 'bounce', 'provider') then
    raise exception 'suppression source % is unknown', coalesce(quote_literal(suppress.source), 'NULL')
      using errcode = '22023', hint = 'Use manual, import, unsubscribe, spam_complaint, bounce or provider.';
  end if;
  if problem is not null then
    raise exception 'suppression pattern % %', coalesce(quote_literal(suppress.pattern), 'NULL'), problem
      using errcode = '22023',
            hint = 'Use an address (ann@acme.com), an address glob (legal@*, *@rival.com) or a domain (rival.com, subdomains included).';
  end if;
  insert into outreach.suppressions as s (pattern, reason, source, correlation_id)
  values (normalised, suppress.reason, suppress.source, suppress.correlation_id)
      on conflict (pattern) where lifted_at is null do nothing
  returning s.suppression_id into made;
  if made is null then
    select s.suppression_id into made
      from outreach.suppressions s
     where s.pattern = normalised and s.lifted_at is null;
  end if;
  return made;
end
$$;
comment on function outreach.suppress(text, text, text, uuid) is
  'Adds an address, address glob (*) or domain to the suppression list and returns its id; an identical active pattern returns the existing id. 22023 blank, wildcard-only or malformed pattern, or unknown source; OR004 bad correlation id.';

create or replace function outreach.lift_suppression(pattern text, lifted_by text, note text)
returns uuid
language plpgsql
volatile
set search_path = ''
as $$
declare
  lifted uuid;
begin
  if coalesce(btrim(lift_suppression.lifted_by), '') = '' then
    raise exception 'lifting suppression % needs the name of the person who lifts it',
                    coalesce(quote_literal(lift_suppression.pattern), 'NULL')
      using errcode = '22023', hint = 'Pass lifted_by, e.g. your name or login.';
  end if;
  update outreach.suppressions s
     set lifted_at = now(), lifted_by = btrim(lift_suppression.lifted_by), lift_note = lift_suppression.note
   where s.pattern = lower(btrim(lift_suppression.pattern))
     and s.lifted_at is null
  returning s.suppression_id into lifted;
  return lifted;
end
$$;
comment on function outreach.lift_suppression(text, text, text) is
  'Lifts the active suppression of a pattern (the row is kept with who, when and why) and returns its id; NULL when the pattern has no active suppression. 22023 without lifted_by.';
