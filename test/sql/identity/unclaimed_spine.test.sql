-- One bad row never blocks everyone: a spine row inserted without its CL claim
-- (cl.company_identity.outreach_id NULL, but outreach.outreach has a row for the
-- company) is skipped by init_pending and recorded in outreach_errors (OR002);
-- every other pending company is still initialised. init_outreach answers OR002.
begin;
select plan(9);
\ir ../fixtures.sql

select pg_temp.company('Orphan') as orphan \gset
insert into outreach.outreach (sovereign_company_id, status, correlation_id)
values (:'orphan', 'INIT', gen_random_uuid()) returning outreach_id as orphan_oid \gset
select pg_temp.company('Pending ' || g) from generate_series(1, 3) g;
select gen_random_uuid() as cid \gset

select lives_ok(format('select outreach.init_pending(%L)', :'cid'), 'init_pending does not fail on the unclaimed spine row');
select is((select count(*)::int from cl.company_identity where outreach_id is null), 1, 'every other company was initialised');
select is((select outreach_id from cl.company_identity where sovereign_company_id = :'orphan'), null,
          'the orphan''s CL row is left alone');
select is((select count(*)::int from outreach.outreach where sovereign_company_id = :'orphan'), 1, 'no second spine row');
select is((select count(*)::int from outreach.outreach_errors
            where correlation_id = :'cid' and sqlstate = 'OR002' and outreach_id = :'orphan_oid'
              and source = 'outreach.init_pending' and detail ->> 'sovereign_company_id' = :'orphan'), 1,
          'the skipped company is recorded in outreach_errors with its ids');
select is(outreach.init_pending(gen_random_uuid(), 2), 0, 'a later run mints nothing and still does not fail');

select throws_ok(format('select outreach.init_outreach(%L, gen_random_uuid())', :'orphan'), 'OR002', null,
                 'init_outreach answers OR002 for it');
select throws_like(format('select outreach.init_outreach(%L, gen_random_uuid())', :'orphan'), '%' || :'orphan_oid' || '%',
                   'naming the existing outreach id');

set local role outreach_hub_writer;
select lives_ok(format('select outreach.init_pending(%L)', gen_random_uuid()), 'the writer role can run it too');
reset role;

select * from finish();
rollback;
