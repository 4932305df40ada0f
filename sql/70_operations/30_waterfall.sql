--------------------------------------------------------------------------------
-- The spine doctrine's waterfall: the hubs in order, what each reported per record
-- (outreach.upstream_status, written by the upstream hubs), and how many records
-- each holds back. The rule itself is candidates()' upstream_not_passed: a record
-- with any status row needs PASS from every hub of v_execution_prerequisites.
--------------------------------------------------------------------------------

drop view if exists outreach.v_waterfall;

create view outreach.v_waterfall as
  with reporting as (
    -- Records the upstream hubs report on (any status row): the waterfall applies to them.
    select count(distinct u.outreach_id) as records from outreach.upstream_status u
  ),
  per_hub as (
    select u.hub_id,
           count(*) filter (where u.status = 'PASS') as passed,
           count(*) filter (where u.status = 'FAIL') as failed,
           count(*) filter (where u.status is null) as undecided,
           max(u.updated_at) as last_update
      from outreach.upstream_status u
     group by u.hub_id
  )
  select h.waterfall_order, h.hub_id, h.hub_name, h.doctrine_id,
         coalesce(n.hub_name, case when h.parallel then 'parallel' when h.hub_id = 'outreach_execution' then 'Handoff' end)
           as must_pass_before,
         h.parallel,
         p.hub_id is not null as gates_execution,
         coalesce(s.passed, 0) as passed,
         coalesce(s.failed, 0) as failed,
         coalesce(s.undecided, 0) as undecided,
         -- Records reported on that lack this hub's PASS: each is upstream_not_passed.
         case when p.hub_id is not null then r.records - coalesce(s.passed, 0) end as holding_back,
         s.last_update
    from outreach.hub_registry h
    cross join reporting r
    left join outreach.hub_registry n on n.hub_id = h.must_pass_before
    left join outreach.v_execution_prerequisites p on p.hub_id = h.hub_id
    left join per_hub s on s.hub_id = h.hub_id
   order by h.waterfall_order;
comment on view outreach.v_waterfall is
  'The sub-hub waterfall (spine doctrine): order, doctrine id, the hub each must pass before, whether it gates Outreach Execution, its PASS / FAIL / undecided counts and how many reported-on records lack its PASS (each blocked as upstream_not_passed).';

create or replace function outreach.waterfall_status(outreach_id uuid)
returns table (waterfall_order smallint, hub_id text, hub_name text, doctrine_id text,
               gates_execution boolean, status text, updated_at timestamptz, detail text, blocks boolean)
language sql
stable
as $$
  with reported as (
    select exists (select 1 from outreach.upstream_status u where u.outreach_id = waterfall_status.outreach_id) as any_row
  )
  select h.waterfall_order, h.hub_id, h.hub_name, h.doctrine_id,
         p.hub_id is not null,
         u.status, u.updated_at, u.detail,
         -- This hub blocks the record: it gates execution, the record is reported on, no PASS.
         p.hub_id is not null and r.any_row and u.status is distinct from 'PASS'
    from outreach.hub_registry h
    cross join reported r
    left join outreach.v_execution_prerequisites p on p.hub_id = h.hub_id
    left join outreach.upstream_status u on u.hub_id = h.hub_id and u.outreach_id = waterfall_status.outreach_id
   order by h.waterfall_order
$$;
comment on function outreach.waterfall_status(uuid) is
  'One outreach record through the waterfall: every hub in order with the status it reported (NULL: none or undecided) and whether it blocks the record (a hub before Outreach Execution without PASS, once any hub reported on the record).';
