--------------------------------------------------------------------------------
-- Grants and row-level security, applied last. Starts by revoking, so this file
-- alone says who may do what.
--
--   outreach_hub_writer  select, insert, update on outreach; execute on the API;
--                        in CL only update (outreach_id)
--   hub_reader           select only (and the read-only API functions)
--   nobody               delete on any log; anything in outreach_private
--------------------------------------------------------------------------------

revoke all on all tables in schema cl, outreach, outreach_private from public, outreach_hub_writer, hub_reader;
revoke all on all sequences in schema cl, outreach, outreach_private from public, outreach_hub_writer, hub_reader;
revoke all on all functions in schema cl, outreach, outreach_private from public, outreach_hub_writer, hub_reader;
revoke all on schema outreach_private from public, outreach_hub_writer, hub_reader;
-- (PostgreSQL cannot take PUBLIC's default execute away per schema: this file re-runs after
--  every migrate and revokes it from each function; test/sql/lint/public_execute proves it.)

grant usage on schema cl, outreach to outreach_hub_writer, hub_reader;

-- CL: readable; the writer may set outreach_id only (and the trigger keeps it write-once).
grant select on cl.company_identity to outreach_hub_writer, hub_reader;
grant update (outreach_id) on cl.company_identity to outreach_hub_writer;

-- Outreach tables.
grant select on all tables in schema outreach to outreach_hub_writer, hub_reader;
grant insert, update on all tables in schema outreach to outreach_hub_writer;
-- Logs are appended, never rewritten.
revoke update on outreach.engagement_events, outreach.outreach_errors, outreach.settings_history,
                 outreach.kill_switch_history, outreach.handoffs
  from outreach_hub_writer;
-- The one settings row is changed by operators, never added.
revoke insert on outreach.settings from outreach_hub_writer;
-- The evaluation log is appended by promote; the registry and KPI targets are reference
-- data kept by operators (the table owner).
revoke update on outreach.evaluation_runs from outreach_hub_writer;
revoke insert, update on outreach.hub_registry, outreach.kpi_targets from outreach_hub_writer;
-- The suppression list is maintained by the writer (suppress / lift_suppression or plain
-- insert and update; its triggers refuse anything but adding and lifting, and deletes).
grant insert, update on outreach.suppressions to outreach_hub_writer;
revoke delete, truncate on outreach.suppressions from outreach_hub_writer, hub_reader;
-- Provider state changes only through the provider functions (sql/85_providers/).
revoke insert, update on outreach.provider_leads, outreach.provider_outbox, outreach.handoff_events
  from outreach_hub_writer;

-- RLS on every outreach table, a policy per hub role.
do $$
declare
  t record;
begin
  for t in
    select c.relname
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'outreach' and c.relkind in ('r', 'p')
  loop
    execute format('alter table outreach.%I enable row level security', t.relname);
    execute format('drop policy if exists hub_writer_all on outreach.%I', t.relname);
    execute format('create policy hub_writer_all on outreach.%I for all to outreach_hub_writer using (true) with check (true)', t.relname);
    execute format('drop policy if exists hub_reader_select on outreach.%I', t.relname);
    execute format('create policy hub_reader_select on outreach.%I for select to hub_reader using (true)', t.relname);
  end loop;
end
$$;

-- Functions: the whole API to the writer; the read-only part to the reader.
grant execute on all functions in schema outreach to outreach_hub_writer;
-- The reader may run what cannot write: every stable or immutable function that is not a
-- security definer (views such as v_candidates call them), plus the definer functions
-- below that only read (verify_calendar_link checks a signature, it never reveals a key).
do $$
declare
  f record;
begin
  for f in
    select p.oid::regprocedure as sig
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'outreach'
       and p.prokind = 'f'
       and ((p.provolatile in ('s', 'i') and not p.prosecdef)
            or p.proname in ('verify_calendar_link', 'kill_switches', 'kill_switch_readings'))
  loop
    execute format('grant execute on function %s to hub_reader', f.sig);
  end loop;
end
$$;
