-- Proof lines with the pinned interface: upstream People writes only outreach_id,
-- slot_type and person_id to company_slot. A seat filled that way is People
-- evidence: the hub keeps assigned_at (now() when person_id becomes set, NULL when
-- the seat is emptied, the writer's own value when it sets one), so band 4 and 5
-- proof lines are produced. Written as outreach_hub_writer.
begin;
select plan(12);
\ir ../fixtures.sql

select outreach.init_outreach(pg_temp.company('Seated'), gen_random_uuid()) as oid \gset
insert into outreach.company_target (outreach_id, domain, email_pattern, industry, employee_count)
values (:'oid', 'seated.example', '{first}@seated.example', 'Retail', 80);
insert into outreach.bit_scores (outreach_id, score, band, pressure_class) values (:'oid', 70, 4, 'COST_PRESSURE');
insert into outreach.dol (outreach_id, ein, renewal_date, employer_contribution_change_pct)
values (:'oid', '123456789', (now() at time zone 'UTC')::date + 60, 18);
select target_id as tid from outreach.company_target where outreach_id = :'oid' \gset
select gen_random_uuid() as cfo, gen_random_uuid() as hr \gset

set local role outreach_hub_writer;
insert into outreach.people (person_id, outreach_id, target_id, full_name, email, title, email_status)
values (:'cfo', :'oid', :'tid', 'Fay Cole', 'fay@seated.example', 'VP Finance', 'verified'),
       (:'hr', :'oid', :'tid', 'Hal Ross', 'hal@seated.example', 'HR lead', 'verified');
insert into outreach.company_slot (outreach_id, slot_type, person_id)
values (:'oid', 'CFO', :'cfo'), (:'oid', 'CEO', null);
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'CFO'), now(),
          'a seat filled through the pinned columns is dated now()');
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'CEO'), null,
          'an unfilled seat has no date');
select is((select (format, proof_line) from outreach.proof(:'oid', now())),
          ('convergence'::text, 'COST_PRESSURE convergence: DOL: employer contribution +18% YoY, renewal in 60 days + People: CFO seat assigned 0 days ago (VP Finance)'::text),
          'the seat is People evidence: a band 4 proof line');

update outreach.bit_scores set band = 5 where outreach_id = :'oid';
insert into outreach.blog (outreach_id, signal_type, summary, published_at) values (:'oid', 'vendor_review', 'Broker under review', now() - interval '1 day');
select is((select format from outreach.proof(:'oid', now())), 'phase_transition', 'and with a blog item, a band 5 proof line');
select is((select reason from outreach.proof(:'oid', now() - interval '1 hour')), 'no_people_evidence',
          'before the seat was filled it was not evidence');

update outreach.company_slot set person_id = null where outreach_id = :'oid' and slot_type = 'CFO';
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'CFO'), null,
          'emptying the seat clears its date');
select is((select reason from outreach.proof(:'oid', now())), 'no_people_evidence', 'an empty seat is no evidence');

update outreach.company_slot set person_id = :'cfo' where outreach_id = :'oid' and slot_type = 'CFO';
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'CFO'), now(),
          'refilling the seat dates it again');

update outreach.company_slot set person_id = :'hr', assigned_at = '2026-01-05 09:00+00' where outreach_id = :'oid' and slot_type = 'CEO';
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'CEO'), '2026-01-05 09:00+00'::timestamptz,
          'a date the writer sets explicitly is kept');
insert into outreach.company_slot (outreach_id, slot_type, person_id, assigned_at) values (:'oid', 'HR', :'hr', '2025-12-01 00:00+00');
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'HR'), '2025-12-01 00:00+00'::timestamptz,
          'also on insert');
update outreach.company_slot set updated_at = now() where outreach_id = :'oid' and slot_type = 'HR';
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'HR'), '2025-12-01 00:00+00'::timestamptz,
          'an update that does not change the person keeps the date');
update outreach.company_slot set person_id = :'hr' where outreach_id = :'oid' and slot_type = 'HR';
select is((select assigned_at from outreach.company_slot where outreach_id = :'oid' and slot_type = 'HR'), '2025-12-01 00:00+00'::timestamptz,
          'rewriting the same person keeps the date');
reset role;

select * from finish();
rollback;
