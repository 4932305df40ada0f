-- SPEC §11.4 / §10.2: provider_outbox is drained with the claim / ack / release
-- discipline of claim_sends: leases, fencing tokens (OR030), retries with
-- backoff, max_send_attempts, and pause / resume of one campaign in order.
begin;
select plan(34);
\ir ../fixtures.sql

create function pg_temp.item(kind text, pcid text default 'c1', lead text default null, provider text default 'instantly')
returns uuid language sql volatile as $$
  insert into outreach.provider_outbox (provider, kind, provider_campaign_id, lead_key, correlation_id)
  values (provider, kind, pcid, lead, gen_random_uuid()) returning outbox_id
$$;
create function pg_temp.t(minutes int) returns timestamptz language sql immutable as $$
  select timestamptz '2025-03-04 10:00+00' + make_interval(mins => minutes)
$$;

select pg_temp.item('stop_lead', 'c1', 'a@x.example') as a \gset
select pg_temp.item('pause_campaign', 'c1') as pause \gset
select pg_temp.item('resume_campaign', 'c1') as resume \gset
select pg_temp.item('stop_lead', 'c9', 'b@x.example', 'smartlead') as other \gset

-- Claim: oldest first, only the provider's, a resume never before its pause.
create temp table c1 as select * from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 minutes', pg_temp.t(0));
select is((select array_agg(outbox_id order by outbox_id) from c1), (select array_agg(x order by x) from unnest(array[:'a', :'pause']::uuid[]) x),
          'claim hands out the stop and the pause, not the resume behind the pause, nor another provider''s item');
