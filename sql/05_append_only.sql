--------------------------------------------------------------------------------
-- Append-only logs: update, delete and truncate raise OR005 for every role,
-- the owner included (ENABLE ALWAYS: replica mode cannot skip them either).
--------------------------------------------------------------------------------

do $$
declare
  t text;
begin
  foreach t in array array['engagement_events', 'outreach_errors', 'settings_history',
                           'kill_switch_history', 'handoffs', 'evaluation_runs']
  loop
    execute format('drop trigger if exists %I on outreach.%I', t || '_append_only', t);
    execute format('create trigger %I before update or delete on outreach.%I
                    for each row execute function outreach_private.forbid_log_change()',
                   t || '_append_only', t);
    execute format('alter table outreach.%I enable always trigger %I', t, t || '_append_only');
    execute format('drop trigger if exists %I on outreach.%I', t || '_no_truncate', t);
    execute format('create trigger %I before truncate on outreach.%I
                    for each statement execute function outreach_private.forbid_log_change()',
                   t || '_no_truncate', t);
    execute format('alter table outreach.%I enable always trigger %I', t, t || '_no_truncate');
    execute format('comment on trigger %I on outreach.%I is %L', t || '_append_only', t,
                   'Append-only: update and delete raise OR005.');
    execute format('comment on trigger %I on outreach.%I is %L', t || '_no_truncate', t,
                   'Append-only: truncate raises OR005.');
  end loop;
end
$$;
