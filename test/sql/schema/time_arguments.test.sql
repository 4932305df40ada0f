-- Times that are not values are refused by every public function that takes a
-- time: NULL is 22004; ±infinity and years outside 1900..9999 are 22023; nothing
-- is written. (SPEC §4 as_of, booked_at, event_ts, campaign windows.)
begin;
select plan(148);
\ir ../fixtures.sql

select pg_temp.campaign();
select pg_temp.ready_record(90) as r \gset
select sovereign_company_id as sid from outreach.outreach where outreach_id = :'r' \gset
select pg_temp.sent(:'r', timestamptz '2026-01-01 00:00+00') as s \gset

create temp table calls (fn text, tmpl text);
insert into calls values
  ('candidates',           'select * from outreach.candidates(%s)'),
  ('candidates_unscored',  'select * from outreach.candidates_unscored(%s)'),
  ('candidates_scored',    'select * from outreach.candidates_scored(%s)'),
  ('cooling_off',          format('select * from outreach.cooling_off(%L, %%s)', :'r')),
  ('match_campaign',       format('select * from outreach.match_campaign(%L, %%s)', :'r')),
  ('sending_halted',       'select outreach.sending_halted(%s)'),
  ('halted_switches',      'select outreach.halted_switches(%s)'),
  ('last_contact_before',  format('select outreach.last_contact_before(%L, %%s)', :'r')),
  ('send_capacity',        'select * from outreach.send_capacity(%s)'),
  ('promote',              'select * from outreach.promote(gen_random_uuid(), 10, %s)'),
  ('promote dry run',      'select * from outreach.promote(gen_random_uuid(), 10, %s, true)'),
  ('kill_switch_readings', 'select * from outreach.kill_switch_readings(%s)'),
  ('kill_switches',        'select * from outreach.kill_switches(%s)'),
  ('check_kill_switches',  'select * from outreach.check_kill_switches(gen_random_uuid(), %s)'),
  ('advance_sequences',    'select outreach.advance_sequences(gen_random_uuid(), %s)'),
  ('calendar_link',        format('select outreach.calendar_link(%L, %%s)', :'r')),
  ('verify_calendar_link', format('select outreach.verify_calendar_link(%L, %L, 1, repeat(''0'', 64), %%s)', :'sid', :'r')),
  ('message_context',      format('select * from outreach.message_context(%L, %%s)', :'r')),
  ('proof',                format('select * from outreach.proof(%L, %%s)', :'r')),
  ('proof_line',           format('select outreach.proof_line(%L, %%s)', :'r')),
  ('authorize_message',    format('select * from outreach.authorize_message(%L, %%s)', :'r')),
  ('render_message',       format('select * from outreach.render_message(%L, %%s)', :'r')),
  ('campaign_metrics from', 'select * from outreach.campaign_metrics(%s, now())'),
  ('campaign_metrics before', 'select * from outreach.campaign_metrics(now() - interval ''1 day'', %s)'),
  ('channel_metrics from', 'select * from outreach.channel_metrics(%s, now())'),
  ('channel_metrics before', 'select * from outreach.channel_metrics(now() - interval ''1 day'', %s)'),
  ('record_event',         format('select * from outreach.record_event(%L, ''email_open'', %%s, ''instantly'')', :'s')),
  ('record_meeting_booked', format('select outreach.record_meeting_booked(%L, %L, 1, repeat(''0'', 64), %%s, gen_random_uuid())', :'sid', :'r'));

create temp table vals (label text, expr text, code text);
insert into vals values
  ('NULL',        'null::timestamptz',                        '22004'),
  ('infinity',    $$'infinity'::timestamptz$$,                '22023'),
  ('-infinity',   $$'-infinity'::timestamptz$$,               '22023'),
  ('year 200000', $$'200000-01-01 00:00+00'::timestamptz$$,   '22023'),
  ('year 1800',   $$'1800-06-01 00:00+00'::timestamptz$$,     '22023');

select count(*) as events_before from outreach.engagement_events \gset
select count(*) as sends_before from outreach.send_log \gset
select count(*) as runs_before from outreach.evaluation_runs \gset

select throws_ok(format(c.tmpl, v.expr), v.code, null, format('%s: %s is %s', c.fn, v.label, v.code))
  from calls c cross join vals v
 order by c.fn, v.label;

select is((select count(*) from outreach.engagement_events), :'events_before'::bigint, 'no event was written');
select is((select count(*) from outreach.send_log), :'sends_before'::bigint, 'no send was queued');
select is((select count(*) from outreach.evaluation_runs), :'runs_before'::bigint, 'no evaluation run was logged');
select is((select count(*)::int from outreach.handoffs), 0, 'no handoff was written');

-- The limits themselves are accepted.
select lives_ok($$select * from outreach.candidates('1900-01-01 00:00+00')$$, '1900-01-01 00:00 UTC is accepted');
select lives_ok($$select * from outreach.candidates('9999-12-31 23:59:59.999999+00')$$, 'the last microsecond of 9999 is accepted');
select throws_ok($$select * from outreach.candidates('1899-12-31 23:59:59.999999+00')$$, '22023', null,
                 'the microsecond before 1900 is refused');
select throws_ok($$select * from outreach.candidates('10000-01-01 00:00+00')$$, '22023', null, 'year 10000 is refused');

select * from finish();
rollback;
