-- v_gate_funnel: how many records each reason stops, total and eligible.
begin;
select plan(6);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record(70) from generate_series(1, 3);
select pg_temp.ready_record(10) from generate_series(1, 2);
select pg_temp.ready_record(20) as r \gset
update outreach.company_target set domain = null where outreach_id = :'r';

select is((select records from outreach.v_gate_funnel where reason = 'total'), 6::bigint, 'total counts every record');
select is((select records from outreach.v_gate_funnel where reason = 'eligible'), 3::bigint, 'eligible counts the ready ones');
select is((select records from outreach.v_gate_funnel where reason = 'bit_below_threshold'), 3::bigint, 'three stopped by the score');
select is((select sole_blocker from outreach.v_gate_funnel where reason = 'bit_below_threshold'), 2::bigint, 'two stopped by the score alone');
select is((select records from outreach.v_gate_funnel where reason = 'missing_domain'), 1::bigint, 'one stopped by its domain');
select is((select array_agg(reason order by ord) from outreach.v_gate_funnel),
          array['total'] || outreach.blocking_reason_codes() || array['eligible'], 'every reason code is listed, in order, zero or not');

select * from finish();
rollback;