select is((select attempt from c1 where outbox_id = :'a'), 1, 'first attempt');
select is((select lease_until from c1 where outbox_id = :'a'), pg_temp.t(5), 'leased for the lease given');
select is((select count(*)::int from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 minutes', pg_temp.t(1))), 0,
          'leased items are not handed out twice');
select claim_token as tok_a from c1 where outbox_id = :'a' \gset
select claim_token as tok_p from c1 where outbox_id = :'pause' \gset

-- Ack.
select throws_ok(format('select outreach.ack_outbox(%L, %L)', :'a', gen_random_uuid()), 'OR030', null,
                 'an ack with a token that is not the current claim is OR030');
select throws_ok(format('select outreach.ack_outbox(%L, null)', :'a'), 'OR030', null, 'an ack without token is OR030');
select is(outreach.ack_outbox(:'a', :'tok_a'), true, 'the holder acks');
select is((select status from outreach.provider_outbox where outbox_id = :'a'), 'done', 'the item is done');
select is(outreach.ack_outbox(:'a', :'tok_a'), false, 'a repeated ack changes nothing and returns false');
select throws_ok(format('select outreach.release_outbox(%L, %L, %L)', :'a', :'tok_a', 'late'), 'OR030', null,
                 'a done item cannot be released');

-- Release with backoff; then the pause is done and the resume is takeable.
select throws_ok(format('select outreach.release_outbox(%L, %L, %L)', :'pause', :'tok_p', ''), '22023', null,
                 'a release needs its error');
select lives_ok(format('select outreach.release_outbox(%L, %L, %L, false, %L)', :'pause', :'tok_p', 'HTTP 503', pg_temp.t(10)),
                'the holder releases with the error');
select is((select row(status, claim_token, retry_after, error)::text from outreach.provider_outbox where outbox_id = :'pause'),
          row('pending', null::uuid, pg_temp.t(10), 'HTTP 503')::text, 'released: pending, unclaimed, retry_after, the error');
select is((select count(*)::int from outreach.outreach_errors where source = 'outreach.release_outbox' and detail ->> 'outbox_id' = :'pause'),
          1, 'the error is recorded in outreach_errors');
select throws_ok(format('select outreach.ack_outbox(%L, %L)', :'pause', :'tok_p'), 'OR030', null,
                 'the released token no longer acks');
select is((select count(*)::int from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 minutes', pg_temp.t(9))), 0,
          'not takeable before retry_after (and the resume still waits)');
select claim_token as tok_p2 from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 minutes', pg_temp.t(10)) \gset
select is((select attempt from outreach.provider_outbox where outbox_id = :'pause'), 2, 'taken again at retry_after: attempt 2');
select ok(outreach.ack_outbox(:'pause', :'tok_p2'), 'the pause is acknowledged');
select outbox_id as got, claim_token as tok_r from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 minutes', pg_temp.t(11)) \gset
select is(:'got'::uuid, :'resume'::uuid, 'once the pause is done the resume is handed out');
select outreach.ack_outbox(:'resume', :'tok_r');

-- Default backoff: 2^attempt minutes from now.
select pg_temp.item('stop_lead', 'c1', 'c@x.example') as b \gset
select claim_token as tok_b from outreach.claim_outbox(gen_random_uuid(), 'instantly', 1, '5 minutes', now()) \gset
select outreach.release_outbox(:'b', :'tok_b', 'HTTP 429');
select is((select retry_after from outreach.provider_outbox where outbox_id = :'b'), now() + interval '2 minutes',
          'the default retry is 2^attempt minutes after now');

-- Expired leases: re-claimed with a new token; the old one is fenced off.
select pg_temp.item('stop_lead', 'c2', 'd@x.example', 'heyreach') as d \gset
select claim_token as tok_d1 from outreach.claim_outbox(gen_random_uuid(), 'heyreach', 1, '10 seconds', pg_temp.t(0)) \gset
select claim_token as tok_d2 from outreach.claim_outbox(gen_random_uuid(), 'heyreach', 1, '10 seconds', pg_temp.t(1)) \gset
select isnt(:'tok_d2'::uuid, :'tok_d1'::uuid, 'after the lease expired the item is claimed again with a new token');
select throws_ok(format('select outreach.ack_outbox(%L, %L)', :'d', :'tok_d1'), 'OR030', null,
                 'the expired holder''s ack is refused once another claimed it');
select throws_ok(format('select outreach.release_outbox(%L, %L, %L)', :'d', :'tok_d1', 'x'), 'OR030', null,
                 'and so is its release');
-- Third claim is the last attempt (max_send_attempts 3); its expiry fails the item.
select claim_token as tok_d3 from outreach.claim_outbox(gen_random_uuid(), 'heyreach', 1, '10 seconds', pg_temp.t(2)) \gset
select is((select attempt from outreach.provider_outbox where outbox_id = :'d'), 3, 'third attempt');
select is((select count(*)::int from outreach.claim_outbox(gen_random_uuid(), 'heyreach', 1, '10 seconds', pg_temp.t(3))), 0,
          'a lease expired on the last attempt is not handed out again');
select is((select status from outreach.provider_outbox where outbox_id = :'d'), 'failed', 'the item has failed');
select is((select count(*)::int from outreach.outreach_errors where source = 'outreach.claim_outbox' and detail ->> 'outbox_id' = :'d'),
          1, 'and the failure is recorded');
select ok(outreach.ack_outbox(:'d', :'tok_d3'), 'a late ack of the last holder is still accepted: the call went through');

-- An ack after the lease expired with nobody claiming since is accepted.
select pg_temp.item('block_email', null, 'e@x.example', 'smartlead') as e \gset
create temp table c_sl as select * from outreach.claim_outbox(gen_random_uuid(), 'smartlead', 10, '10 seconds', pg_temp.t(0));
select claim_token as tok_e from c_sl where outbox_id = :'e' \gset
select claim_token as tok_o from c_sl where outbox_id = :'other' \gset
select ok(outreach.ack_outbox(:'e', :'tok_e'), 'an ack after its lease expired, unclaimed since, is accepted');

-- Permanent release fails at once.
select outreach.release_outbox(:'other', :'tok_o', 'HTTP 404 lead not found', true);
select is((select status from outreach.provider_outbox where outbox_id = :'other'), 'failed', 'a permanent release fails the item');

-- Bad arguments.
select throws_ok($$select * from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '5 seconds')$$, '22023', null,
                 'a lease under 10 seconds is 22023');
select throws_ok($$select * from outreach.claim_outbox(gen_random_uuid(), 'instantly', 10, '25 hours')$$, '22023', null,
                 'a lease over 24 hours is 22023');
select throws_ok($$select * from outreach.claim_outbox(gen_random_uuid(), 'smtp')$$, '22023', null, 'a sender without an outbox is 22023');
select throws_ok($$select * from outreach.claim_outbox(null, 'instantly')$$, 'OR004', null, 'a missing correlation id is OR004');

select * from finish();
rollback;
