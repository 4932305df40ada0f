--------------------------------------------------------------------------------
-- Grants and row-level security, applied last. Starts by revoking, so this file
-- alone says who may do what.
--
--   outreach_hub_writer  select on outreach; insert and update on the interface
--                        tables (SPEC §3) and message_templates, update on the
--                        settings row; execute on the API; in CL only update (outreach_id)
--   hub_reader           select only (and the read-only API functions)
--   nobody               delete anywhere; writes to the spine, the logs, handoffs,
--                        evaluation runs and kill-switch state (the hub's security
--                        definer functions do those); anything in outreach_private
-- docs/security.md explains the whole model.
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

-- Outreach tables: everyone reads.
grant select on all tables in schema outreach to outreach_hub_writer, hub_reader;
-- The writer writes what others write by contract (an allow-list: a new table gets no
-- writes until it is named here): the interface tables of SPEC §3, upstream_status,
-- the message templates, and the one settings row (changed by operators, never added).
grant insert, update on outreach.people, outreach.company_slot, outreach.bit_scores,
                        outreach.dol, outreach.blog, outreach.campaigns, outreach.sequences,
                        outreach.upstream_status, outreach.message_templates
  to outreach_hub_writer;
-- Two interface tables also hold what only the hub keeps, so the writer gets their
-- interface columns alone: the target's contact summary and domain suppression flag are
-- trigger-kept; a send's claim, lease, hand-over, rendered message and stop are written
-- by claim_sends / ack_send / release_send / record_event(s) (a plain UPDATE of a claim
-- token would let a writer steal or forge a lease).
grant insert (target_id, outreach_id, sovereign_company_id, domain, email_pattern, industry, employee_count,
              target_status, timezone, created_at, updated_at),
      update (domain, email_pattern, industry, employee_count, target_status, timezone, updated_at)
  on outreach.company_target to outreach_hub_writer;
grant insert (send_id, outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id, enrolment_id,
              email_to, linkedin_url, channel, sequence_step, send_status, scheduled_at, sent_at, correlation_id,
              delivered_at, opened_at, clicked_at, replied_at, bounced_at, open_count, click_count, created_at, updated_at),
      update (send_status, scheduled_at, sent_at, delivered_at, opened_at, clicked_at, replied_at, bounced_at,
              open_count, click_count, email_to, linkedin_url, updated_at)
  on outreach.send_log to outreach_hub_writer;
grant update on outreach.settings to outreach_hub_writer;
-- Everything else changes only through the hub's functions: the spine (init_outreach,
-- init_pending, promote, record_meeting_booked), engagement_events (record_events),
-- outreach_errors (record_error, promote), handoffs (record_meeting_booked),
-- evaluation_runs (promote), kill_switch_state / kill_switch_history (check_kill_switches,
-- clear_kill_switch), settings_history (the settings trigger). The registry and KPI
-- targets are reference data kept by the table owner.
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
