-- SPEC §10.1: provider-run campaigns get every rendered step at claim time, the hub
-- queues none of their follow-ups, and v_send_queue holds only queue campaigns.
begin;
select plan(6);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign('instantly', 3, 'any', 'inst-42') as c \gset
select pg_temp.d_send(:'c') as s \gset
create temp table got as select * from outreach.claim_sends(gen_random_uuid(), 'instantly', 10, '1 hour', '2030-01-07 15:00Z');
select is((select provider_campaign_id from got), 'inst-42', 'the provider''s campaign id');
select is((select jsonb_array_length(steps) from got), 3, 'every active step is rendered');
select is((select steps -> 1 ->> 'subject' from got), 'Step 2 for HR at ' || (select company_name from got), 'each with its own template');
select is((select (steps -> 2 ->> 'delay_days')::int from got), 3, 'and its delays');

-- The provider reports the send; the hub does not queue step 2.
select outreach.ack_send(:'s', (select claim_token from got), 'lead-1');
select pg_temp.eng_event(:'s', 'email_sent', '2030-01-01 10:00Z');
select is(outreach.advance_sequences(gen_random_uuid(), '2030-01-20 10:00Z'), 0, 'advance_sequences queues nothing for a provider-run campaign');
select is((select count(*)::int from outreach.send_log l where l.campaign_id = :'c'), 1, 'only the first step is in the log');

select * from finish();
rollback;
