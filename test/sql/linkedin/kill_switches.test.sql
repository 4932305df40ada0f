-- The LinkedIn caps as kill switches (SPEC §12): linkedin_weekly_connect_cap counts
-- connection requests in the rolling 7 days (hub hand-overs of step 1 and the
-- requests a provider reports, one send once), linkedin_daily_message_cap the
-- messages of the UTC day (later-step hand-overs and provider-reported messages);
-- each trips at its threshold (−1 no, 0 yes), pauses LinkedIn only (email keeps
-- going), resumes by itself, and cannot be cleared by hand.
begin;
select plan(24);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir ../dispatch/_fixtures.sql

update outreach.settings set linkedin_weekly_connect_cap = 3, linkedin_daily_message_cap = 2;
select pg_temp.d_campaign('heyreach', 2, 'any', 'hr-ks') as li_camp \gset
select pg_temp.d_campaign('queue', 2, 'any') as mail_camp \gset

create function pg_temp.board(name text) returns table (observed numeric, tripped boolean, resumes_at timestamptz)
language sql stable as $$
  select k.observed, k.tripped, k.resumes_at from outreach.kill_switches('2030-01-07 15:00Z') k where k.switch = name
$$;
create function pg_temp.crossed(name text, at timestamptz default '2030-01-07 15:00Z') returns boolean
language sql stable as $$
  select r.crossed from outreach.kill_switch_readings(at) r where r.switch = name
$$;

-- Eight LinkedIn step-1 sends of eight companies, one queued email send.
create temp table li_sends as
  select row_number() over () as n, s.send_id
    from (select pg_temp.d_send(:'li_camp') as send_id from generate_series(1, 8)) s;
update outreach.send_log set channel = 'linkedin', email_to = null, linkedin_url = 'https://linkedin.com/in/p-' || send_id
 where send_id in (select send_id from li_sends);
select pg_temp.d_send(:'mail_camp') as mail_send \gset
create function pg_temp.li(k int) returns uuid language sql stable as $$ select send_id from li_sends where n = k $$;

-- Two requests handed over by the hub inside the 7 days, one exactly 7 days ago (outside).
update outreach.send_log set first_claimed_at = '2030-01-01 16:00Z', handed_over_at = '2030-01-01 16:00Z'
 where send_id = pg_temp.li(1);
update outreach.send_log set first_claimed_at = '2030-01-03 10:00Z', handed_over_at = '2030-01-03 10:00Z'
 where send_id = pg_temp.li(2);
update outreach.send_log set first_claimed_at = '2030-01-07 15:00Z'::timestamptz - interval '7 days',
                             handed_over_at = '2029-12-31 15:00Z'
 where send_id = pg_temp.li(3);
-- The provider reports the request of send 2 as well: it still counts once.
select outreach.record_event(pg_temp.li(2), 'linkedin_connect_sent', '2030-01-03T10:05:00Z', 'heyreach');

select is((select observed from pg_temp.board('linkedin_weekly_connect_cap')), 2::numeric,
          'two requests in the window (a reported hand-over counts once; one exactly 7 days old does not)');
select is(pg_temp.crossed('linkedin_weekly_connect_cap'), false, 'cap 3, 2 requests (threshold −1): not crossed');

-- A request the provider sent on its own (no hub hand-over) counts too.
update outreach.send_log set handed_over_at = '2030-01-02 09:00Z', first_claimed_at = null where send_id = pg_temp.li(4);
select outreach.record_event(pg_temp.li(4), 'linkedin_connect_sent', '2030-01-05T09:00:00Z', 'heyreach');
select is((select observed from pg_temp.board('linkedin_weekly_connect_cap')), 3::numeric, 'a provider-reported request counts');
select is(pg_temp.crossed('linkedin_weekly_connect_cap'), true, 'cap 3, 3 requests (threshold 0): crossed');

select is((select tripped from outreach.check_kill_switches(gen_random_uuid(), '2030-01-07 15:00Z')
            where switch = 'linkedin_weekly_connect_cap'), true, 'check_kill_switches trips it');
select is((select resumes_at from pg_temp.board('linkedin_weekly_connect_cap')), '2030-01-08 16:00Z'::timestamptz,
          'paused until the oldest request of the window leaves it (7 days after 2030-01-01 16:00Z)');
select is((select action from outreach.kill_switches('2030-01-07 15:00Z') where switch = 'linkedin_weekly_connect_cap'),
          'pause_linkedin_connects_until_window_frees', 'its action');
select is(outreach.sending_halted('2030-01-07 15:00Z'), false, 'it does not halt sending as a whole');
select is(outreach.halted_switches('2030-01-07 15:00Z'), array['linkedin_weekly_connect_cap'], 'it is the switch in force');

-- What may be handed over now: the email send, no LinkedIn connection request.
select is((select count(*)::int from outreach.due_sends('2030-01-07 15:00Z') d where d.send_id = :'mail_send'), 1,
          'the email send stays takeable');
