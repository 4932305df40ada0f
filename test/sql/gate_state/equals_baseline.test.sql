-- candidates() reading the kept state returns exactly what the recomputing version
-- (bench/baseline.sql: bench_baseline.candidates, the function before issue 18)
-- returns, row for row and reason for reason, on a varied dataset built here, at
-- several moments (as_of in the past, now, in the future).
begin;
select plan(18);
\ir ../../../bench/baseline.sql

select setseed(0.5);

-- Campaigns: general, industry- and size-specific, a LinkedIn one, one with a total limit
-- reached, one outside its dates, one paused.
with c as (
  insert into outreach.campaigns (campaign_name, campaign_status, target_bit_score_min, target_industries,
                                  min_employees, max_employees, priority, total_send_limit, start_date, end_date,
                                  sender, provider_campaign_id, channel)
  values ('General', 'active', 50, null, null, null, 0, null, null, null, 'queue', null, 'email'),
         ('Retail small', 'active', 55, array[' Retail', 'Hospitality'], null, 200, 2, null, null, null, 'queue', null, 'email'),
         ('Enterprise', 'active', 60, null, 1000, null, 3, null, null, null, 'queue', null, 'email'),
         ('LinkedIn finance', 'active', 50, array['Finance'], null, null, 5, null, null, null, 'heyreach', 'hr-1', 'linkedin'),
         ('Full', 'active', 40, null, null, null, 9, 1, null, null, 'queue', null, 'email'),
         ('Next year', 'active', 40, null, null, null, 9, null, current_date + 300, null, 'queue', null, 'email'),
         ('Paused', 'paused', 40, null, null, null, 9, null, null, null, 'queue', null, 'email')
  returning campaign_id, campaign_name)
insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
select c.campaign_id, c.campaign_name || ' ' || s, s, 0 from c cross join generate_series(1, 2) s;

-- 1,500 companies with every attribute drawn at random.
insert into cl.company_identity (company_name, company_domain)
select 'Eq ' || n, 'eq' || n || '.example' from generate_series(1, 1500) n;
select outreach.init_pending(gen_random_uuid(), 2000);
create temp table gen as
select substr(c.company_name, 4)::int as n, c.sovereign_company_id as sid, c.outreach_id as oid
  from cl.company_identity c where c.company_name like 'Eq %';

insert into outreach.company_target (outreach_id, sovereign_company_id, domain, email_pattern, industry, employee_count, target_status)
select oid, sid,
       case when random() < 0.9 then 'eq' || n || '.example' when random() < 0.5 then ' ' end,
       case when random() < 0.85 then '{first}@eq' || n || '.example' end,
       (array['Retail', 'retail ', 'Finance', 'Healthcare', 'Hospitality', null])[1 + floor(random() * 6)::int],
       case when random() < 0.9 then floor(10 * power(500, random()))::int end,
       (array['queued', 'queued', 'queued', 'active', 'paused', 'opted_out', 'exhausted'])[1 + floor(random() * 7)::int]
  from gen where random() < 0.93;
insert into outreach.people (outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status, linkedin_url)
select g.oid, t.target_id, g.sid, s || ' ' || g.n,
       case when random() < 0.9 then lower(s) || g.n || '@eq.example' end, s,
       (array['verified', 'verified', 'unverified', 'bounced', 'unsubscribed'])[1 + floor(random() * 5)::int],
       case when random() < 0.5 then 'https://linkedin.com/in/' || lower(s) || g.n end
  from gen g join outreach.company_target t on t.outreach_id = g.oid
  cross join unnest(array['HR', 'CEO', 'CFO']) s
 where random() < 0.62;
insert into outreach.company_slot (outreach_id, slot_type, person_id)
select g.oid, s, p.person_id
  from gen g join outreach.company_target t on t.outreach_id = g.oid
  cross join unnest(array['HR', 'CEO', 'CFO']) s
  left join outreach.people p on p.outreach_id = g.oid and p.title = s;
insert into outreach.bit_scores (outreach_id, score, band, pressure_class)
select oid, round((100 * random())::numeric, 1),
       case when random() < 0.6 then floor(random() * 6) end,
       case when random() < 0.7 then (array['COST_PRESSURE', 'VENDOR_DISSATISFACTION', 'DEADLINE_PROXIMITY'])[1 + floor(random() * 3)::int] end
  from gen where random() < 0.5;
