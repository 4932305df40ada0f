-- Errors as documented: malformed input through record_events, promote,
-- calendar_link and render_template is 22023 or 22004 with a HINT, never an
-- internal 22P02 / 22007 / 22008 / 23502 / 0A000; outreach_errors.sqlstate holds
-- SQLSTATEs only.
begin;
select plan(16);
\ir ../fixtures.sql

-- A helper: the SQLSTATE and whether a HINT came with it.
create function pg_temp.err(q text) returns text language plpgsql volatile as $$
declare st text; h text;
begin
  execute q;
  return 'no error';
exception when others then
  get stacked diagnostics st = returned_sqlstate, h = pg_exception_hint;
  return st || case when coalesce(h, '') <> '' then ' +hint' else ' no hint' end;
end $$;

select pg_temp.ready_record(90) as r \gset

select is(pg_temp.err($$select * from outreach.record_events(null)$$), '22004 +hint', 'record_events(NULL) is 22004');
select is(pg_temp.err($$select * from outreach.record_events('{"a": 1}')$$), '22023 +hint', 'record_events of an object is 22023');
select is(pg_temp.err($$select * from outreach.record_events('"x"')$$), '22023 +hint', 'record_events of a string is 22023');
select is((select r.sqlstate from outreach.record_events(
             '[{"send_id": "x", "event_type": "email_open", "event_ts": "2030-01-15T10:00Z", "source_system": "a"}]', gen_random_uuid()) r),
          '22023', 'a send_id that is not a uuid is refused as 22023 (not 22P02)');
select is((select r.sqlstate from outreach.record_events(
             '[{"send_id": "3f1c0a52-8f3e-4a0b-9d7e-1c2b3a4d5e6f", "event_type": "email_open", "event_ts": "2030-02-30T10:00Z", "source_system": "a"}]',
             gen_random_uuid()) r),
          '22023', 'an impossible date is refused as 22023 (not 22008)');
select is(pg_temp.err($$select * from outreach.record_event('3f1c0a52-8f3e-4a0b-9d7e-1c2b3a4d5e6f', 'email_open', '2030-02-30T10:00Z', 'a')$$),
          '22023 +hint', 'record_event with an impossible date is 22023 with a hint');
select is(pg_temp.err($$select * from outreach.record_event(null, 'email_open', now(), 'a')$$), '22004 +hint', 'record_event without a send is 22004');

select is(pg_temp.err($$select * from outreach.promote(gen_random_uuid(), null)$$), '22023 +hint', 'promote max_rows NULL is 22023');
select is(pg_temp.err($$select * from outreach.promote(gen_random_uuid(), 10, now(), null)$$), '22004 +hint', 'promote dry_run NULL is 22004');
select is((select count(*)::int from outreach.send_log), 0, 'and it wrote nothing');

select is(pg_temp.err($$select outreach.calendar_link(null)$$), '22004 +hint', 'calendar_link(NULL) is 22004');

select is(pg_temp.err($$select outreach.render_template('Hi {{first_name}}', '[1]')$$), '22023 +hint',
          'render_template with an array of values is 22023 with a hint');
select is(pg_temp.err($$select outreach.render_template('Hi {{first_name}}', '"x"')$$), '22023 +hint',
          'render_template with a scalar is 22023 with a hint');

select is(pg_temp.err($$select outreach.record_error(gen_random_uuid(), 'test', 'boom', 'CONNECTION_CLOSED')$$), '23514 no hint',
          'outreach_errors refuses a sqlstate that is not a SQLSTATE');
select is(pg_temp.err($$select outreach.record_error(gen_random_uuid(), 'test', 'boom', '08006')$$), 'no error', 'a SQLSTATE is accepted');
select is(pg_temp.err($$select outreach.record_error(gen_random_uuid(), 'test', 'boom')$$), 'no error', 'so is none');

select * from finish();
rollback;
