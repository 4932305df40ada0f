-- SPEC §4: record_meeting_booked verifies as of booked_at (OR006 for a bad,
-- expired or unknown link) and checks the correlation id (OR004); a refused
-- webhook writes nothing. A late webhook for a meeting booked in time is valid.
begin;
select plan(10);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.enrol(:'oid') as camp \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'sid') as sid, pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset
create function pg_temp.call(sid text, oid text, exp bigint, sig text, booked_at timestamptz, cid uuid) returns text
language sql immutable as $$
  select format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, %L)', sid, oid, exp, sig, booked_at, cid)
$$;

select throws_ok(pg_temp.call(:'sid', :'oid', :exp, overlay(:'sig' placing 'ff' from 1 for 2), '2025-03-09 00:00+00', gen_random_uuid()),
                 'OR006', null, 'a tampered signature is OR006');
select throws_ok(pg_temp.call(:'sid', :'oid', :exp, :'sig', '2025-03-11 12:00:01+00', gen_random_uuid()),
                 'OR006', null, 'a meeting booked after exp is OR006');
select throws_ok(pg_temp.call(:'sid', gen_random_uuid()::text, :exp, :'sig', '2025-03-09 00:00+00', gen_random_uuid()),
                 'OR006', null, 'an unknown outreach record is OR006');
select throws_ok(pg_temp.call(:'sid', :'oid', :exp, :'sig', '2025-03-09 00:00+00', pg_temp.uuid_v(1)),
                 'OR004', null, 'a correlation id that is not a UUID v4 is OR004');
select throws_ok(pg_temp.call(:'sid', :'oid', :exp, :'sig', '2025-03-09 00:00+00', null),
                 'OR004', null, 'a missing correlation id is OR004');
select throws_ok(pg_temp.call(:'sid', :'oid', :exp, :'sig', null, gen_random_uuid()),
                 '22004', null, 'a missing booked_at is an error (22004)');

select is((select count(*)::int from outreach.handoffs), 0, 'refused webhooks hand nothing off');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'ACTIVE', 'the spine is unchanged');
select is((select count(*)::int from outreach.send_log where outreach_id = :'oid' and stopped_at is null), 2,
          'no follow-up was stopped');

-- now() is long past exp; the meeting was booked an hour before it.
select isnt(outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp) - interval '1 hour', gen_random_uuid()),
            null, 'a late or retried webhook for a meeting booked before exp is accepted');

select * from finish();
rollback;
