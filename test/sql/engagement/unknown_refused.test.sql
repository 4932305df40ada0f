-- SPEC §4 record_event: an unknown event type (OR021) or an unknown send (OR020)
-- is refused with nothing written; in a batch (record_events) the bad element is
-- refused alone, with the same SQLSTATE in its result row.
begin;
select plan(14);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as s \gset
select gen_random_uuid() as ghost \gset
select pg_temp.eng_row(:'s') as row_before \gset
select count(*) as events_before from outreach.engagement_events \gset

select throws_ok(format($$select * from outreach.record_event(%L, 'email_opened', now(), 'instantly')$$, :'s'),
                 'OR021', null, 'an unknown event type is OR021');
select throws_like(format($$select * from outreach.record_event(%L, 'email_opened', now(), 'instantly')$$, :'s'),
                   '%email_opened%', 'the OR021 message names the type');
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', now(), 'instantly')$$, :'ghost'),
                 'OR020', null, 'an unknown send is OR020');
select throws_like(format($$select * from outreach.record_event(%L, 'email_open', now(), 'instantly')$$, :'ghost'),
                   '%' || :'ghost' || '%', 'the OR020 message names the send id');

-- In a batch, only the bad element is refused (with its SQLSTATE); the good ones
-- (here on another send) are recorded: test/sql/engagement/batch_partial.test.sql.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as s2 \gset
select is((select array_agg(coalesce(r.sqlstate, r.status) order by r.ordinality) from outreach.record_events(jsonb_build_array(
    jsonb_build_object('send_id', :'s2', 'event_type', 'email_open', 'event_ts', '2030-01-15 10:00Z', 'source_system', 'instantly'),
    jsonb_build_object('send_id', :'ghost', 'event_type', 'email_open', 'event_ts', '2030-01-15 10:00Z', 'source_system', 'instantly'))) r),
    array['recorded', 'OR020'], 'a batch element naming an unknown send is refused with OR020, the rest recorded');
select is((select array_agg(coalesce(r.sqlstate, r.status) order by r.ordinality) from outreach.record_events(jsonb_build_array(
    jsonb_build_object('send_id', :'s2', 'event_type', 'email_reply', 'event_ts', '2030-01-15 11:00Z', 'source_system', 'instantly'),
    jsonb_build_object('send_id', :'s', 'event_type', 'EMAIL_OPEN', 'event_ts', '2030-01-15 10:00Z', 'source_system', 'instantly'))) r),
    array['recorded', 'OR021'], 'a batch element with an unknown type is refused with OR021 (types are exact)');

-- Malformed input: 22023; a bad correlation id: OR004.
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', null, 'instantly')$$, :'s'),
                 '22004', null, 'an event without a time is 22004');
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', now(), '  ')$$, :'s'),
                 '22023', null, 'an event without a source system is 22023');
select throws_ok($$select * from outreach.record_events('{"send_id": "x"}')$$, '22023', null, 'a batch that is not an array is 22023');
select is((select r.sqlstate from outreach.record_events(jsonb_build_array(42)) r), '22023',
          'a batch element that is not an object is refused with 22023');
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', now(), 'instantly', '{}', %L)$$, :'s', pg_temp.uuid_v(1)),
                 'OR004', null, 'a v1 correlation id is OR004');

select is((select count(*) from outreach.engagement_events where send_id <> :'s2'), :'events_before'::bigint, 'no refused call or element appended an event');
select is(pg_temp.eng_row(:'s'), :'row_before'::jsonb, 'no refused call changed the send');
select is((select p.email_status from outreach.people p join outreach.send_log l using (person_id) where l.send_id = :'s'),
          'verified', 'no refused call touched the person');

select * from finish();
rollback;
