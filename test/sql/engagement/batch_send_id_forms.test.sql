-- record_events checks the send ids of a batch with one match over all of them, and
-- each on its own only when that fails: the verdict per element must be the same
-- either way. Accepted: 32 hex digits, any case, hyphens optional at the four places
-- of the 8-4-4-4-12 form. Refused (22023, alone): anything else, and in particular a
-- send id that holds two ids separated by a comma (the batch check joins with commas).
begin;
select plan(8);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send() as s1 \gset
select pg_temp.eng_send() as s2 \gset
select pg_temp.eng_send() as s3 \gset

-- All forms valid: the batch check passes; upper case and missing hyphens are accepted.
create temp table all_ok as
select * from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_sent', 'event_ts', '2030-01-15T09:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', upper(:'s2'), 'event_type', 'email_sent', 'event_ts', '2030-01-15T09:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', replace(:'s3', '-', ''), 'event_type', 'email_sent', 'event_ts', '2030-01-15T09:00:00Z', 'source_system', 'x')),
  gen_random_uuid());
select is((select array_agg(status order by ordinality) from all_ok), array['recorded', 'recorded', 'recorded'],
          'canonical, upper-case and hyphen-less send ids are all recorded');
select is((select array_agg(send_id order by ordinality) from all_ok), array[:'s1', :'s2', :'s3']::uuid[],
          'each names its send');

-- One element holds two ids joined by a comma: the batch's joined text still looks like
-- a list of UUIDs, but that element is no UUID.
create temp table comma as
select * from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', :'s2' || ',' || :'s3', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', :'s3', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00:00Z', 'source_system', 'x')),
  gen_random_uuid());
select is((select array_agg(status order by ordinality) from comma), array['recorded', 'refused', 'recorded'],
          'a send id holding two ids is refused alone; the others are recorded');
select is((select sqlstate from comma where ordinality = 2), '22023', 'as malformed (22023)');
select matches((select reason from comma where ordinality = 2), 'is not a UUID', 'the reason says it is not a UUID');

-- Misplaced hyphens and a wrong length are refused, as one by one.
create temp table bad as
select * from outreach.record_events(jsonb_build_array(
  jsonb_build_object('send_id', :'s1', 'event_type', 'email_click', 'event_ts', '2030-01-15T11:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', substr(replace(:'s2', '-', ''), 1, 4) || '-' || substr(replace(:'s2', '-', ''), 5),
                     'event_type', 'email_click', 'event_ts', '2030-01-15T11:00:00Z', 'source_system', 'x'),
  jsonb_build_object('send_id', :'s3' || '0', 'event_type', 'email_click', 'event_ts', '2030-01-15T11:00:00Z', 'source_system', 'x')),
  gen_random_uuid());
select is((select array_agg(status order by ordinality) from bad), array['recorded', 'refused', 'refused'],
          'a hyphen out of place and a 33rd digit are refused');
select is((select array_agg(sqlstate order by ordinality) from bad), array[null, '22023', '22023'],
          'both as malformed');
select is((select (open_count, click_count) from outreach.send_log where send_id = :'s1'), (1, 1),
          'the good elements of each batch were applied');

select * from finish();
rollback;
