-- SPEC §10.2 fencing tokens: a token that is not the send's current claim is OR030
-- with nothing written; an ack after the lease expired, nobody having re-claimed,
-- is accepted.
begin;
select plan(11);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign('smtp') as c \gset
select pg_temp.d_send(:'c') as s \gset
select pg_temp.d_send(:'c', '2030-01-07 14:30Z') as late \gset

select count(*) from pg_temp.d_claim('smtp', at => '2030-01-07 15:00Z');
select pg_temp.d_token(:'s') as old_token \gset

select throws_ok(format('select outreach.ack_send(%L, %L)', :'s', gen_random_uuid()), 'OR030', null,
                 'a token never issued is refused (OR030)');
select throws_ok(format('select outreach.release_send(%L, %L, %L)', :'s', gen_random_uuid(), 'x'), 'OR030', null,
                 'also for a release');
select throws_ok(format('select outreach.ack_send(%L, %L)', gen_random_uuid(), :'old_token'), 'OR030', null,
                 'and for a send that does not exist');

-- The lease expires and another worker claims the send.
select is(array(select pg_temp.d_claim('smtp', at => '2030-01-07 15:05Z')), array[:'s', :'late']::uuid[],
          'an expired lease is claimable again at lease_until');
select isnt(pg_temp.d_token(:'s'), :'old_token'::uuid, 'the re-claim has a new token');
select throws_ok(format('select outreach.ack_send(%L, %L, %L, %L)', :'s', :'old_token', 'x', '2030-01-07 15:06Z'), 'OR030', null,
                 'the stale token''s ack is refused (OR030)');
select throws_ok(format('select outreach.release_send(%L, %L, %L)', :'s', :'old_token', 'x'), 'OR030', null,
                 'and so is its release');
select is((select (handed_over_at, sent_at, error_message) from outreach.send_log where send_id = :'s'),
          (null::timestamptz, null::timestamptz, null::text), 'nothing was written');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 0, 'no event either');

-- The second send's lease expired too, but nobody claimed it since: its ack is accepted.
update outreach.send_log set lease_until = '2030-01-07 15:10Z' where send_id = :'late';
select ok(outreach.ack_send(:'late', pg_temp.d_token(:'late'), 'id-1', '2030-01-07 15:30Z'),
          'an ack after the lease expired, with no re-claim, is accepted');
select is((select send_status from outreach.send_log where send_id = :'late'), 'sent', 'the message went out');

select * from finish();
rollback;
