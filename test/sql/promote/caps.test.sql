-- SPEC §5: promote never exceeds the hourly/daily caps or a campaign's daily limit,
-- counted from send_log by scheduled_at in the UTC hour/day of as_of.
begin;
select plan(12);
\ir ../fixtures.sql

select pg_temp.campaign() as camp \gset
select pg_temp.ready_record(50 + (g % 50)) from generate_series(1, 100) g;
select timestamptz '2026-05-04 10:15:00+00' as t \gset

-- 100 eligible, hourly cap 30 → exactly 30.
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, :'t')), 30, 'hourly cap 30: exactly 30 queued');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, :'t'::timestamptz + interval '44 minutes')), 0,
          'the same clock hour is full (10:59)');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, :'t'::timestamptz + interval '45 minutes')), 30,
          'the next clock hour (11:00) allows 30 more');
select ok((select min(b.score) from outreach.bit_scores b join outreach.send_log l using (outreach_id) where l.scheduled_at = :'t')
          >= (select max(b.score) from outreach.bit_scores b join outreach.send_log l using (outreach_id) where l.scheduled_at > :'t'),
          'the first batch took the best scores');

-- Daily cap: 70 today → cap 70 lets nothing more today, tomorrow (UTC) 30 again.
update outreach.settings set daily_send_cap = 70, hourly_send_cap = 1000;
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, :'t'::timestamptz + interval '2 hours')), 10,
          'daily cap 70 with 60 used: 10 more');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, timestamptz '2026-05-04 23:59:59+00')), 0,
          'the UTC day is full at 23:59:59');
-- Counting is by UTC day whatever the session TimeZone says.
set local timezone = 'America/Los_Angeles';
select is((select daily_used from outreach.send_capacity(timestamptz '2026-05-04 23:59:59+00')), 70::bigint,
          'a Los Angeles session counts the same UTC day');
reset timezone;

-- Cancelled rows do not count.
update outreach.send_log set send_status = 'cancelled'
 where send_id in (select send_id from outreach.send_log order by send_id limit 5);
select is((select daily_left from outreach.send_capacity(timestamptz '2026-05-04 23:00:00+00')), 5::bigint,
          'cancelled sends free their place');

-- A campaign's own daily limit.
update outreach.settings set daily_send_cap = 1000;
update outreach.campaigns set daily_send_limit = 3 where campaign_id = :'camp';
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, timestamptz '2026-05-05 08:00:00+00')), 3,
          'a campaign daily limit of 3 queues 3');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 1000, timestamptz '2026-05-05 09:00:00+00')), 0,
          'and no more that UTC day');
select pg_temp.campaign('Second', priority => 1) as camp2 \gset
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 4, timestamptz '2026-05-05 10:00:00+00')), 4,
          'records matched to a campaign with room are still promoted (max_rows 4)');
select is((select count(*)::int from outreach.send_log where campaign_id = :'camp'
            and scheduled_at >= '2026-05-05 00:00+00' and send_status <> 'cancelled'), 3,
          'the limited campaign stayed at 3');

select * from finish();
rollback;
