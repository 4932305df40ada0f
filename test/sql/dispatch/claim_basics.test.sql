-- SPEC §10.2 claim_sends: leases the oldest takeable sends of the sender's campaigns,
-- renders the message and keeps it on the row, and returns the columns of the contract.
begin;
select plan(24);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign() as q \gset
select pg_temp.d_campaign('smtp') as s \gset
select pg_temp.d_send(:'q', '2030-01-07 14:10Z') as second \gset
select pg_temp.d_send(:'q', '2030-01-07 14:00Z') as first \gset
select pg_temp.d_send(:'q', '2030-01-07 14:20Z') as third \gset
select pg_temp.d_send(:'s', '2030-01-07 13:00Z') as smtp_send \gset
update outreach.settings set postal_address = '1 Main St, Springfield';

create temp table got as
select * from outreach.claim_sends('9d9d2c1e-8a6b-4b0e-9c39-3c7c5b0b7d11', 'queue', 2, '5 minutes', '2030-01-07 15:00Z');

select is((select array_agg(send_id) from got), array[:'first', :'second']::uuid[],
          'max_rows sends of the sender''s campaigns, oldest scheduled_at first');
select is((select array_agg(a.attname::text order by a.attnum) from pg_attribute a where a.attrelid = 'got'::regclass and a.attnum > 0),
          array['send_id', 'enrolment_id', 'claim_token', 'lease_until', 'attempt', 'channel', 'email_to', 'linkedin_url',
                'full_name', 'company_name', 'subject', 'body', 'proof_line', 'unsubscribe_url', 'list_unsubscribe',
                'list_unsubscribe_post', 'calendar_link', 'campaign_id', 'provider_campaign_id', 'sequence_step', 'steps',
                'send_correlation_id'],
          'the returned columns, in the order of the contract');
select is((select lease_until from got where send_id = :'first'), '2030-01-07 15:05Z'::timestamptz, 'lease_until = as_of + lease');
select is((select attempt from got where send_id = :'first'), 1, 'the first claim is attempt 1');
select is((select claim_token from got where send_id = :'first'), pg_temp.d_token(:'first'), 'the token returned is the one kept on the row');
select isnt((select claim_token from got where send_id = :'first'), (select claim_token from got where send_id = :'second'),
            'every claim has its own token');
select is((select channel from got where send_id = :'first'), 'email', 'channel email');
select is((select email_to from got where send_id = :'first'), (select email_to from outreach.send_log where send_id = :'first'), 'email_to');
select is((select send_correlation_id from got where send_id = :'first'), (select correlation_id::uuid from outreach.send_log where send_id = :'first'),
          'send_correlation_id is the send''s own');
select is((select claim_correlation_id from outreach.send_log where send_id = :'first'), '9d9d2c1e-8a6b-4b0e-9c39-3c7c5b0b7d11'::uuid,
          'the claim''s correlation id is kept apart');
select is((select subject from got where send_id = :'first'), (select 'Step 1 for HR at ' || ci.company_name
                                                                  from outreach.send_log l join outreach.outreach o using (outreach_id)
                                                                  join cl.company_identity ci on ci.sovereign_company_id = o.sovereign_company_id
                                                                 where l.send_id = :'first'),
          'the subject is rendered from the step''s template');
select is((select body from got where send_id = :'first'), 'Hello HR. Unsubscribe: ' || outreach.unsubscribe_url(:'first'),
          'the body carries {{unsubscribe_url}}');
select is((select (subject, body) from outreach.send_log where send_id = :'first'),
          (select (subject, body) from got where send_id = :'first'), 'subject and body are kept on the row');
select is((select list_unsubscribe from got where send_id = :'first'), '<' || outreach.unsubscribe_url(:'first') || '>', 'List-Unsubscribe header value');
select is((select list_unsubscribe_post from got where send_id = :'first'), 'List-Unsubscribe=One-Click', 'List-Unsubscribe-Post header value');
select ok((select calendar_link from got where send_id = :'first') like 'https://book.example.com/meet?sid=%', 'a signed calendar link');
select is((select full_name from got where send_id = :'first'), 'HR person', 'the recipient''s name');
select ok((select company_name from got where send_id = :'first') like 'Eng %', 'the company''s name');
select is((select steps from got where send_id = :'first'), null, 'steps is NULL for a campaign the hub runs');
select is((select (campaign_id, provider_campaign_id, sequence_step) from got where send_id = :'first'),
          (:'q'::uuid, null::text, 1), 'campaign, no provider campaign, step 1');

-- Claimed sends are not takeable during their lease.
select is(array(select pg_temp.d_claim(at => '2030-01-07 15:04:59Z')), array[:'third']::uuid[],
          'during the lease only the unclaimed send is handed out');
select is(array(select pg_temp.d_claim(at => '2030-01-07 15:04:59Z')), '{}'::uuid[], 'then nothing is left');
select is(array(select pg_temp.d_claim('smtp')), array[:'smtp_send']::uuid[], 'each sender takes its own campaigns'' sends');
select is((select count(*)::int from outreach.send_log where send_id = :'third' and claimed_by = 'queue'), 1, 'the claimer is recorded');

select * from finish();
rollback;
