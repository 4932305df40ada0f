-- SPEC §1/§5: other services read the views with the read-only role hub_reader.
begin;
select plan(14);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record(70) as r \gset
select pg_temp.ready_record(30);

set local role hub_reader;
select lives_ok($$select * from outreach.v_candidates$$, 'hub_reader reads v_candidates');
select is((select count(*)::int from outreach.v_ready), 1, 'hub_reader reads v_ready');
select lives_ok($$select * from outreach.v_gate_funnel$$, 'hub_reader reads v_gate_funnel');
-- The two parts of candidates() are inlined into the views only when the reader may run them.
select is((select count(*)::int from outreach.candidates_unscored() u) + (select count(*)::int from outreach.candidates_scored() s),
          (select count(*)::int from outreach.v_candidates), 'hub_reader runs both parts of candidates(), which together are v_candidates');
select throws_ok($$select * from outreach_private.unscored_tally(now())$$, '42501', null,
                 'hub_reader cannot run promote''s private tally');
select lives_ok($$select * from outreach.v_send_queue$$, 'hub_reader reads v_send_queue');
select lives_ok($$select * from outreach.kill_switches()$$, 'hub_reader reads the kill-switch board');
select lives_ok(format('select * from outreach.primary_contact(%L, %L)', :'r', 'COST_PRESSURE'),
                'hub_reader runs primary_contact with a pressure class');
select lives_ok(format('select * from outreach.cooling_off(%L)', :'r'), 'hub_reader runs cooling_off');
select lives_ok(format('select * from outreach.match_campaign(%L)', :'r'), 'hub_reader runs match_campaign');
select throws_ok($$select * from outreach.promote(gen_random_uuid(), 1, now(), true)$$, '42501', null,
                 'hub_reader cannot run promote, even as a dry run');
select throws_ok(format('select outreach.calendar_link(%L)', :'r'), '42501', null, 'hub_reader cannot sign calendar links');
select throws_ok($$select * from outreach_private.calendar_keys$$, '42501', null, 'hub_reader cannot read the keys');
reset role;

set local role outreach_hub_writer;
select lives_ok(format('select * from outreach.primary_contact(%L, %L)', :'r', 'OPERATIONAL_CHAOS'),
                'outreach_hub_writer runs primary_contact with a pressure class');
reset role;

select * from finish();
rollback;
