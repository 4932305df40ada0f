-- claim_sends cancels a suppressed send instead of handing it over and looks further:
-- max_rows are still claimed when enough takeable sends exist, none twice, and a cap
-- is spent only on what is handed over.
begin;
select plan(7);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as q \gset
create temp table s as
  select g as n, pg_temp.d_send(:'q', '2030-01-07 14:00Z'::timestamptz + g * interval '1 minute') as send_id
    from generate_series(1, 6) g;
-- The two oldest go to suppressed addresses.
select outreach.suppress((select email_to from outreach.send_log where send_id = (select send_id from s where n = k)),
                         'asked', 'manual', gen_random_uuid())
  from generate_series(1, 2) k;
update outreach.settings set hourly_send_cap = 3, daily_send_cap = 100;

create temp table got as
  select * from outreach.claim_sends(gen_random_uuid(), 'queue', 3, '5 minutes', '2030-01-07 15:00Z');
select is((select array_agg(g.send_id order by s.n) from got g join s using (send_id)),
          (select array_agg(send_id order by n) from s where n between 3 and 5),
          'the two suppressed are skipped and the next three claimed (max_rows 3)');
select is((select count(distinct send_id)::int from got), 3, 'none twice');
select is((select count(*)::int from outreach.send_log where send_id in (select send_id from s where n <= 2)
             and send_status = 'cancelled' and stop_reason = 'suppressed'), 2, 'the suppressed two are cancelled');
select is((select count(*)::int from outreach.send_log where first_claimed_at is not null), 3,
          'three first hand-overs');
select is((select count(*)::int from outreach.send_log where claim_token is not null and attempt = 1), 3,
          'each leased once, attempt 1');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'queue', 3, '5 minutes', '2030-01-07 15:01Z')), 0,
          'the hourly cap of 3 is spent: the sixth waits');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'queue', 4, '5 minutes', '2030-01-07 16:00Z')
            where send_id = (select send_id from s where n = 6)), 1, 'the next hour it goes (with the three expired leases claimed again)');

select * from finish();
rollback;
