-- The LinkedIn caps at hand-over under concurrency, with real sessions (dblink): three
-- HeyReach claimers at once hand over exactly linkedin_weekly_connect_cap connection
-- requests and linkedin_daily_message_cap messages, never one more, never a send twice.
begin;
select plan(6);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');
select dblink_connect('c', :'dsn');

-- Committed fixture: a HeyReach campaign, 40 queued connection requests (step 1) and 30
-- queued messages (step 2) of 70 companies whose people have profiles.
select dblink_exec('a', $fixture$
do $$
declare
  camp uuid;
  oid uuid;
  tid uuid;
  pid uuid;
  step int;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id)
  values ('LinkedIn race', 'active', 'heyreach', 'hr-race') returning campaign_id into camp;
  insert into outreach.sequences (campaign_id, sequence_order, send_time_preference, subject_template, body_template)
  values (camp, 1, 'any', 'Hi', 'Connect'), (camp, 2, 'any', 'Hi', 'Message');
  for i in 1..70 loop
    step := case when i <= 40 then 1 else 2 end;
    insert into cl.company_identity (company_name) values ('LI race ' || i);
    oid := outreach.init_outreach((select sovereign_company_id from cl.company_identity where company_name = 'LI race ' || i), gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
    values (oid, 'li' || i || '.example', '{first}', 'active') returning target_id into tid;
    insert into outreach.people (outreach_id, target_id, full_name, email, email_status, linkedin_url)
    values (oid, tid, 'Pat Person', null, 'unverified', 'https://www.linkedin.com/in/pat-' || i)
    returning person_id into pid;
    insert into outreach.company_slot (outreach_id, slot_type, person_id) values (oid, 'HR', pid);
    insert into outreach.send_log (outreach_id, target_id, campaign_id, sequence_id, person_id, channel, linkedin_url,
                                   sequence_step, send_status, scheduled_at, correlation_id)
    select oid, tid, camp, q.sequence_id, pid, 'linkedin', 'https://www.linkedin.com/in/pat-' || i, step, 'queued',
           '2030-01-07 10:00Z'::timestamptz + i * interval '1 second', gen_random_uuid()
      from outreach.sequences q where q.campaign_id = camp and q.sequence_order = step;
  end loop;
  update outreach.settings set linkedin_weekly_connect_cap = 25, linkedin_daily_message_cap = 12,
                               hourly_send_cap = 1, daily_send_cap = 1;
end
$$
$fixture$);

create function pg_temp.collect(conns text[], into_table text) returns void language plpgsql as $$
declare
  left_over text[] := conns;
  x text;
begin
  while cardinality(left_over) > 0 loop
    foreach x in array left_over loop
      if dblink_is_busy(x) = 0 then
        execute format('insert into %I select %L, send_id, sequence_step from dblink_get_result(%L) as t(send_id uuid, sequence_step int)',
                       into_table, x, x);
        perform dblink_get_result(x, false);
        perform dblink_exec(x, 'commit');
        left_over := array_remove(left_over, x);
      end if;
    end loop;
    perform pg_sleep(0.01);
  end loop;
end $$;

-- Three claimers at once, 30 rows each, over 40 requests and 30 messages.
select dblink_exec(x, 'begin') from unnest(array['a', 'b', 'c']) x;
select dblink_send_query(x, $$select send_id, sequence_step from outreach.claim_sends(gen_random_uuid(), 'heyreach', 30, '5 minutes', '2030-01-07 15:00Z')$$)
  from unnest(array['a', 'b', 'c']) x;
create temp table got (conn text, send_id uuid, sequence_step int);
select pg_temp.collect(array['a', 'b', 'c'], 'got');

select is((select count(*)::int from got where sequence_step = 1), 25,
          'together they handed over exactly the weekly connection cap of 25 (the email caps of 1 do not apply)');
select is((select count(*)::int from got where sequence_step = 2), 12, 'and exactly the daily message cap of 12');
select is((select count(distinct send_id)::int from got), 37, 'no send handed to two claimers');
select is((select count(*)::int from outreach.send_log where channel = 'linkedin' and first_claimed_at is not null), 37,
          'the log agrees: 37 first hand-overs');

-- A minute later, again at once: nothing more (the caps are spent).
select dblink_exec(x, 'begin') from unnest(array['a', 'b', 'c']) x;
select dblink_send_query(x, $$select send_id, sequence_step from outreach.claim_sends(gen_random_uuid(), 'heyreach', 30, '10 minutes', '2030-01-07 15:01Z')$$)
  from unnest(array['a', 'b', 'c']) x;
create temp table got2 (conn text, send_id uuid, sequence_step int);
select pg_temp.collect(array['a', 'b', 'c'], 'got2');
select is((select count(*)::int from got2 where send_id not in (select send_id from got)), 0,
          'at the caps: no new hand-over');
select is((select count(*)::int from outreach.send_log where channel = 'linkedin' and first_claimed_at is not null), 37,
          'still 37');

select dblink_disconnect(x) from unnest(array['a', 'b', 'c']) x;
select * from finish();
rollback;