select is((select count(*)::int from outreach.due_sends('2030-01-07 15:00Z') d where d.channel = 'linkedin'), 0,
          'no LinkedIn connection request is takeable while the switch is in force');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'heyreach', 100, '5 minutes', '2030-01-07 15:01Z')), 0,
          'claim_sends hands no LinkedIn request over');

-- +1: a fourth request; tripped again after resuming, the window frees later.
select outreach.record_event(pg_temp.li(5), 'linkedin_connect_sent', '2030-01-08T16:30:00Z', 'heyreach');
update outreach.send_log set handed_over_at = '2030-01-08 16:30Z' where send_id = pg_temp.li(5);
select is((select k.tripped from outreach.check_kill_switches(gen_random_uuid(), '2030-01-08 17:00Z') k
            where k.switch = 'linkedin_weekly_connect_cap'), true,
          'after its resume time, three requests in the new window (threshold 0) trip it again');
select is((select k.resumes_at from outreach.kill_switches('2030-01-08 17:00Z') k where k.switch = 'linkedin_weekly_connect_cap'),
          '2030-01-10 10:00Z'::timestamptz, 'paused until the oldest request of the new window leaves it');
select is((select array_agg(action order by occurred_at, action desc) from outreach.kill_switch_history
            where switch = 'linkedin_weekly_connect_cap'), array['tripped', 'resumed', 'tripped']::text[],
          'history: tripped, resumed at its resume time, tripped again');

-- Messages of the UTC day: one later-step hand-over and provider-reported messages.
select pg_temp.d_send(:'li_camp', '2030-01-09 08:00Z') as msg_send \gset
update outreach.send_log set channel = 'linkedin', email_to = null, linkedin_url = 'https://linkedin.com/in/m1',
                             sequence_step = 2, first_claimed_at = '2030-01-09 08:30Z', handed_over_at = '2030-01-09 08:30Z',
                             sequence_id = (select sequence_id from outreach.sequences where campaign_id = :'li_camp' and sequence_order = 2)
 where send_id = :'msg_send';
select is(pg_temp.crossed('linkedin_daily_message_cap', '2030-01-09 12:00Z'), false, 'cap 2, one message (threshold −1): not crossed');
select outreach.record_event(pg_temp.li(1), 'linkedin_message_sent', '2030-01-09T09:00:00Z', 'heyreach');
select outreach.record_event(pg_temp.li(1), 'linkedin_message_sent', '2030-01-08T23:59:59Z', 'heyreach');
select is((select r.observed from outreach.kill_switch_readings('2030-01-09 12:00Z') r where r.switch = 'linkedin_daily_message_cap'),
          2::numeric, 'a provider-reported message that UTC day counts, one of the day before does not');
select is(pg_temp.crossed('linkedin_daily_message_cap', '2030-01-09 12:00Z'), true, 'cap 2, two messages (threshold 0): crossed');
select outreach.record_event(pg_temp.li(2), 'linkedin_message_sent', '2030-01-09T10:00:00Z', 'heyreach');
select is((select r.crossed from outreach.kill_switch_readings('2030-01-09 12:00Z') r where r.switch = 'linkedin_daily_message_cap'),
          true, 'three messages (threshold +1): crossed');
select is((select k.resumes_at from outreach.check_kill_switches(gen_random_uuid(), '2030-01-09 12:00Z') k
            where k.switch = 'linkedin_daily_message_cap'), '2030-01-10 00:00Z'::timestamptz,
          'tripped until the next UTC midnight');

-- A later-step LinkedIn send is not takeable while the message switch is in force.
select pg_temp.d_send(:'li_camp', '2030-01-09 11:00Z') as msg2 \gset
update outreach.send_log set channel = 'linkedin', email_to = null, linkedin_url = 'https://linkedin.com/in/m2', sequence_step = 2,
                             sequence_id = (select sequence_id from outreach.sequences where campaign_id = :'li_camp' and sequence_order = 2)
 where send_id = :'msg2';
select is((select count(*)::int from outreach.due_sends('2030-01-09 12:00Z') d where d.send_id = :'msg2'), 0,
          'no LinkedIn message is takeable while the message switch is in force');
select is((select count(*)::int from outreach.due_sends('2030-01-10 00:00Z') d where d.send_id = :'msg2'), 1,
          'at the next UTC midnight it is');

select throws_ok($$select outreach.clear_kill_switch('linkedin_daily_message_cap', 'ops', 'now')$$, 'OR023',
                 null, 'a LinkedIn cap switch cannot be cleared by hand');

-- The email rates are email reputation: LinkedIn sends are not in their sample.
update outreach.send_log set sent_at = '2030-01-09 09:00Z' where send_id in (select send_id from li_sends);
select is((select r.sample from outreach.kill_switch_readings('2030-01-09 12:00Z') r where r.switch = 'bounce_rate'),
          0::bigint, 'LinkedIn sends are not in the bounce-rate sample');

select * from finish();
rollback;
