-- Lock order (docs/security.md): record_events locks the spine rows of the companies
-- of a batch before any of their send_log rows, so two batches on one company
-- serialise on the company and never deadlock (40P01), even when a row of the
-- company appears (a follow-up queued) while the first batch is running.
-- Deterministic: a third session holds the first batch at its people lock while the
-- follow-up is queued and the second batch starts; send ids are chosen so the new row
-- sorts before the old one. Real concurrent sessions through dblink.
begin;
select plan(5);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');
select dblink_connect('c', :'dsn');

select 'ffffffff-ffff-4fff-bfff-ffffffffffff' as s1, '00000000-0000-4000-8000-000000000001' as q,
       '11111111-1111-4111-8111-111111111111' as enr \gset
select dblink_exec('a', format($fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status) values ('Order', 'active') returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_order, delay_days) values (camp, 1, 0), (camp, 2, 3);
  insert into cl.company_identity (company_name) values ('Order');
  oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Order'), gen_random_uuid());
  insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
  values (oid, 'order.example', '{first}', 'active') returning target_id into tid;
  insert into outreach.people (outreach_id, target_id, email, email_status)
  values (oid, tid, 'hr@order.example', 'verified') returning person_id into pid;
  insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
  insert into outreach.send_log (send_id, enrolment_id, outreach_id, target_id, campaign_id, sequence_id, person_id, email_to,
                                 sequence_step, send_status, scheduled_at, sent_at, correlation_id)
  select %L, %L, oid, tid, camp, s.sequence_id, pid, 'hr@order.example', 1, 'sent', now() - interval '4 days',
         now() - interval '4 days', gen_random_uuid()
    from outreach.sequences s where s.campaign_id = camp and s.sequence_order = 1;
end
$$
$fixture$, :'s1', :'enr'));

-- c holds the person: a's batch (an unsubscribe) will stop at its people lock.
select dblink_exec('c', 'begin');
select * from dblink('c', $$select person_id::text from outreach.people where email = 'hr@order.example' for no key update$$) as t(x text);
select dblink_send_query('a', format($$select count(*) from outreach.record_events(jsonb_build_array(jsonb_build_object(
  'send_id', %L, 'event_type', 'unsubscribe', 'event_ts', now(), 'source_system', 'test')))$$, :'s1'));
select pg_sleep(0.2);
-- Meanwhile the follow-up is queued (committed), then b records an open on it.
select dblink_exec('b', format($$insert into outreach.send_log (send_id, enrolment_id, outreach_id, target_id, campaign_id, sequence_id,
                                                               person_id, email_to, sequence_step, send_status, scheduled_at, correlation_id)
                                 select %L, enrolment_id, outreach_id, target_id, campaign_id,
                                        (select sequence_id from outreach.sequences s where s.campaign_id = l.campaign_id and s.sequence_order = 2),
                                        person_id, email_to, 2, 'queued', now(), gen_random_uuid()
                                   from outreach.send_log l where l.send_id = %L$$, :'q', :'s1'));
select dblink_send_query('b', format($$select count(*) from outreach.record_events(jsonb_build_array(jsonb_build_object(
  'send_id', %L, 'event_type', 'email_open', 'event_ts', now(), 'source_system', 'test')))$$, :'q'));
select pg_sleep(0.2);
select dblink_exec('c', 'commit');

select * from dblink_get_result('a', false) as t(n bigint);
select is(dblink_error_message('a'), 'OK', 'the unsubscribe batch succeeds');
select * from dblink_get_result('a', false) as t(n bigint);
select * from dblink_get_result('b', false) as t(n bigint);
select is(dblink_error_message('b'), 'OK', 'the open batch on the new follow-up succeeds (no deadlock)');
select * from dblink_get_result('b', false) as t(n bigint);

select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'q'), ('cancelled'::text, 'unsubscribed'::text),
          'the follow-up queued meanwhile was cancelled by the unsubscribe');
select is((select count(*)::int from outreach.engagement_events where send_id = :'q' and event_type = 'email_open'), 1,
          'the open was recorded');
select is((select target_status from outreach.company_target where domain = 'order.example'), 'opted_out', 'the target opted out');

select dblink_disconnect('a');
select dblink_disconnect('b');
select dblink_disconnect('c');
select * from finish();
rollback;
