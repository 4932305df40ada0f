-- The contact summary on company_target (what candidates() reads) always equals
-- primary_contact() and the count of filled slots, whatever statement changed
-- slots or people; and stays right when two sessions change one record at once.
begin;
select plan(12);
\ir ../fixtures.sql

create function pg_temp.summary_ok() returns boolean language sql stable as $$
  select bool_and(t.contact_person_id is not distinct from pc.person_id
                  and t.contact_slot is not distinct from pc.slot_type
                  and t.contact_email is not distinct from pc.email
                  and t.filled_slots = (select count(*) from outreach.company_slot cs
                                         where cs.outreach_id = t.outreach_id and cs.person_id is not null))
    from outreach.company_target t
    left join lateral (select * from outreach.primary_contact(t.outreach_id)) pc on true
$$;

select pg_temp.ready_record() as r \gset
select pg_temp.ready_record() from generate_series(1, 5);
select is((select (contact_slot, filled_slots) from outreach.company_target where outreach_id = :'r'), ('HR'::text, 3::smallint),
          'a fresh record: HR, three filled slots');
select ok(pg_temp.summary_ok(), 'summary equals primary_contact after inserts');

update outreach.people set email_status = 'bounced' where outreach_id = :'r' and title = 'HR';
select is((select contact_slot from outreach.company_target where outreach_id = :'r'), 'CEO', 'HR bounced → CEO');
update outreach.people set email = ' ' where outreach_id = :'r' and title = 'CEO';
select is((select contact_slot from outreach.company_target where outreach_id = :'r'), 'CFO', 'CEO blank → CFO');
update outreach.people set email_status = 'verified' where outreach_id = :'r' and title = 'HR';
select is((select contact_slot from outreach.company_target where outreach_id = :'r'), 'HR', 'HR usable again → HR');
update outreach.company_slot set person_id = null where outreach_id = :'r' and slot_type = 'HR';
select is((select (contact_slot, filled_slots) from outreach.company_target where outreach_id = :'r'), ('CFO'::text, 2::smallint),
          'HR slot emptied → CFO, two filled');
delete from outreach.company_slot where outreach_id = :'r';
select is((select (contact_person_id, filled_slots) from outreach.company_target where outreach_id = :'r'), (null::uuid, 0::smallint),
          'slots deleted → no contact, none filled');
insert into outreach.company_slot (outreach_id, slot_type, person_id)
select outreach_id, title, person_id from outreach.people where outreach_id = :'r'
on conflict (outreach_id, slot_type) do update set person_id = excluded.person_id;
select is((select (contact_slot, filled_slots) from outreach.company_target where outreach_id = :'r'), ('HR'::text, 3::smallint),
          're-inserted with on conflict → HR, three filled');
-- Bulk changes across many records in one statement.
update outreach.people set email_status = 'unsubscribed' where title in ('HR', 'CEO');
select ok(pg_temp.summary_ok(), 'summary equals primary_contact after a bulk update of people');
select is((select count(*)::int from outreach.company_target where contact_slot <> 'CFO'), 0, 'everyone falls back to CFO');

-- Two sessions change one record's slots at once (committed data through dblink).
select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');
select oid from dblink('a', $$
  with c as (insert into cl.company_identity (company_name) values ('Racing slots') returning sovereign_company_id),
       o as (select outreach.init_outreach(c.sovereign_company_id, gen_random_uuid()) as oid from c),
       t as (insert into outreach.company_target (outreach_id, domain, email_pattern) select oid, 'x.example', '{first}' from o returning target_id, outreach_id),
       p as (insert into outreach.people (outreach_id, target_id, email, title, email_status)
             select t.outreach_id, t.target_id, s || '@x.example', s, 'verified' from t, unnest(array['HR','CEO']) s returning person_id, outreach_id, title)
  select (select oid from o)::text $$) as t(oid text) \gset
select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
select dblink_exec('a', format($$insert into outreach.company_slot (outreach_id, slot_type, person_id)
  select outreach_id, 'HR', person_id from outreach.people where outreach_id = %L and title = 'HR'$$, :'oid'));
select dblink_send_query('b', format($$insert into outreach.company_slot (outreach_id, slot_type, person_id)
  select outreach_id, 'CEO', person_id from outreach.people where outreach_id = %L and title = 'CEO'$$, :'oid'));
select pg_sleep(0.2);
select dblink_exec('a', 'commit');
select * from dblink_get_result('b') as t(x text);
select dblink_get_result('b', false);
select dblink_exec('b', 'commit');
select * from dblink('a', format($$select contact_slot || ',' || filled_slots from outreach.company_target where outreach_id = %L$$, :'oid')) as t(s text) \gset
select is(:'s'::text, 'HR,2', 'two concurrent slot inserts: the summary sees both (HR first, two filled)');
select ok(pg_temp.summary_ok(), 'and every record still agrees with primary_contact');
select dblink_disconnect('a');
select dblink_disconnect('b');

select * from finish();
rollback;
