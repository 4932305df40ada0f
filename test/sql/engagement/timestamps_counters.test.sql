-- SPEC §6.10 and §4 record_event: email_sent sets sent_at to the event time; every
-- timestamp is the earliest event of its kind whatever the arrival order; counters
-- equal the number of distinct events.
begin;
select plan(12);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send() as s \gset
select pg_temp.eng_event(:'s', 'email_sent', '2030-01-15 09:00Z');
select is((select (send_status, sent_at) from outreach.send_log where send_id = :'s'),
          ('sent'::text, '2030-01-15 09:00Z'::timestamptz), 'email_sent moves a queued send to sent with sent_at = the event time');

-- Opens and clicks arrive late and out of order.
select pg_temp.eng_event(:'s', 'email_open', '2030-01-15 12:00Z');
select pg_temp.eng_event(:'s', 'email_open', '2030-01-15 10:00Z');
select pg_temp.eng_event(:'s', 'email_open', '2030-01-15 11:00Z');
select pg_temp.eng_event(:'s', 'email_open', '2030-01-15 10:00Z');   -- redelivered
select pg_temp.eng_event(:'s', 'email_click', '2030-01-15 10:30Z', 'heyreach');
select pg_temp.eng_event(:'s', 'email_click', '2030-01-15 10:20Z', 'heyreach');
select pg_temp.eng_event(:'s', 'email_delivered', '2030-01-15 09:01Z');
select is((select opened_at from outreach.send_log where send_id = :'s'), '2030-01-15 10:00Z'::timestamptz,
          'opened_at is the earliest open, not the first to arrive');
select is((select clicked_at from outreach.send_log where send_id = :'s'), '2030-01-15 10:20Z'::timestamptz,
          'clicked_at is the earliest click');
select is((select delivered_at from outreach.send_log where send_id = :'s'), '2030-01-15 09:01Z'::timestamptz,
          'a late delivery receipt still sets delivered_at');
select is((select (open_count, click_count) from outreach.send_log where send_id = :'s'), (3, 2),
          'open_count and click_count count distinct events (a redelivery is not counted)');
select is((select (open_count, click_count) from outreach.send_log where send_id = :'s'),
          (select (count(*) filter (where event_type = 'email_open')::int, count(*) filter (where event_type = 'email_click')::int)
             from outreach.engagement_events where send_id = :'s'),
          'the counters equal the distinct events in the log');
select is((select sent_at from outreach.send_log where send_id = :'s'), '2030-01-15 09:00Z'::timestamptz,
          'later events leave sent_at alone');
select is((select send_status from outreach.send_log where send_id = :'s'), 'clicked', 'the status is the highest reached: clicked');

-- An event that proves sending, without (or before) email_sent, sets sent_at.
select pg_temp.eng_send() as s2 \gset
select pg_temp.eng_event(:'s2', 'email_open', '2030-01-15 10:00Z');
select is((select sent_at from outreach.send_log where send_id = :'s2'), '2030-01-15 10:00Z'::timestamptz,
          'an open on a send without email_sent sets sent_at (the message went out), so cooling-off sees it');
select pg_temp.eng_event(:'s2', 'email_sent', '2030-01-15 09:58Z');
select is((select sent_at from outreach.send_log where send_id = :'s2'), '2030-01-15 09:58Z'::timestamptz,
          'the late email_sent, earlier in time, sets sent_at to its own time');

-- Events that say nothing about the message change no status or timestamp.
select pg_temp.eng_send(status => 'sent', sent_at => '2030-01-15 09:00Z') as s3 \gset
select pg_temp.eng_event(:'s3', t, '2030-01-15 10:00Z') from unnest(array['linkedin_view', 'website_visit', 'form_submit']) t;
select is((select (send_status, opened_at, open_count) from outreach.send_log where send_id = :'s3'),
          ('sent'::text, null::timestamptz, 0), 'linkedin_view, website_visit and form_submit leave the send as it was');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s3'), 3, 'but they are logged');

select * from finish();
rollback;
