-- SPEC §6.12: a link is valid while as_of < exp and expired from exp on (half-open,
-- like a JWT exp); record_meeting_booked applies the same boundary to booked_at.
begin;
select plan(9);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'sid') as sid, pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset

select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', pg_temp.t0()), 'valid', 'valid when issued');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp) - interval '1 second'),
          'valid', 'valid one second before exp');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp) - interval '1 microsecond'),
          'valid', 'valid one microsecond before exp');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp)),
          'expired', 'expired exactly at exp');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp) + interval '1 second'),
          'expired', 'expired one second after exp');

select throws_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
                        :'sid', :'oid', :exp, :'sig', to_timestamp(:exp)),
                 'OR006', null, 'a meeting booked exactly at exp is refused with OR006');
select is((select count(*)::int from outreach.handoffs), 0, 'and nothing is handed off');
select isnt(outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', to_timestamp(:exp) - interval '1 second',
                                           gen_random_uuid()),
            null, 'a meeting booked one second before exp is handed off');

select throws_ok(format('select outreach.verify_calendar_link(%L, %L, %s, %L, null)', :'sid', :'oid', :exp, :'sig'),
                 '22004', null, 'a NULL as_of is an error (22004), not a verdict');

select * from finish();
rollback;
