-- Issue 8: where a record has a BIT band, band < 3 blocks (band_below_3); no band →
-- the score rule alone decides. The gate (candidates) and authorize_message agree.
begin;
select plan(16);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.campaign();

select pg_temp.msg_evidence(pg_temp.msg_record(2, 'COST_PRESSURE')) as b2 \gset
select pg_temp.msg_evidence(pg_temp.msg_record(3, 'COST_PRESSURE')) as b3 \gset
select pg_temp.msg_evidence(pg_temp.msg_record(0, 'COST_PRESSURE')) as b0 \gset
select pg_temp.msg_evidence(pg_temp.msg_record(5, 'COST_PRESSURE')) as b5 \gset
select pg_temp.msg_record(null, null, 60) as nb_ok \gset
select pg_temp.msg_record(null, null, 49) as nb_low \gset
select pg_temp.msg_record(2, 'COST_PRESSURE', 40) as b2_low \gset

-- The gate.
select is(pg_temp.reasons(:'b2', :'t'), array['band_below_3'], 'band 2 → band_below_3 only');
select is((select eligible from outreach.candidates(:'t') where outreach_id = :'b2'), false, '... and not eligible');
select is(pg_temp.reasons(:'b3', :'t'), '{}'::text[], 'band 3 passes');
select is(pg_temp.reasons(:'b0', :'t'), array['band_below_3'], 'band 0 → band_below_3');
select is(pg_temp.reasons(:'b5', :'t'), '{}'::text[], 'band 5 passes');
select is(pg_temp.reasons(:'nb_ok', :'t'), '{}'::text[], 'no band, score 60 → the score alone decides: passes');
select is(pg_temp.reasons(:'nb_low', :'t'), array['bit_below_threshold'], 'no band, score 49 → bit_below_threshold, no band reason');
select is(pg_temp.reasons(:'b2_low', :'t'), array['bit_below_threshold', 'band_below_3'], 'band 2 and a low score → both reasons, in code order');

-- The code list: appended, earlier positions unchanged.
select is((outreach.blocking_reason_codes())[1:15],
          array['no_company_target', 'missing_domain', 'missing_email_pattern', 'bit_below_threshold',
                'no_anchor_slot', 'no_contact_email', 'cooling_off', 'already_in_outreach',
                'target_paused', 'target_opted_out', 'target_exhausted', 'no_matching_campaign',
                'handed_off', 'band_below_3', 'upstream_not_passed'],
          'band_below_3 is appended after handed_off; earlier codes keep their positions');
select is((select records from outreach.v_gate_funnel where reason = 'band_below_3'), 3::bigint,
          'the funnel counts the three records with a band below 3');

-- authorize_message agrees.
select is((select (authorized, reason) from outreach.authorize_message(:'b2', :'t')), (false, 'band_below_3'::text),
          'band 2 → not authorized, band_below_3');
select is((select (authorized, band, reason) from outreach.authorize_message(:'b3', :'t')), (true, 3::smallint, null::text),
          'band 3 with evidence → authorized');
select is((select (authorized, reason) from outreach.authorize_message(:'nb_ok', :'t')), (false, 'no_band'::text),
          'no band → no proof-backed message (no_band), although the gate lets the record through');
select is((select (authorized, reason) from outreach.authorize_message(:'b0', :'t')), (false, 'band_below_3'::text),
          'band 0 → not authorized');

-- promote enrols by the gate.
create temp table got as select * from outreach.promote(gen_random_uuid(), 100, :'t');
select is((select count(*)::int from got where outreach_id in (:'b2', :'b0', :'b2_low', :'nb_low')), 0,
          'promote enrols no record with a band below 3 (nor the low score)');
select is((select array_agg(outreach_id order by outreach_id) from got),
          (select array_agg(x order by x) from unnest(array[:'b3', :'b5', :'nb_ok']::uuid[]) x),
          'promote enrols band 3, band 5 and the unbanded record with a passing score');

select * from finish();
rollback;
