-- Issue 8: {{placeholders}} rendered in SQL; a missing value (absent, JSON null or
-- blank) is an error (OR010), never an empty string.
begin;
select plan(17);
\ir ../fixtures.sql

select has_function('outreach', 'render_template', array['text', 'jsonb', 'uuid'], 'render_template(text, jsonb, uuid) exists');

select is(outreach.render_template('{{first_name}}, renewal in {{renewal_days}} days at {{company_name}}. Bye {{first_name}}.',
                                   '{"first_name": "Ada", "renewal_days": 75, "company_name": "Acme"}'),
          'Ada, renewal in 75 days at Acme. Bye Ada.', 'every placeholder is replaced, repeated ones too, numbers as text');
select is(outreach.render_template('{{a}}{{b}}', '{"a": "1", "b": "2"}'), '12', 'adjacent placeholders');
select is(outreach.render_template('No placeholders here.', null), 'No placeholders here.', 'a template without placeholders needs no values');
select is(outreach.render_template('Hi {{name}}', '{"name": "{{secret}}"}'), 'Hi {{secret}}',
          'values are not rendered again: one pass');
select is(outreach.render_template('{ not a placeholder }} {{ spaced }}', '{}'), '{ not a placeholder }} {{ spaced }}',
          'text that is not a {{lower_case}} placeholder is literal');

select throws_ok($$select outreach.render_template('Hi {{first_name}}', '{}')$$, 'OR010', null,
                 'an absent value is OR010');
select throws_ok($$select outreach.render_template('Hi {{first_name}}', '{"first_name": null}')$$, 'OR010', null,
                 'a JSON null value is OR010');
select throws_ok($$select outreach.render_template('Hi {{first_name}}', '{"first_name": "   "}')$$, 'OR010', null,
                 'a blank value is OR010');
select throws_ok($$select outreach.render_template('Hi {{frist_name}}', '{"first_name": "Ada"}')$$, 'OR010', null,
                 'a misspelt placeholder is OR010');
select throws_ok($$select outreach.render_template('Hi {{first_name}}', null)$$, 'OR010', null,
                 'no values at all is OR010');
select throws_ok(format('select outreach.render_template(%L, %L, %L)', 'Hi {{first_name}}', '{}', gen_random_uuid()),
                 'OR010', null, 'OR010 with an outreach id too');
select throws_ok($$select outreach.render_template(null, '{}')$$, '22004', null, 'a NULL template is 22004');

-- The non-raising variant for set-based callers, and the introspection helpers.
select is(outreach.try_render_template('Hi {{first_name}}', '{"first_name": ""}'), null,
          'try_render_template returns NULL, not an empty string, when a value is missing');
select is(outreach.try_render_template('Hi {{first_name}}', '{"first_name": "Ada"}'), 'Hi Ada', '... and the text when none is');
select is(outreach.template_placeholders('{{b}} {{a}} {{b}} {{ c }}'), array['b', 'a'],
          'template_placeholders: distinct, in order of first use');
select is(outreach.missing_placeholders('{{b}} {{a}} {{c}}', '{"a": "x", "c": " "}'), array['b', 'c'],
          'missing_placeholders: those without a usable value');

select * from finish();
rollback;
