-- refresh_gate_state() rebuilds the kept state from scratch: writes made with
-- session_replication_role = replica (no trigger fires, as in a bulk load) leave it
-- stale; a refresh of those records, or of every record, makes it exact again.
begin;
select plan(15);
\ir ../fixtures.sql


select pg_temp.campaign();
select pg_temp.ready_record(60) as r1 \gset
select pg_temp.ready_record(70) as r2 \gset
select pg_temp.ready_record(30) from generate_series(1, 3);
select is(pg_temp.drift(), 0::bigint, 'kept by the triggers to begin with');

-- Writes with the triggers off, on every feeding table.
set local session_replication_role = replica;
update outreach.bit_scores set score = 10, band = 1 where outreach_id = :'r1';
update outreach.company_target set target_status = 'paused', domain = null where outreach_id = :'r2';
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
select outreach_id, target_id, 'x@example.com', 'sent', now(), now() - interval '5 days', gen_random_uuid()
  from outreach.company_target where outreach_id = :'r2';
insert into outreach.upstream_status (outreach_id, hub_id, status) values (:'r1', 'company_target', 'FAIL');
insert into outreach.outreach (sovereign_company_id, correlation_id) values (pg_temp.company('Loaded'), gen_random_uuid());
reset session_replication_role;

select is(pg_temp.drift(), 5::bigint, 'writes with session_replication_role = replica leave it stale (two records out of step, one missing)');
select is((select eligible from outreach.candidates(now()) where outreach_id = :'r1'), true,
          '... so candidates() still sees the old score');

select is(outreach.refresh_gate_state(array[:'r1'::uuid]), 1::bigint, 'a refresh of one record changes its row');
select is((select count(*) from (select * from outreach_private.gate_state_kept() where outreach_id = :'r1'
                                 except select * from outreach_private.gate_state_recomputed()) a), 0::bigint,
          'that record is exact again');
select is((select blocking_reasons from outreach.candidates(now()) where outreach_id = :'r1'),
          array['bit_below_threshold', 'band_below_3', 'upstream_not_passed'], '... and candidates() sees its new score and upstream verdict');

select is(outreach.refresh_gate_state(), 2::bigint, 'a refresh of every record adds the missing row and fixes the other');
select is(pg_temp.drift(), 0::bigint, 'the kept state is exact again');
select is(outreach.refresh_gate_state(), 0::bigint, 'a second refresh changes nothing');

-- A state row with no spine row behind it is removed.
set local session_replication_role = replica;
delete from outreach.outreach o where not exists (select 1 from cl.company_identity c where c.outreach_id = o.outreach_id);
reset session_replication_role;
select is(outreach.refresh_gate_state(), 1::bigint, 'a refresh removes the row of a deleted record');

-- The score's table (gate_score) out of step with the state both ways: a scored record's
-- score row gone, and a score row left for a record that has none (written by hand, as a
-- restore of one table would). The comparison sees both; a refresh repairs both.
select pg_temp.ready_record(65) as r4 \gset
select pg_temp.ready_record(null) as r5 \gset
set local session_replication_role = replica;
delete from outreach.gate_score where outreach_id = :'r4';
insert into outreach.gate_score (outreach_id, bit_score, score_tier, band) values (:'r5', 99, 'BURNING', 5);
reset session_replication_role;
select is(pg_temp.drift(), 4::bigint, 'a score row missing and one left over: both records differ from the recomputation');
select is((select count(*) from outreach.candidates(now()) where outreach_id in (:'r4', :'r5')), 1::bigint,
          '... and candidates() has lost the scored record whose score row is gone');
select is(outreach.refresh_gate_state(array[:'r4', :'r5']::uuid[]), 2::bigint, 'a refresh of the two records repairs both');
select is(pg_temp.drift(), 0::bigint, '... exact again');
select is((select count(*) from outreach.candidates(now()) where outreach_id in (:'r4', :'r5')), 2::bigint,
          '... and candidates() has both records again');

select * from finish();
rollback;
