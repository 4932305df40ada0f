-- SPEC §6.9: the engagement event log is append-only (update, delete, truncate → OR005)
-- for the owner and the writer alike.
begin;
select plan(6);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send() as s \gset
select pg_temp.eng_event(:'s', 'email_open', '2030-01-15 10:00Z');

select throws_ok($$update outreach.engagement_events set event_type = 'email_click'$$, 'OR005', null, 'owner cannot update an event');
select throws_ok($$delete from outreach.engagement_events$$, 'OR005', null, 'owner cannot delete an event');
select throws_ok($$truncate outreach.engagement_events$$, 'OR005', null, 'owner cannot truncate the event log');
set local role outreach_hub_writer;
select throws_ok($$update outreach.engagement_events set metadata = '{}'$$, '42501', null, 'writer holds no update privilege on events');
select lives_ok(format($$select * from outreach.record_event(%L, 'email_click', '2030-01-15 10:01Z', 'instantly')$$, :'s'),
                'writer records events through record_event');
reset role;
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 2, 'both events are in the log');

select * from finish();
rollback;
