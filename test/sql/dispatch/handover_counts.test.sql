-- The first hand-overs claim_sends counts against its caps, kept per channel and UTC hour
-- (outreach_private.handover_counts, sql/80_dispatch/55_handover_counts.sql): equal to a
-- recount from send_log after every kind of write (claims across hours and days, a
-- statement that re-dates, moves or clears first hand-overs, an insert with them set, a
-- delete, a write that changes nothing of them); writes with the triggers off leave them
-- stale, and refresh_handover_counts() or refresh_gate_state() of every record repairs
-- them; the caps read them.
begin;
select plan(21);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

create function pg_temp.h_count(ch text, h timestamptz) returns bigint language sql stable as $$
  select coalesce((select handovers from outreach_private.handover_counts where channel = ch and hour = h), 0)
$$;

select pg_temp.d_campaign(pref => 'any') as q \gset
select pg_temp.d_send(:'q', '2030-01-07 10:00Z'::timestamptz + g * interval '1 second') from generate_series(1, 12) g;
update outreach.settings set hourly_send_cap = 1000, daily_send_cap = 1000;

-- Claims in three hours over two UTC days, 15:59:59 and 16:00 on either side of a boundary.
-- The first two are acknowledged (handed over), the third left leased.
create function pg_temp.h_ack_all() returns bigint language sql volatile as $$
  select count(outreach.ack_send(l.send_id, l.claim_token)) from outreach.send_log l
   where l.claim_token is not null and l.handed_over_at is null
$$;
select count(*) from pg_temp.d_claim('queue', 3, '2030-01-07 15:59:59Z');
select pg_temp.h_ack_all();
select count(*) from pg_temp.d_claim('queue', 2, '2030-01-07 16:00Z');
select pg_temp.h_ack_all();
select count(*) from pg_temp.d_claim('queue', 4, '2030-01-08 15:30Z');
select is(pg_temp.h_count('email', '2030-01-07 15:00Z'), 3::bigint, 'three first hand-overs in the 15:00 hour (15:59:59 is in it)');
select is(pg_temp.h_count('email', '2030-01-07 16:00Z'), 2::bigint, 'two in the 16:00 hour');
select is(pg_temp.h_count('email', '2030-01-08 15:00Z'), 4::bigint, 'four in the 15:00 hour of the next UTC day');
select is(pg_temp.handover_drift(), 0::bigint, 'the kept counts equal the recount after claims');

-- A re-claim (expired lease) is no new hand-over; an ack changes nothing either.
select count(*) from pg_temp.d_claim('queue', 20, '2030-01-08 17:00Z');
select is(pg_temp.h_count('email', '2030-01-08 15:00Z'), 4::bigint, 're-claims after the leases expired add nothing to the first hand-over''s hour');
select is(pg_temp.h_count('email', '2030-01-08 17:00Z'), 3::bigint, 'the three sends never claimed count in the 17:00 hour');
select is(pg_temp.handover_drift(), 0::bigint, 'still equal after re-claims');

-- One statement that re-dates some, moves one to LinkedIn and clears another.
with pick as (select send_id, row_number() over (order by send_id) n from outreach.send_log where first_claimed_at is not null)
update outreach.send_log l
   set first_claimed_at = case when p.n = 1 then null when p.n <= 4 then l.first_claimed_at - interval '3 days' else l.first_claimed_at end,
       channel = case when p.n = 5 then 'linkedin' else l.channel end,
       linkedin_url = case when p.n = 5 then 'https://www.linkedin.com/in/moved' else l.linkedin_url end
  from pick p
 where p.send_id = l.send_id and p.n <= 5;
select is(pg_temp.handover_drift(), 0::bigint, 'equal after one statement re-dates three, moves one to another channel and clears one');
select is((select sum(handovers) from outreach_private.handover_counts where channel = 'linkedin'), 1::numeric,
          'the moved one counts on its new channel');

-- A write that touches no first hand-over (an event's status) writes no count.
create temp table before as select * from outreach_private.handover_counts;
update outreach.send_log set updated_at = updated_at + interval '1 second', open_count = open_count + 1;
select is((select count(*) from (select * from outreach_private.handover_counts except all select * from before) x), 0::bigint,
          'a statement that changes no first hand-over changes no count');

-- An insert with a first hand-over set (an import), and deletes.
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, first_claimed_at, correlation_id)
select outreach_id, target_id, 'import' || g || '@example.com', 'cancelled', '2030-01-01', '2030-01-01 09:15Z'::timestamptz + g * interval '20 minutes', gen_random_uuid()
  from outreach.company_target, generate_series(1, 4) g
 where outreach_id = (select outreach_id from outreach.send_log limit 1);
select is(pg_temp.h_count('email', '2030-01-01 09:00Z'), 2::bigint, 'imported first hand-overs count in their own hours (09:35, 09:55)');
delete from outreach.send_log where first_claimed_at >= '2030-01-01' and first_claimed_at < '2030-01-01 10:00Z';
select is(pg_temp.h_count('email', '2030-01-01 09:00Z'), 0::bigint, 'deleted ones no longer count');
select is(pg_temp.handover_drift(), 0::bigint, 'equal after inserts and deletes');

-- As the hub's roles: the writer's claims are counted (the triggers write the counts as
-- their owner) and it may refresh them; the reader may do neither, nor read them.
select pg_temp.d_send(:'q', '2030-01-09 10:00Z') from generate_series(1, 2);
set local role outreach_hub_writer;
select cmp_ok((select count(*) from outreach.claim_sends(gen_random_uuid(), 'queue', 20, '5 minutes', '2030-01-09 15:30Z') c
                where c.attempt = 1), '>=', 2::bigint, 'outreach_hub_writer claims the two new sends');
select is(outreach.refresh_handover_counts(), 0::bigint, '... its claims were counted exactly: a refresh as the writer finds nothing to change');
reset role;
set local role hub_reader;
select throws_ok($$select outreach.refresh_handover_counts()$$, '42501', null, 'hub_reader cannot refresh the counts');
select throws_ok($$select * from outreach_private.handover_counts$$, '42501', null, 'nor read them');
reset role;

-- Written with the triggers off: stale until refreshed.
set local session_replication_role = replica;
update outreach.send_log set first_claimed_at = '2030-02-01 12:00Z' where first_claimed_at is not null;
reset session_replication_role;
select cmp_ok(pg_temp.handover_drift(), '>', 0::bigint, 'writes with session_replication_role = replica leave the counts stale');
select cmp_ok(outreach.refresh_handover_counts(), '>', 0::bigint, 'refresh_handover_counts() rewrites the hours that were wrong');
select is(pg_temp.handover_drift(), 0::bigint, '... and the counts are exact again');
set local session_replication_role = replica;
update outreach.send_log set first_claimed_at = null;
reset session_replication_role;
select outreach.refresh_gate_state();
select is(pg_temp.handover_drift(), 0::bigint, 'refresh_gate_state() of every record repairs them too');

select * from finish();
rollback;
