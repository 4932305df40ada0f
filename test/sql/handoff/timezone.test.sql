-- SPEC §5: time is exact elapsed time. Links, verification and the handoff
-- snapshot are the same in every session TimeZone, across a DST change.
begin;
select plan(9);
\ir ../fixtures.sql
\ir _helpers.sql

-- A 3-day TTL spans the US DST start (2025-03-09): 3 × 24 h, not three local days.
update outreach.settings set calendar_ttl = interval '3 days';
select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.enrol(:'oid') as camp \gset

set local timezone = 'UTC';
select outreach.calendar_link(:'oid', pg_temp.t0()) as link_utc \gset
set local timezone = 'America/New_York';
select is(outreach.calendar_link(:'oid', pg_temp.t0()), :'link_utc', 'the same link in America/New_York as in UTC');
set local timezone = 'Asia/Kathmandu';
select is(outreach.calendar_link(:'oid', pg_temp.t0()), :'link_utc', 'the same link in Asia/Kathmandu (+05:45)');
select is(pg_temp.param(:'link_utc', 'exp')::bigint, (extract(epoch from pg_temp.t0()) + 3 * 86400)::bigint,
          'exp is exactly 72 h after as_of although New York lost an hour in between');

select pg_temp.param(:'link_utc', 'sid') as sid, pg_temp.param(:'link_utc', 'exp') as exp,
       pg_temp.param(:'link_utc', 'sig') as sig \gset
set local timezone = 'America/New_York';
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', timestamptz '2025-03-11 07:59:59.999999-04'),
          'valid', 'in New York the link is valid until just before 08:00 EDT on the 11th');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', timestamptz '2025-03-11 08:00:00-04'),
          'expired', 'and expired at 08:00 EDT, the same instant as exp');

set local timezone = 'UTC';
select outreach.handoff_snapshot(:'oid')::text as snap_utc \gset
set local timezone = 'America/Los_Angeles';
select is(outreach.handoff_snapshot(:'oid')::text, :'snap_utc', 'the snapshot text does not depend on the session TimeZone');

set local timezone = 'Pacific/Auckland';
select outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', timestamptz '2025-03-09 00:00:00+00',
                                      gen_random_uuid()) as handoff \gset
select is((select snapshot ->> 'booked_at' from outreach.handoffs where handoff_id = :'handoff'),
          '2025-03-09T00:00:00+00:00', 'booked_at in the snapshot is written in UTC from an Auckland session');
select is((select snapshot -> 'engagement' ->> 'first_sent_at' from outreach.handoffs where handoff_id = :'handoff'),
          '2025-03-01T10:00:00+00:00', 'engagement times in the snapshot are written in UTC');
select is(current_setting('TimeZone'), 'Pacific/Auckland', 'the session TimeZone is left as it was');

select * from finish();
rollback;
