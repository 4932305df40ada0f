-- SPEC §3 / §5 Roles: every pinned interface write works as outreach_hub_writer
-- (the role upstream hubs and the sender use), triggers included; hub_reader writes none.
begin;
select plan(38);
\ir ../fixtures.sql

select pg_temp.campaign() as camp \gset
select outreach.init_outreach(pg_temp.company('Pinned'), gen_random_uuid()) as oid \gset
select sovereign_company_id as sid from outreach.outreach where outreach_id = :'oid' \gset
select gen_random_uuid() as tid, gen_random_uuid() as hr, gen_random_uuid() as ceo, gen_random_uuid() as camp2,
       gen_random_uuid() as seq2, gen_random_uuid() as sid2 \gset

set local role outreach_hub_writer;
-- Company Target
select lives_ok(format($$insert into outreach.company_target (target_id, outreach_id, sovereign_company_id, domain, email_pattern,
                                                              industry, employee_count, target_status)
                         values (%L, %L, %L, 'pinned.example', '{first}@pinned.example', 'Retail', 40, 'queued')$$,
                       :'tid', :'oid', :'sid'),
                'the writer inserts company_target with its pinned columns');
select lives_ok(format($$update outreach.company_target set domain = 'pinned.example', email_pattern = '{first}.{last}@pinned.example',
                                industry = 'Manufacturing', employee_count = 250, target_status = 'queued'
                          where target_id = %L$$, :'tid'),
                'the writer updates company_target''s pinned columns');
-- People
select lives_ok(format($$insert into outreach.people (person_id, outreach_id, target_id, sovereign_company_id, full_name, email, title, email_status)
                         values (%L, %L, %L, %L, 'Hana Ruiz', 'hana@pinned.example', 'HR lead', 'unverified'),
                                (%L, %L, %L, %L, 'Cal Otto', 'cal@pinned.example', 'CEO', 'verified')$$,
                       :'hr', :'oid', :'tid', :'sid', :'ceo', :'oid', :'tid', :'sid'),
                'the writer inserts people with their pinned columns');
-- Company slots
select lives_ok(format($$insert into outreach.company_slot (outreach_id, slot_type, person_id)
                         values (%L, 'HR', %L), (%L, 'CEO', null), (%L, 'CFO', null)$$, :'oid', :'hr', :'oid', :'oid'),
                'the writer inserts company_slot (outreach_id, slot_type, person_id)');
select is((select (contact_person_id, filled_slots) from outreach.company_target where target_id = :'tid'),
          (:'hr'::uuid, 1::smallint), 'the contact summary follows the writer''s slots');
select lives_ok(format($$update outreach.company_slot set person_id = %L where outreach_id = %L and slot_type = 'CEO'$$, :'ceo', :'oid'),
                'the writer fills a slot');
select lives_ok(format($$update outreach.people set full_name = 'Hana Ruiz-Lee', email = 'hana.ruiz@pinned.example',
                                title = 'Head of People', email_status = 'bounced' where person_id = %L$$, :'hr'),
                'the writer updates people''s pinned columns (a slotted person''s email status)');
select is((select (contact_person_id, filled_slots) from outreach.company_target where target_id = :'tid'),
          (:'ceo'::uuid, 2::smallint), 'the summary skips the bounced HR person for the CEO');
select lives_ok(format($$update outreach.company_slot set person_id = null where outreach_id = %L and slot_type = 'HR'$$, :'oid'),
                'the writer empties a slot');
-- BIT scores
select lives_ok(format($$insert into outreach.bit_scores (outreach_id, score, band, pressure_class) values (%L, 61, 3, 'COST_PRESSURE')$$, :'oid'),
                'the writer inserts bit_scores with its pinned columns');
select lives_ok(format($$update outreach.bit_scores set score = 72, band = 4, pressure_class = 'ORGANIZATIONAL_RECONFIGURATION'
                          where outreach_id = %L$$, :'oid'),
                'the writer updates bit_scores'' pinned columns (the pressure class moves the contact)');
select is((select contact_slot from outreach.company_target where target_id = :'tid'), 'CEO',
          'the summary follows the pressure class the writer set');
select is((select (g.scored, s.bit_score, s.band) from outreach.gate_state g join outreach.gate_score s using (outreach_id)
            where g.outreach_id = :'oid'), (true, 72::numeric, 4::smallint),
          'the gate state and gate_score follow the writer''s scores');
select throws_ok(format($$update outreach.gate_score set bit_score = 99 where outreach_id = %L$$, :'oid'), '42501', null,
                 'the writer cannot write gate_score itself (derived, kept by the triggers)');
-- DOL and blog
select lives_ok(format($$insert into outreach.dol (outreach_id, ein, renewal_date, employer_contribution_change_pct)
                         values (%L, '123456789', date '2027-01-01', 12.5)$$, :'oid'), 'the writer inserts dol');
select lives_ok(format($$update outreach.dol set ein = '987654321', renewal_date = date '2027-02-01',
                                employer_contribution_change_pct = 9 where outreach_id = %L$$, :'oid'), 'the writer updates dol');
