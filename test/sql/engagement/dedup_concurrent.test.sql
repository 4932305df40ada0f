-- SPEC §6.9: two sessions record the same event at once: one copy, one effect;
-- the loser is told it was a duplicate and gets the winner's id. The sessions must
-- see committed data, so this file commits into its own throwaway database.
begin;
select plan(8);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed setup through session a: one queued send, a campaign-less enrolment.
select dblink_exec('a', $setup$
  create function pg_temp.setup() returns uuid language plpgsql as $f$
  declare oid uuid; tid uuid; sid uuid;
  begin
    insert into cl.company_identity (company_name) values ('Race Events Co') returning sovereign_company_id into sid;
    oid := outreach.init_outreach(sid, gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern) values (oid, 'race.example', '{first}@race.example')
    returning target_id into tid;
    insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
    values (oid, tid, 'hr@race.example', 'sent', now(), gen_random_uuid()) returning send_id into sid;
    return sid;
  end $f$$setup$);
select s from dblink('a', 'select pg_temp.setup()') as t(s uuid) \gset

-- Session a records the open and holds its transaction; b redelivers the same open.
select dblink_exec('a', 'begin');
select id_a from dblink('a', format($$select event_id from outreach.record_event(%L, 'email_open', '2030-01-15 10:00Z', 'instantly')$$, :'s'))
  as t(id_a uuid) \gset
select is(dblink_send_query('b', format($$select event_id, is_duplicate from outreach.record_event(%L, 'email_open', '2030-01-15 10:00Z', 'instantly')$$, :'s')),
          1, 'session b sent the same event while a holds it uncommitted');
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'session b waits for session a');
select dblink_exec('a', 'commit');

select id_b, dup_b from dblink_get_result('b') as t(id_b uuid, dup_b boolean) \gset
select dblink_get_result('b', false);
select is(:'dup_b'::boolean, true, 'session b is told its event is a duplicate');
select is(:'id_b'::uuid, :'id_a'::uuid, 'session b gets the id of the event session a recorded');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 1, 'the event was stored once');
select is((select open_count from outreach.send_log where send_id = :'s'), 1, 'the open was counted once');

-- Both at once in batches (each its own transaction), in opposite orders, with
-- the same two events: no deadlock, no double count.
select dblink_send_query('a', format($$select count(*) from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', %1$L, 'event_type', 'email_click', 'event_ts', '2030-01-15 11:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', %1$L, 'event_type', 'email_open', 'event_ts', '2030-01-15 11:01Z', 'source_system', 'instantly')))$$, :'s'));
select dblink_send_query('b', format($$select count(*) from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', %1$L, 'event_type', 'email_open', 'event_ts', '2030-01-15 11:01Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', %1$L, 'event_type', 'email_click', 'event_ts', '2030-01-15 11:00Z', 'source_system', 'instantly')))$$, :'s'));
select * from dblink_get_result('a') as t(n bigint);
select dblink_get_result('a', false);
select * from dblink_get_result('b') as t(n bigint);
select dblink_get_result('b', false);
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 3,
          'two racing batches with the same two events stored each once');
select is((select (open_count, click_count) from outreach.send_log where send_id = :'s'), (2, 1),
          'and counted each once');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
