-- SPEC §4 clear_kill_switch: an unknown switch is OR022, a cap switch OR023 (caps
-- resume by themselves); the seed names of the rate switches are accepted.
begin;
select plan(13);
\ir ../fixtures.sql

select has_function('outreach', 'clear_kill_switch', array['text', 'text', 'text'], 'clear_kill_switch(text, text, text) exists');
select function_returns('outreach', 'clear_kill_switch', array['text', 'text', 'text'], 'void', 'it returns void');

select throws_ok($$select outreach.clear_kill_switch('open_rate', 'ann', null)$$, 'OR022', null, 'an unknown switch is OR022');
select throws_like($$select outreach.clear_kill_switch('open_rate', 'ann', null)$$, '%open_rate%', 'the message names the switch');
select throws_ok($$select outreach.clear_kill_switch(null, 'ann', null)$$, 'OR022', null, 'no switch is OR022');
select throws_ok($$select outreach.clear_kill_switch('daily_send_cap', 'ann', null)$$, 'OR023', null, 'the daily cap is OR023');
select throws_ok($$select outreach.clear_kill_switch('hourly_send_cap', 'ann', null)$$, 'OR023', null, 'the hourly cap is OR023');
select throws_ok($$select outreach.clear_kill_switch('daily_send_limit', 'ann', null)$$, 'OR023', null, 'the seed name of the daily cap is OR023');
select throws_ok($$select outreach.clear_kill_switch('bounce_rate', '  ', null)$$, '22023', null, 'a clearing without a person is 22023');
select is((select count(*)::int from outreach.kill_switch_history), 0, 'the refused clearings recorded nothing');

-- Each alias clears its switch (tripped again before each clearing: only a tripped switch clears).
do $$
declare
  alias text;
begin
  foreach alias in array array['bounce_rate_ceiling', 'unsubscribe_spike', 'unsubscribe_rate_ceiling', 'complaint_rate_ceiling',
                               'spam_complaint_rate', ' Bounce_Rate '] loop
    update outreach.kill_switch_state set tripped = true, tripped_at = now()
     where switch in ('bounce_rate', 'unsubscribe_rate', 'complaint_rate');
    perform outreach.clear_kill_switch(alias, 'ann', 'alias ' || alias);
  end loop;
end
$$;
select is((select array_agg(switch || ':' || note order by note) from outreach.kill_switch_history where action = 'cleared'),
          array['bounce_rate:alias  Bounce_Rate ', 'bounce_rate:alias bounce_rate_ceiling',
                'complaint_rate:alias complaint_rate_ceiling', 'complaint_rate:alias spam_complaint_rate',
                'unsubscribe_rate:alias unsubscribe_rate_ceiling', 'unsubscribe_rate:alias unsubscribe_spike'],
          'each seed alias clears its rate switch');
select is((select count(*)::int from outreach.kill_switch_history where action = 'cleared' and actor = 'ann' and correlation_id is not null), 6,
          'each clearing is recorded with the person and a correlation id');
set local role hub_reader;
select throws_ok($$select outreach.clear_kill_switch('bounce_rate', 'mallory', null)$$, '42501', null, 'hub_reader cannot clear a switch');
reset role;

select * from finish();
rollback;