insert into outreach.upstream_status (outreach_id, hub_id, status)
select g.oid, h, case when random() < 0.8 then 'PASS' when random() < 0.5 then 'FAIL' end
  from gen g cross join unnest(array['company_target', 'dol_filings', 'people_intelligence', 'blog_content']) h
 where g.n % 4 = 0 and random() < 0.85;
-- Sends: history (some dated in the future), queued step 1s, the full campaign's one send.
insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
select g.oid, t.target_id, g.sid, (select campaign_id from outreach.campaigns where campaign_name = 'Full'), 'h@eq.example',
       (array['sent', 'delivered', 'bounced', 'replied'])[1 + floor(random() * 4)::int], now(),
       now() + interval '1 day' * (random() * 240 - 180), gen_random_uuid()
  from gen g join outreach.company_target t on t.outreach_id = g.oid
  cross join generate_series(1, 2) k
 where random() < 0.2;
insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, email_to, send_status, scheduled_at, correlation_id)
select g.oid, t.target_id, g.sid, 'q@eq.example', 'queued', now(), gen_random_uuid()
  from gen g join outreach.company_target t on t.outreach_id = g.oid
 where random() < 0.05;
update outreach.outreach set status = (array['ACTIVE', 'HANDED_OFF', 'PAUSED'])[1 + floor(random() * 3)::int]
 where outreach_id in (select oid from gen where random() < 0.08);
select outreach.suppress('eq' || n || '.example', 'test', 'manual', gen_random_uuid()) from gen where n % 37 = 0;

select ok((select count(*) from outreach.candidates(now()) where eligible) > 20
          and (select count(*) from outreach.candidates(now()) where 'cooling_off' = any (blocking_reasons)) > 20
          and (select count(*) from outreach.candidates(now()) where channel = 'linkedin') > 5
          and (select count(*) from outreach.candidates(now()) where 'no_contact_profile' = any (blocking_reasons)) > 0
          and (select count(*) from outreach.candidates(now()) where 'suppressed' = any (blocking_reasons)) > 5
          and (select count(*) from outreach.candidates(now()) where 'upstream_not_passed' = any (blocking_reasons)) > 5
          -- unscored records in cooling-off, with each contact reason before it and none
          and (select count(distinct (blocking_reasons && '{no_anchor_slot}', blocking_reasons && '{no_contact_email}',
                                      blocking_reasons && '{no_company_target}'))
                 from outreach.candidates(now()) where bit_score is null and 'cooling_off' = any (blocking_reasons)) >= 3,
          'the dataset exercises the rules (eligible, cooling-off scored and unscored, LinkedIn, no profile, suppressed, upstream)');

create function pg_temp.differing(at timestamptz) returns bigint language sql stable as $$
  select (select count(*) from (select * from outreach.candidates(at) except all select * from bench_baseline.candidates(at)) a)
       + (select count(*) from (select * from bench_baseline.candidates(at) except all select * from outreach.candidates(at)) b)
$$;

select is(pg_temp.differing(now()), 0::bigint, 'now: the same rows as the baseline');
select is(pg_temp.differing(now() - interval '120 days'), 0::bigint, 'an as_of 120 days back (later sends ignored): the same rows');
select is(pg_temp.differing(now() - interval '45 days'), 0::bigint, 'an as_of 45 days back: the same rows');
select is(pg_temp.differing(now() + interval '40 days'), 0::bigint, 'an as_of 40 days ahead: the same rows');
select is(pg_temp.differing(now() + interval '400 days'), 0::bigint, 'an as_of 400 days ahead (another campaign window): the same rows');

-- The kept bits spell the kept reasons, and promote's count of the unscored records by
-- their reasons (from the bits) is what grouping candidates_unscored() gives.
create function pg_temp.tally_differs(at timestamptz) returns bigint language sql stable as $$
  select (select count(*) from (select * from outreach_private.unscored_tally(at) except all
                                select u.blocking_reasons, count(*) from outreach.candidates_unscored(at) u group by 1) a)
       + (select count(*) from (select u.blocking_reasons, count(*) from outreach.candidates_unscored(at) u group by 1 except all
                                select * from outreach_private.unscored_tally(at)) b)
