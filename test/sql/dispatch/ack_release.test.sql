-- SPEC §10.2 ack_send / release_send: the holder of the claim reports the hand-over
-- or gives the send back; a repeated ack changes nothing; retries back off.
begin;
select plan(20);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir _fixtures.sql

select pg_temp.d_campaign('smtp') as c \gset
select pg_temp.d_send(:'c') as a \gset
select pg_temp.d_send(:'c') as r \gset
select pg_temp.d_send(:'c') as p \gset
select pg_temp.d_send(:'c', '2030-01-07 14:30Z') as e \gset
select count(*) from pg_temp.d_claim('smtp');

-- Ack.
select ok(outreach.ack_send(:'a', pg_temp.d_token(:'a'), '<a@hub>', '2030-01-07 15:01Z'), 'the holder''s ack returns true');
select ok((select handed_over_at is not null and lease_until is null and provider_message_id = '<a@hub>'
             from outreach.send_log where send_id = :'a'), 'handed over, the lease ended, the provider id kept');
select is((select (send_status, sent_at) from outreach.send_log where send_id = :'a'),
          ('sent'::text, '2030-01-07 15:01Z'::timestamptz), 'with sent_at the ack is an email_sent event at that time');
select is((select source_system from outreach.engagement_events where send_id = :'a' and event_type = 'email_sent'), 'smtp',
          'the event''s source system is the sender');
select ok(not outreach.ack_send(:'a', pg_temp.d_token(:'a'), '<other@hub>', '2030-01-07 15:02Z'), 'a repeated ack returns false');
select is((select (provider_message_id, sent_at) from outreach.send_log where send_id = :'a'),
          ('<a@hub>'::text, '2030-01-07 15:01Z'::timestamptz), 'and changes nothing');
select is((select count(*)::int from outreach.engagement_events where send_id = :'a'), 1, 'no second event');
select ok(not exists (select 1 from outreach.due_sends('2030-01-07 16:00Z') where send_id = :'a'),
          'a handed-over send is never takeable again, even after its lease would have ended');

-- Permanent release.
select outreach.release_send(:'p', pg_temp.d_token(:'p'), '550 no such user', permanent => true);
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'p'), ('failed'::text, 'send_failed'::text),
          'a permanent release fails the send (stop_reason send_failed)');
select ok((select stopped_at is not null from outreach.send_log where send_id = :'p'), 'and stops the enrolment');

-- Release for a retry.
select is((select attempt from outreach.send_log where send_id = :'r'), 1, 'the released send was on attempt 1');
select outreach.release_send(:'r', pg_temp.d_token(:'r'), '421 try later');
select is((select error_message from outreach.send_log where send_id = :'r'), '421 try later', 'the error is kept on the row');
select is((select count(*)::int from outreach.outreach_errors e join outreach.send_log l on l.correlation_id = e.correlation_id
            where l.send_id = :'r' and e.source = 'outreach.release_send' and e.message = '421 try later'), 1,
          'and recorded in outreach_errors with the send''s correlation id');
select ok((select retry_after between now() + interval '2 minutes' - interval '5 seconds' and now() + interval '2 minutes' + interval '5 seconds'
             from outreach.send_log where send_id = :'r'), 'retry_after defaults to 2^attempt minutes after now');
select is((select (send_status, claim_token, lease_until) from outreach.send_log where send_id = :'r'),
          ('queued'::text, null::uuid, null::timestamptz), 'queued again, no claim, no lease');
update outreach.send_log set retry_after = '2030-01-07 16:00Z' where send_id = :'r';
select ok(not exists (select 1 from outreach.due_sends('2030-01-07 15:59:59Z') where send_id = :'r'), 'not takeable before retry_after');
select ok(:'r' = any (array(select pg_temp.d_claim('smtp', at => '2030-01-07 16:00Z'))), 'takeable from retry_after');
select is((select attempt from outreach.send_log where send_id = :'r'), 2, 'the re-claim is attempt 2');
select outreach.release_send(:'r', pg_temp.d_token(:'r'), '421 again', retry_after => '2030-01-07 17:00Z');
select is((select retry_after from outreach.send_log where send_id = :'r'), '2030-01-07 17:00Z'::timestamptz, 'an explicit retry_after is kept');

-- Without an error.
select throws_ok(format('select outreach.release_send(%L, %L, %L)', :'e', pg_temp.d_token(:'e'), ' '), '22023', null,
                 'a release needs its error (22023)');

select * from finish();
rollback;
