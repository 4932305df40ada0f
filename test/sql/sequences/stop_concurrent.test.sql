-- A reply recorded while advance_sequences runs is never lost: whichever commits
-- first, the enrolment ends stopped with no follow-up left to send. The sessions
-- must see committed data, so this file commits into its own throwaway database.
begin;
select plan(6);

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select dblink_connect('b', :'dsn');

-- Committed setup through session a: a two-step campaign, two enrolments whose
-- step 1 went out on 2030-01-01.
select dblink_exec('a', $setup$
  create function pg_temp.enrol(c uuid) returns uuid language plpgsql as $f$
  declare oid uuid; tid uuid; sid uuid;
  begin
    insert into cl.company_identity (company_name) values ('Race ' || gen_random_uuid()) returning sovereign_company_id into sid;
    oid := outreach.init_outreach(sid, gen_random_uuid());
    insert into outreach.company_target (outreach_id, domain, email_pattern, target_status)
    values (oid, substr(oid::text, 1, 8) || '.example', '{first}@x.example', 'active') returning target_id into tid;
    insert into outreach.send_log (outreach_id, target_id, campaign_id, sequence_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
    select oid, tid, c, s.sequence_id, 'hr@' || substr(oid::text, 1, 8) || '.example', 'sent', '2030-01-01Z', '2030-01-01Z', gen_random_uuid()
      from outreach.sequences s where s.campaign_id = c and s.sequence_order = 1
    returning send_id into sid;
    return sid;
  end $f$$setup$);
select c from dblink('a', $q$
  with c as (insert into outreach.campaigns (campaign_name, campaign_status) values ('Race', 'active') returning campaign_id),
       s as (insert into outreach.sequences (campaign_id, sequence_order, delay_days) select campaign_id, g, g - 1 from c, generate_series(1, 2) g)
  select campaign_id from c$q$) as t(c uuid) \gset
select s1 from dblink('a', format('select pg_temp.enrol(%L)', :'c')) as t(s1 uuid) \gset
select s2 from dblink('a', format('select pg_temp.enrol(%L)', :'c')) as t(s2 uuid) \gset

-- 1. The reply holds its transaction while advance_sequences runs.
select dblink_exec('a', 'begin');
select * from dblink('a', format($$select * from outreach.record_event(%L, 'email_reply', '2030-01-03T00:00Z', 'instantly')$$, :'s1'))
  as t(event_id uuid, is_duplicate boolean);
select dblink_exec('b', 'begin');
select n from dblink('b', $$select outreach.advance_sequences(gen_random_uuid(), '2030-01-05Z')$$) as t(n int) \gset
select is(:n, 1, 'advance_sequences does not wait for the enrolment being stopped: it queues only the other one');
select dblink_exec('a', 'commit');
select dblink_exec('b', 'commit');
select is((select count(*)::int from outreach.send_log l join outreach.send_log f on f.enrolment_id = l.enrolment_id
            where l.send_id = :'s1' and f.sequence_step = 2), 0, 'the replied enrolment got no follow-up');

-- 2. advance_sequences holds a new follow-up uncommitted while a reply arrives.
select s3 from dblink('a', format('select pg_temp.enrol(%L)', :'c')) as t(s3 uuid) \gset
select dblink_exec('b', 'begin');
select n from dblink('b', $$select outreach.advance_sequences(gen_random_uuid(), '2030-01-06T00:00Z')$$) as t(n int) \gset
select is(:n, 1, 'the third enrolment''s follow-up is queued, uncommitted');
select dblink_send_query('a', format($$select count(*) from outreach.record_event(%L, 'email_reply', '2030-01-06T00:00Z', 'instantly')$$, :'s3'));
select pg_sleep(0.3);
select is(dblink_is_busy('a'), 1, 'the reply waits for the advancing transaction');
select dblink_exec('b', 'commit');
select * from dblink_get_result('a') as t(n bigint);
select dblink_get_result('a', false);
select is((select (f.send_status, f.stop_reason) from outreach.send_log l join outreach.send_log f on f.enrolment_id = l.enrolment_id
            where l.send_id = :'s3' and f.sequence_step = 2), ('cancelled'::text, 'replied'::text),
          'the reply cancels the follow-up committed just before it');
select is((select array_agg(l.send_id) from outreach.send_log q join outreach.send_log l on l.enrolment_id = q.enrolment_id and l.sequence_step = 1
            where q.send_status = 'queued'), array[:'s2']::uuid[], 'only the enrolment without a reply has a queued follow-up');

select dblink_disconnect('a');
select dblink_disconnect('b');
select * from finish();
rollback;
