-- claim_sends walks the queue in send order a chunk (500 rows) at a time: takeable sends
-- behind more than a chunk of rows it cannot take (another sender's) are still found, in
-- order, and the walk stops at max_rows.
begin;
select plan(3);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign('smtp') as other \gset
select pg_temp.d_campaign() as q \gset
update outreach.settings set hourly_send_cap = 100000, daily_send_cap = 100000;
-- 1,100 older sends of another sender (two chunks and more), then five of this one.
select count(pg_temp.d_send(:'other', '2030-01-07 13:00Z'::timestamptz + g * interval '1 second')) from generate_series(1, 1100) g;
create temp table mine as
  select g as n, pg_temp.d_send(:'q', '2030-01-07 14:00Z'::timestamptz + g * interval '1 second') as send_id
    from generate_series(1, 5) g;

create temp table got as select * from outreach.claim_sends(gen_random_uuid(), 'queue', 3, '5 minutes', '2030-01-07 15:00Z');
select is((select array_agg(g.send_id order by m.n) from got g join mine m using (send_id)),
          (select array_agg(send_id order by n) from mine where n <= 3),
          'the three oldest of this sender, found behind 1,100 rows of another');
select is((select count(*)::int from got), 3, 'max_rows, not more');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'queue', 10, '5 minutes', '2030-01-07 15:00Z')), 2,
          'the next call takes the remaining two');

select * from finish();
rollback;
