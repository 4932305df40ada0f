-- SPEC §6.12: signing keys are unreadable by hub_reader and outreach_hub_writer;
-- the functions that need them run as their owner with an empty search_path.
begin;
select plan(16);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select pg_temp.param(:'link', 'sid') as sid, pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset
select kid, encode(secret, 'hex') as secret_hex from outreach_private.calendar_keys where retired_at is null \gset

select table_privs_are('outreach_private', 'calendar_keys', 'hub_reader', array[]::text[],
                       'hub_reader holds no privilege on the keys');
select table_privs_are('outreach_private', 'calendar_keys', 'outreach_hub_writer', array[]::text[],
                       'outreach_hub_writer holds no privilege on the keys');
select is(
  (select array_agg(p.oid::regprocedure::text order by 1)
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'outreach'
      and p.proname in ('calendar_link', 'verify_calendar_link', 'rotate_calendar_key', 'retire_calendar_key')
      and not (p.prosecdef and p.proconfig @> array['search_path=""'])),
  null, 'every outreach function that reads keys is security definer with search_path = ''''');
select is(
  (select array_agg(p.oid::regprocedure::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'outreach' and p.prorettype = 'bytea'::regtype),
  null, 'no outreach function returns bytes a secret could leave in');

set local role hub_reader;
select throws_ok('select secret from outreach_private.calendar_keys', '42501', null, 'hub_reader cannot read a secret');
select throws_ok('select kid from outreach_private.calendar_keys', '42501', null, 'hub_reader cannot even list key ids');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'sig', pg_temp.t0()), 'valid',
          'hub_reader can verify a link without seeing the key');
select throws_ok(format('select outreach.calendar_link(%L)', :'oid'), '42501', null, 'hub_reader cannot mint links');
select throws_ok('select outreach.rotate_calendar_key()', '42501', null, 'hub_reader cannot rotate keys');
reset role;

set local role outreach_hub_writer;
select throws_ok('select secret from outreach_private.calendar_keys', '42501', null, 'the writer cannot read a secret');
select throws_ok('update outreach_private.calendar_keys set retired_at = now()', '42501', null,
                 'the writer cannot change keys directly');
select throws_ok(format($$insert into outreach_private.calendar_keys (kid, secret) values ('mine', decode(%L, 'hex'))$$,
                        repeat('ab', 32)),
                 '42501', null, 'the writer cannot plant a key of its own');
select throws_ok(format($$select outreach_private.calendar_signature(%L, %L, 1, decode(%L, 'hex'))$$, :'sid', :'oid', :'secret_hex'),
                 '42501', null, 'the writer cannot call the private signing helper');
select matches(outreach.calendar_link(:'oid', pg_temp.t0()), 'sig=[0-9a-f]{64}$', 'the writer can mint links');
select unalike(outreach.calendar_link(:'oid', pg_temp.t0()), '%' || :'secret_hex' || '%', 'a link does not carry the secret');
reset role;

select is(current_user::text, session_user::text, 'the role switch is over');

select * from finish();
rollback;
