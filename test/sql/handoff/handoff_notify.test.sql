-- SPEC §4: a handoff sends NOTIFY outreach_handoff with the handoff id when it
-- commits; a repeated webhook sends nothing. A listener and a booker connect
-- through dblink, so this file commits into its own throwaway database.
begin;
select plan(5);
\ir ../fixtures.sql
\ir _helpers.sql

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('listener', :'dsn');
select dblink_connect('booker', :'dsn');

-- Committed setup: a company and its outreach record.
select sid from dblink('booker', $$insert into cl.company_identity (company_name) values ('Notify Co') returning sovereign_company_id$$)
  as t(sid uuid) \gset
select oid from dblink('booker', format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid')) as t(oid uuid) \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset
select format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
              :'sid', :'oid', pg_temp.param(:'link', 'exp'), pg_temp.param(:'link', 'sig'), '2025-03-09 00:00+00') as booking \gset

-- Notifications received by the listener so far (waits up to 2 s for the first).
create function pg_temp.received() returns table (channel text, payload text) language plpgsql volatile as $$
begin
  for i in 1..20 loop
    return query select n.notify_name, n.extra from public.dblink_get_notify('listener') n;
    if found then return; end if;
    perform pg_sleep(0.1);
  end loop;
end
$$;

select dblink_exec('listener', 'listen outreach_handoff');
select handoff from dblink('booker', :'booking') as t(handoff uuid) \gset

select results_eq($$select channel, payload from pg_temp.received()$$,
                  format($$values ('outreach_handoff'::text, %L::text)$$, :'handoff'),
                  'the listener got one outreach_handoff notification carrying the handoff id');
select is((select handoff from dblink('booker', :'booking') as t(handoff uuid)), :'handoff'::uuid,
          'the repeated webhook returns the same id');
select is((select count(*)::int from pg_temp.received()), 0, 'and sends no second notification');

-- A booking rolled back notifies nobody.
select sid2 from dblink('booker', $$insert into cl.company_identity (company_name) values ('Rollback Co') returning sovereign_company_id$$)
  as t(sid2 uuid) \gset
select oid2 from dblink('booker', format('select outreach.init_outreach(%L, gen_random_uuid())', :'sid2')) as t(oid2 uuid) \gset
select outreach.calendar_link(:'oid2', pg_temp.t0()) as link2 \gset
select dblink_exec('booker', 'begin');
select handoff2 from dblink('booker', format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
         :'sid2', :'oid2', pg_temp.param(:'link2', 'exp'), pg_temp.param(:'link2', 'sig'), '2025-03-09 00:00+00')) as t(handoff2 uuid) \gset
select dblink_exec('booker', 'rollback');
select is((select count(*)::int from pg_temp.received()), 0, 'a handoff that is rolled back notifies nobody');
select is((select count(*)::int from outreach.handoffs where outreach_id = :'oid2'), 0, 'and leaves no handoff');

select dblink_disconnect('listener');
select dblink_disconnect('booker');
select * from finish();
rollback;
