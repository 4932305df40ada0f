-- SPEC §6.4 over varied data: 400 records with random gaps (target, domain, pattern,
-- score, band, slots, emails, statuses, sends, campaigns): eligible ⇔ no reasons,
-- the contact equals primary_contact(id, pressure class), cooling-off agrees with
-- cooling_off(), and the campaign agrees with match_campaign().
begin;
select plan(6);
\ir ../fixtures.sql

select setseed(0.31);
select pg_temp.campaign('General', min_score => 50);
select pg_temp.campaign('Mfg', industries => array['Manufacturing'], min_employees => 100, max_employees => 1000, priority => 3);
select pg_temp.campaign('Big', min_employees => 900, priority => 1);

create temp table recs as
  select g, pg_temp.ready_record(case when random() < 0.2 then null else round((random() * 100)::numeric, 1) end,
                                 (array['Manufacturing', 'Retail', 'Healthcare'])[1 + floor(random() * 3)::int],
                                 (random() * 1500)::int) as r
    from generate_series(1, 400) g;
update outreach.company_target set domain = case when random() < 0.1 then '' else domain end,
                                   email_pattern = case when random() < 0.1 then null else email_pattern end,
                                   target_status = case when random() < 0.1 then (array['paused','opted_out','exhausted','active'])[1 + floor(random() * 4)::int] else target_status end;
update outreach.people set email_status = (array['bounced','unsubscribed','unverified','verified'])[1 + floor(random() * 4)::int]
 where random() < 0.4;
update outreach.people set email = null where random() < 0.1;
update outreach.company_slot set person_id = null where random() < 0.3;
update outreach.bit_scores set band = case when random() < 0.5 then floor(random() * 6)::smallint end,
                               pressure_class = case when random() < 0.5 then (array['COST_PRESSURE','VENDOR_DISSATISFACTION','DEADLINE_PROXIMITY','ORGANIZATIONAL_RECONFIGURATION','OPERATIONAL_CHAOS'])[1 + floor(random() * 5)::int] end;
select pg_temp.sent(r, now() - random() * interval '60 days', (array['sent','opened','replied','bounced'])[1 + floor(random() * 4)::int])
  from recs where random() < 0.3;
insert into outreach.send_log (outreach_id, target_id, send_status, correlation_id)
select t.outreach_id, t.target_id, 'queued', gen_random_uuid() from recs join outreach.company_target t on t.outreach_id = recs.r
 where random() < 0.05
on conflict do nothing;
update outreach.outreach set status = 'HANDED_OFF' where outreach_id in (select r from recs where random() < 0.03);

select is((select count(*)::int from outreach.candidates() where eligible <> (cardinality(blocking_reasons) = 0)), 0,
          'eligible exactly when blocking_reasons is empty, on 400 varied records');
select cmp_ok((select count(*)::int from outreach.candidates() where eligible), '>', 0, 'some are eligible');
select cmp_ok((select count(distinct x) from outreach.candidates(), unnest(blocking_reasons) x)::int, '>=', 12, 'and most reasons occur');
select is((select count(*)::int from outreach.candidates() c
            left join outreach.bit_scores b on b.outreach_id = c.outreach_id
            left join lateral (select * from outreach.primary_contact(c.outreach_id, b.pressure_class)) pc on true
           where c.primary_person_id is distinct from pc.person_id or c.primary_slot is distinct from pc.slot_type), 0,
          'the contact equals primary_contact(id, the record''s pressure class) everywhere');
select is((select count(*)::int from outreach.candidates() c, outreach.cooling_off(c.outreach_id) co
           where ('cooling_off' = any (c.blocking_reasons)) <> co.in_cooling_off
              or c.cooling_off_until is distinct from co.eligible_at), 0,
          'cooling_off reason and cooling_off() agree everywhere');
select is((select count(*)::int from outreach.candidates() c
            left join lateral (select * from outreach.match_campaign(c.outreach_id)) m on true
           where c.campaign_id is distinct from m.campaign_id), 0,
          'campaign_id and match_campaign() agree everywhere');

select * from finish();
rollback;
