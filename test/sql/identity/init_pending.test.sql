-- SPEC §4 init_pending: init every CL company without an outreach id, up to max_rows.
begin;
select plan(8);
\ir ../fixtures.sql

select pg_temp.company('Pending ' || g) from generate_series(1, 5) g;
select pg_temp.company('Already') as sid_done \gset
select outreach.init_outreach(:'sid_done', pg_temp.cid()) as oid_done \gset
select pg_temp.cid() as cid \gset

select is(outreach.init_pending(:'cid', 3), 3, 'max_rows caps how many are minted');
select is(outreach.init_pending(:'cid'), 2, 'the rest are minted on the next run');
select is(outreach.init_pending(:'cid'), 0, 'nothing left to mint');
select is((select count(*)::int from cl.company_identity where outreach_id is null), 0, 'every CL company has an outreach id');
select is((select count(*)::int from outreach.outreach where correlation_id::uuid = :'cid'::uuid), 5, 'each minted row carries the correlation id');
select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid_done'), :'oid_done'::uuid, 'an existing claim is left alone');
select throws_ok(format('select outreach.init_pending(%L, 0)', :'cid'), '22023', null, 'max_rows below 1 is refused');
select throws_ok(format('select outreach.init_pending(%L)', pg_temp.uuid_v(1)), 'OR004', null, 'a v1 correlation id is OR004');

select * from finish();
rollback;
