-- SPEC §6.13: one handoff per outreach record; a repeated webhook returns the
-- same handoff id and changes nothing.
begin;
select plan(10);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.enrol(:'oid') as camp \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'sid') as sid, pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset
select gen_random_uuid() as cid \gset

select outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', '2025-03-09 15:30+00', :'cid', '{"n": 1}') as handoff \gset
select snapshot::text as snap from outreach.handoffs where handoff_id = :'handoff' \gset
select (select jsonb_agg(to_jsonb(s) order by send_id) from outreach.send_log s where outreach_id = :'oid')::text as sends \gset

select is(outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', '2025-03-09 15:30+00', :'cid', '{"n": 1}'),
          :'handoff'::uuid, 'the same webhook again returns the same handoff id');
select is(outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', '2025-03-10 09:00+00', gen_random_uuid(), '{"n": 2}'),
          :'handoff'::uuid, 'a later delivery with another booked_at, correlation id and payload returns it too');
select is(pg_temp.book(:'oid', '2025-03-09 16:00+00'), :'handoff'::uuid,
          'a booking through a second link of the same record returns it too');
select is((select count(*)::int from outreach.handoffs where outreach_id = :'oid'), 1, 'still one handoff row');
select is((select snapshot::text from outreach.handoffs where handoff_id = :'handoff'), :'snap',
          'the snapshot is the first delivery''s, unchanged');
select is((select (booked_at, correlation_id::uuid)::text from outreach.handoffs where handoff_id = :'handoff'),
          (timestamptz '2025-03-09 15:30+00', :'cid'::uuid)::text, 'booked_at and correlation id are the first delivery''s');
select is((select jsonb_agg(to_jsonb(s) order by send_id) from outreach.send_log s where outreach_id = :'oid')::text, :'sends',
          'repeats leave the send log as the first delivery left it');
-- Later, the operator closes the record; a retried webhook must not reopen it.
update outreach.outreach set status = 'CLOSED' where outreach_id = :'oid';
select pg_temp.book(:'oid') as again \gset
select is((select status from outreach.outreach where outreach_id = :'oid'), 'CLOSED',
          'a retried webhook after the record moved on leaves the spine alone');
select throws_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
                        :'sid', :'oid', :exp, repeat('0', 64), '2025-03-09 15:30+00'),
                 'OR006', null, 'a repeat with a bad signature is still refused (verification comes first)');
select throws_ok(format($$insert into outreach.handoffs (outreach_id, sovereign_company_id, booked_at, snapshot, correlation_id)
                          values (%L, %L, now(), '{}', gen_random_uuid())$$, :'oid', :'sid'),
                 '23505', null, 'a second handoff row for the record is refused by the unique constraint');

select * from finish();
rollback;
