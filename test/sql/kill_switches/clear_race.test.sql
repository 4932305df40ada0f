-- A check_kill_switches that started before a clearing never re-trips the switch on
-- the events the clearing dismissed: the check waits for the clearing's lock and
-- then counts only events after the clearing (two real sessions through dblink).
begin;
select plan(7);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed fixture: 100 messages sent two days ago, 11 of them bounced yesterday.
select dblink_exec('a', $fixture$
do $$
declare
  oid uuid;
  tid uuid;
  pid uuid;
  sends uuid[] := '{}';
  sid uuid;
begin
  for i in 1..100 loop
    insert into cl.company_identity (company_name) values ('Race ' || i);
    oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Race ' || i), gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
    values (oid, 'r' || i || '.example', '{first}', 'active') returning target_id into tid;
    insert into outreach.people (outreach_id, target_id, email, email_status)
    values (oid, tid, 'hr@r' || i || '.example', 'verified') returning person_id into pid;
    insert into outreach.send_log (outreach_id, target_id, person_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
    values (oid, tid, pid, 'hr@r' || i || '.example', 'sent', now() - interval '2 days', now() - interval '2 days', gen_random_uuid())
    returning send_id into sid;
    sends := sends || sid;
  end loop;
  perform outreach.record_events((select jsonb_agg(jsonb_build_object('send_id', s, 'event_type', 'email_bounce',
                                                                      'event_ts', now() - interval '1 day', 'source_system', 'test'))
                                    from unnest(sends[1:11]) s));
  perform outreach.check_kill_switches(gen_random_uuid());
end
$$
$fixture$);
select ok((select tripped from outreach.kill_switch_state where switch = 'bounce_rate'), 'the bounce switch is tripped');

-- b's transaction (and so its as_of) starts before the clearing.
select dblink_exec('b', 'begin');
select * from dblink('b', 'select now()::text') as t(x text);
select pg_sleep(0.05);
select dblink_exec('a', 'begin');
select * from dblink('a', $$select outreach.clear_kill_switch('bounce_rate', 'ann', 'list cleaned')::text$$) as t(x text);
select dblink_send_query('b', $$select tripped from outreach.check_kill_switches(gen_random_uuid()) where switch = 'bounce_rate'$$);
select pg_sleep(0.2);
select is(dblink_is_busy('b'), 1, 'the check waits for the clearing');
select dblink_exec('a', 'commit');
select is((select t from dblink_get_result('b') as r(t boolean)), false, 'the check that started before the clearing does not re-trip it');
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');

select is((select tripped from outreach.kill_switch_state where switch = 'bounce_rate'), false, 'the switch stays cleared');
select is((select count(*)::int from outreach.kill_switch_history where switch = 'bounce_rate' and action = 'tripped'), 1,
          'no second trip was recorded');
-- The same for a check made afterwards with an as_of before the clearing.
select is((select tripped from outreach.check_kill_switches(gen_random_uuid(), now() - interval '1 hour') where switch = 'bounce_rate'),
          false, 'a check dated before the clearing does not re-trip it either');
select ok(not outreach.sending_halted(), 'sending is not halted');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
