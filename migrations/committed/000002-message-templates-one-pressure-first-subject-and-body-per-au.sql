--! Previous: sha1:39fcadccfd6e7ce50ba0c8ed1c82ce39887279d0
--! Hash: sha1:f670f36264107e27ab7e64e96b9b0d648b336d97
--! Message: Message templates: one pressure-first subject and body per audience and pressure class

--------------------------------------------------------------------------------
-- Message templates: one subject and one body per audience (the slot written to)
-- and pressure class, with named placeholders {{name}} rendered in SQL by
-- outreach.render_template / outreach.render_message (sql/60_messaging/).
--
-- Pressure-first framing (messaging seed): every template leads with the system
-- failure the evidence shows, never with the product.
--------------------------------------------------------------------------------

drop table if exists outreach.message_templates;

create table outreach.message_templates (
  audience         text not null check (audience in ('HR', 'CEO', 'CFO')),
  pressure_class   text not null check (pressure_class in ('COST_PRESSURE', 'VENDOR_DISSATISFACTION',
                     'DEADLINE_PROXIMITY', 'ORGANIZATIONAL_RECONFIGURATION', 'OPERATIONAL_CHAOS')),
  subject_template text not null,
  body_template    text not null,
  updated_at       timestamptz not null default now(),
  updated_by       text not null default current_user,
  primary key (audience, pressure_class),
  -- Not blank, and every "{{" opens a well-formed placeholder: {{ name }} or {{Name}}
  -- would otherwise be sent to a prospect verbatim.
  constraint message_templates_subject_well_formed
    check (btrim(subject_template) <> '' and subject_template !~ '\{\{(?![a-z_][a-z0-9_]*\}\})'),
  constraint message_templates_body_well_formed
    check (btrim(body_template) <> '' and body_template !~ '\{\{(?![a-z_][a-z0-9_]*\}\})')
);
comment on table outreach.message_templates is
  'Pressure-first message templates, one per audience (HR, CEO, CFO) and pressure class; {{placeholders}} are rendered by outreach.render_message, and a missing value is an error (OR010), never an empty string.';
comment on column outreach.message_templates.audience is 'The slot the message is written to: HR, CEO or CFO.';
comment on column outreach.message_templates.pressure_class is 'The pressure class the message leads with.';
comment on column outreach.message_templates.subject_template is 'Subject line with {{placeholders}} (lower-case names, see outreach.message_placeholders()); promote stores it rendered in send_log.subject.';
comment on column outreach.message_templates.body_template is 'Body with {{placeholders}}; leads with the system failure, never the product.';
comment on column outreach.message_templates.updated_by is 'Role that last wrote the template.';

insert into outreach.message_templates (audience, pressure_class, subject_template, body_template) values
-- COST_PRESSURE (addressed to the CFO first)
('CFO', 'COST_PRESSURE',
 '{{company_name}}: employer contribution {{contribution_change}} with renewal in {{renewal_days}} days',
 '{{first_name}}, your employer contribution moved {{contribution_change}} year over year, and the plan renews in {{renewal_days}} days. Cost that rises faster than anyone can explain is a visibility gap, not a pricing problem. We close that gap so the renewal is decided on numbers you can trace.'),
('CEO', 'COST_PRESSURE',
 '{{company_name}}: benefits cost {{contribution_change}} and no clear cause',
 '{{first_name}}, employer contribution at {{company_name}} moved {{contribution_change}} year over year, with renewal in {{renewal_days}} days. When a cost line grows without a clear cause, the failure is in the information reaching the decision, not in the vendor. We fix that layer before the renewal locks the increase in.'),
('HR', 'COST_PRESSURE',
 '{{company_name}}: renewal in {{renewal_days}} days after a {{contribution_change}} contribution change',
 '{{first_name}}, the employer contribution moved {{contribution_change}} last year and the plan renews in {{renewal_days}} days. Your team will be asked to explain the increase without the plan data to do it. We build the cost visibility that answers that question before it is asked.'),
