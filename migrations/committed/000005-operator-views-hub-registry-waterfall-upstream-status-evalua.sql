--! Previous: sha1:1187681f0c733a334fcd5b0a3cf5dbc3f5cf1090
--! Hash: sha1:7b91c8d53152abf1ef3aa72625f33f6f2d6cf2f7
--! Message: Operator views: hub registry (waterfall), upstream status, evaluation runs, KPI targets

--------------------------------------------------------------------------------
-- Operator views (issue 10): the spine doctrine's waterfall of sub-hubs, the
-- per-record status the upstream hubs report, and the log of evaluation runs.
--
-- Tables and the registry's data only; the rule that reads them (candidates'
-- upstream_not_passed), the views and promote's logging live in sql/.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

--------------------------------------------------------------------------------
-- The waterfall (spine doctrine 1.0.0, "Waterfall Order").
--------------------------------------------------------------------------------
create table outreach.hub_registry (
  hub_id           text primary key check (hub_id ~ '^[a-z][a-z0-9_]*$'),
  hub_name         text not null unique,
  waterfall_order  smallint not null unique check (waterfall_order >= 1),
  doctrine_id      text not null unique,
  must_pass_before text references outreach.hub_registry (hub_id),
  parallel         boolean not null default false,
  created_at       timestamptz not null default now(),
  check (must_pass_before is distinct from hub_id),
  check (not (parallel and must_pass_before is not null))
);
create index hub_registry_must_pass_before_idx on outreach.hub_registry (must_pass_before);
comment on table outreach.hub_registry is
  'The sub-hubs of the outreach spine in waterfall order (spine doctrine): each must PASS before the hub it names in must_pass_before runs.';
comment on column outreach.hub_registry.hub_id is 'Stable id of the sub-hub, used by upstream_status.hub_id.';
comment on column outreach.hub_registry.hub_name is 'The sub-hub as the doctrine names it.';
comment on column outreach.hub_registry.waterfall_order is 'Position in the waterfall (1 runs first).';
comment on column outreach.hub_registry.doctrine_id is 'Doctrine id of the sub-hub (04.04.xx).';
comment on column outreach.hub_registry.must_pass_before is
  'The hub that may only run once this one has passed; NULL for a parallel hub and for Outreach Execution, the last hub (the handoff to Sales follows it).';
comment on column outreach.hub_registry.parallel is 'True for a hub that runs beside the waterfall and gates nothing (Blog Content).';

insert into outreach.hub_registry (hub_id, hub_name, waterfall_order, doctrine_id, must_pass_before, parallel)
values ('company_target',      'Company Target',      1, '04.04.01', 'people_intelligence', false),
       ('dol_filings',         'DOL Filings',         2, '04.04.03', 'people_intelligence', false),
       ('people_intelligence', 'People Intelligence', 3, '04.04.02', 'outreach_execution',  false),
       ('blog_content',        'Blog Content',        4, '04.04.05', null,                  true),
       ('outreach_execution',  'Outreach Execution',  5, '04.04.04', null,                  false);

--------------------------------------------------------------------------------
-- Per-record status written by the upstream hubs.
--------------------------------------------------------------------------------
create table outreach.upstream_status (
  outreach_id uuid not null references outreach.outreach (outreach_id),
  hub_id      text not null references outreach.hub_registry (hub_id),
  status      text check (status in ('PASS', 'FAIL')),
  updated_at  timestamptz not null default now(),
  detail      text,
  created_at  timestamptz not null default now(),
  primary key (outreach_id, hub_id)
);
create index upstream_status_hub_idx on outreach.upstream_status (hub_id, outreach_id);
comment on table outreach.upstream_status is
  'One row per outreach record and upstream hub, written by that hub (upsert on outreach_id, hub_id): PASS, FAIL or NULL (not decided). A record with any row must have PASS from every hub before Outreach Execution, or candidates() reports upstream_not_passed.';
comment on column outreach.upstream_status.outreach_id is 'The outreach record (written by the upstream hub).';
comment on column outreach.upstream_status.hub_id is 'The hub reporting, an outreach.hub_registry id (written by the upstream hub).';
comment on column outreach.upstream_status.status is 'PASS or FAIL, NULL while the hub has not decided (written by the upstream hub); only PASS lets the record through.';
comment on column outreach.upstream_status.updated_at is 'When the hub last decided (written by the upstream hub; defaults to now()).';
comment on column outreach.upstream_status.detail is 'Optional free text from the hub, e.g. why it failed.';

