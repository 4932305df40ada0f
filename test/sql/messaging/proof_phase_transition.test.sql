-- Issue 8: band 5 proof line, phase transition with the decision window in days:
--   PHASE TRANSITION: <CLASS> — DOL: … + People: … + Blog: … — Decision window: N days
-- N counts UTC calendar days from as_of to the DOL renewal date, in any session TimeZone.
begin;
select plan(7);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.msg_evidence(pg_temp.msg_record(5, 'COST_PRESSURE')) as r \gset

select is((select (proof_line, format, reason) from outreach.proof(:'r', :'t')),
          ('PHASE TRANSITION: COST_PRESSURE — DOL: employer contribution +18% YoY, renewal in 75 days + People: CFO seat assigned 40 days ago (VP Finance) + Blog: vendor_review "Broker under review" (2026-04-01) — Decision window: 75 days'::text,
           'phase_transition'::text, null::text),
          'DOL + People + Blog, then the decision window, format phase_transition');

select alike(outreach.proof_line(:'r', '2026-07-18 23:59:59+00'), '% — Decision window: 0 days',
             'on the renewal day itself the window is 0 days');
select alike(outreach.proof_line(:'r', '2026-06-18 00:00:00+00'), '% — Decision window: 30 days',
             'as_of decides: a month later the window is 30 days');

-- UTC calendar days whatever the session TimeZone: 2026-05-03 23:30 UTC is still 2026-05-03.
select outreach.proof_line(:'r', '2026-05-03 23:30:00+00') as utc_line \gset
select alike(:'utc_line'::text, '% — Decision window: 76 days', '23:30 UTC the day before counts 76 days');
set local timezone = 'Pacific/Kiritimati';
select is(outreach.proof_line(:'r', '2026-05-03 23:30:00+00'), :'utc_line'::text, 'the same in UTC+14');
set local timezone = 'America/Los_Angeles';
select is(outreach.proof_line(:'r', '2026-05-03 23:30:00+00'), :'utc_line'::text, 'the same in UTC-7');
reset timezone;

-- The decision window is the nearest upcoming renewal.
select pg_temp.msg_dol(:'r', date '2026-05-24', 3);
select alike(outreach.proof_line(:'r', :'t'), '% — Decision window: 20 days', 'a nearer renewal shortens the window');

select * from finish();
rollback;
