-- Issue 10: the met/missed flags at the PRD boundaries, compared exactly on counts:
-- bounce < 5 %, open > 20 %, reply > 3 % (100 messages per campaign: target −1, at, +1).
begin;
select plan(11);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

\set t '''2030-03-10 09:00Z'''

-- A campaign with 100 messages sent at :t; `bounces`, `opens`, `replies` of them (distinct messages).
create function pg_temp.kpi_campaign(name text, bounces int, opens int, replies int)
returns uuid language plpgsql volatile as $$
declare
  camp uuid;
  s uuid[];
begin
  insert into outreach.campaigns (campaign_name, campaign_status) values (name, 'active') returning campaign_id into camp;
  select array_agg(x) into s from pg_temp.eng_sends(100, '2030-03-10 09:00Z') x;
  update outreach.send_log set campaign_id = camp where send_id = any (s);
  perform pg_temp.eng_events_on(s[1:bounces], 'email_bounce', '2030-03-10 09:05Z');
  perform pg_temp.eng_events_on(s[11:10 + opens], 'email_open', '2030-03-10 10:00Z');
  perform pg_temp.eng_events_on(s[41:40 + replies], 'email_reply', '2030-03-11 10:00Z');
  return camp;
end $$;

select pg_temp.kpi_campaign('below', 4, 19, 2) as below \gset
select pg_temp.kpi_campaign('at', 5, 20, 3) as at \gset
select pg_temp.kpi_campaign('above', 6, 21, 4) as above \gset

create temp table m as select * from outreach.campaign_metrics('2030-03-01Z', '2030-04-01Z');

select is((select (bounce_rate, bounce_met) from m where campaign_id = :'below'), (0.0400, true), 'bounce 4 % (< 5 %): met');
select is((select (bounce_rate, bounce_met) from m where campaign_id = :'at'), (0.0500, false), 'bounce exactly 5 %: missed (must be below)');
select is((select (bounce_rate, bounce_met) from m where campaign_id = :'above'), (0.0600, false), 'bounce 6 %: missed');

select is((select (open_rate, open_met) from m where campaign_id = :'below'), (0.1900, false), 'open 19 %: missed');
select is((select (open_rate, open_met) from m where campaign_id = :'at'), (0.2000, false), 'open exactly 20 %: missed (must be above)');
select is((select (open_rate, open_met) from m where campaign_id = :'above'), (0.2100, true), 'open 21 % (> 20 %): met');

select is((select (reply_rate, reply_met) from m where campaign_id = :'below'), (0.0200, false), 'reply 2 %: missed');
select is((select (reply_rate, reply_met) from m where campaign_id = :'at'), (0.0300, false), 'reply exactly 3 %: missed (must be above)');
select is((select (reply_rate, reply_met) from m where campaign_id = :'above'), (0.0400, true), 'reply 4 % (> 3 %): met');

-- Decided on the counts, not the rounded rate: 100 bounces of 2,001 sent is 4.9975 %,
-- shown as 0.0500 but below 5 %.
insert into outreach.campaigns (campaign_name, campaign_status) values ('rounding', 'active') returning campaign_id as rnd \gset
create temp table r as select x as s from pg_temp.eng_sends(2001, '2030-05-10 09:00Z') x;
update outreach.send_log set campaign_id = :'rnd' where send_id in (select s from r);
update outreach.send_log set bounced_at = '2030-05-10 09:05Z', send_status = 'bounced'
 where send_id in (select s from r order by s limit 100);
select is((select (bounce_rate, bounce_met) from outreach.campaign_metrics('2030-05-01Z', '2030-06-01Z') where campaign_id = :'rnd'),
          (0.0500, true), '100 of 2,001 bounced: displayed 0.0500, met (4.9975 % < 5 %, compared exactly)');

-- The targets come from outreach.kpi_targets.
update outreach.kpi_targets set target = 0.06 where kpi = 'bounce_rate';
select is((select bounce_met from outreach.campaign_metrics('2030-03-01Z', '2030-04-01Z') where campaign_id = :'at'), true,
          'with the bounce target raised to 6 %, 5 % is met');

select * from finish();
rollback;
