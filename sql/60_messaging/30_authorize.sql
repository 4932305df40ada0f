--------------------------------------------------------------------------------
-- Message authorization (messaging seed): band 3+ → a proof line for the band →
-- the audience slot chosen with the pressure class → a pressure-first message.
--
-- Authorization answers "may a proof-backed message be written to this record?"
-- It does not repeat the golden rule: whether the record may be enrolled at all
-- (score, contact, cooling-off, campaign, …) is outreach.candidates'.
--------------------------------------------------------------------------------

create or replace function outreach.authorize_message(outreach_id uuid, as_of timestamptz default now())
returns table (authorized boolean, band smallint, audience text, pressure_class text, proof_line text, reason text)
language sql
stable
as $$
  select m.authorized, m.band, m.audience, m.pressure_class, m.proof_line, m.reason
    from outreach.message_context(authorize_message.outreach_id, authorize_message.as_of) m
$$;
comment on function outreach.authorize_message(uuid, timestamptz) is
  'Whether a pressure-first message may be written to one outreach record at as_of: band 3+, a pressure class, an audience (the slot chosen with the pressure class) and a proof line for the band. Always one row; reason NULL when authorized, else the first failing rule (unknown_outreach, no_bit_score, no_band, band_below_3, no_pressure_class, no_audience, then the proof reasons of outreach.proof).';

create or replace function outreach.render_message(outreach_id uuid, as_of timestamptz default now())
returns table (audience text, pressure_class text, subject text, body text, proof_line text)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  m record;
  t record;
begin
  select * into m from outreach.message_context(render_message.outreach_id, render_message.as_of);
  if not m.authorized then
    raise exception 'message for outreach record % is not authorized: %', render_message.outreach_id, m.reason
      using errcode = 'OR012',
            detail = format('reason %s; band %s; pressure class %s; audience %s; proof %s', m.reason,
                            coalesce(m.band::text, 'none'), coalesce(m.pressure_class, 'none'),
                            coalesce(m.audience, 'none'), coalesce(m.proof_reason, 'present')),
            hint = 'See outreach.authorize_message(outreach_id); bands, pressure classes, contacts and evidence come from upstream (BIT, People, DOL, Blog).';
  end if;

  select mt.subject_template, mt.body_template into t
    from outreach.message_templates mt
   where mt.audience = m.audience and mt.pressure_class = m.pressure_class;
  if not found then
    raise exception 'no message template for audience % and pressure class % (outreach record %)',
                    m.audience, m.pressure_class, render_message.outreach_id
      using errcode = 'OR011',
            detail = format('audience %s, pressure class %s', m.audience, m.pressure_class),
            hint = 'Insert the missing row into outreach.message_templates (one per audience and pressure class).';
  end if;

  return query
    select m.audience, m.pressure_class,
           outreach.render_template(t.subject_template, m.placeholder_values, render_message.outreach_id),
           outreach.render_template(t.body_template, m.placeholder_values, render_message.outreach_id),
           m.proof_line;
end
$$;
comment on function outreach.render_message(uuid, timestamptz) is
  'The pressure-first subject and body for one authorized outreach record at as_of, from its audience × pressure class template, with its proof line. OR012 when the message is not authorized, OR011 when the template row is missing, OR010 when a placeholder has no value.';
