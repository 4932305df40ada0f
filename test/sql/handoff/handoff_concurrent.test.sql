-- SPEC §6.13 under concurrency: two deliveries of the same booking at once make
-- one handoff; the second waits for the first and returns its id. Two real
-- sessions race through dblink, committing into this file's own database.
begin;
select plan(6);
\ir ../fixtures.sql
\ir _helpers.sql

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed setup: a company, its outreach record and a queued send.
select sid from dblink('a', $$insert into cl.company_identity (company_name) values ('Race Co') returning sovereign_company_id$$)
  as t(sid uuid) \gset
select oid from dblink('a', format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid')) as t(oid uuid) \gset
select dblink_exec('a', format($$
  with t as (insert into outreach.company_target (outreach_id, sovereign_company_id, domain) values (%1$L, %2$L, 'race.example')
             returning target_id)
  insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, send_status, scheduled_at, correlation_id)
  select %1$L, target_id, %2$L, 'queued', '2025-03-08 12:00+00', gen_random_uuid() from t$$, :'oid', :'sid'));
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
              :'sid', :'oid', pg_temp.param(:'link', 'exp'), pg_temp.param(:'link', 'sig'), '2025-03-09 00:00+00') as booking \gset

select dblink_exec('a', 'begin');
select handoff_a from dblink('a', :'booking') as t(handoff_a uuid) \gset
select is(dblink_send_query('b', :'booking'), 1, 'session b delivers the same booking while a has not committed');
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'session b waits on the record''s lock');
select dblink_exec('a', 'commit');

select is((select handoff_b from dblink_get_result('b') as t(handoff_b uuid)), :'handoff_a'::uuid,
          'session b returns session a''s handoff id');
select dblink_get_result('b', false);

select is((select count(*)::int from outreach.handoffs where outreach_id = :'oid'), 1, 'exactly one handoff row');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'HANDED_OFF', 'the spine is HANDED_OFF');
select is((select snapshot -> 'follow_ups' from outreach.handoffs where outreach_id = :'oid'),
          '{"stopped": 0, "cancelled": 1}'::jsonb, 'the queued send was cancelled once, by the winner');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
