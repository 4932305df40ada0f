-- An event time given as text must say when, in UTC: ISO 8601 with an offset.
-- A time without an offset (read in the session TimeZone) or a relative word
-- (yesterday, now, today, tomorrow, epoch) is refused with 22023 through SQL as
-- the webhook receiver refuses it: record_event with a text time raises, and
-- record_events refuses the element.
begin;
select plan(16);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as s \gset
select count(*) as events_before from outreach.engagement_events \gset

create temp table bad (ts text);
insert into bad values ('yesterday'), ('now'), ('today'), ('tomorrow'), ('epoch'), ('2030-01-15 10:00'),
                       ('2030-01-15T10:00:00'), ('2030-02-30T10:00Z'), ('infinity'), ('15/01/2030 10:00Z');

select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', %L, 'instantly')$$, :'s', b.ts),
                 '22023', null, format('record_event with event_ts %L is 22023', b.ts))
  from bad b order by b.ts;

select is((select array_agg(r.status || ':' || r.sqlstate order by r.ordinality)
             from outreach.record_events(
                    (select jsonb_agg(jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', b.ts,
                                                         'source_system', 'instantly') order by b.ts) from bad b),
                    gen_random_uuid()) r),
          array_fill('refused:22023'::text, array[10]), 'record_events refuses each such element with 22023');
select is((select count(*) from outreach.engagement_events), :'events_before'::bigint, 'none was recorded');

-- What is accepted: Z, ±hh:mm, ±hhmm, ±hh, with T or a space, with or without seconds and fractions.
select is((select array_agg(r.status order by r.ordinality)
             from outreach.record_events(jsonb_build_array(
                    jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:00Z', 'source_system', 'a'),
                    jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', '2030-01-15 10:01:02.5+02:00', 'source_system', 'a'),
                    jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:02:00-0530', 'source_system', 'a'),
                    jsonb_build_object('send_id', :'s', 'event_type', 'email_open', 'event_ts', '2030-01-15T10:03:00+01', 'source_system', 'a')),
                    gen_random_uuid()) r),
          array['recorded', 'recorded', 'recorded', 'recorded'], 'ISO 8601 times with an offset are accepted');
select is((select event_ts from outreach.engagement_events where send_id = :'s' and event_ts < '2030-01-15 09:00Z'),
          timestamptz '2030-01-15 08:01:02.5+00', 'and read with their offset');
select lives_ok(format($$select * from outreach.record_event(%L, 'email_click', '2030-01-15 10:00:00+00', 'instantly')$$, :'s'),
                'record_event with a text time with an offset is accepted');
select lives_ok(format($$select * from outreach.record_event(%L, 'email_click', timestamptz '2030-01-15 11:00', 'instantly')$$, :'s'),
                'record_event with a timestamptz is accepted whatever its literal (the caller typed it)');

select * from finish();
rollback;
