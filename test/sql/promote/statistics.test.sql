-- Issue 18: a bulk enrolment refreshes send_log's statistics (the next statements on it
-- are planned for what it now holds, not for the table before); a small one does not.
begin;
select plan(5);
\ir ../fixtures.sql

select pg_temp.campaign();
update outreach.settings set daily_send_cap = 100000, hourly_send_cap = 100000;
select pg_temp.ready_record(50 + (g % 50)) from generate_series(1, 1200) g;
analyze outreach.send_log;
select is((select reltuples from pg_class where oid = 'outreach.send_log'::regclass), 0::real,
          'before: the statistics know of no send');

select is((select count(*)::int from outreach.promote(gen_random_uuid(), 20)), 20, 'a small enrolment');
select is((select reltuples from pg_class where oid = 'outreach.send_log'::regclass), 0::real,
          'does not analyse (20 rows)');

select is((select count(*)::int from outreach.promote(gen_random_uuid(), 5000)), 1180, 'a bulk enrolment');
select is((select reltuples from pg_class where oid = 'outreach.send_log'::regclass), 1200::real,
          'refreshes the statistics: they count every send');

select * from finish();
rollback;
