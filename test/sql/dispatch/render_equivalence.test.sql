-- outreach_private.render_sends (what claim_sends hands over and keeps) renders, signs
-- and links a batch set-based; this proves it equal, column by column, to rendering
-- each send with the public one-send functions (message_context, unsubscribe_url,
-- calendar_link, try_render_template: the implementation it replaced, kept below as
-- pg_temp.render_one_by_one) on a generated batch: templates with repeated, adjacent,
-- unknown and malformed placeholders, '%' and values that contain "{{...}}"; names blank
-- or missing; provider-run steps; several signing keys; the three calendar providers
-- and base URLs with a query, a trailing '?' or '&' and a fragment; postal address set,
-- blank or unset.
begin;
select plan(14);
\ir ../fixtures.sql
\ir ../messaging/_fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset

-- The reference: one send at a time through the public functions.
create or replace function pg_temp.render_one_by_one(send_ids uuid[], as_of timestamptz)
returns table (send_id uuid, subject text, body text, steps jsonb, proof_line text, unsubscribe_url text,
               calendar_link text, full_name text, company_name text, problem text)
language sql
stable
set search_path = ''
as $$
  select l.send_id, r.subject, r.body, st.steps, coalesce(m.proof_line, l.proof_line), u.unsub, u.cal,
         p.full_name, m.placeholder_values ->> 'company_name',
         case
           when tp.subject_template is null or tp.body_template is null
             then format('no template: the step has none and there is no message template for audience %s and pressure class %s',
                         coalesce(ws.slot_type, m.audience, 'none'), coalesce(m.pressure_class, 'none'))
           when r.subject is null or r.body is null
             then format('placeholder {{%s}} has no value',
                         array_to_string(outreach.missing_placeholders(tp.subject_template, v.vals)
                                         || outreach.missing_placeholders(tp.body_template, v.vals), '}}, {{'))
         end
    from outreach.send_log l
    left join outreach.campaigns c on c.campaign_id = l.campaign_id
    left join outreach.sequences q on q.sequence_id = l.sequence_id
    cross join lateral outreach.message_context(l.outreach_id, render_one_by_one.as_of) m
    -- The person the send goes to, and the slot they hold (the audience).
    left join outreach.people p on p.person_id = l.person_id
    left join lateral (
      select cs.slot_type from outreach.company_slot cs
       where cs.person_id = p.person_id order by outreach.slot_rank(cs.slot_type) limit 1
    ) ws on true
    -- offset 0 keeps each lateral a subquery of its own: flattened, every reference to
    -- u.unsub or v.vals below would sign and build them again.
    cross join lateral (
      select outreach.unsubscribe_url(l.send_id) as unsub, outreach.calendar_link(l.outreach_id, render_one_by_one.as_of) as cal
      offset 0
    ) u
    cross join lateral (
      select coalesce(m.placeholder_values, '{}'::jsonb)
             || jsonb_strip_nulls(jsonb_build_object(
                  'first_name', nullif(split_part(btrim(p.full_name), ' ', 1), ''),
                  'full_name', nullif(btrim(p.full_name), ''),
                  'title', nullif(btrim(p.title), ''),
                  'proof_line', coalesce(m.proof_line, l.proof_line),
                  'unsubscribe_url', u.unsub,
                  'calendar_link', u.cal,
                  'postal_address', (select nullif(btrim(s.postal_address), '') from outreach.settings s))) as vals
      offset 0
    ) v
    left join outreach.message_templates t
      on t.audience = coalesce(ws.slot_type, m.audience) and t.pressure_class = m.pressure_class
    cross join lateral (
      select coalesce(q.subject_template, t.subject_template) as subject_template,
             coalesce(q.body_template, t.body_template) as body_template
    ) tp
    cross join lateral (
      select outreach.try_render_template(tp.subject_template, v.vals) as subject,
             outreach.try_render_template(tp.body_template, v.vals) as body
    ) r
    -- Every active step, rendered, for a campaign the provider runs.
    left join lateral (
      select jsonb_agg(jsonb_build_object(
               'step', qs.sequence_order,
               'subject', outreach.try_render_template(coalesce(qs.subject_template, t.subject_template), v.vals),
               'body', outreach.try_render_template(coalesce(qs.body_template, t.body_template), v.vals),
               'delay_days', qs.delay_days,
               'delay_hours', qs.delay_hours) order by qs.sequence_order) as steps
        from outreach.sequences qs
       where c.sender in ('instantly', 'smartlead', 'heyreach')
         and qs.campaign_id = c.campaign_id and qs.sequence_status = 'active'
    ) st on true
   where l.send_id = any (render_one_by_one.send_ids)
$$;


