-- promote cuts each subject template it uses into pieces once per call and renders every
-- queued record's subject from them. The oracle is the one-record pair it replaced:
-- try_render_template (the subject, NULL when a placeholder has no usable value) and
-- missing_placeholders (what OR010 lists), over message_context's values. Records of
-- every band and class, evidence present, partial or absent, templates with a repeated
-- placeholder, a placeholder no record has, and one removed.
begin;
select plan(6);
\ir ../fixtures.sql
\ir ../messaging/_fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.campaign();
update outreach.settings set daily_send_cap = 100000, hourly_send_cap = 100000;

-- Templates that repeat a placeholder, use every kind of value, and one none can fill.
update outreach.message_templates
   set subject_template = '{{company_name}}: {{contribution_change}} and {{renewal_days}} days, {{company_name}} again'
 where audience = 'CFO' and pressure_class = 'COST_PRESSURE';
update outreach.message_templates
   set subject_template = 'For {{first_name}} at {{company_name}} ({{title}}): {{signal_summary}}'
 where audience = 'HR' and pressure_class = 'VENDOR_DISSATISFACTION';
update outreach.message_templates
   set subject_template = 'Plain subject, no placeholder'
 where audience = 'CEO' and pressure_class = 'ORGANIZATIONAL_RECONFIGURATION';
delete from outreach.message_templates where audience = 'HR' and pressure_class = 'DEADLINE_PROXIMITY';

-- 60 records: bands 3–5 and none, every class, evidence drawn per record.
select setseed(0.25);
create temp table recs as
select n, pg_temp.msg_record(b.band, b.pressure, 60 + n % 40) as oid
  from generate_series(1, 60) n
  cross join lateral (
    select (array[3, 4, 5, null])[1 + n % 4] as band,
           (array['COST_PRESSURE', 'VENDOR_DISSATISFACTION', 'DEADLINE_PROXIMITY',
                  'ORGANIZATIONAL_RECONFIGURATION', 'OPERATIONAL_CHAOS', null])[1 + n % 6] as pressure
  ) b;
select pg_temp.msg_dol(oid, date '2026-05-04' + (n * 7 % 120), case when n % 3 = 0 then null else n % 25 - 5 end)
  from recs where n % 5 <> 1;
select pg_temp.msg_seat(oid, s, timestamptz '2026-03-01 00:00:00+00' + n * interval '1 day',
                        case when n % 4 = 0 then '  ' else 'Head of ' || s end)
  from recs cross join unnest(array['CFO', 'HR', 'CEO']) s where n % 7 <> 2;
select pg_temp.msg_blog(oid, case when n % 2 = 0 then 'vendor_review' end,
                        case when n % 3 <> 0 then 'Item ' || n end, timestamptz '2026-04-01 09:00:00+00')
  from recs where n % 4 <> 3;

-- What the one-record functions say, before promote changes anything.
create temp table expected as
select r.oid, c.authorized, c.audience, c.pressure_class,
       case when c.authorized and c.audience = g.primary_slot
            then outreach.try_render_template(mt.subject_template, c.placeholder_values) end as subject,
       case when c.authorized then outreach.missing_placeholders(mt.subject_template, c.placeholder_values) end as missing,
       mt.audience is not null as has_template
  from recs r
  join outreach.candidates(:'t') g on g.outreach_id = r.oid
  cross join lateral outreach.message_context(r.oid, :'t') c
  left join outreach.message_templates mt on mt.audience = c.audience and mt.pressure_class = c.pressure_class
 where g.eligible;

select ok((select count(*) from expected where subject is not null) >= 5
          and (select count(*) from expected where authorized and subject is null and has_template) >= 5
          and (select count(*) from expected where authorized and not has_template) >= 1
          and (select count(*) from expected where not authorized) >= 5,
          'the records reach rendered subjects, missing values, a missing template and unauthorized messages');

select pg_temp.cid() as cid \gset
create temp table got as select * from outreach.promote(:'cid', 1000, :'t');
select is((select count(*) from got where send_id is not null), (select count(*) from expected),
          'every eligible record is queued');

select is((select count(*) from expected e join outreach.send_log l on l.outreach_id = e.oid
            where l.subject is distinct from e.subject),
          0::bigint, 'every stored subject is what try_render_template renders (NULL where it cannot)');
select is((select count(*) from expected e
            where e.authorized and e.subject is null and e.has_template and cardinality(e.missing) > 0
              and not exists (select from outreach.outreach_errors x
                               where x.outreach_id = e.oid and x.sqlstate = 'OR010'
                                 and x.detail -> 'missing' = to_jsonb(e.missing))),
          0::bigint, 'every OR010 lists what missing_placeholders lists, in its order');
select is((select count(*) from outreach.outreach_errors x where x.correlation_id = :'cid' and x.sqlstate = 'OR010'),
          (select count(*) from expected e where e.authorized and e.subject is null and e.has_template and cardinality(e.missing) > 0),
          '... and there is no other OR010');
select is((select count(*) from outreach.outreach_errors x where x.correlation_id = :'cid' and x.sqlstate = 'OR011'),
          (select count(*) from expected e where e.authorized and not e.has_template),
          'one OR011 per authorized message without a template');

select * from finish();
rollback;
