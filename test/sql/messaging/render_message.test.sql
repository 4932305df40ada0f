-- Issue 8: render_message renders the audience × pressure class template of an
-- authorized record; OR012 when not authorized, OR011 without a template, OR010
-- when the record lacks a value the template needs.
begin;
select plan(9);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset

select has_function('outreach', 'render_message', array['uuid', 'timestamp with time zone'],
                    'render_message(uuid, timestamptz) exists');

select pg_temp.msg_evidence(pg_temp.msg_record(4, 'COST_PRESSURE')) as r \gset
update cl.company_identity set company_name = 'Acme Tools'
 where sovereign_company_id = (select sovereign_company_id from outreach.outreach where outreach_id = :'r');
update outreach.people set full_name = 'Grace Hopper'
 where person_id = (select person_id from outreach.company_slot where outreach_id = :'r' and slot_type = 'CFO');

create temp table m as select * from outreach.render_message(:'r', :'t');
select is((select (audience, pressure_class) from m), ('CFO'::text, 'COST_PRESSURE'::text), 'addressed to the CFO, for COST_PRESSURE');
select is((select subject from m), 'Acme Tools: employer contribution +18% with renewal in 75 days',
          'the subject is rendered from the record''s evidence');
select alike((select body from m), 'Grace, your employer contribution moved +18% year over year, and the plan renews in 75 days.%',
             'the body opens with the contact''s first name and the pressure');
select is((select proof_line from m), outreach.proof_line(:'r', :'t'), 'the proof line comes with it');

-- Errors.
select pg_temp.msg_evidence(pg_temp.msg_record(2, 'COST_PRESSURE')) as low \gset
select throws_ok(format('select * from outreach.render_message(%L, %L)', :'low', :'t'), 'OR012', null,
                 'band 2: not authorized, OR012');
select throws_ok(format('select * from outreach.render_message(%L, %L)', gen_random_uuid(), :'t'), 'OR012', null,
                 'an unknown outreach id: OR012');

-- Band 3, evidence from the blog only: authorized, but the CFO cost template needs DOL figures.
select pg_temp.msg_record(3, 'COST_PRESSURE') as blog_only \gset
select pg_temp.msg_blog(:'blog_only', 'expansion', 'Opens two plants', '2026-04-01 09:00:00+00');
select throws_ok(format('select * from outreach.render_message(%L, %L)', :'blog_only', :'t'), 'OR010', null,
                 'authorized, but a placeholder without a value: OR010, not an empty string');

delete from outreach.message_templates where audience = 'CFO' and pressure_class = 'COST_PRESSURE';
select throws_ok(format('select * from outreach.render_message(%L, %L)', :'r', :'t'), 'OR011', null,
                 'no template for CFO × COST_PRESSURE: OR011');

select * from finish();
rollback;