-- VENDOR_DISSATISFACTION (HR first)
('HR', 'VENDOR_DISSATISFACTION',
 '{{company_name}}: what is lost each time the benefits vendor changes',
 '{{first_name}}, we saw this at {{company_name}}: {{signal_summary}}. Each vendor change resets the decision history: eligibility rules, past exceptions and renewal context stay with the old provider. We build the layer that keeps that history when the vendor does not.'),
('CEO', 'VENDOR_DISSATISFACTION',
 '{{company_name}}: vendor churn is a continuity problem',
 '{{first_name}}, we saw this at {{company_name}}: {{signal_summary}}. Vendor friction usually means the underlying data does not transfer, so every switch starts from zero. We fix the continuity layer so a change of vendor stops being a loss of memory.'),
('CFO', 'VENDOR_DISSATISFACTION',
 '{{company_name}}: the hidden cost of switching benefits vendors',
 '{{first_name}}, we saw this at {{company_name}}: {{signal_summary}}. Every switch carries transition cost and loses the history that would price the next renewal. We keep that data in your hands, whichever vendor holds the contract.'),
-- DEADLINE_PROXIMITY (HR first)
('HR', 'DEADLINE_PROXIMITY',
 '{{company_name}}: plan renewal in {{renewal_days}} days',
 '{{first_name}}, your plan renews on {{renewal_date}}, {{renewal_days}} days from now. Renewals this close are usually decided on last year''s spreadsheet because the decision history was never kept. We build the continuity system that puts that history in front of you before the deadline.'),
('CEO', 'DEADLINE_PROXIMITY',
 '{{company_name}}: a benefits decision due in {{renewal_days}} days',
 '{{first_name}}, {{company_name}} renews its plan on {{renewal_date}}, in {{renewal_days}} days. Decisions made against a deadline without their history tend to repeat last year''s choice by default. We make sure the people deciding see what was decided before, and why.'),
('CFO', 'DEADLINE_PROXIMITY',
 '{{company_name}}: renewal commitment in {{renewal_days}} days',
 '{{first_name}}, the plan renews on {{renewal_date}}, {{renewal_days}} days out. At this distance the cost commitment is usually set by default, not by analysis. We give finance the numbers in time to negotiate rather than accept.'),
-- ORGANIZATIONAL_RECONFIGURATION (CEO first)
('CEO', 'ORGANIZATIONAL_RECONFIGURATION',
 '{{company_name}}: benefits decisions in flight while the organisation changes',
 '{{first_name}}, when {{company_name}} reorganises, ownership of benefits decisions moves with the org chart and their history rarely follows. New owners inherit renewals with no record of why things are the way they are. We build the continuity layer that survives the reorganisation.'),
('HR', 'ORGANIZATIONAL_RECONFIGURATION',
 '{{company_name}}: inheriting benefits decisions without their history',
 '{{first_name}}, a reorganisation at {{company_name}} hands renewals and vendor choices to new owners with no decision history attached. That gap is where cost and compliance surprises come from. We build the record that transfers with the role.'),
('CFO', 'ORGANIZATIONAL_RECONFIGURATION',
 '{{company_name}}: who owns benefits cost after the reorganisation',
 '{{first_name}}, reorganisations split benefits cost across new owners, and the line that used to be watched stops being watched. We restore one view of that cost at {{company_name}} while the structure settles.'),
-- OPERATIONAL_CHAOS (CFO first)
('CFO', 'OPERATIONAL_CHAOS',
 '{{company_name}}: a benefits process running on workarounds',
 '{{first_name}}, when benefits administration runs on spreadsheets and manual fixes, the errors show up as cost: premiums for people who left, missed deadlines, late fees. We replace the workaround layer at {{company_name}} with a system that reconciles itself.'),
('CEO', 'OPERATIONAL_CHAOS',
 '{{company_name}}: operational drag in benefits administration',
 '{{first_name}}, the signals at {{company_name}} point to a benefits operation held together by manual work. That kind of process fails quietly until it fails loudly, at renewal or at audit. We fix the underlying system so it stops depending on heroics.'),
('HR', 'OPERATIONAL_CHAOS',
 '{{company_name}}: benefits admin held together by manual work',
 '{{first_name}}, your team is absorbing the cost of a process that does not reconcile on its own: manual enrolments, corrections, chasing vendors. We fix the system underneath so your team stops being the integration layer.');