-- Records across bands, pressure classes and evidence (some with none at all).
create temp table rec as
select g, pg_temp.msg_record(case when g % 7 = 0 then 2 else 3 + g % 3 end,
                             (array['COST_PRESSURE', 'VENDOR_DISSATISFACTION', 'DEADLINE_PROXIMITY', 'ORGANIZATIONAL_RECONFIGURATION', null])[1 + g % 5],
                             case when g % 11 = 0 then null else 70 end) as oid
  from generate_series(1, 48) g;
select pg_temp.msg_dol(oid, date '2026-05-04' + (g * 5 - 60), case when g % 4 = 0 then null else g - 20 end)
  from rec where g % 3 <> 0;
select pg_temp.msg_seat(oid, (array['HR', 'CEO', 'CFO'])[1 + g % 3], timestamptz '2026-03-25 12:00:00+00' - g * interval '1 day',
                        case when g % 5 = 0 then '  ' else 'Title ' || g end)
  from rec where g % 4 <> 1;
select pg_temp.msg_blog(oid, case when g % 6 = 0 then ' ' else 'signal_' || g end,
                        case when g % 5 = 0 then repeat('long summary ', 12) when g % 5 = 1 then '' else 'Summary {{first_name}} ' || g end,
                        timestamptz '2026-04-01 09:00:00+00' + g * interval '1 hour')
  from rec where g % 2 = 0;
-- Names: blank, spaced, several words, non-ASCII, a value that looks like a placeholder.
update outreach.people p set full_name = (array[null, '', '  Ada   Lovelace  ', 'Émile Zola', '{{company_name}} Smith', 'Grace Brewster Hopper', '100% Real'])[1 + (abs(hashtext(p.person_id::text)) % 7)],
                             title = (array[null, ' ', 'VP {{title}}', 'CFO'])[1 + (abs(hashtext(p.title || p.person_id::text)) % 4)]
  from rec where p.outreach_id = rec.oid and rec.g % 2 = 1;
update cl.company_identity c set company_name = case when rec.g % 9 = 0 then '  ' else 'Co %s {{x}} ' || rec.g end
  from rec join outreach.outreach o on o.outreach_id = rec.oid
 where c.sovereign_company_id = o.sovereign_company_id and rec.g % 3 = 1;

-- Campaigns: the audience templates (steps without templates of their own), tricky step
-- templates, and a provider-run campaign whose steps mix both (one paused).
insert into outreach.campaigns (campaign_name, campaign_status, sender) values ('Plain', 'active', 'queue');
insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days)
select campaign_id, 'plain 1', 1, 0 from outreach.campaigns where campaign_name = 'Plain';
insert into outreach.campaigns (campaign_name, campaign_status, sender) values ('Tricky', 'active', 'queue');
insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, subject_template, body_template)
select c.campaign_id, 'tricky ' || s.n, s.n, 0, s.subj, s.body
  from outreach.campaigns c,
       (values (1, '{{first_name}}{{first_name}} at {{company_name}} — 100%', E'Hi {{first_name}},\n{{proof_line}}\n{{{calendar_link}}} {{ title }} {{Title}} {{unsubscribe_url}}\n{{postal_address}}'),
               (2, '', '{{full_name}}'),
               (3, 'No placeholders at all', '{{unknown_one}} and {{title}}{{'),
               (4, '{{renewal_days}} days, {{contribution_change}}, {{renewal_date}}', '{{signal_summary}}}} {{calendar_link}}'),
               (5, null, 'Body {{first_name}} only')) s(n, subj, body)
 where c.campaign_name = 'Tricky';
insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id) values ('Provider', 'active', 'instantly', 'p-1');
insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, delay_hours, sequence_status, subject_template, body_template)
select c.campaign_id, 'prov ' || s.n, s.n, s.n * 2, s.n, s.status, s.subj, s.body
  from outreach.campaigns c,
       (values (1, 'active', 'P1 {{first_name}}', 'P1 body {{unsubscribe_url}} {{calendar_link}}'),
               (2, 'active', null, null),
               (3, 'paused', 'P3 paused', 'never'),
               (4, 'active', 'P4 {{title}}', null)) s(n, status, subj, body)
 where c.campaign_name = 'Provider';

-- One queued send per record, spread over the campaigns and steps; some to a person
-- other than the record's contact, some to nobody in particular.
insert into outreach.send_log (outreach_id, target_id, sovereign_company_id, campaign_id, sequence_id, person_id,
                               email_to, sequence_step, send_status, scheduled_at, correlation_id, proof_line)
