-- Issue 8: templates are data: one subject and body per audience × pressure class,
-- well-formed placeholders that message_context fills, pressure-first framing.
begin;
select plan(11);
\ir ../fixtures.sql

select has_table('outreach', 'message_templates', 'outreach.message_templates exists');
select isnt(obj_description('outreach.message_templates'::regclass, 'pg_class'), null, '... with a comment');
select ok((select relrowsecurity from pg_class where oid = 'outreach.message_templates'::regclass),
          '... and row-level security');

select is((select count(*)::int from (values ('HR'), ('CEO'), ('CFO')) a(audience)
             cross join (values ('COST_PRESSURE'), ('VENDOR_DISSATISFACTION'), ('DEADLINE_PROXIMITY'),
                                ('ORGANIZATIONAL_RECONFIGURATION'), ('OPERATIONAL_CHAOS')) p(pressure_class)
             join outreach.message_templates t using (audience, pressure_class)), 15,
          'one template for each of the 3 audiences × 5 pressure classes');

select is((select array_agg(distinct x order by x) from outreach.message_templates t,
                  unnest(outreach.template_placeholders(t.subject_template) || outreach.template_placeholders(t.body_template)) x
            where x <> all (outreach.message_placeholders())),
          null, 'every template uses only placeholders message_context fills');

-- With every value present, every template renders completely.
select is((select count(*)::int from outreach.message_templates t
            where outreach.render_template(t.subject_template || ' ' || t.body_template,
                    '{"company_name": "Acme", "first_name": "Ada", "full_name": "Ada Lovelace", "title": "CFO",
                      "contribution_change": "+18%", "renewal_days": 75, "renewal_date": "2026-07-18",
                      "signal_summary": "Broker under review", "proof_line": "x"}') like '%{{%'), 0,
          'every template renders with no placeholder left');

-- Pressure first: the message opens on the prospect and the failure, never on the product.
select is((select array_agg(audience || '/' || pressure_class) from outreach.message_templates
            where body_template ~* '^\s*(we|our|i)\M'
               or body_template ~* '(we offer|our (platform|product|services|solution)|i''d love)'),
          null, 'no body opens with We/Our/I or uses a product-first phrase');

-- Malformed templates are refused by the table.
select throws_ok($$insert into outreach.message_templates (audience, pressure_class, subject_template, body_template)
                   values ('HR', 'COST_PRESSURE', 'Hi {{ first_name }}', 'x')
                   on conflict (audience, pressure_class) do update set subject_template = excluded.subject_template$$,
                 '23514', null, 'a placeholder with spaces is refused (23514)');
select throws_ok($$update outreach.message_templates set body_template = 'Dear {{First_Name}}'
                    where audience = 'CFO' and pressure_class = 'COST_PRESSURE'$$,
                 '23514', null, 'an upper-case placeholder is refused');
select throws_ok($$update outreach.message_templates set subject_template = '  '
                    where audience = 'CFO' and pressure_class = 'COST_PRESSURE'$$,
                 '23514', null, 'a blank subject is refused');
select throws_ok($$insert into outreach.message_templates (audience, pressure_class, subject_template, body_template)
                   values ('CTO', 'COST_PRESSURE', 's', 'b')$$,
                 '23514', null, 'an audience other than HR, CEO, CFO is refused');

select * from finish();
rollback;
