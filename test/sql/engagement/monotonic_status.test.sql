-- SPEC §6.10: send status never moves backwards, for every pair of event orders;
-- the final status is the highest rank whatever the order (00_event_rules.sql).
begin;
select plan(12);
\ir ../fixtures.sql
\ir _fixtures.sql

create temp table pairs as
select a.t as first_type, b.t as second_type
  from unnest(array['email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply', 'email_bounce',
                    'unsubscribe', 'spam_complaint', 'meeting_booked']) a(t),
       unnest(array['email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply', 'email_bounce',
                    'unsubscribe', 'spam_complaint', 'meeting_booked']) b(t);

-- Each ordered pair on a fresh queued send: status before, after the first and after the second event.
create temp table runs (first_type text, second_type text, after_first text, after_second text);
do $$
declare
  p record;
  s uuid;
  st1 text;
begin
  for p in select * from pairs loop
    s := pg_temp.eng_send();
    perform pg_temp.eng_event(s, p.first_type, '2030-01-15 10:00Z');
    select send_status into st1 from outreach.send_log where send_id = s;
    perform pg_temp.eng_event(s, p.second_type, '2030-01-15 11:00Z');
    insert into runs select p.first_type, p.second_type, st1, l.send_status from outreach.send_log l where l.send_id = s;
  end loop;
end $$;

select is((select count(*)::int from runs), 81, 'all 81 ordered pairs of the nine message events ran');
select is((select array_agg(first_type || ' → ' || second_type)
             from runs where outreach.send_status_rank(after_second) < outreach.send_status_rank(after_first)),
          null, 'no second event ever moved the status backwards');
select is((select array_agg(first_type) from runs
            where outreach.send_status_rank(after_first) < outreach.send_status_rank('queued')),
          null, 'no first event moved a queued send backwards');
select is((select array_agg(first_type || ' → ' || second_type) from runs
            where after_second <> case when outreach.send_status_rank(outreach.event_send_status(first_type))
                                            >= outreach.send_status_rank(outreach.event_send_status(second_type))
                                       then outreach.event_send_status(first_type)
                                       else outreach.event_send_status(second_type) end),
          null, 'the final status is the higher-ranked status the two events prove');
select is((select array_agg(x.first_type || ' ⇄ ' || x.second_type) from runs x
             join runs y on y.first_type = x.second_type and y.second_type = x.first_type
            where x.after_second <> y.after_second),
          null, 'both orders of every pair end in the same status');

select is((select after_second from runs where first_type = 'email_reply' and second_type = 'email_open'), 'replied',
          'a late open after a reply does not downgrade it');
select is((select after_second from runs where first_type = 'email_delivered' and second_type = 'email_sent'), 'delivered',
          'a late email_sent after delivery does not downgrade it');
select is((select after_second from runs where first_type = 'email_click' and second_type = 'email_bounce'), 'bounced',
          'a bounce outranks an open or a click (machines open and click mail)');
select is((select after_second from runs where first_type = 'email_bounce' and second_type = 'email_reply'), 'replied',
          'a reply, written by a person, outranks a bounce');

-- Statuses set by others: cancelled never moves; failed moves only to replied.
select pg_temp.eng_send(status => 'cancelled') as cancelled_send \gset
select pg_temp.eng_event(:'cancelled_send', t, '2030-01-15 10:00Z')
  from unnest(array['email_sent', 'email_delivered', 'email_open', 'email_click', 'email_reply', 'email_bounce']) t;
select is((select send_status from outreach.send_log where send_id = :'cancelled_send'), 'cancelled',
          'a cancelled send stays cancelled whatever arrives');
select is((select sent_at from outreach.send_log where send_id = :'cancelled_send'), '2030-01-15 10:00Z'::timestamptz,
          'a cancelled send that went out anyway still gets its sent_at (cooling-off counts it)');
select pg_temp.eng_send(status => 'failed') as failed_send \gset
select pg_temp.eng_event(:'failed_send', t, '2030-01-15 10:00Z')
  from unnest(array['email_sent', 'email_delivered', 'email_open', 'email_click', 'email_bounce']) t;
select is((select send_status from outreach.send_log where send_id = :'failed_send'), 'failed',
          'a failed send is not moved by delivery, open, click or bounce events');

select * from finish();
rollback;
