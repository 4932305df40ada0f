-- SPEC §6.9 (storage half): logs are append-only for every role (OR005).
begin;
select plan(10);
\ir ../fixtures.sql

insert into outreach.outreach_errors (correlation_id, source, message) values (gen_random_uuid(), 'test', 'boom');
insert into outreach.settings_history (changed_by, old_values, new_values) values ('t', '{}', '{}');

select throws_ok($$update outreach.outreach_errors set message = 'rewritten'$$, 'OR005', null, 'owner cannot update an error');
select throws_ok($$delete from outreach.outreach_errors$$, 'OR005', null, 'owner cannot delete an error');
select throws_ok($$truncate outreach.outreach_errors$$, 'OR005', null, 'owner cannot truncate the error log');
select throws_ok($$update outreach.settings_history set changed_by = 'someone else'$$, 'OR005', null, 'settings history is append-only');
select throws_ok($$truncate outreach.engagement_events$$, 'OR005', null, 'owner cannot truncate the event log');
-- (cascade: handoff_events references handoffs; a plain truncate is refused by the foreign key first)
select throws_ok($$truncate outreach.handoffs cascade$$, 'OR005', null, 'owner cannot truncate the handoff outbox');
select throws_ok($$truncate outreach.kill_switch_history$$, 'OR005', null, 'owner cannot truncate the kill-switch history');
set local session_replication_role = replica;
select throws_ok($$delete from outreach.outreach_errors$$, 'OR005', null, 'replica mode does not bypass the guard');
set local session_replication_role = origin;

set local role outreach_hub_writer;
select throws_ok($$delete from outreach.outreach_errors$$, '42501', null, 'writer holds no delete privilege');
select lives_ok($$select outreach.record_error(gen_random_uuid(), 'test', 'appended')$$, 'writer can append an error');
reset role;

select * from finish();
rollback;
