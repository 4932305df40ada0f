-- SPEC §5 campaign matching: active, in window, score, industry, size, total limit,
-- active first step; most specific wins, then priority, then a stable tie-break.
begin;
select plan(16);
\ir ../fixtures.sql

select pg_temp.ready_record(60, 'Manufacturing', 250) as r \gset
select is((select count(*)::int from outreach.match_campaign(:'r')), 0, 'no campaign → no match');

select pg_temp.campaign('Draft') as draft \gset
update outreach.campaigns set campaign_status = 'draft' where campaign_id = :'draft';
select is((select count(*)::int from outreach.match_campaign(:'r')), 0, 'a draft campaign does not match');

select pg_temp.campaign('General') as general \gset
select is((select campaign_id from outreach.match_campaign(:'r')), :'general'::uuid, 'an open active campaign matches');
select is((select sequence_id from outreach.match_campaign(:'r')),
          (select sequence_id from outreach.sequences where campaign_id = :'general' and sequence_order = 1),
          'with its first step');

-- Date window: inclusive UTC days.
update outreach.campaigns set start_date = '2026-06-01', end_date = '2026-06-30' where campaign_id = :'general';
select is((select campaign_id from outreach.match_campaign(:'r', timestamptz '2026-06-30 23:59:59+00')), :'general'::uuid,
          'last second of the end date (UTC) is inside the window');
select is((select count(*)::int from outreach.match_campaign(:'r', timestamptz '2026-07-01 00:00:00+00')), 0,
          'the next UTC day is outside');
select is((select count(*)::int from outreach.match_campaign(:'r', timestamptz '2026-05-31 23:59:59+00')), 0,
          'the day before the start is outside');
update outreach.campaigns set start_date = null, end_date = null where campaign_id = :'general';

-- Score minimum.
update outreach.campaigns set target_bit_score_min = 61 where campaign_id = :'general';
select is((select count(*)::int from outreach.match_campaign(:'r')), 0, 'score 60 is under a minimum of 61');
update outreach.campaigns set target_bit_score_min = 60 where campaign_id = :'general';
select is((select campaign_id from outreach.match_campaign(:'r')), :'general'::uuid, 'score 60 meets a minimum of 60');

-- Industry list (case-insensitive) and employee range (inclusive).
select pg_temp.campaign('Mfg 100-250', industries => array['manufacturing'], min_employees => 100, max_employees => 250) as mfg \gset
select is((select campaign_id from outreach.match_campaign(:'r')), :'mfg'::uuid, 'the more specific campaign wins (industry, range bounds inclusive)');
update outreach.company_target set employee_count = 251 where outreach_id = :'r';
select is((select campaign_id from outreach.match_campaign(:'r')), :'general'::uuid, '251 employees is outside 100–250');
update outreach.company_target set employee_count = 250, industry = 'Retail' where outreach_id = :'r';
select is((select campaign_id from outreach.match_campaign(:'r')), :'general'::uuid, 'another industry falls back to the general one');
update outreach.company_target set industry = 'Manufacturing' where outreach_id = :'r';

-- Priority among equally specific campaigns, then a stable tie-break.
select pg_temp.campaign('Mfg 100-250 urgent', industries => array['Manufacturing'], min_employees => 100, max_employees => 250, priority => 5) as urgent \gset
select is((select campaign_id from outreach.match_campaign(:'r')), :'urgent'::uuid, 'higher priority wins among equally specific');
-- Its first step paused: not a candidate any more.
update outreach.sequences set sequence_status = 'paused' where campaign_id = :'urgent' and sequence_order = 1;
select is((select campaign_id from outreach.match_campaign(:'r')), :'mfg'::uuid, 'a campaign whose first step is paused does not match');

-- Total limit: reached → no longer matches.
update outreach.campaigns set total_send_limit = 1 where campaign_id = :'mfg';
insert into outreach.send_log (outreach_id, target_id, campaign_id, send_status, correlation_id)
select outreach_id, target_id, :'mfg', 'sent', gen_random_uuid() from outreach.company_target where outreach_id = :'r';
select is((select campaign_id from outreach.match_campaign(:'r')), :'general'::uuid, 'a campaign at its total limit does not match');

-- No score → no campaign.
select pg_temp.ready_record(null) as noscore \gset
select is((select count(*)::int from outreach.match_campaign(:'noscore')), 0, 'a record without a score matches nothing');

select * from finish();
rollback;