$$;
select is((select count(*) from outreach.gate_state g
            where g.unscored_mask is distinct from
                  (select sum(1 << (c.k::int - 1))::int from unnest(outreach.blocking_reason_codes()) with ordinality c(code, k)
                    where c.code = any (g.unscored_reasons))),
          0::bigint, 'unscored_mask has exactly the bits of unscored_reasons (NULL for a scored record)');
select is(pg_temp.tally_differs(now()), 0::bigint, 'the unscored tally now equals counting candidates_unscored()');
select is(pg_temp.tally_differs(now() - interval '45 days'), 0::bigint, '... 45 days back');
select is(pg_temp.tally_differs(now() + interval '40 days'), 0::bigint, '... 40 days ahead');
select ok((select count(*) from outreach_private.unscored_tally(now()) where 'cooling_off' = any (blocking_reasons)) > 0,
          'the tally has unscored records in cooling-off');

-- Each part's reason_bits are its reasons as bits (what promote's log counts by): spelt by
-- reasons_of they are blocking_reasons, and 0 exactly when the record is eligible.
create function pg_temp.bits_differ(at timestamptz) returns bigint language sql stable as $$
  select (select count(*) from outreach.candidates_scored(at) c
           where outreach_private.reasons_of(c.reason_bits) is distinct from c.blocking_reasons
              or (c.reason_bits = 0) is distinct from c.eligible)
       + (select count(*) from outreach.candidates_unscored(at) u
           where outreach_private.reasons_of(u.reason_bits) is distinct from u.blocking_reasons
              or u.reason_bits = 0)
$$;
select is(pg_temp.bits_differ(now()), 0::bigint, 'reason_bits spell blocking_reasons in both parts, 0 exactly when eligible');
select is(pg_temp.bits_differ(now() - interval '45 days'), 0::bigint, '... 45 days back');
select is(pg_temp.bits_differ(now() + interval '40 days'), 0::bigint, '... 40 days ahead');

-- promote's evaluation log (scored part evaluated, unscored part tallied) is the funnel of
-- candidates() at the same moment: records, eligible and every reason's count.
select jsonb_build_object('evaluated', count(*), 'eligible', count(*) filter (where c.eligible),
                          'blocked', (select jsonb_object_agg(k.code, coalesce(b.n, 0))
                                        from unnest(outreach.blocking_reason_codes()) k(code)
                                        left join (select r, count(*) as n
                                                     from outreach.candidates(now()) x cross join unnest(x.blocking_reasons) r
                                                    group by r) b on b.r = k.code)) as expected
  from outreach.candidates(now()) c \gset
select count(*) from outreach.promote('7d0f4a52-3c4e-4b8e-9f1a-0c2d3e4f5a6b', 1, now());
select is((select jsonb_build_object('evaluated', r.evaluated, 'eligible', r.eligible, 'blocked', r.blocked_by_reason)
             from outreach.evaluation_runs r where r.correlation_id = '7d0f4a52-3c4e-4b8e-9f1a-0c2d3e4f5a6b'),
          :'expected'::jsonb, 'promote logs exactly the funnel of candidates() (evaluated, eligible, every reason)');

-- Settings read at read time.
update outreach.settings set bit_threshold = 65, cooling_off = interval '45 days';
select is(pg_temp.differing(now()), 0::bigint, 'a higher threshold and a longer cooling-off: the same rows');

-- After random writes of every kind.
update outreach.company_target set target_status = 'queued', domain = 'eq.example' where outreach_id in (select oid from gen where n % 5 = 0);
update outreach.bit_scores set score = score + 20, band = 4 where random() < 0.3;
update outreach.people set email_status = 'bounced' where random() < 0.1;
update outreach.send_log set send_status = 'cancelled' where send_status = 'queued' and random() < 0.5;
delete from outreach.send_log where sent_at > now() and random() < 0.5;
update outreach.hub_registry set must_pass_before = null, parallel = true where hub_id = 'dol_filings';
select is(pg_temp.differing(now()), 0::bigint, 'after writes to every table: the same rows');

-- The comparison can fail: a kept state row out of step shows.
update outreach.gate_state set spine_status = 'HANDED_OFF'
 where outreach_id = (select outreach_id from outreach.candidates(now()) where eligible limit 1);
select isnt(pg_temp.differing(now()), 0::bigint, 'a state row changed by hand makes the outputs differ');

select * from finish();
rollback;
