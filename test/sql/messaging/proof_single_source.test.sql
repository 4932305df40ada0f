-- Issue 8: band 3 proof line, single source:
--   <CLASS> detected via <SOURCE>: <evidence>   (DOL first, then Blog, then People)
begin;
select plan(13);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset

select has_function('outreach', 'proof', array['uuid', 'timestamp with time zone'], 'proof(uuid, timestamptz) exists');

-- The seed's example, word for word.
select pg_temp.msg_record(3, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', date '2026-07-18', 18);
select is((select (proof_line, format, reason) from outreach.proof(:'r', :'t')),
          ('COST_PRESSURE detected via DOL: employer contribution +18% YoY, renewal in 75 days'::text, 'single_source'::text, null::text),
          'DOL evidence reads as the seed''s example, format single_source, no reason');
select is(outreach.proof_line(:'r', :'t'), 'COST_PRESSURE detected via DOL: employer contribution +18% YoY, renewal in 75 days',
          'proof_line returns the same line');

-- Each DOL part only when known; a renewal already passed is not evidence.
select pg_temp.msg_record(3, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', null, 12.5);
select is(outreach.proof_line(:'r', :'t'), 'COST_PRESSURE detected via DOL: employer contribution +12.5% YoY',
          'contribution change only');
select pg_temp.msg_record(3, 'DEADLINE_PROXIMITY') as r \gset
select pg_temp.msg_dol(:'r', date '2026-06-03', null);
select is(outreach.proof_line(:'r', :'t'), 'DEADLINE_PROXIMITY detected via DOL: renewal in 30 days', 'renewal only');
select pg_temp.msg_record(3, 'COST_PRESSURE') as r \gset
select pg_temp.msg_dol(:'r', date '2026-05-03', -4.25);
select is(outreach.proof_line(:'r', :'t'), 'COST_PRESSURE detected via DOL: employer contribution -4.3% YoY',
          'a renewal of yesterday is dropped; a fall keeps its sign, rounded to one decimal');

-- Several filings: the nearest upcoming renewal.
select pg_temp.msg_record(3, 'DEADLINE_PROXIMITY') as r \gset
select pg_temp.msg_dol(:'r', date '2026-09-01', 5);
select pg_temp.msg_dol(:'r', date '2026-05-14', 7);
select pg_temp.msg_dol(:'r', date '2026-01-01', 30);
select is(outreach.proof_line(:'r', :'t'), 'DEADLINE_PROXIMITY detected via DOL: employer contribution +7% YoY, renewal in 10 days',
          'of several filings, the one with the nearest upcoming renewal');

-- DOL wins over Blog and People.
select pg_temp.msg_evidence(pg_temp.msg_record(3, 'COST_PRESSURE')) as r \gset
select alike(outreach.proof_line(:'r', :'t'), 'COST_PRESSURE detected via DOL: %', 'with DOL, Blog and People, DOL is the source');

-- No DOL: Blog.
select pg_temp.msg_record(3, 'VENDOR_DISSATISFACTION') as r \gset
select pg_temp.msg_blog(:'r', 'vendor_review', 'Broker under review', '2026-04-01 09:00:00+00');
select pg_temp.msg_blog(:'r', 'expansion', 'Older item', '2026-02-01 09:00:00+00');
select pg_temp.msg_seat(:'r', 'HR', '2026-04-20 08:00:00+00');
select is(outreach.proof_line(:'r', :'t'), 'VENDOR_DISSATISFACTION detected via Blog: vendor_review "Broker under review" (2026-04-01)',
          'no DOL → the latest blog item');
select pg_temp.msg_blog(:'r', 'layoffs', 'Published after as_of', '2026-05-04 10:00:01+00');
select is(outreach.proof_line(:'r', :'t'), 'VENDOR_DISSATISFACTION detected via Blog: vendor_review "Broker under review" (2026-04-01)',
          'an item published after as_of is not evidence yet');

-- No DOL, no Blog: People.
select pg_temp.msg_record(3, 'ORGANIZATIONAL_RECONFIGURATION') as r \gset
select pg_temp.msg_seat(:'r', 'CEO', '2026-04-22 23:00:00+00', 'Chief Executive Officer');
select is((select (proof_line, format) from outreach.proof(:'r', :'t')),
          ('ORGANIZATIONAL_RECONFIGURATION detected via People: CEO seat assigned 12 days ago (Chief Executive Officer)'::text, 'single_source'::text),
          'no DOL, no Blog → the latest dated seat assignment');

-- A long summary is cut to 120 characters in the line.
select pg_temp.msg_record(3, 'OPERATIONAL_CHAOS') as r \gset
select pg_temp.msg_blog(:'r', null, repeat('x', 300), '2026-04-01 09:00:00+00');
select is(outreach.proof_line(:'r', :'t'), 'OPERATIONAL_CHAOS detected via Blog: "' || repeat('x', 119) || '…" (2026-04-01)',
          'a blog summary longer than 120 characters is shortened with an ellipsis');

select is((select count(*)::int from outreach.proof(:'r', :'t')), 1, 'proof returns exactly one row');

select * from finish();
rollback;
