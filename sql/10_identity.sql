--------------------------------------------------------------------------------
-- CL identity: write-once pointers, init_outreach, init_pending.
--------------------------------------------------------------------------------

create or replace function outreach_private.guard_cl_pointers()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if old.outreach_id is not null and new.outreach_id is distinct from old.outreach_id then
    raise exception 'outreach_id of sovereign company % is write-once (was %, attempted %)',
        old.sovereign_company_id, old.outreach_id, new.outreach_id
      using errcode = 'OR003',
            hint = 'CL pointers are minted once and never changed or cleared.';
  end if;
  if old.sales_process_id is not null and new.sales_process_id is distinct from old.sales_process_id then
    raise exception 'sales_process_id of sovereign company % is write-once (was %, attempted %)',
        old.sovereign_company_id, old.sales_process_id, new.sales_process_id
      using errcode = 'OR003',
            hint = 'CL pointers are minted once and never changed or cleared.';
  end if;
  if old.client_id is not null and new.client_id is distinct from old.client_id then
    raise exception 'client_id of sovereign company % is write-once (was %, attempted %)',
        old.sovereign_company_id, old.client_id, new.client_id
      using errcode = 'OR003',
            hint = 'CL pointers are minted once and never changed or cleared.';
  end if;
  return new;
end
$$;
comment on function outreach_private.guard_cl_pointers() is
  'Trigger function: raises OR003 when a set CL pointer (outreach_id, sales_process_id, client_id) is changed or cleared.';

drop trigger if exists company_identity_write_once on cl.company_identity;
create trigger company_identity_write_once
  before update on cl.company_identity
  for each row execute function outreach_private.guard_cl_pointers();
-- ALWAYS: fires in replica mode too, so session_replication_role cannot skip it.
alter table cl.company_identity enable always trigger company_identity_write_once;
comment on trigger company_identity_write_once on cl.company_identity is
  'Keeps outreach_id, sales_process_id and client_id write-once for every role, the owner included (OR003).';

create or replace function outreach.init_outreach(sovereign_company_id uuid, correlation_id uuid)
returns uuid
language plpgsql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
as $$
declare
  claimed uuid;
  minted  uuid;
begin
  perform outreach.check_correlation_id(init_outreach.correlation_id);

  -- Step 1: lock the CL row so that a concurrent init waits here, then sees the claim.
  select ci.outreach_id into claimed
    from cl.company_identity ci
   where ci.sovereign_company_id = init_outreach.sovereign_company_id
   for update;
  if not found then
    raise exception 'sovereign company % is unknown to CL', init_outreach.sovereign_company_id
      using errcode = 'OR001',
            hint = 'Only companies registered in cl.company_identity can be given an outreach record.';
  end if;
  if claimed is not null then
    raise exception 'sovereign company % already has outreach id %', init_outreach.sovereign_company_id, claimed
      using errcode = 'OR002',
            hint = 'An outreach id is minted once per company; use the existing one.';
  end if;
  -- A spine row inserted without its CL claim: the company has an outreach record.
  select o.outreach_id into claimed
    from outreach.outreach o
   where o.sovereign_company_id = init_outreach.sovereign_company_id;
  if found then
    raise exception 'sovereign company % already has outreach record %, not registered in CL',
        init_outreach.sovereign_company_id, claimed
      using errcode = 'OR002',
            hint = format('Register it: update cl.company_identity set outreach_id = %L where sovereign_company_id = %L;',
                          claimed, init_outreach.sovereign_company_id);
  end if;

  -- Step 2: mint the spine row.
  insert into outreach.outreach (sovereign_company_id, status, correlation_id)
  values (init_outreach.sovereign_company_id, 'INIT', init_outreach.correlation_id)
  returning outreach_id into minted;

  -- Step 3: register it in CL, write-once.
  update cl.company_identity ci
     set outreach_id = minted
   where ci.sovereign_company_id = init_outreach.sovereign_company_id
     and ci.outreach_id is null;
  return minted;
end
$$;
comment on function outreach.init_outreach(uuid, uuid) is
  'Mints the outreach record of one CL company in one transaction (lock CL row, insert spine INIT, register write-once); OR001 unknown company, OR002 already claimed, OR004 bad correlation id.';

create or replace function outreach.init_pending(correlation_id uuid, max_rows int default 1000)
returns int
language plpgsql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
set jit = off  -- decision-sized statements: JIT compilation would cost more than it saves
set plan_cache_mode = force_custom_plan  -- plan each call for its values: a generic plan cached from the sixth call doubled a call's time (issue 18)
as $$
declare
  minted int;
begin
  perform outreach.check_correlation_id(init_pending.correlation_id);
  if max_rows is null or max_rows < 1 then
    raise exception 'max_rows must be a positive number, got %', max_rows
      using errcode = '22023', hint = 'Pass max_rows >= 1.';
  end if;

  -- A company whose spine row exists without its CL claim (inserted by hand) is
  -- skipped and recorded (OR002), so one bad row never blocks every other one.
  perform outreach.record_error(
            init_pending.correlation_id, 'outreach.init_pending',
            format('sovereign company %s already has outreach record %s, not registered in CL: skipped',
                   ci.sovereign_company_id, o.outreach_id),
            'OR002',
            jsonb_build_object('sovereign_company_id', ci.sovereign_company_id, 'outreach_id', o.outreach_id,
                               'hint', format('update cl.company_identity set outreach_id = %L where sovereign_company_id = %L',
                                              o.outreach_id, ci.sovereign_company_id)),
            o.outreach_id)
     from cl.company_identity ci
     join outreach.outreach o on o.sovereign_company_id = ci.sovereign_company_id
    where ci.outreach_id is null;

  -- Rows another session is initialising right now are skipped, not waited for.
  with picked as (
    select ci.sovereign_company_id
      from cl.company_identity ci
     where ci.outreach_id is null
       and not exists (select 1 from outreach.outreach o where o.sovereign_company_id = ci.sovereign_company_id)
     order by ci.created_at, ci.sovereign_company_id
     limit init_pending.max_rows
       for update skip locked
  ), spine as (
    insert into outreach.outreach (sovereign_company_id, status, correlation_id)
    select p.sovereign_company_id, 'INIT', init_pending.correlation_id from picked p
    -- A spine row inserted meanwhile by someone else: skip the company, as above.
    on conflict (sovereign_company_id) do nothing
    returning outreach_id, sovereign_company_id
  )
  update cl.company_identity ci
     set outreach_id = s.outreach_id
    from spine s
   where ci.sovereign_company_id = s.sovereign_company_id
     and ci.outreach_id is null;
  get diagnostics minted = row_count;
  return minted;
end
$$;
comment on function outreach.init_pending(uuid, int) is
  'Initialises up to max_rows CL companies that have no outreach id yet (oldest first, skipping rows locked by a concurrent init); returns how many were minted.';
