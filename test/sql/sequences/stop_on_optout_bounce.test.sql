-- SPEC §4 record_event: an unsubscribe, a spam complaint or a bounce stops the
-- enrolment; an opt-out also cancels every queued row of the company.
begin;
select plan(10);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign(steps => 3, delay_days => 3) as c \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as u1 \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as s1 \gset
select pg_temp.eng_send(:'c', 'sent', '2030-01-01 10:00Z', '2030-01-01 10:00Z') as b1 \gset
select is(outreach.advance_sequences(pg_temp.cid(), '2030-01-04 10:00Z'), 3, 'three follow-ups queued');

select pg_temp.eng_event(:'u1', 'unsubscribe', '2030-01-04 12:00Z');
select pg_temp.eng_event(:'s1', 'spam_complaint', '2030-01-04 12:00Z');
select pg_temp.eng_event(:'b1', 'email_bounce', '2030-01-01 10:01Z');

select is((select array_agg(distinct stop_reason) from outreach.send_log
            where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'u1')),
          array['unsubscribed'], 'an unsubscribe stops the enrolment (unsubscribed)');
select is((select array_agg(distinct stop_reason) from outreach.send_log
            where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'s1')),
          array['spam_complaint'], 'a spam complaint stops the enrolment (spam_complaint)');
select is((select array_agg(distinct stop_reason) from outreach.send_log
            where enrolment_id = (select enrolment_id from outreach.send_log where send_id = :'b1')),
          array['bounced'], 'a bounce stops the enrolment (bounced)');
select is((select array_agg(distinct send_status) from outreach.send_log where sequence_step = 2), array['cancelled'],
          'every queued follow-up is cancelled');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-02-01 00:00Z'), 0, 'nothing advances afterwards');

-- An opt-out cancels a queued row of the company in another enrolment too.
select pg_temp.eng_send(:'c', 'sent', '2029-06-01 10:00Z', '2029-06-01 10:00Z') as old \gset
insert into outreach.send_log (outreach_id, target_id, campaign_id, person_id, email_to, send_status, scheduled_at, correlation_id)
select outreach_id, target_id, campaign_id, person_id, email_to, 'queued', '2030-01-10 10:00Z', gen_random_uuid()
  from outreach.send_log where send_id = :'old'
returning send_id as fresh \gset
select pg_temp.eng_event(:'old', 'unsubscribe', '2030-01-09 08:00Z');
select is((select (send_status, stop_reason) from outreach.send_log where send_id = :'fresh'),
          ('cancelled'::text, 'unsubscribed'::text), 'an unsubscribe from an old message cancels the company''s newly queued row');
select is((select target_status from outreach.company_target where target_id = (select target_id from outreach.send_log where send_id = :'old')),
          'opted_out', 'and the target is opted out');

-- A reply arriving for a bounced enrolment does not restart anything.
select pg_temp.eng_event(:'b1', 'email_reply', '2030-01-05 10:00Z');
select is((select stop_reason from outreach.send_log where send_id = :'b1'), 'bounced', 'the first stop reason stays');
select is(outreach.advance_sequences(pg_temp.cid(), '2030-02-01 00:00Z'), 0, 'still nothing advances');

select * from finish();
rollback;
