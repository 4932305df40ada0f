/**
 * Every SQL call of `npm run report`, in one place. The report decides nothing:
 * each function reads one operator view (or the kill-switch board) with its numbers
 * cast to JavaScript-friendly types (counts as int, rates as float8, instants as
 * ISO text), so the rows print and serialise as they are.
 */
import postgres from "postgres";

/** The report reads inside one read-only snapshot (see readReport in src/ops/report.ts). */
export type ReportSql = postgres.TransactionSql;

/** A small pool for the report (no bigint parsing: counts are cast to int in SQL). */
export function connectReport(url: string): postgres.Sql {
  return postgres(url, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: "outreach-report" },
  });
}

export interface FunnelRow {
  reason: string;
  records: number;
  sole_blocker: number | null;
}

/** outreach.v_gate_funnel: total, each blocking reason in code order, eligible. */
export async function funnel(sql: ReportSql): Promise<FunnelRow[]> {
  return sql<FunnelRow[]>`
    select reason, records::int as records, sole_blocker::int as sole_blocker
      from outreach.v_gate_funnel
     order by ord`;
}

export interface KpiTarget {
  kpi: string;
  target: number;
  comparison: string;
  tracking: string;
}

/** outreach.kpi_targets: the PRD's targets. */
export async function kpiTargets(sql: ReportSql): Promise<KpiTarget[]> {
  return sql<KpiTarget[]>`
    select kpi, target::float8 as target, comparison, tracking
      from outreach.kpi_targets
     order by case tracking when 'per campaign' then 0 else 1 end, kpi`;
}

export interface CampaignMetricsRow {
  campaign_id: string | null;
  campaign_name: string;
  campaign_status: string | null;
  is_total: boolean;
  window_start: string;
  window_end: string;
  sent: number;
  delivered: number;
  delivered_rate: number | null;
  bounced: number;
  bounce_rate: number | null;
  bounce_target: number | null;
  bounce_met: boolean | null;
  opened: number;
  open_rate: number | null;
  open_target: number | null;
  open_met: boolean | null;
  clicked: number;
  click_rate: number | null;
  replied: number;
  reply_rate: number | null;
  reply_target: number | null;
  reply_met: boolean | null;
  unsubscribed: number;
  unsubscribe_rate: number | null;
  /** email or linkedin; null on the no-campaign and overall rows. */
  channel: string | null;
}

/**
 * Campaign KPIs: outreach.v_campaign_metrics (the last 30 days), or
 * outreach.campaign_metrics(from, before) for a window of its own.
 */
export async function campaignMetrics(sql: ReportSql, window?: { from: Date; before: Date }): Promise<CampaignMetricsRow[]> {
  const rows = window
    ? sql`select * from outreach.campaign_metrics(sent_from => ${window.from}::timestamptz, sent_before => ${window.before}::timestamptz)`
    : sql`select * from outreach.v_campaign_metrics`;
  return sql<CampaignMetricsRow[]>`
    select m.campaign_id, m.campaign_name, m.campaign_status, m.is_total,
           to_json(m.window_start) #>> '{}' as window_start, to_json(m.window_end) #>> '{}' as window_end,
           m.sent::int as sent, m.delivered::int as delivered, m.delivered_rate::float8 as delivered_rate,
           m.bounced::int as bounced, m.bounce_rate::float8 as bounce_rate, m.bounce_target::float8 as bounce_target, m.bounce_met,
           m.opened::int as opened, m.open_rate::float8 as open_rate, m.open_target::float8 as open_target, m.open_met,
           m.clicked::int as clicked, m.click_rate::float8 as click_rate,
           m.replied::int as replied, m.reply_rate::float8 as reply_rate, m.reply_target::float8 as reply_target, m.reply_met,
           m.unsubscribed::int as unsubscribed, m.unsubscribe_rate::float8 as unsubscribe_rate, m.channel
      from (${rows}) m
     order by m.is_total, m.campaign_id is null, m.campaign_name, m.campaign_id`;
}

