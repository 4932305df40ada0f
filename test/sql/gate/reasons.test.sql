-- SPEC §6.4: eligible ⇔ empty blocking_reasons; each failing rule yields its code.
begin;
select plan(22);
\ir ../fixtures.sql

select pg_temp.campaign('General') as camp \gset
select pg_temp.ready_record(60) as ok_rec \gset

select is(pg_temp.reasons(:'ok_rec'), '{}'::text[], 'a record passing every rule has no reasons');
select ok((select eligible from outreach.candidates() where outreach_id = :'ok_rec'), '... and is eligible');
select is((select primary_slot from outreach.candidates() where outreach_id = :'ok_rec'), 'HR', '... with HR as its contact');
select is((select campaign_id from outreach.candidates() where outreach_id = :'ok_rec'), :'camp'::uuid, '... and the campaign matched');

-- no_company_target
select outreach.init_outreach(pg_temp.company('No Target'), pg_temp.cid()) as r \gset
insert into outreach.bit_scores (outreach_id, score) values (:'r', 80);
select ok('no_company_target' = any (pg_temp.reasons(:'r')), 'no target → no_company_target');

-- missing_domain / missing_email_pattern (blank counts as missing)
select pg_temp.ready_record() as r \gset
update outreach.company_target set domain = '  ' where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['missing_domain'], 'blank domain → missing_domain only');
select pg_temp.ready_record() as r \gset
update outreach.company_target set email_pattern = null where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['missing_email_pattern'], 'no email pattern → missing_email_pattern only');

-- bit_below_threshold: below, and no score at all; exactly at the threshold passes
select pg_temp.ready_record(49.99) as r \gset
select is(pg_temp.reasons(:'r'), array['bit_below_threshold'], 'score 49.99 → bit_below_threshold');
select pg_temp.ready_record(null) as r \gset
select ok('bit_below_threshold' = any (pg_temp.reasons(:'r')), 'no score → bit_below_threshold');
select pg_temp.ready_record(50) as r \gset
select is(pg_temp.reasons(:'r'), '{}'::text[], 'score exactly 50 passes');

-- band_below_3: where there is a band, below 3 blocks; 3 passes (no band: the score decides, above)
select pg_temp.ready_record(60) as r \gset
update outreach.bit_scores set band = 2 where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['band_below_3'], 'band 2 → band_below_3 only');
update outreach.bit_scores set band = 3 where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), '{}'::text[], 'band 3 passes');

-- no_anchor_slot: every slot unfilled
select pg_temp.ready_record() as r \gset
update outreach.company_slot set person_id = null where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['no_anchor_slot'], 'no filled slot → no_anchor_slot only');

-- no_contact_email: filled slots, none usable
select pg_temp.ready_record() as r \gset
update outreach.people set email_status = 'bounced' where outreach_id = :'r' and title = 'HR';
update outreach.people set email_status = 'unsubscribed' where outreach_id = :'r' and title = 'CEO';
update outreach.people set email = '' where outreach_id = :'r' and title = 'CFO';
select is(pg_temp.reasons(:'r'), array['no_contact_email'], 'filled slots without a usable email → no_contact_email only');

-- cooling_off
select pg_temp.ready_record() as r \gset
select pg_temp.sent(:'r', now() - interval '10 days', 'opened');
select is(pg_temp.reasons(:'r'), array['cooling_off'], 'contacted 10 days ago → cooling_off only');

-- already_in_outreach: any queued row, whatever created it
select pg_temp.ready_record() as r \gset
insert into outreach.send_log (outreach_id, target_id, send_status, correlation_id)
select :'r', target_id, 'queued', gen_random_uuid() from outreach.company_target where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['already_in_outreach'], 'a queued send → already_in_outreach only');

-- target statuses
select pg_temp.ready_record() as r \gset
update outreach.company_target set target_status = 'paused' where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['target_paused'], 'paused target → target_paused');
select pg_temp.ready_record() as r \gset
update outreach.company_target set target_status = 'opted_out' where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['target_opted_out'], 'opted-out target → target_opted_out');
select pg_temp.ready_record() as r \gset
update outreach.company_target set target_status = 'exhausted' where outreach_id = :'r';
select is(pg_temp.reasons(:'r'), array['target_exhausted'], 'exhausted target → target_exhausted');

-- no_matching_campaign: an industry nobody targets once the general campaign is paused
update outreach.campaigns set campaign_status = 'paused' where campaign_id = :'camp';
select pg_temp.campaign('Healthcare only', industries => array['Healthcare']);
select is(pg_temp.reasons(:'ok_rec'), array['no_matching_campaign'], 'no campaign for the industry → no_matching_campaign');
update outreach.campaigns set campaign_status = 'active' where campaign_id = :'camp';

-- handed_off
update outreach.outreach set status = 'HANDED_OFF' where outreach_id = :'ok_rec';
select is(pg_temp.reasons(:'ok_rec'), array['handed_off'], 'handed-off record → handed_off');

-- The invariant over everything built above.
select is((select count(*)::int from outreach.candidates() where eligible <> (cardinality(blocking_reasons) = 0)), 0,
          'eligible exactly when blocking_reasons is empty, for every record');

select * from finish();
rollback;
