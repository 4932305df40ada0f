-- No clock can make the hub contact a company twice inside the cooling-off. A
-- message dated ahead of as_of (a sender's fast clock, or as_of in the past)
-- blocks every as_of less than cooling_off before it as well as after it;
-- cooling_off(), candidates() and promote agree.
begin;
select plan(11);
\ir ../fixtures.sql

select pg_temp.campaign();

-- An email_sent reported an hour ahead of the database clock.
select pg_temp.ready_record(90) as r \gset
insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
select :'r', target_id, 'x@example.com', 'queued', now(), gen_random_uuid() from outreach.company_target where outreach_id = :'r'
returning send_id as s \gset
select lives_ok(format($$select * from outreach.record_event(%L, 'email_sent', now() + interval '1 hour', 'smtp')$$, :'s'),
                'an email_sent an hour ahead is recorded as reported');
select is((select sent_at from outreach.send_log where send_id = :'s'), now() + interval '1 hour', 'sent_at is the reported time');
select ok((select in_cooling_off from outreach.cooling_off(:'r', now())), 'cooling_off at now: in cooling-off');
select is((select last_contacted_at from outreach.cooling_off(:'r', now())), now() + interval '1 hour',
          'its last contact is the future-dated message');
select ok('cooling_off' = any (pg_temp.reasons(:'r', now())), 'candidates at now: cooling_off');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 100, now()) where outreach_id = :'r'), 0,
          'promote at now does not enrol it');

-- A send_log row written directly with a future sent_at (the sender's interface column).
select pg_temp.ready_record(90) as r2 \gset
select pg_temp.sent(:'r2', now() + interval '3 days');
select ok('cooling_off' = any (pg_temp.reasons(:'r2', now())), 'a directly written future sent_at blocks now');

-- as_of in the past: a message sent after it, within the cooling-off, blocks it.
select pg_temp.ready_record(90) as r3 \gset
select pg_temp.sent(:'r3', timestamptz '2026-03-10 12:00+00');
select ok((select in_cooling_off from outreach.cooling_off(:'r3', timestamptz '2026-03-01 00:00+00')),
          'as_of 9.5 days before a message: in cooling-off');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 100, timestamptz '2026-03-01 00:00+00')
            where outreach_id = :'r3'), 0, 'promote as of then does not enrol it');
select ok(not (select in_cooling_off from outreach.cooling_off(:'r3', timestamptz '2026-02-08 12:00+00')),
          'exactly 30 × 24 h before the message: free (two contacts exactly cooling_off apart are allowed)');
select is(pg_temp.reasons(:'r3', timestamptz '2026-02-08 12:00:00.000001+00'), array['cooling_off'],
          'one microsecond later: candidates says cooling_off');

select * from finish();
rollback;
