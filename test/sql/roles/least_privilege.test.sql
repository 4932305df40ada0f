-- SPEC §5 Roles, least privilege: outreach_hub_writer inserts and updates the
-- interface tables (and the operator tables settings / message_templates); the spine,
-- the logs, the handoffs, the evaluation runs and the kill-switch state change only
-- through the hub's functions, which run as definer to do it.
begin;
select plan(24);
\ir ../fixtures.sql

select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'outreach' and c.relkind = 'r' and has_any_column_privilege('outreach_hub_writer', c.oid, 'INSERT')),
  array['bit_scores', 'blog', 'campaigns', 'company_slot', 'company_target', 'dol', 'message_templates', 'people',
        'send_log', 'sequences', 'suppressions', 'upstream_status'],
  'the writer inserts into the interface tables (and message_templates) only');
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'outreach' and c.relkind = 'r' and has_any_column_privilege('outreach_hub_writer', c.oid, 'UPDATE')),
  array['bit_scores', 'blog', 'campaigns', 'company_slot', 'company_target', 'dol', 'message_templates', 'people',
        'send_log', 'sequences', 'settings', 'suppressions', 'upstream_status'],
  'the writer updates the interface tables, message_templates and the settings row only');

select pg_temp.ready_record(70) as oid \gset
update outreach.kill_switch_state set tripped = true, tripped_at = now() where switch = 'bounce_rate';

set local role outreach_hub_writer;
select throws_ok($$update outreach.kill_switch_state set tripped = false where switch = 'bounce_rate'$$, '42501', null,
                 'the writer cannot un-trip a switch with a plain update');
select throws_ok($$insert into outreach.kill_switch_history (switch, action) values ('bounce_rate', 'cleared')$$, '42501', null,
                 'the writer cannot write switch history');
select throws_ok(format($$insert into outreach.engagement_events (send_id, outreach_id, event_type, event_ts, source_system, event_hash, correlation_id)
                          select send_id, outreach_id, 'email_open', now(), 'x', 'h', gen_random_uuid() from outreach.send_log limit 1$$),
                 '42501', null, 'the writer cannot append events except through record_event(s)');
select throws_ok($$insert into outreach.outreach_errors (correlation_id, source, message) values (gen_random_uuid(), 't', 'm')$$,
                 '42501', null, 'the writer cannot append errors except through record_error');
select throws_ok(format($$insert into outreach.handoffs (outreach_id, sovereign_company_id, booked_at, snapshot, correlation_id)
                          select outreach_id, sovereign_company_id, now(), '{}', gen_random_uuid() from outreach.outreach where outreach_id = %L$$, :'oid'),
                 '42501', null, 'the writer cannot write a handoff except through record_meeting_booked');
select throws_ok($$insert into outreach.evaluation_runs (correlation_id, as_of, evaluated, eligible, hot_evaluated, hot_eligible, promoted, capacity, halted, blocked_by_reason)
                   values (gen_random_uuid(), now(), 0, 0, 0, 0, 0, 0, false, '{}')$$,
                 '42501', null, 'the writer cannot append evaluation runs except through promote');
select throws_ok($$insert into outreach.settings_history (changed_by, old_values, new_values) values ('x', '{}', '{}')$$,
                 '42501', null, 'the writer cannot write settings history (the settings trigger does)');
select throws_ok(format($$update outreach.outreach set status = 'HANDED_OFF' where outreach_id = %L$$, :'oid'), '42501', null,
                 'the writer cannot move the spine except through the functions');
select throws_ok($$insert into outreach.outreach (sovereign_company_id, correlation_id) select sovereign_company_id, gen_random_uuid() from cl.company_identity limit 1$$,
                 '42501', null, 'the writer cannot mint a spine row except through init_outreach');
select throws_ok($$select 1 from outreach_private.serial_locks for update$$, '42501', null, 'the writer cannot take the serialisation lock');
select lives_ok($$update outreach.settings set hourly_send_cap = 31$$, 'the writer (an operator) may still update the settings row');
select is((select changed_by from outreach.settings_history order by changed_at desc limit 1), 'outreach_hub_writer',
          '... which is recorded under its name by the settings trigger');
reset role;
select ok((select tripped from outreach.kill_switch_state where switch = 'bounce_rate'), 'the switch is still tripped');

select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'outreach' and p.prosecdef),
  array['ack_outbox', 'ack_provider_push', 'ack_send', 'advance_sequences', 'calendar_link', 'calendar_token',
        'check_kill_switches', 'claim_outbox', 'claim_sends', 'clear_kill_switch', 'init_outreach', 'init_pending',
        'promote', 'record_booking', 'record_error', 'record_events', 'record_meeting_booked', 'refresh_gate_state', 'refresh_handover_counts', 'release_outbox',
        'release_send', 'retire_calendar_key', 'retire_unsubscribe_key', 'rotate_calendar_key', 'rotate_unsubscribe_key',
        'unsubscribe', 'unsubscribe_url', 'verify_calendar_link', 'verify_unsubscribe_token'],
  'exactly the functions that write what no hub role may write directly run as definer');
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'outreach_private' and p.prosecdef),
  array['gate_registry_changed', 'gate_score_changed', 'gate_sends_changed', 'gate_spine_changed',
        'gate_target_changed', 'gate_upstream_changed', 'handover_counts_changed', 'kill_switch_to_outbox', 'people_changed', 'pressure_changed', 'record_settings_change', 'send_log_stop_to_outbox',
        'slots_changed', 'suppression_to_outbox', 'suppressions_changed'],
  'and the triggers that write the contact summary, the gate state, the hand-over counts and the settings history');

-- Column grants: the writer writes a send's and a target's interface columns, never what the hub keeps.
select ok(not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'claim_token', 'UPDATE')
          and not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'lease_until', 'UPDATE')
          and not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'handed_over_at', 'UPDATE')
          and not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'body', 'UPDATE'),
          'the writer cannot write a claim, a lease, a hand-over or a rendered body with a plain UPDATE');
select ok(not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'claim_token', 'INSERT')
          and not has_column_privilege('outreach_hub_writer', 'outreach.send_log', 'attempt', 'INSERT'),
          'nor insert a send that looks claimed');
select ok(not has_column_privilege('outreach_hub_writer', 'outreach.company_target', 'contact_person_id', 'UPDATE')
          and not has_column_privilege('outreach_hub_writer', 'outreach.company_target', 'filled_slots', 'UPDATE')
          and not has_column_privilege('outreach_hub_writer', 'outreach.company_target', 'domain_suppressed', 'UPDATE'),
          'the writer cannot write the trigger-kept contact summary of a target');
set local role outreach_hub_writer;
select throws_ok($$update outreach.send_log set claim_token = gen_random_uuid()$$, '42501', null,
                 'a plain UPDATE of a claim token is refused');
reset role;

set local role hub_reader;
select throws_ok($$select 1 from outreach_private.serial_locks for update$$, '42501', null, 'hub_reader cannot take the serialisation lock');
select throws_ok($$select 1 from outreach.settings for update$$, '42501', null, 'hub_reader cannot row-lock anything');
select throws_ok($$lock table outreach.send_log in share mode$$, '42501', null, 'hub_reader cannot take a table lock that blocks writers');
reset role;

select * from finish();
rollback;
