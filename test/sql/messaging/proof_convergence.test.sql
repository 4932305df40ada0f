-- Issue 8: band 4 proof line, convergence:
--   <CLASS> convergence: DOL: … + People: … [+ Blog: …]   (Blog only if present)
begin;
select plan(6);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset

-- DOL + People, no Blog.
select pg_temp.msg_evidence(pg_temp.msg_record(4, 'COST_PRESSURE'), with_blog => false) as r \gset
select is((select (proof_line, format, reason) from outreach.proof(:'r', :'t')),
          ('COST_PRESSURE convergence: DOL: employer contribution +18% YoY, renewal in 75 days + People: CFO seat assigned 40 days ago (VP Finance)'::text,
           'convergence'::text, null::text),
          'DOL + People without a blog item: two parts, format convergence');

-- With a blog item, it is appended.
select pg_temp.msg_blog(:'r', 'vendor_review', 'Broker under review', '2026-04-01 09:00:00+00');
select is(outreach.proof_line(:'r', :'t'),
          'COST_PRESSURE convergence: DOL: employer contribution +18% YoY, renewal in 75 days + People: CFO seat assigned 40 days ago (VP Finance) + Blog: vendor_review "Broker under review" (2026-04-01)',
          'with a blog item: DOL + People + Blog');

-- People: the latest dated seat; a seat assigned after as_of does not count yet.
select pg_temp.msg_seat(:'r', 'HR', '2026-04-30 09:00:00+00', 'Head of People');
select alike(outreach.proof_line(:'r', :'t'), '% + People: HR seat assigned 4 days ago (Head of People) + %',
             'the most recently assigned seat is the People evidence');
select pg_temp.msg_seat(:'r', 'CEO', '2026-05-04 10:00:01+00');
select alike(outreach.proof_line(:'r', :'t'), '% + People: HR seat assigned 4 days ago (Head of People) + %',
             'a seat assigned after as_of is not evidence yet');
select alike(outreach.proof_line(:'r', '2026-05-05 00:00:00+00'), '% + People: CEO seat assigned 1 days ago (CEO) + %',
             '... and is once as_of has passed it');

-- The same record read as band 3 is single-source.
update outreach.bit_scores set band = 3 where outreach_id = :'r';
select is((select format from outreach.proof(:'r', :'t')), 'single_source', 'the format follows the band');

select * from finish();
rollback;
