-- SPEC §10.2: a lease that expires without ack or release is a failed attempt; a send
-- whose lease expired max_send_attempts times is failed and recorded instead of
-- being claimed again; a release on the last attempt fails the send too.
begin;
select plan(10);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as c \gset
select pg_temp.d_send(:'c') as s \gset
select pg_temp.d_send(:'c', '2030-01-07 14:30Z') as r \gset
-- max_send_attempts is 3 by default.
select is((select max_send_attempts from outreach.settings), 3, 'three attempts by default');

select is(array(select pg_temp.d_claim(n => 1, at => '2030-01-07 15:00Z')), array[:'s']::uuid[], 'attempt 1');
select is(array(select pg_temp.d_claim(n => 1, at => '2030-01-07 15:05Z')), array[:'s']::uuid[], 'expired: claimed again, attempt 2');
select is(array(select pg_temp.d_claim(n => 1, at => '2030-01-07 15:10Z')), array[:'s']::uuid[], 'expired again: attempt 3');
select is((select attempt from outreach.send_log where send_id = :'s'), 3, 'each claim counted as an attempt');
select ok(not exists (select 1 from outreach.due_sends('2030-01-07 15:15Z') where send_id = :'s'),
          'after the third expiry the send is not takeable');
select is(array(select pg_temp.d_claim(n => 1, at => '2030-01-07 15:15Z')), array[:'r']::uuid[],
          'the next claim moves on to the next send');
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'s'), ('failed'::text, 'send_failed'::text),
          'and fails the exhausted one (stop_reason send_failed)');
select is((select count(*)::int from outreach.outreach_errors e join outreach.send_log l on l.correlation_id = e.correlation_id
            where l.send_id = :'s' and e.source = 'outreach.claim_sends'), 1, 'recorded in outreach_errors with the send''s correlation id');

-- A release on the last allowed attempt fails the send.
update outreach.settings set max_send_attempts = 1;
select outreach.release_send(:'r', pg_temp.d_token(:'r'), '451 busy');
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'r'), ('failed'::text, 'send_failed'::text),
          'a release on the max_send_attempts-th attempt fails the send');

select * from finish();
rollback;
