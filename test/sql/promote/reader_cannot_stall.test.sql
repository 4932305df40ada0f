-- SPEC §5 Roles: nothing hub_reader can do stalls a writer. promote and
-- advance_sequences serialise on a row of outreach_private (which no hub role can
-- lock), not on an advisory key any role may hold. A reader session holds the old
-- advisory key and an open read transaction; a writer session promotes and
-- advances with a lock_timeout and is not held up (real sessions through dblink).
begin;
select plan(6);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('r', :'dsn');
select dblink_connect('w', :'dsn');
select dblink_connect('w2', :'dsn');

select dblink_exec('w', $fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status) values ('Stall', 'active') returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_order) values (camp, 1);
  for i in 1..5 loop
    insert into cl.company_identity (company_name) values ('Stall ' || i);
    oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'Stall ' || i), gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern) values (oid, 's' || i || '.example', '{first}') returning target_id into tid;
    insert into outreach.people (outreach_id, target_id, email, email_status) values (oid, tid, 'hr' || i || '@s.example', 'verified') returning person_id into pid;
    insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
    insert into outreach.bit_scores (outreach_id, score) values (oid, 80);
  end loop;
end
$$
$fixture$);

-- The reader: the old advisory key, held for the session, and an open snapshot.
select dblink_exec('r', 'set role hub_reader');
select * from dblink('r', $$select pg_advisory_lock(hashtext('outreach.promote'))::text$$) as t(x text);
select dblink_exec('r', 'begin');
select * from dblink('r', $$select count(*)::text from outreach.v_candidates$$) as t(x text);

select dblink_exec('w', 'set role outreach_hub_writer');
select dblink_exec('w', $$set lock_timeout = '2s'$$);
select lives_ok($$select * from dblink('w', 'select count(*) from outreach.promote(gen_random_uuid(), 10)') as t(n bigint)$$,
                'a promote is not held up by the reader');
select is((select count(*)::int from outreach.send_log), 5, 'and it enrolled every record');
select lives_ok($$select * from dblink('w', 'select outreach.advance_sequences(gen_random_uuid())') as t(n int)$$,
                'an advance_sequences is not held up either');

-- Promoters still serialise among themselves.
select dblink_exec('w2', 'set role outreach_hub_writer');
select dblink_exec('w', 'begin');
select * from dblink('w', 'select count(*) from outreach.promote(gen_random_uuid(), 10)') as t(n bigint);
select dblink_send_query('w2', 'select count(*) from outreach.promote(gen_random_uuid(), 10)');
select pg_sleep(0.2);
select is(dblink_is_busy('w2'), 1, 'a second promoter waits for the first');
select dblink_exec('w', 'commit');
select is((select n from dblink_get_result('w2') as t(n bigint)), 0::bigint, 'and then finds nothing left to enrol');
select dblink_get_result('w2', false);

select dblink_exec('r', 'rollback');
select is((select count(*)::int from dblink('r', $$select pg_advisory_unlock(hashtext('outreach.promote'))$$) as t(x boolean) where x), 1,
          'the reader held the old key throughout');

select dblink_disconnect('r');
select dblink_disconnect('w');
select dblink_disconnect('w2');
select * from finish();
rollback;
