-- Issue 8: the audience is the slot chosen with the pressure class (COST_PRESSURE →
-- CFO, VENDOR_DISSATISFACTION → HR, DEADLINE_PROXIMITY → HR, ORGANIZATIONAL_RECONFIGURATION
-- → CEO, OPERATIONAL_CHAOS → CFO; then CEO > CFO > HR), and promote writes to that slot.
begin;
select plan(14);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.campaign();

select has_function('outreach', 'authorize_message', array['uuid', 'timestamp with time zone'],
                    'authorize_message(uuid, timestamptz) exists');

create temp table classes (pressure text, expected text, oid uuid);
insert into classes (pressure, expected) values
  ('COST_PRESSURE', 'CFO'), ('VENDOR_DISSATISFACTION', 'HR'), ('DEADLINE_PROXIMITY', 'HR'),
  ('ORGANIZATIONAL_RECONFIGURATION', 'CEO'), ('OPERATIONAL_CHAOS', 'CFO');
update classes set oid = pg_temp.msg_evidence(pg_temp.msg_record(4, pressure));

select is((select (authorized, audience, pressure_class) from outreach.authorize_message(c.oid, :'t')),
          (true, c.expected, c.pressure), c.pressure || ' → ' || c.expected)
  from classes c order by c.pressure;

select is((select count(*)::int from classes c
            where outreach.pressure_class_slot(c.pressure) is distinct from outreach.pressure_slot(c.pressure)), 0,
          'pressure_class_slot (set-based) maps every class as pressure_slot does');
select is((select count(*)::int from classes c, outreach.authorize_message(c.oid, :'t') a
            where a.audience is distinct from (select slot_type from outreach.primary_contact(c.oid, c.pressure))), 0,
          'the audience is primary_contact(outreach_id, pressure_class) for every class');

-- The gate picks the same contact, so promote queues the message to the audience.
select is((select count(*)::int from classes c join outreach.candidates(:'t') k on k.outreach_id = c.oid
            where k.primary_slot is distinct from c.expected), 0,
          'candidates chooses the audience slot as the primary contact for every class');
create temp table got as select * from outreach.promote(gen_random_uuid(), 100, :'t');
select is((select count(*)::int from classes c join got g on g.outreach_id = c.oid where g.slot_type = c.expected), 5,
          'promote queues each message to its audience');

-- Fallback when the mapped slot cannot be written to: CEO > CFO > HR.
select pg_temp.msg_evidence(pg_temp.msg_record(4, 'DEADLINE_PROXIMITY')) as r \gset
update outreach.people set email_status = 'bounced' where outreach_id = :'r' and title = 'HR';
select is((select audience from outreach.authorize_message(:'r', :'t')), 'CEO', 'mapped HR bounced → CEO');
update outreach.people set email = null where outreach_id = :'r' and title = 'CEO';
select is((select audience from outreach.authorize_message(:'r', :'t')), 'CFO', '... CEO without email → CFO');
update outreach.people set email_status = 'unsubscribed'
 where person_id = (select person_id from outreach.company_slot where outreach_id = :'r' and slot_type = 'CFO');
select is((select (authorized, audience, reason) from outreach.authorize_message(:'r', :'t')),
          (false, null::text, 'no_audience'::text),
          'CFO unsubscribed too: no slot can be written to → not authorized, no_audience');
select isnt((select proof_line from outreach.authorize_message(:'r', :'t')), null,
            '... though the proof line is still reported');

select * from finish();
rollback;
