-- SPEC §5 correlation id: an event stores the caller's UUID v4, or the send's when
-- none is given; anything else is OR004.
begin;
select plan(4);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send() as s \gset
select pg_temp.cid() as cid \gset
select event_id as e1 from outreach.record_event(:'s', 'email_sent', '2030-01-15 09:00Z', 'instantly') \gset
select event_id as e2 from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00Z', 'instantly', '{}', :'cid') \gset

select is((select correlation_id::uuid from outreach.engagement_events where event_id = :'e1'),
          (select correlation_id::uuid from outreach.send_log where send_id = :'s'),
          'without a correlation id the event carries the send''s');
select is((select correlation_id::uuid from outreach.engagement_events where event_id = :'e2'), :'cid'::uuid,
          'a given correlation id is stored on the event');
select is((select correlation_id::uuid from outreach.send_log where send_id = :'s'),
          (select correlation_id::uuid from outreach.send_log where send_id = :'s' and correlation_id::uuid <> :'cid'::uuid),
          'the send keeps its own correlation id (never rewritten)');
select throws_ok(format($$select * from outreach.record_events('[]', %L)$$, pg_temp.uuid_v(7)), 'OR004', null,
                 'the batch form refuses a v7 correlation id');

select * from finish();
rollback;
