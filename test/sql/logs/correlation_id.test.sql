-- SPEC §6.8: every written row has a UUID v4 correlation id; other input is OR004.
begin;
select plan(9);
\ir ../fixtures.sql

select ok(outreach.check_correlation_id(gen_random_uuid()), 'a v4 uuid passes');
select throws_ok(format('select outreach.check_correlation_id(%L)', pg_temp.uuid_v(1)), 'OR004', null, 'v1 is OR004');
select throws_ok(format('select outreach.check_correlation_id(%L)', pg_temp.uuid_v(7)), 'OR004', null, 'v7 is OR004');
select throws_ok($$select outreach.check_correlation_id('00000000-0000-4000-0000-000000000000')$$, 'OR004', null,
                 'a v4 nibble with the wrong variant is OR004');
select throws_ok($$select outreach.check_correlation_id(null)$$, 'OR004', null, 'NULL is OR004');
select throws_ok(format($$insert into outreach.outreach_errors (correlation_id, source, message) values (%L, 't', 'm')$$, pg_temp.uuid_v(1)),
                 'OR004', null, 'a table column refuses a v1 correlation id');
select throws_ok($$insert into outreach.outreach_errors (source, message) values ('t', 'm')$$,
                 'OR004', null, 'a table column refuses a missing correlation id');

-- Every correlation_id column in the hub uses the domain.
select is(
  (select array_agg(format('%s.%s', table_name, column_name)) from information_schema.columns
    where table_schema = 'outreach' and column_name = 'correlation_id'
      and (domain_name is distinct from 'correlation_id' or domain_schema is distinct from 'outreach')),
  null, 'every correlation_id column is of the outreach.correlation_id domain');
select throws_ok(format('select outreach.record_error(%L, %L, %L)', pg_temp.uuid_v(1), 't', 'm'), 'OR004', null,
                 'record_error refuses a v1 correlation id');

select * from finish();
rollback;
