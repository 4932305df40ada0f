-- The kept gate state (outreach.gate_state) equals its recomputation from scratch
-- (outreach_private.gate_state_recomputed()) after every kind of write to every table
-- that feeds it: inserts, updates and deletes, one row or many in one statement.
begin;
select plan(54);
\ir ../fixtures.sql

create function pg_temp.state(oid uuid) returns outreach.gate_state language sql stable as $$
  select g from outreach.gate_state g where g.outreach_id = oid
$$;
-- The kept score (gate_score, migration 000024).
create function pg_temp.score(oid uuid) returns numeric language sql stable as $$
  select s.bit_score from outreach.gate_score s where s.outreach_id = oid
$$;

select pg_temp.campaign();
select pg_temp.ready_record(60) as r1 \gset
select pg_temp.ready_record(80) as r2 \gset
select pg_temp.ready_record(null) as r3 \gset
select pg_temp.ready_record(40, 'Retail', 20) from generate_series(1, 5);
select outreach.init_outreach(pg_temp.company('Bare'), gen_random_uuid()) as bare \gset

-- Inserts (spine through init_outreach, targets, people, slots, scores).
select is((select count(*) from outreach.gate_state), (select count(*) from outreach.outreach), 'one state row per outreach record');
select is(pg_temp.drift(), 0::bigint, 'inserts: kept state equals the recomputation');
select is(pg_temp.score(:'r1'), 60::numeric, '... the score is kept');
select is((pg_temp.state(:'bare')).target_id, null, '... a record without a target has none');

-- company_target.
update outreach.company_target set domain = ' ', email_pattern = null where outreach_id = :'r1';
select is(pg_temp.drift(), 0::bigint, 'target domain and pattern updated');
update outreach.company_target set industry = '  RETAIL ', employee_count = 9, target_status = 'paused' where outreach_id = :'r2';
select is(((pg_temp.state(:'r2')).industry_key, (pg_temp.state(:'r2')).target_status), ('retail'::text, 'paused'::text),
          'industry normalised, status copied');
select is(pg_temp.drift(), 0::bigint, 'target firmographics and status updated');
insert into outreach.company_target (outreach_id, domain, email_pattern, industry) values (:'bare', 'bare.example', '{first}', 'Finance');
select is(pg_temp.drift(), 0::bigint, 'a target inserted for a bare record');
update outreach.company_target set target_id = gen_random_uuid() where outreach_id = :'bare';
select is(pg_temp.drift(), 0::bigint, 'a target given a new id');
delete from outreach.company_target where outreach_id = :'bare';
select is((pg_temp.state(:'bare')).target_id, null, 'a deleted target is gone from the state');
select is(pg_temp.drift(), 0::bigint, 'a target deleted');
update outreach.company_target set updated_at = now() + interval '1 second';
select is(pg_temp.drift(), 0::bigint, 'an update that changes nothing the gate reads');

-- people and slots (through the contact summary on company_target).
update outreach.people set email_status = 'bounced' where outreach_id = :'r1' and title = 'HR';
select is((pg_temp.state(:'r1')).contact_slot, 'CEO', 'a bounced HR contact: the state follows the summary to CEO');
select is(pg_temp.drift(), 0::bigint, 'people updated');
update outreach.company_slot set person_id = null where outreach_id = :'r2';
select is((pg_temp.state(:'r2')).filled_slots, 0::smallint, 'slots emptied: none filled in the state');
select is(pg_temp.drift(), 0::bigint, 'slots updated');

-- bit_scores. A score change rewrites only the record's narrow gate_score row, in place
-- (HOT: no index holds the score), never its state row.
select g.ctid::text as r1_row from outreach.gate_state g where g.outreach_id = :'r1' \gset
select pg_stat_get_xact_tuples_hot_updated('outreach.gate_score'::regclass) as hot_before \gset
update outreach.bit_scores set score = 30, band = 2 where outreach_id = :'r1';
select is(pg_temp.drift(), 0::bigint, 'a score updated');
select is((select g.ctid::text from outreach.gate_state g where g.outreach_id = :'r1'), :'r1_row',
          '... its state row is not written');
