-- SPEC §6.2: two sessions init the same company at once: one wins, the other gets OR002.
-- Two real connections (dblink) race; the data they see must be committed, so this
-- file commits into its own throwaway database.
begin;
select plan(6);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed setup through session a.
select sid from dblink('a', $$insert into cl.company_identity (company_name) values ('Race Co') returning sovereign_company_id$$) as t(sid uuid) \gset

-- Session a begins and inits, holding the CL row lock; session b races behind it.
select dblink_exec('a', 'begin');
select oid_a from dblink('a', format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid')) as t(oid_a uuid) \gset
select is(dblink_send_query('b', format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid')), 1,
          'session b sent its init while a holds the row');
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'session b waits on the CL row lock');
select dblink_exec('a', 'commit');

select throws_ok($$select * from dblink_get_result('b') as t(x uuid)$$, 'OR002', null,
                 'the loser gets OR002, not a unique violation');
select dblink_get_result('b', false);

select is((select count(*)::int from outreach.outreach where sovereign_company_id = :'sid'), 1,
          'exactly one spine row for the company');
select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid'), :'oid_a'::uuid,
          'CL points at the winner''s record');

-- init_pending racing itself never mints twice either.
select dblink_exec('a', $$insert into cl.company_identity (company_name) select 'Bulk ' || g from generate_series(1, 200) g$$);
select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
select dblink_send_query('a', 'select outreach.init_pending(gen_random_uuid(), 1000)');
select dblink_send_query('b', 'select outreach.init_pending(gen_random_uuid(), 1000)');
select * from dblink_get_result('a') as t(n int);
select * from dblink_get_result('b') as t(n int);
select dblink_get_result('a', false);
select dblink_get_result('b', false);
select dblink_exec('a', 'commit');
select dblink_exec('b', 'commit');
select is((select count(*)::int from cl.company_identity c join outreach.outreach o using (sovereign_company_id)
            where c.company_name like 'Bulk %' and c.outreach_id = o.outreach_id), 200,
          'two concurrent init_pending runs minted each of 200 companies exactly once');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