export interface ChannelMetricsRow {
  channel: string;
  sent: number;
  delivered: number;
  delivered_rate: number | null;
  bounce_rate: number | null;
  bounce_met: boolean | null;
  open_rate: number | null;
  open_met: boolean | null;
  replied: number;
  reply_rate: number | null;
  reply_met: boolean | null;
  connects_sent: number | null;
  connects_accepted: number | null;
  acceptance_rate: number | null;
  messages_sent: number | null;
}

/** KPIs per channel: outreach.v_channel_metrics (the last 30 days), or channel_metrics(from, before). */
export async function channelMetrics(sql: ReportSql, window?: { from: Date; before: Date }): Promise<ChannelMetricsRow[]> {
  const rows = window
    ? sql`select * from outreach.channel_metrics(sent_from => ${window.from}::timestamptz, sent_before => ${window.before}::timestamptz)`
    : sql`select * from outreach.v_channel_metrics`;
  return sql<ChannelMetricsRow[]>`
    select m.channel, m.sent::int as sent, m.delivered::int as delivered, m.delivered_rate::float8 as delivered_rate,
           m.bounce_rate::float8 as bounce_rate, m.bounce_met, m.open_rate::float8 as open_rate, m.open_met,
           m.replied::int as replied, m.reply_rate::float8 as reply_rate, m.reply_met,
           m.connects_sent::int as connects_sent, m.connects_accepted::int as connects_accepted,
           m.acceptance_rate::float8 as acceptance_rate, m.messages_sent::int as messages_sent
      from (${rows}) m`;
}

export interface EvaluationDayRow {
  day: string;
  runs: number;
  evaluated: number;
  hot_records: number | null;
  hot_evaluated: number;
  evaluated_rate: number | null;
  evaluated_target: number | null;
  evaluated_met: boolean | null;
  hot_evaluations: number;
  hot_passed: number;
  pass_rate: number | null;
  pass_target: number | null;
  pass_met: boolean | null;
  promoted: number;
}

/** outreach.v_evaluation_daily: the last `days` UTC days, most recent first. */
export async function evaluationDaily(sql: ReportSql, days: number): Promise<EvaluationDayRow[]> {
  return sql<EvaluationDayRow[]>`
    select d.day::text as day, d.runs::int as runs, d.evaluated::int as evaluated,
           d.hot_records::int as hot_records, d.hot_evaluated::int as hot_evaluated,
           d.evaluated_rate::float8 as evaluated_rate, d.evaluated_target::float8 as evaluated_target, d.evaluated_met,
           d.hot_evaluations::int as hot_evaluations, d.hot_passed::int as hot_passed,
           d.pass_rate::float8 as pass_rate, d.pass_target::float8 as pass_target, d.pass_met,
           d.promoted::int as promoted
      from outreach.v_evaluation_daily d
     where d.day > (now() at time zone 'UTC')::date - ${days}::int
     order by d.day desc`;
}

export interface KillSwitchRow {
  switch: string;
  threshold: number | null;
  observed: number | null;
  tripped: boolean;
  tripped_at: string | null;
  resumes_at: string | null;
  action: string;
}

/** outreach.kill_switches(): the board now. */
export async function killSwitches(sql: ReportSql): Promise<KillSwitchRow[]> {
  return sql<KillSwitchRow[]>`
    select k.switch, k.threshold::float8 as threshold, k.observed::float8 as observed, k.tripped,
           to_json(k.tripped_at) #>> '{}' as tripped_at, to_json(k.resumes_at) #>> '{}' as resumes_at, k.action
      from outreach.kill_switches() k`;
}

export interface WaterfallRow {
  waterfall_order: number;
  hub_id: string;
  hub_name: string;
  doctrine_id: string;
  must_pass_before: string | null;
  gates_execution: boolean;
  passed: number;
  failed: number;
  undecided: number;
  holding_back: number | null;
}

/** outreach.v_waterfall: the sub-hubs in order with what they reported. */
export async function waterfall(sql: ReportSql): Promise<WaterfallRow[]> {
  return sql<WaterfallRow[]>`
    select w.waterfall_order::int as waterfall_order, w.hub_id, w.hub_name, w.doctrine_id, w.must_pass_before,
           w.gates_execution, w.passed::int as passed, w.failed::int as failed, w.undecided::int as undecided,
           w.holding_back::int as holding_back
      from outreach.v_waterfall w
     order by w.waterfall_order`;
}
