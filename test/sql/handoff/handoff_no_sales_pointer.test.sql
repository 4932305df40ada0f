-- SPEC §6.13 / §5 Handoff: Outreach never writes sales_process_id or client_id;
-- the writer role can hand off (through the function; it cannot write handoffs itself).
begin;
select plan(8);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid, pg_temp.staffed_record('Bravo') as b_oid \gset
select sovereign_company_id as sid from outreach.outreach where outreach_id = :'oid' \gset
select sovereign_company_id as b_sid from outreach.outreach where outreach_id = :'b_oid' \gset
-- Sales already claimed Bravo (a double delivery after Sales started, say).
update cl.company_identity set sales_process_id = gen_random_uuid() where sovereign_company_id = :'b_sid';
select to_jsonb(ci)::text as cl_before from cl.company_identity ci where sovereign_company_id = :'sid' \gset
select to_jsonb(ci)::text as b_cl_before from cl.company_identity ci where sovereign_company_id = :'b_sid' \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset

set local role outreach_hub_writer;
select isnt(outreach.record_meeting_booked(:'sid', :'oid', :exp, :'sig', '2025-03-09 00:00+00', gen_random_uuid()),
            null, 'outreach_hub_writer hands a record off');
reset role;
select pg_temp.book(:'b_oid') as b_handoff \gset

select is((select to_jsonb(ci)::text from cl.company_identity ci where sovereign_company_id = :'sid'), :'cl_before',
          'the CL row of the handed-off company is unchanged');
select is((select (sales_process_id, client_id)::text from cl.company_identity where sovereign_company_id = :'sid'),
          '(,)', 'no Sales or Client pointer is written');
select is((select to_jsonb(ci)::text from cl.company_identity ci where sovereign_company_id = :'b_sid'), :'b_cl_before',
          'a Sales pointer set by Sales is left as it was');
select is((select count(*)::int from outreach.handoffs), 2, 'both records were handed off');
select is((select p.prosecdef from pg_proc p
            where p.oid = 'outreach.record_meeting_booked(uuid, uuid, bigint, text, timestamptz, uuid, jsonb)'::regprocedure),
          true, 'record_meeting_booked runs as definer (handoffs and the spine are written by hub functions only)');

set local role hub_reader;
select throws_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, now(), gen_random_uuid())',
                        :'sid', :'oid', :exp, :'sig'),
                 '42501', null, 'hub_reader cannot hand off');
reset role;
set local role outreach_hub_writer;
select throws_ok(format('update cl.company_identity set sales_process_id = gen_random_uuid() where sovereign_company_id = %L', :'sid'),
                 '42501', null, 'the writer could not write a Sales pointer even if it tried');
reset role;

select * from finish();
rollback;
