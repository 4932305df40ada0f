-- No event is lost because another event in its batch is bad: record_events records
-- the good elements and refuses only the bad ones (unknown send OR020, unknown type
-- OR021, malformed 22023), each refusal in outreach_errors with the batch's
-- correlation id, the element's position and the reason, and in its result row.
begin;
select plan(19);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as s \gset
select gen_random_uuid() as ghost \gset
select gen_random_uuid() as cid \gset

create temp table res as
select * from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'ghost', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'s', 'event_type', 'email_opened', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', 'not-a-uuid', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'instantly'),
  jsonb_build_object('send_id', :'s', 'event_type', 'email_click', 'event_ts', 'yesterday', 'source_system', 'instantly'),
  42,
  jsonb_build_object('send_id', :'s', 'event_type', 'email_reply', 'event_ts', '2030-01-15T11:00:00+01:00', 'source_system', 'instantly')),
  :'cid'::uuid);

select is((select count(*)::int from res), 7, 'one result row per element');
select is((select array_agg(status order by ordinality) from res),
          array['recorded', 'refused', 'refused', 'refused', 'refused', 'refused', 'recorded'],
          'the good elements are recorded, the bad ones refused');
select is((select array_agg(sqlstate order by ordinality) from res where status = 'refused'),
          array['OR020', 'OR021', '22023', '22023', '22023'], 'each refusal carries its SQLSTATE');
select ok((select bool_and(reason is not null and event_id is null and is_duplicate is null) from res where status = 'refused'),
          'a refused row has a reason, no event id and no duplicate flag');
select ok((select bool_and(reason is null and event_id is not null and not is_duplicate) from res where status = 'recorded'),
          'a recorded row has its event id');
select alike((select reason from res where ordinality = 2), '%' || :'ghost' || '%', 'the unknown send is named');
select alike((select reason from res where ordinality = 3), '%email_opened%', 'the unknown type is named');
select alike((select reason from res where ordinality = 5), '%yesterday%', 'the malformed time is named');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 2, 'the two good events were appended');
select is((select send_status from outreach.send_log where send_id = :'s'), 'replied', 'and applied');

select is((select count(*)::int from outreach.outreach_errors where correlation_id = :'cid'), 5,
          'every refusal is recorded in outreach_errors under the batch''s correlation id');
select is((select array_agg((detail ->> 'element')::int order by (detail ->> 'element')::int)
             from outreach.outreach_errors where correlation_id = :'cid'),
          array[2, 3, 4, 5, 6], 'with the element''s position (as ordinality)');
select is((select array_agg(sqlstate order by (detail ->> 'element')::int)
             from outreach.outreach_errors where correlation_id = :'cid'),
          array['OR020', 'OR021', '22023', '22023', '22023'], 'and its SQLSTATE');
select ok((select bool_and(detail ? 'event' and detail ? 'reason' and source = 'outreach.record_events')
             from outreach.outreach_errors where correlation_id = :'cid'),
          'and the element itself and the reason');

-- A batch with only bad elements refuses each, records each and writes no event.
select is((select count(*)::int from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'ghost', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'x')), :'cid'::uuid)
  where status = 'refused'), 1, 'a batch of bad elements returns their refusals');

-- The one-event form still raises the element's SQLSTATE (and records nothing).
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', now(), 'instantly')$$, :'ghost'),
                 'OR020', null, 'record_event raises OR020 for its one unknown send');
select is((select count(*)::int from outreach.outreach_errors where correlation_id = :'cid'), 6,
          'the raised refusal leaves no error row behind (the caller records it)');

-- The writer role gets the same per-element answer.
set local role outreach_hub_writer;
select is((select array_agg(coalesce(r.sqlstate, r.status) order by r.ordinality) from outreach.record_events(jsonb_build_array(
    jsonb_build_object('send_id', :'s', 'event_type', 'email_click', 'event_ts', '2030-01-15T12:00:00Z', 'source_system', 'instantly'),
    jsonb_build_object('send_id', :'ghost', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'instantly')),
    :'cid'::uuid) r),
    array['recorded', 'OR020'], 'as outreach_hub_writer: the good element recorded, the bad one refused');
reset role;
select is((select count(*)::int from outreach.outreach_errors where correlation_id = :'cid'), 7,
          'and its refusal recorded');

select * from finish();
rollback;
