-- SPEC §4 init_outreach: mint, register, refuse unknown (OR001) and claimed (OR002) companies.
begin;
select plan(16);
\ir ../fixtures.sql

select has_function('outreach', 'init_outreach', array['uuid', 'uuid'], 'init_outreach(uuid, uuid) exists');
select function_returns('outreach', 'init_outreach', array['uuid', 'uuid'], 'uuid', 'init_outreach returns uuid');

select pg_temp.company('Init Co') as sid \gset
select pg_temp.cid() as cid \gset
select outreach.init_outreach(:'sid', :'cid') as oid \gset

select is((select status from outreach.outreach where outreach_id = :'oid'), 'INIT', 'the spine row is INIT');
select is((select sovereign_company_id from outreach.outreach where outreach_id = :'oid'), :'sid'::uuid, 'the spine row belongs to the company');
select is((select correlation_id::uuid from outreach.outreach where outreach_id = :'oid'), :'cid'::uuid, 'the spine row carries the correlation id');
select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid'), :'oid'::uuid, 'CL holds the new pointer');

-- OR002: already claimed, and nothing more written.
select throws_ok(format('select outreach.init_outreach(%L, %L)', :'sid', pg_temp.cid()), 'OR002', null,
                 'a claimed company is refused with OR002');
select throws_like(format('select outreach.init_outreach(%L, %L)', :'sid', pg_temp.cid()), '%' || :'sid' || '%',
                   'the OR002 message names the company');
select is((select count(*)::int from outreach.outreach where sovereign_company_id = :'sid'), 1, 'still one spine row');

-- OR001: unknown company, nothing written.
select gen_random_uuid() as ghost \gset
select count(*) as spine_before from outreach.outreach \gset
select throws_ok(format('select outreach.init_outreach(%L, %L)', :'ghost', pg_temp.cid()), 'OR001', null,
                 'an unknown company is refused with OR001');
select throws_like(format('select outreach.init_outreach(%L, %L)', :'ghost', pg_temp.cid()), '%' || :'ghost' || '%',
                   'the OR001 message names the unknown id');
select is((select count(*) from outreach.outreach), :'spine_before'::bigint, 'OR001 wrote nothing');

-- OR004: a v1 uuid, or none, as correlation id; nothing written.
select pg_temp.company('Bad Cid Co') as sid2 \gset
select throws_ok(format('select outreach.init_outreach(%L, %L)', :'sid2', pg_temp.uuid_v(1)), 'OR004', null,
                 'a v1 uuid as correlation id is OR004');
select throws_ok(format('select outreach.init_outreach(%L, null)', :'sid2'), 'OR004', null,
                 'a missing correlation id is OR004');
select is((select outreach_id from cl.company_identity where sovereign_company_id = :'sid2'), null, 'OR004 left CL untouched');
select is((select count(*) from outreach.outreach where sovereign_company_id = :'sid2'), 0::bigint, 'OR004 minted no spine row');

select * from finish();
rollback;
