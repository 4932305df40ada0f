-- SPEC §5 settings: threshold and cooling-off only stricter (OR007); every change recorded.
begin;
select plan(13);

select is((select bit_threshold from outreach.settings), 50::numeric, 'default BIT threshold 50');
select is((select cooling_off from outreach.settings), interval '30 days', 'default cooling-off 30 days');
select is((select (daily_send_cap, hourly_send_cap) from outreach.settings), (200, 30), 'default caps 200/day, 30/hour');
select is((select (bounce_rate_ceiling, unsubscribe_rate_ceiling, complaint_rate_ceiling) from outreach.settings),
          (0.10, 0.05, 0.003), 'default rate ceilings 10 %, 5 %, 0.3 %');

select throws_ok($$update outreach.settings set bit_threshold = 49.99$$, 'OR007', null, 'threshold below 50 is OR007');
select throws_ok($$update outreach.settings set cooling_off = interval '29 days 23 hours 59 minutes'$$, 'OR007', null,
                 'cooling-off a minute short of 30 days is OR007');
select throws_ok($$delete from outreach.settings$$, 'OR007', null, 'the settings row cannot be deleted');
select lives_ok($$update outreach.settings set bit_threshold = 60, cooling_off = interval '45 days'$$, 'stricter values are accepted');
select lives_ok($$update outreach.settings set bit_threshold = 50, cooling_off = interval '720 hours'$$,
                'back to exactly the doctrine minimum is accepted');
select lives_ok($$update outreach.settings set hourly_send_cap = 5, daily_send_cap = 10$$, 'caps are the operator''s to tune');

select is((select count(*)::int from outreach.settings_history), 3, 'each accepted change is recorded');
select is((select old_values from outreach.settings_history where new_values ? 'hourly_send_cap'),
          '{"daily_send_cap": 200, "hourly_send_cap": 30}'::jsonb, 'history keeps exactly the changed settings with their old values');
select throws_ok($$insert into outreach.settings default values$$, '23505', null, 'there is only one settings row');

select * from finish();
rollback;