select lives_ok(format($$insert into outreach.blog (outreach_id, signal_type, summary, published_at)
                         values (%L, 'expansion', 'New plant', now())$$, :'oid'), 'the writer inserts blog');
select lives_ok(format($$update outreach.blog set signal_type = 'layoffs', summary = 'Cuts', published_at = now() where outreach_id = %L$$, :'oid'),
                'the writer updates blog');
-- Campaigns and sequences
select lives_ok(format($$insert into outreach.campaigns (campaign_id, campaign_name, campaign_status, target_bit_score_min, target_industries,
                                                         min_employees, max_employees, priority, daily_send_limit, total_send_limit,
                                                         start_date, end_date)
                         values (%L, 'Writer campaign', 'draft', 50, array['Retail'], 10, 500, 1, 20, 200, null, null)$$, :'camp2'),
                'the writer inserts campaigns with their pinned columns');
select lives_ok(format($$update outreach.campaigns set campaign_status = 'paused', priority = 2 where campaign_id = %L$$, :'camp2'),
                'the writer updates campaigns');
select lives_ok(format($$insert into outreach.sequences (sequence_id, campaign_id, sequence_name, sequence_order, delay_days, delay_hours,
                                                         sequence_status, subject_template, body_template)
                         values (%L, %L, 'first', 1, 0, 0, 'active', 'Hi', 'Hello')$$, :'seq2', :'camp2'),
                'the writer inserts sequences with their pinned columns');
select lives_ok(format($$update outreach.sequences set delay_days = 2, subject_template = 'Hello again' where sequence_id = %L$$, :'seq2'),
                'the writer updates sequences');
-- Send log (the external sender)
select lives_ok(format($$insert into outreach.send_log (send_id, outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                                                        email_to, sequence_step, send_status, scheduled_at, sent_at, correlation_id)
                         values (%L, %L, %L, %L, %L, %L, %L, 'cal@pinned.example', 1, 'queued', now(), null, gen_random_uuid())$$,
                       :'sid2', :'oid', :'tid', :'sid', :'camp2', :'seq2', :'ceo'),
                'the writer inserts send_log with its pinned columns');
select lives_ok(format($$update outreach.send_log set send_status = 'sent', sent_at = now() where send_id = %L$$, :'sid2'),
                'the writer moves a send forward');
-- Upstream status (the waterfall)
select lives_ok(format($$insert into outreach.upstream_status (outreach_id, hub_id, status) values (%L, 'people_intelligence', null)$$, :'oid'),
                'the writer inserts upstream_status');
select lives_ok(format($$update outreach.upstream_status set status = 'PASS', updated_at = now() where outreach_id = %L$$, :'oid'),
                'the writer updates upstream_status');
reset role;

-- The reader writes none of them.
set local role hub_reader;
select throws_ok(format($$update outreach.company_target set domain = 'x.example' where target_id = %L$$, :'tid'), '42501', null,
                 'hub_reader cannot update company_target');
select throws_ok(format($$insert into outreach.people (outreach_id, target_id, email) values (%L, %L, 'x@x.example')$$, :'oid', :'tid'),
                 '42501', null, 'hub_reader cannot insert people');
select throws_ok(format($$update outreach.company_slot set person_id = null where outreach_id = %L$$, :'oid'), '42501', null,
                 'hub_reader cannot update company_slot');
select throws_ok(format($$update outreach.bit_scores set score = 99 where outreach_id = %L$$, :'oid'), '42501', null,
                 'hub_reader cannot update bit_scores');
select throws_ok(format($$insert into outreach.dol (outreach_id) values (%L)$$, :'oid'), '42501', null, 'hub_reader cannot insert dol');
select throws_ok(format($$insert into outreach.blog (outreach_id) values (%L)$$, :'oid'), '42501', null, 'hub_reader cannot insert blog');
select throws_ok($$insert into outreach.campaigns (campaign_name) values ('x')$$, '42501', null, 'hub_reader cannot insert campaigns');
select throws_ok(format($$update outreach.sequences set delay_days = 9 where sequence_id = %L$$, :'seq2'), '42501', null,
                 'hub_reader cannot update sequences');
select throws_ok(format($$update outreach.send_log set send_status = 'delivered' where send_id = %L$$, :'sid2'), '42501', null,
                 'hub_reader cannot update send_log');
select throws_ok(format($$update outreach.upstream_status set status = 'FAIL' where outreach_id = %L$$, :'oid'), '42501', null,
                 'hub_reader cannot update upstream_status');
select throws_ok(format($$update outreach.gate_score set bit_score = 99 where outreach_id = %L$$, :'oid'), '42501', null,
                 'hub_reader cannot update gate_score');
select throws_ok(format($$update outreach.gate_state set scored = false where outreach_id = %L$$, :'oid'), '42501', null,
                 'hub_reader cannot update gate_state');
reset role;

select * from finish();
rollback;
