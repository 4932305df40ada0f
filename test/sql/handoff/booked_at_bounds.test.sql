-- Bookings: booked_at must fall inside the link's life as the hub can know it:
-- not before the link was issued (exp - calendar_ttl) by more than max_clock_skew,
-- and not ahead of now() by more than max_clock_skew. Else 22023, nothing written.
begin;
select plan(12);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.enrol(:'oid') as camp \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'sid') as sid, pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset
create temp table link as select :'sid'::uuid as sid, :'oid'::uuid as oid, :exp::bigint as exp, :'sig'::text as sig;
create function pg_temp.call(booked_at timestamptz) returns text language sql stable as $$
  select format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
                l.sid, l.oid, l.exp, l.sig, booked_at) from link l
$$;

select throws_ok(pg_temp.call('-infinity'), '22023', null, 'booked_at -infinity is 22023');
select throws_ok(pg_temp.call('1970-01-01 00:00+00'), '22023', null, 'booked_at 1970 (long before the link) is 22023');
select throws_ok(pg_temp.call(pg_temp.t0() - interval '1 hour'), '22023', null, 'an hour before the link was issued is 22023');
select throws_ok(pg_temp.call(pg_temp.t0() - interval '5 minutes 1 second'), '22023', null, 'just past the skew before issue is 22023');
select throws_ok(pg_temp.call(null), '22004', null, 'a NULL booked_at is 22004');
select is((select count(*)::int from outreach.handoffs), 0, 'nothing was handed off');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'ACTIVE', 'the spine is unchanged');
select is((select count(*)::int from outreach.send_log where outreach_id = :'oid' and stopped_at is null), 2, 'no follow-up was stopped');

-- A link issued now: booked an hour ahead of the clock is refused, a minute ahead is within the skew.
select pg_temp.staffed_record('Beta') as oid2 \gset
select outreach.calendar_link(:'oid2') as link2 \gset
select format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
              pg_temp.param(:'link2', 'sid'), :'oid2', pg_temp.param(:'link2', 'exp'), pg_temp.param(:'link2', 'sig'),
              now() + interval '1 hour') as ahead \gset
select throws_ok(:'ahead', '22023', null, 'a booking an hour ahead of now is 22023');
select lives_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
                       pg_temp.param(:'link2', 'sid'), :'oid2', pg_temp.param(:'link2', 'exp'), pg_temp.param(:'link2', 'sig'),
                       now() + interval '1 minute'), 'a booking a minute ahead (inside the skew) is accepted');

-- Within the skew before issue is accepted.
select lives_ok(pg_temp.call(pg_temp.t0() - interval '4 minutes'), 'four minutes before issue (inside the skew) is accepted');
select is((select count(*)::int from outreach.handoffs), 2, 'the two accepted bookings handed off');

select * from finish();
rollback;
