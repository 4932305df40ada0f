-- SPEC §10 / §11.4: two dispatchers claiming the provider outbox at once never
-- share an item; a claimer does not wait for another's locked items (skip locked).
-- Two real connections (dblink) race on committed data.
begin;
select plan(6);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

select dblink_exec('a', $fixture$
insert into outreach.provider_outbox (provider, kind, provider_campaign_id, lead_key, correlation_id)
select 'instantly', 'stop_lead', 'race', 'lead' || i || '@race.example', gen_random_uuid()
  from generate_series(1, 100) i
$fixture$);

select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
create temp table got_a as
  select * from dblink('a', $$select outbox_id, claim_token from outreach.claim_outbox(gen_random_uuid(), 'instantly', 60)$$)
    as t(outbox_id uuid, claim_token uuid);
-- a holds 60 locked and uncommitted; b claims at once.
select dblink_send_query('b', $$select outbox_id, claim_token from outreach.claim_outbox(gen_random_uuid(), 'instantly', 100)$$);
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 0, 'the second claimer does not wait for the first one''s items');
create temp table got_b as select * from dblink_get_result('b') as t(outbox_id uuid, claim_token uuid);
select dblink_get_result('b', false);
select dblink_exec('a', 'commit');
select dblink_exec('b', 'commit');

select is((select count(*)::int from got_a), 60, 'the first claimer got 60');
select is((select count(*)::int from got_b), 40, 'the second got the other 40');
select is((select count(*)::int from got_a join got_b using (outbox_id)), 0, 'no item was handed to both');
select is((select count(*)::int from outreach.provider_outbox where provider_campaign_id = 'race' and attempt = 1), 100,
          'every item claimed exactly once');

-- The holders ack concurrently; each item is done once.
select count(*) from got_a, dblink('a', format('select outreach.ack_outbox(%L, %L)', outbox_id, claim_token)) as t(ok boolean);
select count(*) from got_b, dblink('b', format('select outreach.ack_outbox(%L, %L)', outbox_id, claim_token)) as t(ok boolean);
select is((select count(*)::int from outreach.provider_outbox where provider_campaign_id = 'race' and status = 'done'), 100,
          'all 100 acknowledged by their holders');

-- Clean up the committed rows (the outbox is owned by the test database only).
select dblink_exec('a', $$delete from outreach.provider_outbox where provider_campaign_id = 'race'$$);
select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
