-- SPEC §5/§10 roles: the writer calls the dispatch API and maintains suppressions;
-- the reader reads the queue and the list and can write nothing; nobody reads the
-- unsubscribe keys.
begin;
select plan(13);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as c \gset
select pg_temp.d_send(:'c') as s \gset
select pg_temp.d_send(:'c', '2030-01-07 14:30Z') as s2 \gset

set local role outreach_hub_writer;
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'queue', 10, '5 minutes', '2030-01-07 15:00Z')), 2,
          'the writer claims');
select ok(outreach.ack_send(:'s', (select claim_token from outreach.send_log where send_id = :'s')), 'the writer acks');
select lives_ok(format('select outreach.release_send(%L, %L, %L)', :'s2', (select claim_token from outreach.send_log where send_id = :'s2'), 'busy'),
                'the writer releases');
select lives_ok($$select outreach.suppress('w@x.example', 'test', 'manual', gen_random_uuid())$$, 'the writer suppresses');
select lives_ok($$insert into outreach.suppressions (pattern, source, correlation_id) values ('direct.example', 'import', gen_random_uuid())$$,
                'the writer inserts suppressions directly');
select lives_ok($$select outreach.lift_suppression('w@x.example', 'writer', 'ok')$$, 'the writer lifts');
select lives_ok(format('select outreach.unsubscribe(%L)', split_part(outreach.unsubscribe_url(:'s'), '/u/', 2)), 'the writer runs an unsubscribe');
select throws_ok('select * from outreach_private.unsubscribe_keys', '42501', null, 'the writer cannot read the unsubscribe keys');
reset role;

set local role hub_reader;
select lives_ok('select * from outreach.v_send_queue', 'the reader reads the send queue');
select ok(not outreach.is_suppressed('nobody@nowhere.example'), 'the reader checks an address');
select throws_ok($$select * from outreach.claim_sends(gen_random_uuid(), 'queue')$$, '42501', null, 'the reader cannot claim');
select throws_ok($$select outreach.suppress('r@x.example', 'test', 'manual', gen_random_uuid())$$, '42501', null, 'the reader cannot suppress');
select throws_ok($$insert into outreach.suppressions (pattern, correlation_id) values ('reader.example', gen_random_uuid())$$, '42501', null,
                 'the reader cannot insert suppressions');
reset role;

select * from finish();
rollback;
