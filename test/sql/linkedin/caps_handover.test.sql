-- The LinkedIn caps at hand-over: claim_sends hands over at most
-- linkedin_weekly_connect_cap connection requests (step 1 of a LinkedIn enrolment)
-- in the rolling 7 days up to as_of and linkedin_daily_message_cap messages (later
-- steps) per UTC day; the email caps do not count LinkedIn sends.
begin;
select plan(7);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir ../dispatch/_fixtures.sql

update outreach.settings set linkedin_weekly_connect_cap = 3, linkedin_daily_message_cap = 1, hourly_send_cap = 1;
select pg_temp.d_campaign('heyreach', 2, 'any', 'hr-caps') as camp \gset
-- Claim and acknowledge at once (the push went through): how many were handed over.
create function pg_temp.li_handover(at timestamptz) returns int language sql volatile as $$
  select count(outreach.ack_send(c.send_id, c.claim_token))::int
    from outreach.claim_sends(gen_random_uuid(), 'heyreach', 100, '5 minutes', at) c
$$;
select is((select channel from outreach.campaigns where campaign_id = :'camp'), 'linkedin', 'a heyreach campaign is linkedin');

-- Six LinkedIn step-1 sends of six companies.
create temp table li_sends as select pg_temp.d_send(:'camp') as send_id from generate_series(1, 6);
update outreach.send_log set channel = 'linkedin', linkedin_url = 'https://linkedin.com/in/p-' || send_id
 where send_id in (select send_id from li_sends);
-- Two were handed over before: 6 days 23 hours ago (inside the 7 days) and exactly 7 days ago (outside).
update outreach.send_log set first_claimed_at = '2030-01-07 15:00Z'::timestamptz - interval '6 days 23 hours',
                             handed_over_at = '2030-01-01 16:00Z', send_status = 'sent', sent_at = '2030-01-01 16:00Z'
 where send_id = (select send_id from li_sends order by send_id limit 1);
update outreach.send_log set first_claimed_at = '2030-01-07 15:00Z'::timestamptz - interval '7 days',
                             handed_over_at = '2029-12-31 15:00Z', send_status = 'sent', sent_at = '2029-12-31 15:00Z'
 where send_id = (select send_id from li_sends order by send_id offset 1 limit 1);

select is(pg_temp.li_handover('2030-01-07 15:00Z'::timestamptz), 2,
          'cap 3, one request in the last 7 days: two more handed over (the hourly email cap of 1 does not apply)');
select is(pg_temp.li_handover('2030-01-07 15:01Z'::timestamptz), 0,
          'at the cap: nothing more');
select is(pg_temp.li_handover('2030-01-08 14:00Z'::timestamptz), 1,
          'an hour after the oldest request leaves the 7 days: exactly one more');

-- Messages: two later-step LinkedIn sends, cap 1 a UTC day.
create temp table li_msgs as select pg_temp.d_send(:'camp', '2030-01-08 13:00Z') as send_id from generate_series(1, 2);
update outreach.send_log set channel = 'linkedin', linkedin_url = 'https://linkedin.com/in/m-' || send_id,
                             sequence_step = 2,
                             sequence_id = (select sequence_id from outreach.sequences where campaign_id = :'camp' and sequence_order = 2)
 where send_id in (select send_id from li_msgs);
select is(pg_temp.li_handover('2030-01-08 14:30Z'::timestamptz), 1,
          'daily message cap 1: one message handed over');
select is(pg_temp.li_handover('2030-01-08 23:59Z'::timestamptz), 0,
          'none more that UTC day');
select is(pg_temp.li_handover('2030-01-09 00:01Z'::timestamptz), 1,
          'the next UTC day: the other one');

select * from finish();
rollback;