--------------------------------------------------------------------------------
-- The log of evaluation runs (one per promote that is not a dry run).
--------------------------------------------------------------------------------
create table outreach.evaluation_runs (
  run_id            uuid primary key default gen_random_uuid(),
  evaluated_at      timestamptz not null default now(),
  correlation_id    outreach.correlation_id not null,
  source            text not null default 'outreach.promote',
  as_of             timestamptz not null,
  evaluated         int not null check (evaluated >= 0),
  eligible          int not null check (eligible between 0 and evaluated),
  hot_evaluated     int not null check (hot_evaluated between 0 and evaluated),
  hot_eligible      int not null check (hot_eligible between 0 and hot_evaluated),
  promoted          int not null check (promoted between 0 and eligible),
  capacity          int not null check (capacity >= 0),
  halted            boolean not null,
  blocked_by_reason jsonb not null default '{}' check (jsonb_typeof(blocked_by_reason) = 'object')
);
create index evaluation_runs_as_of_idx on outreach.evaluation_runs (as_of);
create index evaluation_runs_correlation_idx on outreach.evaluation_runs (correlation_id);
comment on table outreach.evaluation_runs is
  'Append-only log of evaluation runs: every promote that is not a dry run evaluates every outreach record and appends what it saw and did (update, delete, truncate raise OR005).';
comment on column outreach.evaluation_runs.evaluated_at is 'Wall-clock time of the run (the transaction''s now()).';
comment on column outreach.evaluation_runs.correlation_id is 'Correlation id of the promote call.';
comment on column outreach.evaluation_runs.source is 'The function that ran the evaluation.';
comment on column outreach.evaluation_runs.as_of is 'The moment the rules were evaluated for (promote''s as_of); v_evaluation_daily groups by its UTC day.';
comment on column outreach.evaluation_runs.evaluated is 'Outreach records evaluated (every record of the spine).';
comment on column outreach.evaluation_runs.eligible is 'Records with no blocking reason.';
comment on column outreach.evaluation_runs.hot_evaluated is 'Records evaluated whose BIT tier is HOT or BURNING (score 50 and up).';
comment on column outreach.evaluation_runs.hot_eligible is 'HOT or BURNING records with no blocking reason.';
comment on column outreach.evaluation_runs.promoted is 'Records enrolled by this run (step 1 queued).';
comment on column outreach.evaluation_runs.capacity is 'How many the run could enrol: the least of max_rows and what the daily and hourly caps left, 0 while halted.';
comment on column outreach.evaluation_runs.halted is 'True when a kill switch halted sending at as_of (nothing was promoted).';
comment on column outreach.evaluation_runs.blocked_by_reason is
  'For every blocking reason code, how many records it blocked ({"cooling_off": 12, …}; a record with several reasons counts under each).';

--------------------------------------------------------------------------------
-- The PRD's KPI targets (seed 000, §10), beside which the operator views put
-- what was measured.
--------------------------------------------------------------------------------
create table outreach.kpi_targets (
  kpi        text primary key,
  target     numeric not null check (target >= 0 and target <= 1),
  comparison text not null check (comparison in ('<', '<=', '>', '>=')),
  tracking   text not null,
  source     text not null
);
comment on table outreach.kpi_targets is
  'The PRD''s KPI targets as ratios: a KPI is met when its measured rate compares with the target as comparison says (exactly, on counts); read by campaign_metrics() and v_evaluation_daily.';
comment on column outreach.kpi_targets.kpi is 'The measured rate: bounce_rate, open_rate, reply_rate (per campaign), hot_evaluated_rate, pass_rate (daily).';
comment on column outreach.kpi_targets.target is 'The target as a ratio (0.05 = 5 %).';
comment on column outreach.kpi_targets.comparison is 'How the rate must compare with the target to be met: rate < target, rate > target, …';
comment on column outreach.kpi_targets.tracking is 'How often the PRD tracks it.';
comment on column outreach.kpi_targets.source is 'Where the target comes from.';

insert into outreach.kpi_targets (kpi, target, comparison, tracking, source)
values ('hot_evaluated_rate', 1.00, '>=', 'daily',        'PRD §10: candidates evaluated, 100 % of HOT companies'),
       ('pass_rate',          0.80, '>',  'daily',        'PRD §10: pass rate > 80 %'),
       ('bounce_rate',        0.05, '<',  'per campaign', 'PRD §10: bounce rate < 5 %'),
       ('open_rate',          0.20, '>',  'per campaign', 'PRD §10: open rate > 20 %'),
       ('reply_rate',         0.03, '>',  'per campaign', 'PRD §10: reply rate > 3 %');