select rec.oid, t.target_id, o.sovereign_company_id, c.campaign_id, q.sequence_id,
       case when rec.g % 8 = 0 then null else p.person_id end, p.email, q.sequence_order, 'queued',
       timestamptz '2026-05-04 09:00:00+00', gen_random_uuid(), case when rec.g % 10 = 0 then 'kept proof line' end
  from rec
  join outreach.outreach o on o.outreach_id = rec.oid
  join outreach.company_target t on t.outreach_id = rec.oid
  join lateral (select cs.person_id, pe.email from outreach.company_slot cs join outreach.people pe using (person_id)
                 where cs.outreach_id = rec.oid order by cs.slot_type offset rec.g % 3 limit 1) p on true
  join outreach.campaigns c on c.campaign_name = (array['Plain', 'Tricky', 'Provider'])[1 + rec.g % 3]
  join lateral (select s.sequence_id, s.sequence_order from outreach.sequences s where s.campaign_id = c.campaign_id
                 order by s.sequence_order offset (rec.g / 3) % (select count(*) from outreach.sequences x where x.campaign_id = c.campaign_id)
                 limit 1) q on true;
select outreach.rotate_unsubscribe_key();
select outreach.rotate_calendar_key();

create temp table batch as select array_agg(send_id order by send_id) as ids from outreach.send_log where send_status = 'queued';

-- The two renderings of the whole batch, compared column by column, under one setting.
create function pg_temp.differences(at timestamptz) returns bigint language sql as $$
  select count(*)
    from pg_temp.render_one_by_one((select ids from batch), at) o
    full join outreach_private.render_sends((select ids from batch), at) n using (send_id)
   where (o.send_id, o.subject, o.body, o.steps, o.proof_line, o.unsubscribe_url, o.calendar_link,
          o.full_name, o.company_name, o.problem)
         is distinct from
         (n.send_id, n.subject, n.body, n.steps, n.proof_line, n.unsubscribe_url, n.calendar_link,
          n.full_name, n.company_name, n.problem);
$$;

-- The batch covers what it claims to.
create temp table r0 as select * from pg_temp.render_one_by_one((select ids from batch), :'t');
select is((select count(*)::int from r0), 48, 'the batch has a row per send');
select ok((select count(*) from r0 where subject is not null and body is not null) >= 10
          and (select count(*) from r0 where problem like 'placeholder%') >= 3
          and (select count(*) from r0 where problem like 'no template%') >= 1
          and (select count(*) from r0 where steps is not null) >= 10
          and (select count(*) from r0 where body like '%{{%' or subject like '%{{%') >= 3,
          'rendered, missing-value and no-template rows, provider steps and literal braces are all in it');

select is(pg_temp.differences(:'t'), 0::bigint, 'generic links, no postal address: identical');
select is(pg_temp.differences(:'t'::timestamptz + interval '90 days'), 0::bigint, 'a later as_of (renewals passed, other evidence): identical');

update outreach.settings set postal_address = '1 Main St, Springfield', calendar_base_url = 'https://cal.example.com/book?team=a&x=%41#slot';
select is(pg_temp.differences(:'t'), 0::bigint, 'a base URL with a query and a fragment, a postal address: identical');
update outreach.settings set postal_address = '   ', calendar_base_url = 'https://cal.example.com/book?';
select is(pg_temp.differences(:'t'), 0::bigint, 'a base URL ending in ?, a blank postal address: identical');
update outreach.settings set calendar_base_url = 'https://cal.example.com/book?a=1&#';
select is(pg_temp.differences(:'t'), 0::bigint, 'a base URL ending in & before an empty fragment: identical');

update outreach.settings set calendar_provider = 'calendly', calendar_base_url = 'https://calendly.com/acme/intro', calendar_ttl = '5 days 3 hours 7 seconds';
select is(pg_temp.differences(:'t'), 0::bigint, 'calendly (packed token): identical');
update outreach.settings set calendar_provider = 'calcom', calendar_base_url = 'https://cal.com/acme?theme=dark#top';
select is(pg_temp.differences(:'t'), 0::bigint, 'cal.com (packed token): identical');

update outreach.settings set unsubscribe_base_url = 'https://hub.example.com/unsub///';
select is(pg_temp.differences(:'t'), 0::bigint, 'an unsubscribe base URL with trailing slashes: identical');

-- The newest unretired key signs.
select outreach.rotate_unsubscribe_key() as uk \gset
select outreach.rotate_calendar_key() as ck \gset
select is(pg_temp.differences(:'t'), 0::bigint, 'after another rotation of both keys: identical');
select ok((select bool_and(n.unsubscribe_url like '%/' || :'uk' || '.%')
             from outreach_private.render_sends((select ids from batch), :'t') n),
          'and the newest unsubscribe key signs');
select outreach.retire_unsubscribe_key(:'uk');
select outreach.retire_calendar_key(:'ck');
select is(pg_temp.differences(:'t'), 0::bigint, 'after retiring the newest keys: identical');

-- The tokens verify.
select ok((select bool_and(outreach.verify_unsubscribe_token(substring(n.unsubscribe_url from '[^/]+$')) = n.send_id)
             from outreach_private.render_sends((select ids from batch), :'t') n),
          'every unsubscribe token verifies and names its send');

select * from finish();
rollback;
