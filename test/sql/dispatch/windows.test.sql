-- SPEC §10.3 send windows: in the recipient's time zone, start inclusive, end
-- exclusive, on the campaign's ISO weekdays; DST by the zone (both New York
-- changes, Lord Howe's 30-minute one), odd offsets (Kathmandu +05:45); a start in a
-- DST gap opens at the end of the gap; NULL without send days; 'any' is any time.
begin;
select plan(26);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as c \gset
select pg_temp.d_send(:'c', '2020-01-01Z') as s \gset

-- Window of the campaign, zone of the target.
create function pg_temp.w(tz text, w_start time default '09:00', w_end time default '17:00',
                          days smallint[] default '{1,2,3,4,5}') returns void language sql as $$
  update outreach.campaigns set send_window_start = w_start, send_window_end = w_end, send_days = days
   where campaign_id = (select campaign_id from outreach.send_log where send_id = current_setting('t.send')::uuid);
  update outreach.company_target set timezone = tz
   where target_id = (select target_id from outreach.send_log where send_id = current_setting('t.send')::uuid);
$$;
create function pg_temp.nw(at timestamptz) returns timestamptz language sql stable as $$
  select outreach.next_send_window(current_setting('t.send')::uuid, at);
$$;
select set_config('t.send', :'s', true);

-- New York, default window (NULL zone: settings.default_timezone). Monday 2030-01-07 is EST (UTC-5).
select pg_temp.w(null);
select is(pg_temp.nw('2030-01-07 14:00Z'), '2030-01-07 14:00Z'::timestamptz, '09:00 local: inside (start inclusive)');
select is(pg_temp.nw('2030-01-07 13:59:59Z'), '2030-01-07 14:00Z'::timestamptz, 'a second before: opens at 09:00 local');
select is(pg_temp.nw('2030-01-07 21:59:59Z'), '2030-01-07 21:59:59Z'::timestamptz, '16:59:59 local: inside');
select is(pg_temp.nw('2030-01-07 22:00Z'), '2030-01-08 14:00Z'::timestamptz, '17:00 local: outside (end exclusive), next day 09:00');
select is(pg_temp.nw('2030-01-11 22:00Z'), '2030-01-14 14:00Z'::timestamptz, 'Friday after the window: Monday 09:00');
select is(pg_temp.nw('2030-01-12 15:00Z'), '2030-01-14 14:00Z'::timestamptz, 'Saturday: Monday 09:00');
select is(pg_temp.nw('2030-01-08 03:00Z'), '2030-01-08 14:00Z'::timestamptz, 'Monday 22:00 local (Tuesday in UTC): Tuesday 09:00 local');

-- New York DST, spring forward (Sunday 2026-03-08, 02:00 EST → 03:00 EDT).
select pg_temp.w('America/New_York', '09:00', '17:00', '{1,2,3,4,5,6,7}');
select is(pg_temp.nw('2026-03-08 12:00Z'), '2026-03-08 13:00Z'::timestamptz, 'the day DST starts: 09:00 EDT is 13:00 UTC');
select is(pg_temp.nw('2026-03-07 23:00Z'), '2026-03-08 13:00Z'::timestamptz, 'from the evening before (EST): still 09:00 EDT');
select pg_temp.w('America/New_York', '02:30', '05:00', '{7}');
select is(pg_temp.nw('2026-03-08 06:00Z'), '2026-03-08 07:00Z'::timestamptz,
          'a start at 02:30, inside the gap, opens at 03:00 EDT, the first valid instant after it');
select ok(outreach.in_send_window('2026-03-08 07:00Z', 'America/New_York', '{7}', '02:30', '05:00'),
          'and that instant is inside the window');
select ok(not outreach.in_send_window('2026-03-08 06:59:59Z', 'America/New_York', '{7}', '02:30', '05:00'),
          'the instant before it is not (01:59:59 EST)');

-- New York DST, fall back (Sunday 2026-11-01, 02:00 EDT → 01:00 EST).
select pg_temp.w('America/New_York', '09:00', '17:00', '{1,2,3,4,5,6,7}');
select is(pg_temp.nw('2026-11-01 12:00Z'), '2026-11-01 14:00Z'::timestamptz, 'the day DST ends: 09:00 EST is 14:00 UTC');
select is(pg_temp.nw('2026-10-31 20:59:59Z'), '2026-10-31 20:59:59Z'::timestamptz, 'the day before, 16:59:59 EDT: inside');
select is(pg_temp.nw('2026-10-31 21:00Z'), '2026-11-01 14:00Z'::timestamptz, '17:00 EDT: closed until 09:00 EST, 25 hours later');
select is(pg_temp.nw('2026-11-01 13:59:59.999999Z'), '2026-11-01 14:00Z'::timestamptz, 'a microsecond before 09:00 EST: opens at 09:00');
select pg_temp.w('America/New_York', '01:30', '03:00', '{7}');
select is(pg_temp.nw('2026-11-01 04:00Z'), '2026-11-01 05:30Z'::timestamptz,
          'a start in the repeated hour opens at its first occurrence (01:30 EDT)');

-- Kathmandu, UTC+05:45.
select pg_temp.w('Asia/Kathmandu');
select is(pg_temp.nw('2030-01-07 00:00Z'), '2030-01-07 03:15Z'::timestamptz, 'Kathmandu 09:00 is 03:15 UTC');
select is(pg_temp.nw('2030-01-07 11:14:59Z'), '2030-01-07 11:14:59Z'::timestamptz, '16:59:59 local: inside');
select is(pg_temp.nw('2030-01-07 11:15Z'), '2030-01-08 03:15Z'::timestamptz, '17:00 local: next day 09:00');

-- Lord Howe: +10:30, +11 in summer; DST starts Sunday 2026-10-04 at 02:00 (→ 02:30).
select pg_temp.w('Australia/Lord_Howe', '02:15', '06:00', '{7}');
select is(pg_temp.nw('2026-10-03 13:00Z'), '2026-10-03 15:30Z'::timestamptz,
          'a start at 02:15, inside the 30-minute gap, opens at 02:30 LHDT');
select pg_temp.w('Australia/Lord_Howe');
select is(pg_temp.nw('2026-10-04 12:00Z'), '2026-10-04 22:00Z'::timestamptz,
          'Sunday night: Monday 09:00 at +11 (22:00 UTC the day before)');
select is(pg_temp.nw('2026-10-01 00:00Z'), '2026-10-01 00:00Z'::timestamptz, 'Thursday 10:30 at +10:30: inside');

-- No send days; any time.
select pg_temp.w(null, '09:00', '17:00', '{}');
select is(pg_temp.nw('2030-01-07 15:00Z'), null, 'no send days: NULL (never)');
update outreach.sequences set send_time_preference = 'any' where campaign_id = :'c';
select is(pg_temp.nw('2030-01-12 03:00Z'), '2030-01-12 03:00Z'::timestamptz, 'a step with preference any: any time');
select throws_ok(format('select outreach.next_send_window(%L, now())', gen_random_uuid()), 'OR020', null, 'unknown send: OR020');

select * from finish();
rollback;
