-- Issue 8: no evidence, no line. proof_line is NULL and outreach.proof says why
-- (first failing rule); authorize_message reports the same reason.
begin;
select plan(15);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
create temp table cases (label text, oid uuid, expected text);

-- Not a record at all.
insert into cases values ('unknown id', gen_random_uuid(), 'unknown_outreach');
-- No BIT score row.
insert into cases values ('no score', pg_temp.ready_record(null), 'no_bit_score');
-- A score without a band, with evidence.
insert into cases values ('no band', pg_temp.msg_evidence(pg_temp.msg_record(null, 'COST_PRESSURE')), 'no_band');
-- Band below 3, with evidence.
insert into cases values ('band 2', pg_temp.msg_evidence(pg_temp.msg_record(2, 'COST_PRESSURE')), 'band_below_3');
-- A band without a pressure class.
insert into cases values ('no class', pg_temp.msg_evidence(pg_temp.msg_record(4, null)), 'no_pressure_class');
-- Band 3 with nothing: no DOL, no blog, no dated seat.
insert into cases values ('band 3 bare', pg_temp.msg_record(3, 'COST_PRESSURE'), 'no_evidence');
-- Band 3 whose only DOL filing says nothing (no change, renewal passed), an undated blog item.
select pg_temp.msg_record(3, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', date '2026-01-01', null);
select pg_temp.msg_blog(:'r', 'expansion', 'Undated item', null);
select pg_temp.msg_blog(:'r', '  ', '', '2026-04-01 09:00:00+00');
insert into cases values ('band 3 empty sources', :'r', 'no_evidence');
-- Band 4 without DOL (People and Blog present).
select pg_temp.msg_record(4, 'COST_PRESSURE') as r \gset
select pg_temp.msg_seat(:'r', 'CFO', '2026-03-25 12:00:00+00');
select pg_temp.msg_blog(:'r', 'vendor_review', 'Broker under review', '2026-04-01 09:00:00+00');
insert into cases values ('band 4 no DOL', :'r', 'no_dol_evidence');
-- Band 4 without a dated seat (DOL and Blog present).
select pg_temp.msg_record(4, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', date '2026-07-18', 18);
select pg_temp.msg_blog(:'r', 'vendor_review', 'Broker under review', '2026-04-01 09:00:00+00');
insert into cases values ('band 4 no People', :'r', 'no_people_evidence');
-- Band 5 without a blog item.
insert into cases values ('band 5 no Blog', pg_temp.msg_evidence(pg_temp.msg_record(5, 'COST_PRESSURE'), with_blog => false), 'no_blog_evidence');
-- Band 5 whose renewal has passed: DOL evidence (the change) but no decision window.
select pg_temp.msg_record(5, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', date '2026-05-03', 18);
select pg_temp.msg_seat(:'r', 'CFO', '2026-03-25 12:00:00+00');
select pg_temp.msg_blog(:'r', 'vendor_review', 'Broker under review', '2026-04-01 09:00:00+00');
insert into cases values ('band 5 renewal passed', :'r', 'no_decision_window');

select is((select reason from outreach.proof(c.oid, :'t')), c.expected, c.label || ' → ' || c.expected)
  from cases c order by c.label;

select is((select count(*)::int from cases c where outreach.proof_line(c.oid, :'t') is not null
                                                 or (select format from outreach.proof(c.oid, :'t')) is not null), 0,
          'every case has a NULL proof line and a NULL format');
select is((select count(*)::int from cases c, outreach.authorize_message(c.oid, :'t') a
            where a.authorized or a.reason is distinct from c.expected), 0,
          'authorize_message refuses every case with the same reason');
select is((select count(*)::int from cases c, outreach.proof(c.oid, :'t')), (select count(*)::int from cases),
          'proof returns one row per case, the unknown id included');

-- The band-5 record with a passed renewal is fine as band 4 (no window needed).
update outreach.bit_scores set band = 4 where outreach_id = :'r';
select is((select (format, reason) from outreach.proof(:'r', :'t')), ('convergence'::text, null::text),
          'read as band 4, the record whose renewal passed has a proof line');

select * from finish();
rollback;
