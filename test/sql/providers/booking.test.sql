-- SPEC §11.5: record_booking hands a record off by its calendar token (as
-- record_meeting_booked does), refuses a missing, forged or expired-at-booking
-- token by recording it (no raise, no handoff), and records a cancellation or a
-- reschedule of a handed-off meeting on the handoff, append-only.
begin;
select plan(22);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.enrol(:'oid') as camp \gset
select outreach.calendar_token(:'oid', pg_temp.t0()) as token \gset
select gen_random_uuid() as cid \gset

-- Refusals: answered NULL, recorded as OR041, nothing handed off.
select is(outreach.record_booking('calendly', null, '2025-03-09 00:00+00', 'created', gen_random_uuid(), '{}'), null,
          'a booking without a token is refused (NULL)');
select is(outreach.record_booking('calendly', overlay(:'token' placing 'AAAA' from 60 for 4), '2025-03-09 00:00+00', 'created', gen_random_uuid(), '{}'),
          null, 'a forged token is refused');
select is(outreach.record_booking('calcom', :'token', '2025-03-11 12:00:00+00', 'created', gen_random_uuid(), '{}'),
          null, 'a token expired at booking time is refused');
select is(outreach.record_booking('calendly', :'token', '2025-03-09 00:00+00', 'cancelled', gen_random_uuid(), '{}'),
          null, 'a cancellation of a record never handed off is refused');
select is((select array_agg(detail ->> 'verdict' order by occurred_at, detail ->> 'verdict') from outreach.outreach_errors
            where source = 'outreach.record_booking' and sqlstate = 'OR041'),
          array['bad_signature', 'expired', 'missing', 'not_handed_off'],
          'each refusal is recorded in outreach_errors with its verdict');
select is((select count(*)::int from outreach.handoffs), 0, 'no refusal handed anything off');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'ACTIVE', 'the record is still active');

-- A valid booking, late webhook included.
select outreach.record_booking('calendly', :'token', '2025-03-11 11:59:59+00', 'created', :'cid',
                               '{"event": "invitee.created"}') as handoff \gset
select isnt(:'handoff'::uuid, null::uuid, 'a booking made before exp hands the record off');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'HANDED_OFF', 'the spine is HANDED_OFF');
select is((select snapshot -> 'booking' ->> 'calendar_provider' from outreach.handoffs where handoff_id = :'handoff'),
          'calendly', 'the handoff carries the booking payload and its calendar');
select is(outreach.record_booking('calendly', :'token', '2025-03-11 11:59:59+00', 'created', gen_random_uuid(), '{}'),
          :'handoff'::uuid, 'a repeated booking webhook returns the same handoff');
select is((select count(*)::int from outreach.handoffs), 1, 'one handoff');

-- Cancellation and reschedule, days after the token expired.
select is(outreach.record_booking('calendly', :'token', '2025-03-20 09:00+00', 'rescheduled', gen_random_uuid(),
                                  '{"new_start": "2025-03-25T15:00:00Z"}'),
          :'handoff'::uuid, 'a reschedule after the link expired is recorded on the handoff');
select is(outreach.record_booking('calcom', :'token', '2025-03-21 09:00+00', 'cancelled', gen_random_uuid(), '{}'),
          :'handoff'::uuid, 'a cancellation is recorded on the handoff');
select is(outreach.record_booking('calcom', :'token', '2025-03-21 09:00+00', 'cancelled', gen_random_uuid(), '{}'),
          :'handoff'::uuid, 'a repeated cancellation webhook is answered with the handoff');
select is((select array_agg(event_type || '@' || provider order by event_ts) from outreach.handoff_events where handoff_id = :'handoff'),
          array['meeting_rescheduled@calendly', 'meeting_cancelled@calcom'],
          'one event row per reschedule and cancellation, the repeat ignored');
select is((select status from outreach.outreach where outreach_id = :'oid'), 'HANDED_OFF',
          'a cancelled meeting does not take the record back');
select is(outreach.record_booking('calendly', overlay(:'token' placing 'AAAA' from 60 for 4), '2025-03-21 09:00+00', 'cancelled', gen_random_uuid(), '{}'),
          null, 'a forged token cannot cancel');

select throws_ok($$update outreach.handoff_events set event_ts = now()$$, 'OR005', null, 'handoff events are append-only');
select throws_ok(format($$select outreach.record_booking('zoom', %L, now(), 'created', gen_random_uuid())$$, :'token'),
                 '22023', null, 'an unknown provider is 22023');
select throws_ok(format($$select outreach.record_booking('calendly', %L, now(), 'noshow', gen_random_uuid())$$, :'token'),
                 '22023', null, 'an unknown booking event is 22023');
select throws_ok(format($$select outreach.record_booking('calendly', %L, now(), 'created', null)$$, :'token'),
                 'OR004', null, 'a missing correlation id is OR004');

select * from finish();
rollback;
