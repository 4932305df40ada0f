-- A reproducible random sequence of mixed writes (setseed) on every table that feeds
-- the gate state, one record or many per statement, some failing and rolled back:
-- after each one the kept state still equals its recomputation from scratch.
begin;
select plan(4);
\ir ../fixtures.sql


select pg_temp.campaign();
select pg_temp.ready_record((random() * 100)::int, (array['Retail', 'Finance', 'Healthcare'])[1 + (random() * 2)::int])
  from generate_series(1, 30);
select outreach.init_outreach(pg_temp.company(), gen_random_uuid()) from generate_series(1, 5);

create temp table step (n int primary key, op text not null, failed boolean not null, drift bigint not null);
select setseed(0.18);

do $$
declare
  i int;
  op int;
  ids uuid[];
  r uuid;
  failed boolean;
begin
  for i in 1..400 loop
    op := floor(random() * 16)::int;
    -- One record, or a handful in one statement.
    select array_agg(o.outreach_id) into ids
      from (select outreach_id from outreach.outreach order by random() limit 1 + floor(random() * 4)::int) o;
    r := ids[1];
    failed := false;
    begin
      case op
        when 0 then update outreach.company_target set domain = case when random() < 0.3 then null else 'd' || floor(random() * 9) || '.example' end,
                                                      email_pattern = case when random() < 0.2 then ' ' else '{first}' end
                     where outreach_id = any (ids);
        when 1 then update outreach.company_target set target_status = (array['queued', 'active', 'paused', 'opted_out', 'exhausted'])[1 + floor(random() * 5)::int],
                                                      industry = (array[' retail', 'FINANCE ', 'Healthcare', null])[1 + floor(random() * 4)::int],
                                                      employee_count = floor(random() * 5000)::int
                     where outreach_id = any (ids);
        when 2 then update outreach.people set email_status = (array['verified', 'bounced', 'unsubscribed', 'unverified'])[1 + floor(random() * 4)::int],
                                              linkedin_url = case when random() < 0.5 then 'https://linkedin.com/in/x' || floor(random() * 99) end
                     where outreach_id = any (ids);
        when 3 then update outreach.company_slot set person_id = case when person_id is null
                       then (select p.person_id from outreach.people p where p.outreach_id = company_slot.outreach_id and p.title = company_slot.slot_type)
                       end
                     where outreach_id = any (ids) and slot_type = (array['HR', 'CEO', 'CFO'])[1 + floor(random() * 3)::int];
        when 4 then insert into outreach.bit_scores (outreach_id, score, band, pressure_class)
                    select id, floor(random() * 100), case when random() < 0.5 then floor(random() * 6) end,
                           case when random() < 0.5 then 'COST_PRESSURE' end
                      from unnest(ids) id
                    on conflict (outreach_id) do update set score = excluded.score, band = excluded.band, pressure_class = excluded.pressure_class;
        when 5 then delete from outreach.bit_scores where outreach_id = any (ids);
        when 6 then insert into outreach.upstream_status (outreach_id, hub_id, status)
                    select id, (array['company_target', 'dol_filings', 'people_intelligence', 'blog_content'])[1 + floor(random() * 4)::int],
                           (array['PASS', 'PASS', 'FAIL', null])[1 + floor(random() * 4)::int]
                      from unnest(ids) id
                    on conflict (outreach_id, hub_id) do update set status = excluded.status;
        when 7 then delete from outreach.upstream_status where outreach_id = any (ids) and random() < 0.7;
        when 8 then insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
                    select t.outreach_id, t.target_id, 'q@example.com', 'queued', now(), gen_random_uuid()
                      from outreach.company_target t where t.outreach_id = any (ids);
        when 9 then update outreach.send_log set send_status = (array['sent', 'delivered', 'bounced', 'cancelled'])[1 + floor(random() * 4)::int],
                                                sent_at = now() - interval '1 day' * floor(random() * 80)
                     where outreach_id = any (ids) and send_status = 'queued';
        when 10 then insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
                     select t.outreach_id, t.target_id, 's@example.com', 'sent', now(), now() + interval '1 day' * floor(random() * 200 - 120), gen_random_uuid()
                       from outreach.company_target t where t.outreach_id = any (ids);
        when 11 then update outreach.send_log set sent_at = sent_at - interval '1 day' * floor(random() * 30)
                      where outreach_id = any (ids) and sent_at is not null and random() < 0.6;
        when 12 then delete from outreach.send_log l
                      where l.outreach_id = any (ids) and random() < 0.5
                        and not exists (select 1 from outreach.engagement_events e where e.send_id = l.send_id);
        when 13 then update outreach.outreach set status = (array['INIT', 'ACTIVE', 'HANDED_OFF', 'PAUSED'])[1 + floor(random() * 4)::int]
                      where outreach_id = any (ids);
        when 14 then insert into outreach.company_target (outreach_id, domain, email_pattern, industry, employee_count)
                     select id, 'new.example', '{first}', 'Retail', 50 from unnest(ids) id
                     on conflict (outreach_id) do update set domain = excluded.domain;
        else update outreach.hub_registry
                set must_pass_before = case when must_pass_before is null then 'people_intelligence' end,
                    parallel = must_pass_before is not null
              where hub_id = 'dol_filings';
      end case;
    exception when others then
      -- A write the schema refuses (a second queued send, a missing target…): it and its
      -- trigger's work roll back together.
      failed := true;
    end;
    insert into step values (i, op::text, failed, pg_temp.drift());
  end loop;
end
$$;

select is((select count(*)::int from step), 400, '400 random writes were made');
select cmp_ok((select count(distinct op)::int from step where not failed), '=', 16, 'every kind of write succeeded at least once');
select is((select array_agg(n order by n) from step where drift <> 0), null, 'after every write the kept state equals the recomputation');
select is(pg_temp.drift(), 0::bigint, 'and at the end');

select * from finish();
rollback;