select is(pg_stat_get_xact_tuples_hot_updated('outreach.gate_score'::regclass) - :hot_before, 1::bigint,
          '... its gate_score row is updated in place (HOT)');
select is(((pg_temp.state(:'r1')).scored, pg_temp.score(:'r1')), (true, 30::numeric), '... the new score is kept');
delete from outreach.bit_scores where outreach_id = :'r2';
select is(pg_temp.score(:'r2'), null, 'a deleted score is gone from the state');
select is((pg_temp.state(:'r2')).scored, false, '... and the record is not scored any more');
select is(pg_temp.drift(), 0::bigint, 'a score deleted');
insert into outreach.bit_scores (outreach_id, score, band) values (:'r3', 90, 4)
on conflict (outreach_id) do update set score = excluded.score;
select is(pg_temp.drift(), 0::bigint, 'a score inserted');
select is((pg_temp.state(:'r3')).scored, true, '... the record is scored');
update outreach.bit_scores set outreach_id = :'r2' where outreach_id = :'r3';
select ok(pg_temp.score(:'r3') is null and pg_temp.score(:'r2') = 90
          and not (pg_temp.state(:'r3')).scored and (pg_temp.state(:'r2')).scored, 'a score moved to another record');
select is(pg_temp.drift(), 0::bigint, 'a score moved');

-- upstream_status and hub_registry.
insert into outreach.upstream_status (outreach_id, hub_id, status)
select :'r1'::uuid, h, 'PASS' from unnest(array['company_target', 'dol_filings', 'people_intelligence']) h;
select is((pg_temp.state(:'r1')).upstream_passed, true, 'every prerequisite passed');
insert into outreach.upstream_status (outreach_id, hub_id, status) values (:'r2', 'company_target', 'FAIL');
select is((pg_temp.state(:'r2')).upstream_passed, false, 'a failed hub');
update outreach.upstream_status set status = null where outreach_id = :'r1' and hub_id = 'dol_filings';
select is((pg_temp.state(:'r1')).upstream_passed, false, 'a pass withdrawn');
select is(pg_temp.drift(), 0::bigint, 'upstream statuses inserted and updated');
update outreach.hub_registry set must_pass_before = null, parallel = true where hub_id = 'dol_filings';
select is((pg_temp.state(:'r1')).upstream_passed, true, 'the registry no longer requires the undecided hub: passed');
select is(pg_temp.drift(), 0::bigint, 'the registry changed');
delete from outreach.upstream_status where outreach_id = :'r2';
select is((pg_temp.state(:'r2')).upstream_passed, null, 'no status rows left: the rule does not apply');
select is(pg_temp.drift(), 0::bigint, 'upstream statuses deleted');

-- send_log.
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
select outreach_id, target_id, 'q@example.com', 'queued', now(), gen_random_uuid()
  from outreach.company_target where outreach_id in (:'r1', :'r2');
select is((pg_temp.state(:'r1')).queued_sends, 1, 'a queued send counted');
update outreach.send_log set send_status = 'sent', sent_at = now() - interval '2 days' where outreach_id = :'r1';
select ok((pg_temp.state(:'r1')).queued_sends = 0 and (pg_temp.state(:'r1')).last_sent is not null, 'sent: no longer queued, last sent kept');
select pg_temp.sent(:'r1', now() - interval '40 days');
select pg_temp.sent(:'r1', now() + interval '90 days');
select is(pg_temp.drift(), 0::bigint, 'sends inserted and updated');
update outreach.send_log set sent_at = sent_at - interval '200 days' where outreach_id = :'r1' and sent_at > now();
select is(pg_temp.drift(), 0::bigint, 'the latest send re-dated earlier: last sent recomputed');
delete from outreach.send_log where outreach_id = :'r1' and sent_at > now() - interval '3 days';
select is(pg_temp.drift(), 0::bigint, 'the latest send deleted: last sent recomputed');
update outreach.send_log set send_status = 'cancelled' where outreach_id = :'r2' and send_status = 'queued';
select is(pg_temp.drift(), 0::bigint, 'a queued send cancelled');
-- One statement, each record its own change (a queued send for some, a sent message of its
-- own date for the others): the trigger's per-record counts and dates stay with their record.
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
select t.outreach_id, t.target_id, 'm@example.com', case when t.k % 2 = 0 then 'queued' else 'sent' end, now(),
       case when t.k % 2 = 1 then now() - interval '1 day' * t.k end, gen_random_uuid()
  from (select outreach_id, target_id, row_number() over (order by outreach_id desc) as k
          from outreach.company_target) t;
