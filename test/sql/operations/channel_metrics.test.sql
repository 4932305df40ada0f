-- KPIs per channel (issue 16): channel_metrics(sent_from, sent_before) has one row per
-- channel; email keeps the PRD's bounce/open/reply targets, LinkedIn counts connection
-- requests, acceptances, messages and replies (no opens, bounces or unsubscribes);
-- campaign_metrics names each campaign's channel.
begin;
select plan(14);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir ../linkedin/_fixtures.sql

insert into outreach.campaigns (campaign_name, campaign_status) values ('Mail', 'active') returning campaign_id as mail \gset
select pg_temp.li_campaign('LI') as li \gset

-- Email: four sent, one bounced, two opened, one replied.
create temp table m as select row_number() over () as n, s from (select pg_temp.eng_send(:'mail', 'sent', timestamptz '2030-01-10 09:00Z') s from generate_series(1, 4)) x;
select pg_temp.eng_event((select s from m where n = 1), 'email_bounce', '2030-01-10 09:01Z');
select pg_temp.eng_event((select s from m where n = 2), 'email_open', '2030-01-10 10:00Z');
select pg_temp.eng_event((select s from m where n = 3), 'email_open', '2030-01-10 10:00Z');
select pg_temp.eng_event((select s from m where n = 3), 'email_reply', '2030-01-11 10:00Z');

-- LinkedIn: five connection requests sent, three accepted, two messages reported, one reply.
create temp table l as select row_number() over () as n, s from (select pg_temp.eng_send(:'li', 'sent', timestamptz '2030-01-10 09:00Z') s from generate_series(1, 5)) x;
update outreach.send_log set channel = 'linkedin', email_to = null, linkedin_url = 'https://linkedin.com/in/x-' || send_id
 where send_id in (select s from l);
select pg_temp.eng_event((select s from l where n = g), 'linkedin_connect_accepted', '2030-01-11 09:00Z') from generate_series(1, 3) g;
select pg_temp.eng_event((select s from l where n = 1), 'linkedin_message_sent', '2030-01-12 09:00Z');
select pg_temp.eng_event((select s from l where n = 2), 'linkedin_message_sent', '2030-01-12 09:00Z');
select pg_temp.eng_event((select s from l where n = 2), 'linkedin_reply', '2030-01-13 09:00Z');

create temp table cm as select * from outreach.channel_metrics('2030-01-01 00:00Z', '2030-01-31 00:00Z');

select is((select array_agg(channel) from cm), array['email', 'linkedin'], 'one row per channel, email first');
select is((select sent from cm where channel = 'email'), 4::bigint, 'email: four sent');
select is((select bounced from cm where channel = 'email'), 1::bigint, 'email: one bounced');
select is((select open_rate from cm where channel = 'email'), 0.5000, 'email: open rate 2/4');
select is((select reply_rate from cm where channel = 'email'), 0.2500, 'email: reply rate 1/4');
select is((select connects_sent from cm where channel = 'email'), null::bigint, 'email: no connection requests column value');
select is((select sent from cm where channel = 'linkedin'), 5::bigint, 'LinkedIn: five sent');
select is((select connects_accepted from cm where channel = 'linkedin'), 3::bigint, 'LinkedIn: three accepted');
select is((select acceptance_rate from cm where channel = 'linkedin'), 0.6000, 'LinkedIn: acceptance 3/5');
select is((select messages_sent from cm where channel = 'linkedin'), 2::bigint, 'LinkedIn: two messages reported');
select is((select replied from cm where channel = 'linkedin'), 1::bigint, 'LinkedIn: one reply');
select is((select open_rate from cm where channel = 'linkedin'), null::numeric, 'LinkedIn: no open rate');
select is((select array_agg(channel order by campaign_name) from outreach.campaign_metrics('2030-01-01 00:00Z', '2030-01-31 00:00Z') where not is_total),
          array['linkedin', 'email'], 'campaign_metrics names each campaign''s channel');
select is((select count(*)::int from outreach.channel_metrics('2031-01-01 00:00Z', '2031-01-31 00:00Z') where sent = 0 and reply_rate is null),
          2, 'nothing sent: both rows, zero sent, rates NULL');

select * from finish();
rollback;
