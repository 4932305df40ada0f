-- SPEC §6.9: a redelivered event (same send, type, time, source) is recorded once
-- and changes nothing; the hash ignores the session TimeZone and the offset used.
begin;
select plan(12);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send() as s \gset
select * from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00:00.123456Z', 'instantly', '{"ip": "1"}') \gset first_
select is(:'first_is_duplicate'::boolean, false, 'the first delivery of an event is not a duplicate');
select pg_temp.eng_row(:'s') as row_after_first \gset
select count(*) as events_after_first from outreach.engagement_events \gset

select * from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00:00.123456Z', 'instantly', '{"ip": "2"}') \gset again_
select is(:'again_is_duplicate'::boolean, true, 'the redelivery is reported as a duplicate');
select is(:'again_event_id'::uuid, :'first_event_id'::uuid, 'the duplicate returns the id of the first event');
select is(pg_temp.eng_row(:'s'), :'row_after_first'::jsonb, 'the duplicate changed nothing on the send (status, counters, timestamps)');
select is((select count(*) from outreach.engagement_events), :'events_after_first'::bigint, 'the duplicate appended nothing');
select is((select metadata from outreach.engagement_events where event_id = :'first_event_id'), '{"ip": "1"}'::jsonb,
          'the stored event keeps the metadata of the first delivery');

-- Same instant, written with another offset, in another session TimeZone: same event.
set local timezone = 'America/New_York';
select ok((select is_duplicate from outreach.record_event(:'s', 'email_open', '2030-01-15 12:00:00.123456+02', 'instantly')),
          'the same instant with another offset and TimeZone is a duplicate');
select ok((select is_duplicate from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00:00.123456Z', '  Instantly ')),
          'the source system is compared trimmed and case-insensitively');
reset timezone;
select is(outreach.event_hash(:'s', 'email_open', '2030-01-15 10:00:00.123456Z', 'instantly'),
          encode(sha256(convert_to(:'s' || '|email_open|2030-01-15T10:00:00.123456Z|instantly', 'UTF8')), 'hex'),
          'event_hash is sha256 of send_id|event_type|event_ts in UTC|source_system');

-- A different time, type or source is another event.
select ok(not (select is_duplicate from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00:00.123457Z', 'instantly')),
          'one microsecond later is a new event');
select ok(not (select is_duplicate from outreach.record_event(:'s', 'email_open', '2030-01-15 10:00:00.123456Z', 'heyreach')),
          'the same open reported by another system is a new event');
select is((select open_count from outreach.send_log where send_id = :'s'), 3, 'open_count counts the three distinct opens only');

select * from finish();
rollback;
