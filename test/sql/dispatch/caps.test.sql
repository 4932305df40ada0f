-- SPEC §10.2 hand-over caps: never more first hand-overs than hourly_send_cap in one
-- UTC clock hour nor daily_send_cap in one UTC day, over all senders; a re-claim is
-- not a new hand-over. Nothing while halted.
begin;
select plan(9);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign(pref => 'any') as q \gset
select pg_temp.d_campaign('smtp', pref => 'any') as s \gset
select pg_temp.d_send(:'q', '2030-01-07 10:00Z'::timestamptz + g * interval '1 second') from generate_series(1, 6) g;
select pg_temp.d_send(:'s', '2030-01-07 10:00Z'::timestamptz + g * interval '1 second') from generate_series(1, 6) g;
update outreach.settings set hourly_send_cap = 4, daily_send_cap = 7;

select is((select count(*)::int from pg_temp.d_claim('queue', 3, '2030-01-07 15:00Z')), 3, 'three of the queue sends');
select is((select count(*)::int from pg_temp.d_claim('smtp', 10, '2030-01-07 15:30Z')), 1,
          'the smtp sender gets the one hand-over left in the hour: the cap counts every sender');
-- At 15:59:59 the three queue leases (15:00 + 5 min) have expired: they are re-claimed,
-- which is not a new hand-over; the other three queue sends still wait.
create temp table late as select * from outreach.claim_sends(gen_random_uuid(), 'queue', 10, '5 minutes', '2030-01-07 15:59:59Z');
select is((select count(*)::int from late where attempt = 1), 0, 'no first hand-over is left in that hour');
select is((select count(*)::int from late where attempt = 2), 3, 'but the expired leases are re-claimed: a retry is not a new hand-over');
select is((select count(*)::int from pg_temp.d_claim('queue', 10, '2030-01-07 16:00Z')), 3,
          'the next hour: up to the daily cap (7), three more');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'smtp', 10, '5 minutes', '2030-01-07 17:00Z') c
            where c.attempt = 1), 0, 'the daily cap holds in later hours');
select is((select count(*)::int from outreach.send_log where first_claimed_at >= '2030-01-07' and first_claimed_at < '2030-01-08'), 7,
          'seven first hand-overs in the UTC day');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'smtp', 10, '5 minutes', '2030-01-08 00:00Z') c
            where c.attempt = 1), 4, 'a new UTC day opens the caps again (hourly 4)');

-- Halted: nothing.
update outreach.kill_switch_state set tripped = true, tripped_at = '2030-01-08 00:00Z', resumes_at = null where switch = 'bounce_rate';
select is((select count(*)::int from pg_temp.d_claim('smtp', 10, '2030-01-08 01:00Z')), 0, 'nothing is handed over while halted');

select * from finish();
rollback;
