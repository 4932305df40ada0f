-- SPEC §4 record_event, batch form: one row per input in input order; duplicates
-- inside the batch and against the log are reported; same effects as one by one.
begin;
select plan(10);
\ir ../fixtures.sql
\ir _fixtures.sql

select has_function('outreach', 'record_events', array['jsonb', 'uuid'], 'record_events(jsonb, uuid) exists');

select pg_temp.eng_send() as s1 \gset
select pg_temp.eng_send() as s2 \gset
select pg_temp.eng_event(:'s1', 'email_sent', '2030-01-15 09:00Z');

create temp table result as
select * from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_open',  'event_ts', '2030-01-15 10:00Z', 'source_system', 'instantly', 'metadata', '{"n": 1}'::jsonb),
  jsonb_build_object('send_id', :'s2', 'event_type', 'email_sent',  'event_ts', '2030-01-15 09:30Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_open',  'event_ts', '2030-01-15T11:00:00+01:00', 'source_system', 'Instantly'),
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_sent',  'event_ts', '2030-01-15 09:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'s2', 'event_type', 'email_click', 'event_ts', '2030-01-15 10:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_open',  'event_ts', '2030-01-15 10:05Z', 'source_system', 'instantly')));

select is((select array_agg(ordinality order by ordinality) from result), array[1, 2, 3, 4, 5, 6], 'one row per input, in order');
select is((select array_agg(send_id order by ordinality) from result), array[:'s1', :'s2', :'s1', :'s1', :'s2', :'s1']::uuid[],
          'each row names its send');
select is((select array_agg(is_duplicate order by ordinality) from result), array[false, false, true, true, false, false],
          'the in-batch repeat (#3, same instant) and the already recorded email_sent (#4) are duplicates');
select is((select event_id from result where ordinality = 3), (select event_id from result where ordinality = 1),
          'an in-batch duplicate returns the id of its first occurrence');
select is((select count(distinct event_id)::int from result), 5, 'five distinct event ids: four new events and the earlier email_sent');
select is((select (send_status, open_count) from outreach.send_log where send_id = :'s1'), ('opened'::text, 2), 's1: opened twice');
select is((select (send_status, sent_at, clicked_at, click_count) from outreach.send_log where send_id = :'s2'),
          ('clicked'::text, '2030-01-15 09:30Z'::timestamptz, '2030-01-15 10:00Z'::timestamptz, 1), 's2: sent then clicked');
select is((select count(*)::int from outreach.record_events('[]')), 0, 'an empty batch returns no rows');

-- Throughput sanity: 5,000 events in one batch (the bench measures the rate).
select jsonb_agg(jsonb_build_object('send_id', s, 'event_type', t, 'event_ts', '2030-01-15 10:00Z'::timestamptz + g * interval '1 second',
                                    'source_system', 'instantly')) as big
  from pg_temp.eng_sends(1000, '2030-01-15 09:00Z') s,
       unnest(array['email_delivered', 'email_open', 'email_open', 'email_click', 'email_reply']) with ordinality u(t, g) \gset
select is((select count(*)::int from outreach.record_events(:'big') where not is_duplicate), 5000,
          'a batch of 5,000 events is recorded in one call');

select * from finish();
rollback;
