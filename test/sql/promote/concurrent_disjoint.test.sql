-- SPEC §6.7: caps hold under concurrency even when two promoters pick different
-- records (so the unique open-enrolment index alone could not save the cap).
-- a promotes at 23:00 and sees the 30 best records out of cooling-off; b promotes
-- at 10:00 the same UTC day, while they are still cooling off, and picks the next 30.
begin;
select plan(4);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

select dblink_exec('a', $fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
begin
  update outreach.settings set daily_send_cap = 30, hourly_send_cap = 1000;
  insert into outreach.campaigns (campaign_name, campaign_status) values ('Race', 'active') returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_order) values (camp, 1);
  for i in 1..90 loop
    insert into cl.company_identity (company_name) values ('Race ' || i);
    oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Race ' || i), gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern) values (oid, 'r' || i || '.example', '{first}') returning target_id into tid;
    insert into outreach.people (outreach_id, target_id, email, email_status) values (oid, tid, 'hr' || i || '@r.example', 'verified') returning person_id into pid;
    insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
    insert into outreach.bit_scores (outreach_id, score) values (oid, 100 - i);
    if i <= 30 then  -- the 30 best were last contacted 30 days before 16:00
      insert into outreach.send_log (outreach_id, target_id, send_status, scheduled_at, sent_at, correlation_id)
      values (oid, tid, 'replied', '2026-04-04 16:00+00', '2026-04-04 16:00+00', gen_random_uuid());
    end if;
  end loop;
end
$$
$fixture$);

select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
select * from dblink('a', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 23:00+00')$$) as t(n bigint);
select dblink_send_query('b', $$select count(*) from outreach.promote(gen_random_uuid(), 1000, '2026-05-04 10:00+00')$$);
select pg_sleep(0.2);
select is(dblink_is_busy('b'), 1, 'the second promoter waits for the first one''s transaction');
select dblink_exec('a', 'commit');
select is(n, 0::bigint, 'then finds the UTC day''s cap spent') from dblink_get_result('b') as t(n bigint);
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');

select is((select count(*)::int from outreach.send_log where send_status = 'queued'), 30, 'exactly the daily cap of 30 queued');
select is((select min(b.score) from outreach.send_log l join outreach.bit_scores b using (outreach_id) where l.send_status = 'queued'),
          70::numeric, 'and they are the 30 best');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
