-- Issue 10: campaign_metrics(sent_from, sent_before) per campaign and overall, against
-- hand-computed counts: messages sent in [sent_from, sent_before), events recorded
-- through record_event before sent_before; zero sends → NULL rates and flags.
begin;
select plan(16);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set w0 '''2030-01-01 00:00Z'''
\set w1 '''2030-01-31 00:00Z'''

insert into outreach.campaigns (campaign_name, campaign_status) values ('A', 'active') returning campaign_id as camp_a \gset
insert into outreach.campaigns (campaign_name, campaign_status) values ('B', 'active') returning campaign_id as camp_b \gset

-- Campaign A: s1..s9 sent inside the window, s10 exactly at its start (inside).
create temp table a (n int, s uuid);
insert into a select g, pg_temp.eng_send(:'camp_a', 'sent', timestamptz '2030-01-10 09:00Z') from generate_series(1, 9) g;
insert into a values (10, pg_temp.eng_send(:'camp_a', 'sent', :w0));
create function pg_temp.a(n int) returns uuid language sql stable as $$ select s from a where a.n = $1 $$;

select pg_temp.eng_event(pg_temp.a(g), 'email_delivered', '2030-01-10 09:01Z') from generate_series(1, 7) g;
select pg_temp.eng_event(pg_temp.a(8), 'email_bounce', '2030-01-10 09:02Z');
select pg_temp.eng_event(pg_temp.a(g), 'email_open', '2030-01-10 10:00Z') from generate_series(1, 3) g;
select pg_temp.eng_event(pg_temp.a(4), 'email_click', '2030-01-10 10:00Z');   -- a click without an open event
select pg_temp.eng_event(pg_temp.a(1), 'email_click', '2030-01-10 11:00Z');
select pg_temp.eng_event(pg_temp.a(9), 'email_open', '2030-01-10 12:00Z');    -- delivery proven by the open alone
select pg_temp.eng_event(pg_temp.a(2), 'email_reply', '2030-01-11 09:00Z');
select pg_temp.eng_event(pg_temp.a(5), 'unsubscribe', '2030-01-12 09:00Z');
select pg_temp.eng_event(pg_temp.a(6), 'email_open', :w1);                    -- at the window's end: outside
select pg_temp.eng_event(pg_temp.a(7), 'email_reply', '2030-02-02 09:00Z');   -- after it: outside
-- A: sent 10; delivered 1-7, 9 = 8; bounced 8 = 1; opened 1-4, 9 = 5; clicked 1, 4 = 2;
--    replied 2 = 1; unsubscribed 5 = 1.

-- Campaign B: sent just before the window and exactly at its end: nothing inside.
select pg_temp.eng_send(:'camp_b', 'sent', timestamptz :w0 - interval '1 microsecond');
select pg_temp.eng_send(:'camp_b', 'sent', :w1);
-- Imported history without a campaign: one message, bounced.
select pg_temp.eng_event(pg_temp.eng_send(null, 'sent', timestamptz '2030-01-15 08:00Z'), 'email_bounce', '2030-01-15 08:01Z');
-- Queued, never sent: not a message of the window.
select pg_temp.eng_send(:'camp_a', 'queued', null, timestamptz '2030-01-20 08:00Z');

create temp table m as select * from outreach.campaign_metrics(:w0, :w1);

select is((select count(*)::int from m), 4, 'one row per campaign, one for messages without a campaign, one overall');
select is((select (sent, delivered, bounced, opened, clicked, replied, unsubscribed) from m where campaign_id = :'camp_a'),
          (10::bigint, 8::bigint, 1::bigint, 5::bigint, 2::bigint, 1::bigint, 1::bigint),
          'campaign A counts: sent 10, delivered 8, bounced 1, opened 5, clicked 2, replied 1, unsubscribed 1');
select is((select (delivered_rate, bounce_rate, open_rate, click_rate, reply_rate, unsubscribe_rate) from m where campaign_id = :'camp_a'),
          (0.8000, 0.1000, 0.5000, 0.2000, 0.1000, 0.1000),
          'campaign A rates over sent: 80 % delivered, 10 % bounced, 50 % opened, 20 % clicked, 10 % replied, 10 % unsubscribed');
select is((select (bounce_target, bounce_met, open_target, open_met, reply_target, reply_met) from m where campaign_id = :'camp_a'),
          (0.05, false, 0.20, true, 0.03, true),
          'campaign A beside the PRD targets: bounce missed (10 % ≥ 5 %), open met (50 % > 20 %), reply met (10 % > 3 %)');

select is((select (campaign_name, sent, delivered, bounced) from m where campaign_id = :'camp_b'),
          ('B'::text, 0::bigint, 0::bigint, 0::bigint), 'campaign B: nothing sent inside the window (both ends checked)');
select is((select (delivered_rate, bounce_rate, open_rate, click_rate, reply_rate, unsubscribe_rate) from m where campaign_id = :'camp_b'),
          (null::numeric, null::numeric, null::numeric, null::numeric, null::numeric, null::numeric),
          'zero sends: every rate is NULL');
select is((select (bounce_met, open_met, reply_met) from m where campaign_id = :'camp_b'),
          (null::boolean, null::boolean, null::boolean), 'zero sends: every met flag is NULL');
select is((select (bounce_target, open_target, reply_target) from m where campaign_id = :'camp_b'),
          (0.05, 0.20, 0.03), 'zero sends: the targets are still shown');

select is((select (sent, bounced, bounce_rate, bounce_met) from m where campaign_name = 'no campaign' and not is_total),
          (1::bigint, 1::bigint, 1.0000, false), 'messages without a campaign get a row of their own');

select is((select (sent, delivered, bounced, opened, clicked, replied, unsubscribed) from m where is_total),
          (11::bigint, 8::bigint, 2::bigint, 5::bigint, 2::bigint, 1::bigint, 1::bigint),
          'overall counts every message sent in the window');
select is((select (delivered_rate, bounce_rate, open_rate, click_rate, reply_rate, unsubscribe_rate) from m where is_total),
          (0.7273, 0.1818, 0.4545, 0.1818, 0.0909, 0.0909), 'overall rates: 8/11, 2/11, 5/11, 2/11, 1/11, 1/11 (4 places)');
select is((select (window_start, window_end) from m where is_total), (timestamptz :w0, timestamptz :w1),
          'each row names its window');

-- An empty window: the overall row alone, NULL rates; campaigns still listed with 0.
select is((select (sent, bounce_rate, bounce_met, open_met, reply_met)
             from outreach.campaign_metrics('2031-01-01Z', '2031-02-01Z') where is_total),
          (0::bigint, null::numeric, null::boolean, null::boolean, null::boolean), 'an empty window: overall 0 sent, NULL rates and flags');
select is((select count(*)::int from outreach.campaign_metrics('2031-01-01Z', '2031-02-01Z') where campaign_name = 'no campaign'), 0,
          'no "no campaign" row when no such message was sent');

-- v_campaign_metrics: the last 30 × 24 h up to now.
select pg_temp.eng_send(:'camp_b', 'sent', now() - interval '1 hour');
select pg_temp.eng_send(:'camp_b', 'sent', now() - interval '721 hours');
select is((select sent from outreach.v_campaign_metrics where campaign_id = :'camp_b'), 1::bigint,
          'v_campaign_metrics counts what was sent in the last 30 days (720 h), not before');
select ok((select window_end - window_start = interval '720 hours' from outreach.v_campaign_metrics where is_total),
          'its window is exactly 720 hours');

select * from finish();
rollback;
