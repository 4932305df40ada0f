-- SPEC §6.6: contact order and email usability.
begin;
select plan(19);
\ir ../fixtures.sql

select pg_temp.campaign();

select has_function('outreach', 'primary_contact', array['uuid', 'text'], 'primary_contact(uuid, text) exists');

select pg_temp.ready_record() as r \gset
select is((select slot_type from outreach.primary_contact(:'r')), 'HR', 'HR first');
update outreach.people set email_status = 'bounced' where outreach_id = :'r' and title = 'HR';
select is((select slot_type from outreach.primary_contact(:'r')), 'CEO', 'bounced HR → CEO');
update outreach.people set email = '   ' where outreach_id = :'r' and title = 'CEO';
select is((select slot_type from outreach.primary_contact(:'r')), 'CFO', 'blank CEO email → CFO');
select is((select primary_slot from outreach.candidates() where outreach_id = :'r'), 'CFO', 'candidates picks the same');
update outreach.people set email_status = 'unsubscribed' where outreach_id = :'r' and title = 'CFO';
select is((select count(*)::int from outreach.primary_contact(:'r')), 0, 'unsubscribed CFO → no contact at all');
select is((select primary_person_id from outreach.candidates() where outreach_id = :'r'), null::uuid,
          'candidates reports no primary person then');

-- Unverified is usable; NULL email is not.
select pg_temp.ready_record() as r2 \gset
update outreach.people set email_status = 'unverified' where outreach_id = :'r2' and title = 'HR';
select is((select slot_type from outreach.primary_contact(:'r2')), 'HR', 'unverified email is usable');
update outreach.people set email = null where outreach_id = :'r2' and title = 'HR';
select is((select slot_type from outreach.primary_contact(:'r2')), 'CEO', 'NULL email is not');

-- An unfilled HR slot is skipped.
select pg_temp.ready_record() as r3 \gset
update outreach.company_slot set person_id = null where outreach_id = :'r3' and slot_type = 'HR';
select is((select slot_type from outreach.primary_contact(:'r3')), 'CEO', 'unfilled HR slot → CEO');
select is((select email from outreach.primary_contact(:'r3')), (select email from outreach.people where outreach_id = :'r3' and title = 'CEO'),
          'returns the person''s email');

-- Pressure classes: the mapped slot first.
select pg_temp.ready_record() as p \gset
select is((select slot_type from outreach.primary_contact(:'p', 'COST_PRESSURE')), 'CFO', 'COST_PRESSURE → CFO');
select is((select slot_type from outreach.primary_contact(:'p', 'VENDOR_DISSATISFACTION')), 'HR', 'VENDOR_DISSATISFACTION → HR');
select is((select slot_type from outreach.primary_contact(:'p', 'DEADLINE_PROXIMITY')), 'HR', 'DEADLINE_PROXIMITY → HR');
select is((select slot_type from outreach.primary_contact(:'p', 'ORGANIZATIONAL_RECONFIGURATION')), 'CEO', 'ORGANIZATIONAL_RECONFIGURATION → CEO');
select is((select slot_type from outreach.primary_contact(:'p', 'OPERATIONAL_CHAOS')), 'CFO', 'OPERATIONAL_CHAOS → CFO');
-- Then CEO > CFO > HR.
update outreach.people set email_status = 'bounced' where outreach_id = :'p' and title = 'HR';
select is((select slot_type from outreach.primary_contact(:'p', 'DEADLINE_PROXIMITY')), 'CEO',
          'mapped HR unusable → CEO next');
update outreach.people set email_status = 'bounced' where outreach_id = :'p' and title = 'CEO';
select is((select slot_type from outreach.primary_contact(:'p', 'VENDOR_DISSATISFACTION')), 'CFO',
          'then CFO');
select throws_ok(format('select * from outreach.primary_contact(%L, %L)', :'p', 'BOREDOM'), '22023', null,
                 'an unknown pressure class is refused');

select * from finish();
rollback;
