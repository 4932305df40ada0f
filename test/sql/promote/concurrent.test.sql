-- SPEC §6.7: two promote calls at once never enrol one company twice, and together
-- never exceed the caps. Two real connections (dblink) race on committed data.
begin;
select plan(9);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed fixture: one campaign, 100 eligible records.
select dblink_exec('a', $fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
  s text;
begin
  insert into outreach.campaigns (campaign_name, campaign_status) values ('Race', 'active') returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_order) values (camp, 1);
  for i in 1..100 loop
    insert into cl.company_identity (company_name) values ('Race ' || i);
    oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Race ' || i), gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern) values (oid, 'r' || i || '.example', '{first}') returning target_id into tid;
    foreach s in array array['HR', 'CEO'] loop
      insert into outreach.people (outreach_id, target_id, email, email_status) values (oid, tid, lower(s) || i || '@r.example', 'verified') returning person_id into pid;
      insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, s, pid);
    end loop;
    insert into outreach.bit_scores (outreach_id, score) values (oid, 50 + i % 50);
  end loop;
end
$$
$fixture$);
select is((select count(*)::int from outreach.candidates(timestamptz '2026-05-04 10:00+00') where eligible), 100, '100 eligible records');

-- Race 1: hourly cap 30, both sessions promote at once.
select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
-- a promotes and keeps its transaction open; b starts while a's rows are uncommitted.
select dblink_send_query('a', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 10:00+00')$$);
select n as first_n from dblink_get_result('a') as t(n bigint) \gset
select dblink_get_result('a', false);
select dblink_send_query('b', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 10:00+00')$$);
select pg_sleep(0.2);
select is(dblink_is_busy('b'), 1, 'the second promoter waits for the first');
select dblink_exec('a', 'commit');
select n as second_n from dblink_get_result('b') as t(n bigint) \gset
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');
select is(:first_n::int + :second_n::int, 30, 'together they queued exactly the hourly cap of 30');
select is((select count(*)::int from outreach.send_log where send_status = 'queued'), 30, '30 queued rows in the log');

-- Race 2: caps lifted; both try to enrol everyone; nobody is enrolled twice.
select dblink_exec('a', 'update outreach.settings set hourly_send_cap = 1000, daily_send_cap = 1000');
select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
select dblink_send_query('a', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 11:00+00')$$);
select n as first_n from dblink_get_result('a') as t(n bigint) \gset
select dblink_get_result('a', false);
select dblink_send_query('b', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 11:00+00')$$);
select pg_sleep(0.1);
select dblink_exec('a', 'commit');
select n as second_n from dblink_get_result('b') as t(n bigint) \gset
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');
select is(:first_n::int + :second_n::int, 70, 'the remaining 70 were enrolled once between them');
select is((select count(*)::int from (select outreach_id from outreach.send_log group by outreach_id having count(*) > 1) d), 0,
          'no company has two sends');

-- The constraint itself, not only the check: a second open enrolment is refused.
select outreach_id as some_rec from outreach.send_log limit 1 \gset
select throws_ok(format($$insert into outreach.send_log (outreach_id, target_id, send_status, correlation_id)
                          select outreach_id, target_id, 'queued', gen_random_uuid() from outreach.company_target where outreach_id = %L$$, :'some_rec'),
                 '23505', null, 'a second queued row for one company violates send_log_one_open_enrolment');

-- Dry runs take no lock: a dry run while a real promote holds the lock returns at once.
select dblink_exec('a', 'begin');
select * from dblink('a', $$select lock_name from outreach_private.serial_locks where lock_name = 'send_capacity' for update$$) as t(x text);
select dblink_send_query('b', $$select count(*) from outreach.promote(gen_random_uuid(), 10, '2026-05-04 12:00+00', true)$$);
select pg_sleep(0.2);
select is(dblink_is_busy('b'), 0, 'a dry run does not wait for a running promote');
select * from dblink_get_result('b') as t(n bigint);
select dblink_get_result('b', false);
select dblink_exec('a', 'rollback');
select is((select count(*)::int from outreach.send_log), 100, 'every record enrolled exactly once overall');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
