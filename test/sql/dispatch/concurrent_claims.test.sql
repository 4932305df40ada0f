-- SPEC §10.2 under concurrency, with real sessions (dblink): several claimers over one
-- queue never share a send, and together meet the hourly cap exactly.
begin;
select plan(9);
\ir ../fixtures.sql

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');
select dblink_connect('c', :'dsn');

-- Committed fixture: a queue campaign and an smtp campaign, 60 queued sends each.
select dblink_exec('a', $fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
  snd text;
begin
  foreach snd in array array['queue', 'smtp'] loop
    insert into outreach.campaigns (campaign_name, campaign_status, sender) values ('Race ' || snd, 'active', snd)
    returning campaign_id into camp;
    insert into outreach.sequences (campaign_id, sequence_order, send_time_preference, subject_template, body_template)
    values (camp, 1, 'any', 'Hi {{first_name}}', 'Body {{unsubscribe_url}}');
    for i in 1..60 loop
      insert into cl.company_identity (company_name) values ('Race ' || snd || i);
      oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Race ' || snd || i), gen_random_uuid());
      insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
      values (oid, snd || i || '.example', '{first}', 'active') returning target_id into tid;
      insert into outreach.people (outreach_id, target_id, full_name, email, email_status)
      values (oid, tid, 'Pat Person', 'pat@' || snd || i || '.example', 'verified') returning person_id into pid;
      insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
      insert into outreach.send_log (outreach_id, target_id, campaign_id, sequence_id, person_id, email_to, send_status, scheduled_at, correlation_id)
      select oid, tid, camp, q.sequence_id, pid, 'pat@' || snd || i || '.example', 'queued', '2030-01-07 10:00Z'::timestamptz + i * interval '1 second', gen_random_uuid()
        from outreach.sequences q where q.campaign_id = camp;
    end loop;
  end loop;
  update outreach.settings set hourly_send_cap = 1000, daily_send_cap = 1000;
end
$$
$fixture$);


-- Collects each session's claimed send ids as soon as its claim returns and commits
-- it (the claimers queue behind one lock, in an order nobody chooses).
create function pg_temp.collect(conns text[], into_table text) returns void language plpgsql as $$
declare
  left_over text[] := conns;
  x text;
begin
  while cardinality(left_over) > 0 loop
    foreach x in array left_over loop
      if dblink_is_busy(x) = 0 then
        execute format('insert into %I select %L, send_id from dblink_get_result(%L) as t(send_id uuid)', into_table, x, x);
        perform dblink_get_result(x, false);
        perform dblink_exec(x, 'commit');
        left_over := array_remove(left_over, x);
      end if;
    end loop;
    perform pg_sleep(0.01);
  end loop;
end $$;

-- Race 1, caps lifted: three queue claimers at once, 25 rows each, over 60 sends.
select dblink_exec(x, 'begin') from unnest(array['a', 'b', 'c']) x;
select dblink_send_query(x, $$select send_id from outreach.claim_sends(gen_random_uuid(), 'queue', 25, '5 minutes', '2030-01-07 15:00Z')$$)
  from unnest(array['a', 'b', 'c']) x;
create temp table got1 (conn text, send_id uuid);
select pg_temp.collect(array['a', 'b', 'c'], 'got1');
select is((select count(*)::int from got1), 60, 'three claimers took the 60 queue sends between them');
select is((select count(distinct send_id)::int from got1), 60, 'no send was handed to two claimers');
select is((select count(*)::int from outreach.send_log where claimed_by = 'queue' and attempt = 1), 60, 'each claimed exactly once');

-- Race 2: hourly cap 30 (the 60 claims above were in the 15:00 hour; this is 16:00),
-- three smtp claimers asking for 20 each.
select dblink_exec('a', 'update outreach.settings set hourly_send_cap = 30');
select dblink_exec(x, 'begin') from unnest(array['a', 'b', 'c']) x;
select dblink_send_query(x, $$select send_id from outreach.claim_sends(gen_random_uuid(), 'smtp', 20, '5 minutes', '2030-01-07 16:00Z')$$)
  from unnest(array['a', 'b', 'c']) x;
create temp table got2 (conn text, send_id uuid);
select pg_temp.collect(array['a', 'b', 'c'], 'got2');
select is((select count(*)::int from got2), 30, 'together they handed over exactly the hourly cap of 30');
select is((select count(distinct send_id)::int from got2), 30, 'none of them twice');
select is((select count(*)::int from outreach.send_log
            where first_claimed_at >= '2030-01-07 16:00Z' and first_claimed_at < '2030-01-07 17:00Z'), 30,
          'the log agrees: 30 first hand-overs in the 16:00 hour, not one more');

-- The first hand-overs kept per hour (sql/80_dispatch/55_handover_counts.sql): equal to
-- the recount after the races, and after two sessions re-date first hand-overs into the
-- same hour at once (the second waits on the first's count row, then adds to it).
select is(pg_temp.handover_drift(), 0::bigint, 'the kept hand-over counts equal the recount after the races');
select dblink_exec(x, 'begin') from unnest(array['a', 'b']) x;
select dblink_exec('a', $$update outreach.send_log set first_claimed_at = '2030-01-09 09:10Z'
                          where send_id in (select send_id from outreach.send_log where claimed_by = 'queue' order by send_id limit 10)$$);
select dblink_send_query('b', $$update outreach.send_log set first_claimed_at = '2030-01-09 09:20Z'
                                where send_id in (select send_id from outreach.send_log where claimed_by = 'smtp' order by send_id limit 10)$$);
select pg_sleep(0.2);
select dblink_exec('a', 'commit');
select * from dblink_get_result('b') as t(status text);
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');
select is((select handovers from outreach_private.handover_counts where channel = 'email' and hour = '2030-01-09 09:00Z'), 20::bigint,
          'two sessions re-dating ten first hand-overs each into one hour at once: the hour counts 20');
select is(pg_temp.handover_drift(), 0::bigint, 'and the hours they came from lost them: equal to the recount');

-- Clean up what the sessions committed (this database is the test's own).
select dblink_disconnect(x) from unnest(array['a', 'b', 'c']) x;
select * from finish();
rollback;
