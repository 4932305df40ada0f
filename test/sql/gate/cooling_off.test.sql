-- SPEC §6.5: cooling-off counts every sent message whatever its later status;
-- exact boundary (30 × 24 h); the same answer in every TimeZone, across DST.
begin;
select plan(20);
\ir ../fixtures.sql

select pg_temp.campaign();

-- Every later status of a message that was sent still counts.
create temp table statuses as
  select s, pg_temp.ready_record() as r
    from unnest(array['sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced']) s;
select pg_temp.sent(r, timestamptz '2026-03-01 12:00:00+00', s) from statuses;
select is((select array_agg(s order by s) from statuses
            where (select in_cooling_off from outreach.cooling_off(r, timestamptz '2026-03-20 00:00:00+00'))),
          array['bounced', 'clicked', 'delivered', 'opened', 'replied', 'sent'],
          'a message sent and later delivered/opened/clicked/replied/bounced still starts cooling-off');
select is((select count(*)::int from statuses
            where 'cooling_off' = any (pg_temp.reasons(r, timestamptz '2026-03-20 00:00:00+00'))), 6,
          'candidates reports cooling_off for all six');

-- A row that never went out (queued, failed, cancelled: no sent_at) does not count.
select pg_temp.ready_record() as never \gset
insert into outreach.send_log (outreach_id, target_id, send_status, scheduled_at, correlation_id)
select :'never', target_id, st, timestamptz '2026-03-01 12:00+00', gen_random_uuid()
  from outreach.company_target, unnest(array['failed', 'cancelled']) st where outreach_id = :'never';
select is((select in_cooling_off from outreach.cooling_off(:'never', timestamptz '2026-03-02 00:00+00')), false,
          'failed or cancelled sends without sent_at do not count as contact');

-- The latest of several sends is the last contact.
select pg_temp.ready_record() as r \gset
select pg_temp.sent(:'r', timestamptz '2026-01-01 00:00+00');
select pg_temp.sent(:'r', timestamptz '2026-02-10 09:30+00', 'replied');
select is((select last_contacted_at from outreach.cooling_off(:'r', timestamptz '2026-02-11 00:00+00')),
          timestamptz '2026-02-10 09:30+00', 'last contact is the latest sent_at');
select is((select eligible_at from outreach.cooling_off(:'r', timestamptz '2026-02-11 00:00+00')),
          timestamptz '2026-03-12 09:30+00', 'eligible again exactly 30 × 24 h later');

-- Exact boundary.
select ok((select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-03-12 09:29:59.999999+00')),
          'one microsecond before the boundary: still cooling off');
select ok(not (select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-03-12 09:30:00+00')),
          'exactly at last + 30 days: eligible');
select is(pg_temp.reasons(:'r', timestamptz '2026-03-12 09:29:59.999999+00'), array['cooling_off'],
          'candidates agrees one microsecond before');
select is(pg_temp.reasons(:'r', timestamptz '2026-03-12 09:30:00+00'), '{}'::text[],
          'candidates agrees exactly at the boundary');
select is((select cooling_off_until from outreach.candidates(timestamptz '2026-03-01+00') where outreach_id = :'r'),
          timestamptz '2026-03-12 09:30+00', 'candidates reports cooling_off_until');

-- TimeZone independence, across the US DST change of 2026-03-08.
set local timezone = 'America/New_York';
select is((select eligible_at from outreach.cooling_off(:'r', timestamptz '2026-02-11 00:00+00')),
          timestamptz '2026-03-12 09:30+00', 'New York session: the same instant, though DST began in between');
select ok((select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-03-12 09:29:59+00')),
          'New York session: still cooling off a second before');
set local timezone = 'Pacific/Chatham';
select ok(not (select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-03-12 09:30:00+00')),
          'Chatham (+13:45) session: eligible at the same instant');
set local timezone = 'Europe/London';
select pg_temp.ready_record() as uk \gset
select pg_temp.sent(:'uk', timestamptz '2026-03-10 12:00+00');
select is((select eligible_at from outreach.cooling_off(:'uk')), timestamptz '2026-04-09 12:00+00',
          'London session across BST: 720 h later, not "30 calendar days" local');
reset timezone;

-- No contact at all.
select pg_temp.ready_record() as fresh \gset
select is((select (in_cooling_off, last_contacted_at, eligible_at) from outreach.cooling_off(:'fresh')),
          (false, null::timestamptz, null::timestamptz), 'never contacted: one row, not cooling off');
select is((select count(*)::int from outreach.cooling_off(gen_random_uuid())), 1, 'always exactly one row');

-- A stricter setting moves the boundary.
update outreach.settings set cooling_off = interval '45 days';
select ok((select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-03-12 09:30:00+00')),
          'with 45 days, day 30 is still cooling off');
select is((select eligible_at from outreach.cooling_off(:'r')), timestamptz '2026-03-27 09:30+00',
          'with 45 days, eligible 45 × 24 h after the last contact');

-- A send after as_of blocks it too when it is less than cooling-off away (two
-- contacts are never closer than cooling-off, whatever the clocks): 45 days now.
select ok((select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-01-01 00:00+00' - interval '1 second')),
          'as of one second before the first send: cooling off (the send is less than 45 days later)');
select ok(not (select in_cooling_off from outreach.cooling_off(:'r', timestamptz '2026-01-01 00:00+00' - interval '45 days')),
          'as of exactly 45 × 24 h before the first send: free');

select * from finish();
rollback;