select is(pg_temp.drift(), 0::bigint, 'one statement queuing for some records and sending to others');

-- Statuses as the gate reads them: a change that decides nothing (promote's INIT -> ACTIVE
-- and queued -> active) writes no state row; one that decides is kept.
select g.ctid::text as r1_row from outreach.gate_state g where g.outreach_id = :'r1' \gset
update outreach.outreach set status = 'ACTIVE' where outreach_id = :'r1' and status = 'INIT';
update outreach.outreach set status = 'PAUSED' where outreach_id = :'r1';
update outreach.company_target set target_status = 'active' where outreach_id = :'r1';
update outreach.company_target set target_status = 'queued' where outreach_id = :'r1';
select is((select g.ctid::text from outreach.gate_state g where g.outreach_id = :'r1'), :'r1_row',
          'spine INIT -> ACTIVE -> PAUSED and target active <-> queued: the state row is not written');
select is(((pg_temp.state(:'r1')).spine_status, (pg_temp.state(:'r1')).target_status), ('OPEN'::text, 'open'::text),
          '... it keeps OPEN and open');
select is(pg_temp.drift(), 0::bigint, '... and equals the recomputation');
update outreach.company_target set target_status = 'exhausted' where outreach_id = :'r1';
select is((pg_temp.state(:'r1')).target_status, 'exhausted', 'a target status that blocks is kept');
update outreach.company_target set target_status = 'queued' where outreach_id = :'r1';
select isnt((select g.ctid::text from outreach.gate_state g where g.outreach_id = :'r1'), :'r1_row',
            '... and its state row written when it changes');
select is(pg_temp.drift(), 0::bigint, '... equal to the recomputation');

-- The spine.
update outreach.outreach set status = 'HANDED_OFF' where outreach_id = :'r2';
select is((pg_temp.state(:'r2')).spine_status, 'HANDED_OFF', 'the spine status is kept');
insert into outreach.outreach (sovereign_company_id, correlation_id) values (pg_temp.company('Spine only'), gen_random_uuid());
select is(pg_temp.drift(), 0::bigint, 'spine rows inserted and updated');
delete from outreach.outreach o
 where not exists (select 1 from cl.company_identity c where c.outreach_id = o.outreach_id);
select is(pg_temp.drift(), 0::bigint, 'a spine row deleted');

-- Many rows in one statement, on every table.
update outreach.company_target set employee_count = coalesce(employee_count, 0) + 7, industry = upper(industry);
update outreach.bit_scores set score = score + 1, band = 5;
update outreach.people set email_status = 'unsubscribed' where title in ('HR', 'CEO');
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
select outreach_id, target_id, 'b@example.com', 'sent', now(), now() - interval '1 day' * (random() * 50), gen_random_uuid()
  from outreach.company_target;
insert into outreach.upstream_status (outreach_id, hub_id, status)
select outreach_id, 'people_intelligence', 'PASS' from outreach.outreach
on conflict (outreach_id, hub_id) do update set status = excluded.status;
select is(pg_temp.drift(), 0::bigint, 'bulk updates and inserts on every table');
delete from outreach.send_log where sent_at > now() - interval '25 days';
delete from outreach.upstream_status;
update outreach.company_slot set person_id = null where slot_type = 'CFO';
select is(pg_temp.drift(), 0::bigint, 'bulk deletes');

-- The comparison can fail: a state row out of step is seen.
update outreach.gate_state set queued_sends = queued_sends + 1 where outreach_id = :'r3';
select isnt(pg_temp.drift(), 0::bigint, 'a state row changed by hand is reported as drift');

select * from finish();
rollback;
