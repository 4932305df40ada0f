-- Quality gate: every function of cl, outreach and outreach_private states its
-- volatility on purpose.
--
-- PostgreSQL records no difference between `volatile` written out and the default, so
-- the rule is checked on what it means: a function is STABLE or IMMUTABLE (the planner
-- may inline it, fold it, call it once per statement, use it in an index), or it is a
-- writer named below with what it writes. A new function left at the default fails
-- here until it is declared stable/immutable or added to the list with its reason.
-- Trigger functions (PostgreSQL ignores their volatility) and procedures (they have
-- none) are not concerned.
begin;
select plan(2);

create temp table intentionally_volatile (function_name text primary key, writes text not null);
insert into intentionally_volatile values
  ('outreach.init_outreach',              'the spine row and CL''s outreach_id'),
  ('outreach.init_pending',               'spine rows and CL''s outreach_id, in bulk'),
  ('outreach.promote',                    'send_log (queued step 1), company_target status'),
  ('outreach.advance_sequences',          'send_log follow-up steps'),
  ('outreach.record_event',               'engagement_events, send_log, people, company_target'),
  ('outreach.record_events',              'the same as record_event, in batches'),
  ('outreach.record_error',               'outreach_errors'),
  ('outreach.check_kill_switches',        'kill_switch_state and kill_switch_history'),
  ('outreach.clear_kill_switch',          'kill_switch_state and kill_switch_history'),
  ('outreach.record_meeting_booked',      'handoffs, the spine status, send_log stops; NOTIFY'),
  ('outreach.rotate_calendar_key',        'outreach_private.calendar_keys'),
  ('outreach.retire_calendar_key',        'outreach_private.calendar_keys'),
  ('outreach_private.new_calendar_key',   'outreach_private.calendar_keys'),
  ('outreach_private.ensure_calendar_key','outreach_private.calendar_keys (when it has no active key)'),
  ('outreach_private.refresh_contact_summary', 'company_target contact summary columns'),
  ('outreach.refresh_gate_state',         'outreach.gate_state and gate_score (rebuilt from scratch)'),
  ('outreach.refresh_handover_counts',    'outreach_private.handover_counts (rebuilt from send_log)'),
  ('outreach_private.rebuild_gate_rows',  'outreach.gate_state and gate_score rows of the given records'),
  ('outreach_private.lock_gate_state',    'row locks on outreach.gate_state (for no key update)'),
  ('outreach_private.recompute_upstream_passed', 'outreach.gate_state.upstream_passed'),
  ('outreach.claim_sends',                'send_log claims, leases, rendered messages, cancellations and failures; outreach_errors'),
  ('outreach.ack_send',                   'send_log hand-over; an email_sent event'),
  ('outreach.release_send',               'send_log retry or failure; outreach_errors'),
  ('outreach.suppress',                   'outreach.suppressions'),
  ('outreach.lift_suppression',           'outreach.suppressions (lifted)'),
  ('outreach.unsubscribe',                'an unsubscribe event with its effects, a suppression'),
  ('outreach.rotate_unsubscribe_key',     'outreach_private.unsubscribe_keys'),
  ('outreach.retire_unsubscribe_key',     'outreach_private.unsubscribe_keys'),
  ('outreach_private.new_unsubscribe_key',    'outreach_private.unsubscribe_keys'),
  ('outreach_private.ensure_unsubscribe_key', 'outreach_private.unsubscribe_keys (when it has no active key)'),
  ('outreach_private.lock_enrolment_of',  'row locks on send_log (for no key update)'),
  ('outreach.record_booking',             'handoffs (through record_meeting_booked), handoff_events, outreach_errors; NOTIFY'),
  ('outreach.record_provider_event',      'send_log (later steps of provider-run sequences), and what record_event writes; outreach_errors'),
  ('outreach.ack_provider_push',          'send_log (through ack_send), provider_leads, provider_outbox'),
  ('outreach.claim_outbox',               'provider_outbox claims; outreach_errors for items that ran out of attempts'),
  ('outreach.ack_outbox',                 'provider_outbox'),
  ('outreach.release_outbox',             'provider_outbox, outreach_errors'),
  ('outreach_private.append_stop_leads',  'provider_outbox (stop_lead)');

create temp view hub_function as
select p.oid, n.nspname || '.' || p.proname as function_name, p.provolatile
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname in ('cl', 'outreach', 'outreach_private')
   and p.prokind in ('f', 'w')
   and p.prorettype not in ('pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype)
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e');

select is_empty($$
  select f.oid::regprocedure::text || ' is volatile: declare it stable or immutable, or list it as a writer here'
    from hub_function f
   where f.provolatile = 'v'
     and not exists (select 1 from intentionally_volatile w where w.function_name = f.function_name)
$$, 'every function of the hub is stable or immutable, or a writer listed as intentionally volatile');

select is_empty($$
  select w.function_name || case when exists (select 1 from hub_function f where f.function_name = w.function_name)
                                 then ' is no longer volatile' else ' does not exist' end
    from intentionally_volatile w
   where not exists (select 1 from hub_function f where f.function_name = w.function_name and f.provolatile = 'v')
$$, 'every function listed as intentionally volatile exists and is volatile');

select * from finish();
rollback;
