--------------------------------------------------------------------------------
-- Template rendering: {{name}} placeholders (lower-case letters, digits, _),
-- filled from a jsonb object in one pass (a value is never rendered again, so a
-- value that contains "{{x}}" stays literal). A placeholder whose value is
-- absent, JSON null or blank is missing: render_template raises OR010,
-- try_render_template returns NULL (for set-based callers such as promote).
--------------------------------------------------------------------------------

create or replace function outreach.message_placeholders()
returns text[]
language sql
immutable
parallel safe
as $$
  select array['company_name', 'first_name', 'full_name', 'title', 'contribution_change',
               'renewal_days', 'renewal_date', 'signal_summary', 'proof_line']
$$;
comment on function outreach.message_placeholders() is
  'Every placeholder outreach.message_context fills (a template using another name cannot render: OR010).';

create or replace function outreach.template_placeholders(template text)
returns text[]
language sql
immutable
parallel safe
as $$
  select coalesce(array_agg(x.name order by x.first_at), '{}')
    from (select m.arr[1] as name, min(m.ord) as first_at
            from regexp_matches(template_placeholders.template, '\{\{([a-z_][a-z0-9_]*)\}\}', 'g')
                 with ordinality as m(arr, ord)
           group by m.arr[1]) x
$$;
comment on function outreach.template_placeholders(text) is
  'The distinct {{placeholders}} of a template, in order of first use.';

create or replace function outreach.missing_placeholders(template text, placeholder_values jsonb)
returns text[]
language sql
immutable
parallel safe
as $$
  select coalesce(array_agg(n.name order by n.ord), '{}')
    from unnest(outreach.template_placeholders(missing_placeholders.template)) with ordinality as n(name, ord)
   where coalesce(btrim(missing_placeholders.placeholder_values ->> n.name), '') = ''
$$;
comment on function outreach.missing_placeholders(text, jsonb) is
  'The placeholders of a template that have no usable value (absent, JSON null or blank) in placeholder_values; empty when it can render.';

-- A template cut into the pieces try_render_template renders it from: literal i is
-- followed by placeholder i, the last literal by none (lits has one element more than
-- names; unnest(lits, names) pairs them). For set-based callers that render many messages
-- from few templates (claims' render_sends, promote's subjects): each template is cut once.
create or replace function outreach_private.template_pieces(template text, out lits text[], out names text[])
returns record
language sql
immutable
parallel safe
as $$
  select array(select p.lit
                 from regexp_split_to_table(template_pieces.template, '\{\{[a-z_][a-z0-9_]*\}\}') with ordinality as p(lit, ord)
                order by p.ord),
         array(select mt.arr[1]
                 from regexp_matches(template_pieces.template, '\{\{([a-z_][a-z0-9_]*)\}\}', 'g') with ordinality as mt(arr, ord)
                order by mt.ord)
$$;
comment on function outreach_private.template_pieces(text) is
  'A template''s literals and placeholders in order (literal i, then placeholder i; the last literal alone): the pieces try_render_template renders from, cut once per template by set-based renderers.';

create or replace function outreach.try_render_template(template text, placeholder_values jsonb)
returns text
language sql
immutable
parallel safe
as $$
  -- Literal i is followed by placeholder i; the last literal by nothing.
  select case when bool_or(m.arr is not null
                           and coalesce(btrim(try_render_template.placeholder_values ->> m.arr[1]), '') = '')
              then null
              else string_agg(p.lit || coalesce(try_render_template.placeholder_values ->> m.arr[1], ''), ''
                              order by p.ord) end
    from regexp_split_to_table(try_render_template.template, '\{\{[a-z_][a-z0-9_]*\}\}') with ordinality as p(lit, ord)
    left join regexp_matches(try_render_template.template, '\{\{([a-z_][a-z0-9_]*)\}\}', 'g') with ordinality as m(arr, ord)
      on m.ord = p.ord
$$;
comment on function outreach.try_render_template(text, jsonb) is
  'The template with every {{placeholder}} replaced by its value, or NULL when the template is NULL or a value is missing (absent, JSON null, blank). Never raises: for set-based callers.';

create or replace function outreach.render_template(template text, placeholder_values jsonb, outreach_id uuid default null)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  missing text[];
begin
  if render_template.template is null then
    raise exception 'template to render for outreach record % is NULL', coalesce(render_template.outreach_id::text, '(none)')
      using errcode = '22004',
            hint = 'Pass the subject_template or body_template of an outreach.message_templates row.';
  end if;
  if jsonb_typeof(render_template.placeholder_values) <> 'object' then
    raise exception 'placeholder values for outreach record % must be a JSON object, got a JSON %',
                    coalesce(render_template.outreach_id::text, '(none)'), jsonb_typeof(render_template.placeholder_values)
      using errcode = '22023',
            detail = format('placeholder_values: %s', left(render_template.placeholder_values::text, 200)),
            hint = 'Pass {"placeholder": "value", ...}, e.g. outreach.message_context(outreach_id).placeholder_values.';
  end if;
  missing := outreach.missing_placeholders(render_template.template, render_template.placeholder_values);
  if cardinality(missing) > 0 then
    raise exception 'placeholder {{%}} has no value for outreach record %', array_to_string(missing, '}}, {{'),
                    coalesce(render_template.outreach_id::text, '(none)')
      using errcode = 'OR010',
            detail = format('missing: %s; given: %s', array_to_string(missing, ', '),
                            coalesce((select string_agg(k, ', ' order by k)
                                        from jsonb_object_keys(coalesce(render_template.placeholder_values, '{}')) k), '')),
            hint = 'A missing value is an error, never an empty string: supply the evidence upstream (CL, People, DOL, Blog) or use only placeholders of outreach.message_placeholders().';
  end if;
  return outreach.try_render_template(render_template.template, render_template.placeholder_values);
end
$$;
comment on function outreach.render_template(text, jsonb, uuid) is
  'The template with every {{placeholder}} replaced by its value; OR010 naming the placeholders (and the outreach record) when a value is absent, JSON null or blank; 22004 for a NULL template.';
