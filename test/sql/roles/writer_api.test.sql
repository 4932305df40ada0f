-- SPEC §5 Roles: every public write function works as outreach_hub_writer (every
-- event type included: bounce, unsubscribe and complaint reach people and targets
-- through the contact-summary triggers), and hub_reader is refused each of them.
begin;
select plan(29 + cardinality(outreach.event_types()));  -- one lives_ok per event type
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir ../handoff/_helpers.sql

select pg_temp.eng_campaign() as camp \gset
-- One slotted send per event type.
create temp table typed as
select t.event_type, pg_temp.eng_send(:'camp', 'sent', now() - interval '1 day') as send_id
  from unnest(outreach.event_types()) t(event_type);
grant select on typed to outreach_hub_writer, hub_reader;
select pg_temp.company('Writer Init') as init_sid \gset
select pg_temp.company('Writer Pending') as pending_sid \gset
select pg_temp.staffed_record('Handed') as h_oid \gset
select sovereign_company_id as h_sid from outreach.outreach where outreach_id = :'h_oid' \gset
select outreach.calendar_link(:'h_oid', now()) as link \gset
select pg_temp.param(:'link', 'exp') as exp, pg_temp.param(:'link', 'sig') as sig \gset
select pg_temp.campaign();
select pg_temp.ready_record(70) as ready \gset
update outreach.kill_switch_state set tripped = true, tripped_at = now() where switch = 'complaint_rate';

set local role outreach_hub_writer;
select lives_ok(format($$select * from outreach.record_event(%L, %L, now(), 'instantly')$$, t.send_id, t.event_type),
                format('the writer records %s', t.event_type))
  from typed t order by t.event_type;
select is((select count(*)::int from outreach.engagement_events e join typed t using (send_id)),
          cardinality(outreach.event_types()), 'every event type was recorded');
select is((select array_agg(distinct p.email_status order by p.email_status)
             from typed t join outreach.send_log l using (send_id) join outreach.people p on p.person_id = l.person_id
            where t.event_type in ('email_bounce', 'unsubscribe', 'spam_complaint')),
          array['bounced', 'unsubscribed'], 'bounce and opt-outs reached the people');
select lives_ok(format($$select * from outreach.record_events(jsonb_build_array(jsonb_build_object(
                           'send_id', %L, 'event_type', 'email_open', 'event_ts', now() + interval '1 minute', 'source_system', 'instantly')))$$,
                       (select send_id from typed where event_type = 'email_sent')),
                'the writer records a batch');
select lives_ok(format('select outreach.init_outreach(%L, gen_random_uuid())', :'init_sid'), 'the writer runs init_outreach');
select lives_ok('select outreach.init_pending(gen_random_uuid(), 10)', 'the writer runs init_pending');
select lives_ok('select * from outreach.promote(gen_random_uuid(), 10, now(), true)', 'the writer runs a dry-run promote');
select lives_ok($$select outreach.clear_kill_switch('complaint_rate', 'ann', 'reviewed')$$, 'the writer clears a tripped switch');
select lives_ok('select * from outreach.promote(gen_random_uuid(), 10)', 'the writer promotes');
select is((select count(*)::int from outreach.send_log where outreach_id = :'ready'), 1, '... and the ready record is queued');
select lives_ok('select outreach.advance_sequences(gen_random_uuid(), now() + interval ''4 days'')', 'the writer advances sequences');
select lives_ok('select * from outreach.check_kill_switches(gen_random_uuid())', 'the writer checks the kill switches');
select lives_ok(format('select outreach.calendar_link(%L)', :'h_oid'), 'the writer signs a calendar link');
select lives_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, now(), gen_random_uuid())', :'h_sid', :'h_oid', :exp, :'sig'),
                'the writer hands a record off');
select lives_ok($$select outreach.record_error(gen_random_uuid(), 'test', 'a message')$$, 'the writer records an error');
select lives_ok('select outreach.rotate_calendar_key()', 'the writer rotates the calendar key');
select is((select count(*)::int from outreach.handoffs where outreach_id = :'h_oid'), 1, 'the handoff was written');
reset role;

set local role hub_reader;
select throws_ok(format($$select * from outreach.record_event(%L, 'email_open', now(), 'x')$$, (select send_id from typed limit 1)),
                 '42501', null, 'hub_reader cannot record an event');
select throws_ok($$select * from outreach.record_events('[]')$$, '42501', null, 'hub_reader cannot record a batch');
select throws_ok(format('select outreach.init_outreach(%L, gen_random_uuid())', :'pending_sid'), '42501', null,
                 'hub_reader cannot run init_outreach');
select throws_ok('select outreach.init_pending(gen_random_uuid())', '42501', null, 'hub_reader cannot run init_pending');
select throws_ok('select * from outreach.promote(gen_random_uuid())', '42501', null, 'hub_reader cannot promote');
select throws_ok('select outreach.advance_sequences(gen_random_uuid())', '42501', null, 'hub_reader cannot advance sequences');
select throws_ok('select * from outreach.check_kill_switches(gen_random_uuid())', '42501', null, 'hub_reader cannot check the kill switches');
select throws_ok($$select outreach.clear_kill_switch('bounce_rate', 'mallory', null)$$, '42501', null, 'hub_reader cannot clear a switch');
select throws_ok(format('select outreach.calendar_link(%L)', :'h_oid'), '42501', null, 'hub_reader cannot sign a link');
select throws_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, now(), gen_random_uuid())', :'h_sid', :'h_oid', :exp, :'sig'),
                 '42501', null, 'hub_reader cannot hand off');
select throws_ok($$select outreach.record_error(gen_random_uuid(), 'test', 'x')$$, '42501', null, 'hub_reader cannot record an error');
select throws_ok('select outreach.rotate_calendar_key()', '42501', null, 'hub_reader cannot rotate keys');
select throws_ok($$select outreach.retire_calendar_key('x')$$, '42501', null, 'hub_reader cannot retire keys');
reset role;

select * from finish();
rollback;
