-- Issue 8 under the hub roles: the writer promotes with proof and subject and renders
-- messages; the reader may read proof lines and authorizations (SPEC §5 roles).
begin;
select plan(5);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.campaign();
select pg_temp.msg_evidence(pg_temp.msg_record(4, 'COST_PRESSURE')) as r \gset

set local role outreach_hub_writer;
select lives_ok(format('select * from outreach.render_message(%L, %L)', :'r', :'t'), 'the writer renders a message');
select lives_ok(format('select * from outreach.promote(gen_random_uuid(), 10, %L)', :'t'), 'the writer promotes');
select isnt((select subject from outreach.send_log where outreach_id = :'r'), null, '... and the subject is stored');
reset role;

set local role hub_reader;
select lives_ok(format('select outreach.proof_line(%L, %L)', :'r', :'t'), 'the reader reads a proof line');
select lives_ok(format('select * from outreach.authorize_message(%L, %L)', :'r', :'t'), 'the reader reads an authorization');
reset role;

select * from finish();
rollback;
