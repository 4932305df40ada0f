-- Issue 6: once a meeting is booked, candidates reports the record handed_off.
begin;
select plan(3);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select is((select 'handed_off' = any (blocking_reasons) from outreach.candidates(pg_temp.t0()) where outreach_id = :'oid'),
          false, 'before the booking the record is not handed_off');
select pg_temp.book(:'oid') as handoff \gset
select is((select 'handed_off' = any (blocking_reasons) from outreach.candidates(pg_temp.t0()) where outreach_id = :'oid'),
          true, 'after the booking candidates lists handed_off');
select is((select eligible from outreach.candidates(pg_temp.t0()) where outreach_id = :'oid'), false,
          'and the record is not eligible');

select * from finish();
rollback;
