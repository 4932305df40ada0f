/**
 * `npm run report [-- --json] [-- --days N] [-- --from ISO --before ISO]`: the operator's
 * view of the hub, read from DATABASE_URL (any role that may read the views, hub_reader
 * included) or, without it, from the embedded database under OUTREACH_DATA_DIR (migrated
 * first, as `npm start` does):
 *
 *   - the gate funnel (outreach.v_gate_funnel)
 *   - the KPIs against the PRD's targets: per campaign (outreach.v_campaign_metrics, the
 *     last 30 days, or campaign_metrics over --from/--before), per channel (email and
 *     LinkedIn: outreach.v_channel_metrics / channel_metrics) and per UTC day
 *     (outreach.v_evaluation_daily, the last --days days, default 7)
 *   - the kill-switch board (outreach.kill_switches())
 *   - the sub-hub waterfall (outreach.v_waterfall)
 *
 * as terminal tables with a bar per row, or with --json as one JSON document on stdout.
 * Every number comes from SQL (src/ops/report-queries.ts); this file only lays them out.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import Table from "cli-table3";
import { loadConfig } from "../runner/config.ts";
import { stripControlsDeep, terminalSafeJson } from "./terminal.ts";
import {
  campaignMetrics,
  channelMetrics,
  connectReport,
  evaluationDaily,
  funnel,
  killSwitches,
  kpiTargets,
  waterfall,
  type CampaignMetricsRow,
  type ChannelMetricsRow,
  type EvaluationDayRow,
  type FunnelRow,
  type KillSwitchRow,
  type KpiTarget,
  type WaterfallRow,
} from "./report-queries.ts";

export interface ReportData {
  generated_at: string;
  window: { from: string; before: string } | null;
  funnel: FunnelRow[];
  kpi_targets: KpiTarget[];
  campaigns: CampaignMetricsRow[];
  channels: ChannelMetricsRow[];
  daily: EvaluationDayRow[];
  kill_switches: KillSwitchRow[];
  waterfall: WaterfallRow[];
}

export interface ReportOptions {
  url: string;
  json?: boolean;
  /** Days of v_evaluation_daily to show (most recent first). */
  days?: number;
  /** A campaign window of its own instead of v_campaign_metrics' last 30 days. */
  window?: { from: Date; before: Date };
  /** Colours and table borders in colour (a terminal). */
  color?: boolean;
  /** Where the text goes (default stdout). */
  write?: (s: string) => void;
}

/** Reads everything the report shows, in one REPEATABLE READ snapshot. */
export async function readReport(url: string, opts: { days?: number; window?: { from: Date; before: Date } } = {}): Promise<ReportData> {
  const sql = connectReport(url);
  try {
    return await sql.begin("isolation level repeatable read read only", async (tx) => ({
      generated_at: new Date().toISOString(),
      window: opts.window ? { from: opts.window.from.toISOString(), before: opts.window.before.toISOString() } : null,
      funnel: await funnel(tx),
      kpi_targets: await kpiTargets(tx),
      campaigns: await campaignMetrics(tx, opts.window),
      channels: await channelMetrics(tx, opts.window),
      daily: await evaluationDaily(tx, opts.days ?? 7),
      kill_switches: await killSwitches(tx),
      waterfall: await waterfall(tx),
    }));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ------------------------------------------------------------------ layout helpers

const BAR_WIDTH = 24;
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** A horizontal bar of `fraction` (0–1) of `width` cells, in eighths of a cell. */
export function bar(fraction: number | null, width = BAR_WIDTH): string {
  if (fraction === null || !Number.isFinite(fraction) || fraction <= 0) return "";
  const eighths = Math.round(Math.min(fraction, 1) * width * 8);
  return "█".repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? "");
}

/**
 * A bar on a scale where `mark` (the target or threshold) sits in the middle:
 * a value twice the mark fills the bar; `│` marks where the mark is.
 */
export function markedBar(value: number | null, mark: number | null, width = BAR_WIDTH): string {
  if (value === null || mark === null || mark <= 0) return "";
  const half = Math.floor(width / 2);
  const cells = [...bar(value / (2 * mark), width).padEnd(width, " ")];
  cells[half] = cells[half] === " " ? "│" : "┃";
  return cells.join("").trimEnd();
}

const pct = (x: number | null, digits = 1): string => (x === null ? "—" : `${(x * 100).toFixed(digits)} %`);
const int = (x: number | null): string => (x === null ? "—" : x.toLocaleString("en"));
const flag = (met: boolean | null): string => (met === null ? "n/a" : met ? "met" : "MISSED");

/** A compact table (no rule between rows); plain when the output is not a terminal. */
function table(head: string[], color: boolean, colAligns?: ("left" | "right" | "center")[]): Table.Table {
  return new Table({
    head,
    ...(colAligns ? { colAligns } : {}),
    style: color ? { compact: true } : { compact: true, head: [], border: [] },
  });
}

/** An instant as `YYYY-MM-DD HH:MM UTC`. */
const minute = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The report as text: one titled table per section; no string from the data can drive the terminal. */
export function renderText(raw: ReportData, color = false): string {
  const data = stripControlsDeep(raw);
  const out: string[] = [];
  const title = (s: string) => out.push("", s);
  out.push(`Outreach hub report — ${data.generated_at}`);

  // Gate funnel.
  const total = data.funnel.find((r) => r.reason === "total")?.records ?? 0;
  title(`Gate funnel (${int(total)} records)`);
  const f = table(["reason", "records", "only blocker", "share", ""], color, ["left", "right", "right", "right", "left"]);
  for (const r of data.funnel) {
    const share = total > 0 ? r.records / total : null;
    f.push([r.reason, int(r.records), r.sole_blocker === null ? "" : int(r.sole_blocker), pct(share), bar(share)]);
  }
  out.push(f.toString());

  // Campaign KPIs.
  const overall = data.campaigns.find((c) => c.is_total);
  const window = overall ? `${minute(overall.window_start)} → ${minute(overall.window_end)}` : "no window";
  title(`Campaign KPIs, messages sent ${window} (bar: rate, │ = PRD target)`);
  const k = table(["KPI (all campaigns)", "rate", "target", "", "count", ""], color, ["left", "right", "right", "left", "right", "left"]);
  const targetOf = (kpi: string) => data.kpi_targets.find((t) => t.kpi === kpi);
  if (overall) {
    const kpis: [string, number | null, number | null, boolean | null, number, string][] = [
      ["bounce rate", overall.bounce_rate, overall.bounce_target, overall.bounce_met, overall.bounced, "bounce_rate"],
      ["open rate", overall.open_rate, overall.open_target, overall.open_met, overall.opened, "open_rate"],
      ["reply rate", overall.reply_rate, overall.reply_target, overall.reply_met, overall.replied, "reply_rate"],
    ];
    for (const [name, rate, target, met, count, kpi] of kpis) {
      k.push([name, pct(rate), `${targetOf(kpi)?.comparison ?? ""} ${pct(target, 0)}`, flag(met), int(count), markedBar(rate, target)]);
    }
    k.push(["sent", "", "", "", int(overall.sent), ""]);
  }
  out.push(k.toString());

  const withFlag = (rate: number | null, met: boolean | null) => (met === null ? pct(rate) : `${pct(rate)} ${met ? "✓" : "✗"}`);
  // Per channel: email against the PRD's targets; LinkedIn's connection requests, acceptances and messages.
  const ch = table(
    ["channel", "sent", "delivered", "bounce", "open", "reply", "requests", "accepted", "messages"],
    color,
    ["left", "right", "right", "right", "right", "right", "right", "right", "right"],
  );
  for (const r of data.channels) {
    const na = (x: string) => (r.channel === "linkedin" ? "—" : x);
    ch.push([
      r.channel,
      int(r.sent),
      pct(r.delivered_rate),
      na(withFlag(r.bounce_rate, r.bounce_met)),
      na(withFlag(r.open_rate, r.open_met)),
      withFlag(r.reply_rate, r.reply_met),
      r.connects_sent === null ? "—" : int(r.connects_sent),
      r.connects_accepted === null ? "—" : `${int(r.connects_accepted)} (${pct(r.acceptance_rate)})`,
      r.messages_sent === null ? "—" : int(r.messages_sent),
    ]);
  }
  out.push(ch.toString());

  const maxSent = Math.max(1, ...data.campaigns.filter((c) => !c.is_total).map((c) => c.sent));
  const c = table(
    ["campaign", "channel", "status", "sent", "delivered", "bounce", "open", "click", "reply", "unsub", ""],
    color,
    ["left", "left", "left", "right", "right", "right", "right", "right", "right", "right", "left"],
  );
  for (const r of data.campaigns) {
    c.push([
      r.is_total ? "(all campaigns)" : r.campaign_name,
      r.channel ?? "",
      r.campaign_status ?? "",
      int(r.sent),
      pct(r.delivered_rate),
      withFlag(r.bounce_rate, r.bounce_met),
      withFlag(r.open_rate, r.open_met),
      pct(r.click_rate),
      withFlag(r.reply_rate, r.reply_met),
      pct(r.unsubscribe_rate),
      r.is_total ? "" : bar(r.sent / maxSent),
    ]);
  }
  out.push(c.toString());

  // Daily evaluation KPIs.
  title("Candidate evaluation per UTC day (bar: pass rate, │ = 80 % target)");
  const d = table(
    ["day", "runs", "HOT/BURNING", "evaluated", "", "passed", "pass rate", "", "promoted", ""],
    color,
    ["left", "right", "right", "right", "left", "right", "right", "left", "right", "left"],
  );
  for (const r of data.daily) {
    d.push([
      r.day,
      int(r.runs),
      int(r.hot_records),
      pct(r.evaluated_rate),
      flag(r.evaluated_met),
      `${int(r.hot_passed)} / ${int(r.hot_evaluations)}`,
      pct(r.pass_rate),
      flag(r.pass_met),
      int(r.promoted),
      markedBar(r.pass_rate, r.pass_target),
    ]);
  }
  out.push(d.toString());

  // Kill switches.
  const tripped = data.kill_switches.filter((s) => s.tripped).length;
  title(`Kill switches (${tripped ? `${tripped} TRIPPED` : "none tripped"}; bar: observed, │ = threshold)`);
  const s = table(["switch", "threshold", "observed", "state", "resumes at", "action", ""], color, ["left", "right", "right", "left", "left", "left", "left"]);
  for (const r of data.kill_switches) {
    const isRate = r.switch.endsWith("_rate");
    const show = (x: number | null) => (x === null ? "—" : isRate ? pct(x, 2) : int(x));
    s.push([r.switch, show(r.threshold), show(r.observed), r.tripped ? "TRIPPED" : "ok", r.tripped ? (r.resumes_at ? minute(r.resumes_at) : "when cleared") : "", r.action, markedBar(r.observed, r.threshold)]);
  }
  out.push(s.toString());

  // Waterfall.
  const reported = data.waterfall.some((w) => w.passed + w.failed + w.undecided > 0);
  title(`Sub-hub waterfall (${reported ? "bar: share of reported records holding back" : "no upstream hub has reported yet"})`);
  const w = table(["#", "hub", "doctrine", "must pass before", "PASS", "FAIL", "undecided", "holding back", ""], color, ["right", "left", "left", "left", "right", "right", "right", "right", "left"]);
  const reportedRecords = Math.max(1, ...data.waterfall.map((r) => (r.holding_back ?? 0) + r.passed));
  for (const r of data.waterfall) {
    w.push([
      String(r.waterfall_order), r.hub_name, r.doctrine_id, r.must_pass_before ?? "", int(r.passed), int(r.failed), int(r.undecided),
      r.holding_back === null ? "" : int(r.holding_back), r.holding_back === null ? "" : bar(r.holding_back / reportedRecords),
    ]);
  }
  out.push(w.toString());
  return `${out.join("\n")}\n`;
}

/** Reads and prints the report; returns what it printed. */
export async function runReport(opts: ReportOptions): Promise<ReportData> {
  const data = await readReport(opts.url, { days: opts.days, window: opts.window });
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  write(opts.json ? `${terminalSafeJson(data)}\n` : renderText(data, opts.color ?? false));
  return data;
}

/** The command line: parses arguments, opens the database, prints, closes. Returns the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let args;
  try {
    ({ values: args } = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        days: { type: "string", default: "7" },
        from: { type: "string" },
        before: { type: "string" },
      },
    }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return usage();
  }
  const days = Number(args.days);
  if (!Number.isInteger(days) || days < 1) return usage();
  let window: { from: Date; before: Date } | undefined;
  if (args.from !== undefined || args.before !== undefined) {
    const from = new Date(args.from ?? "");
    const before = args.before !== undefined ? new Date(args.before) : new Date();
    if (Number.isNaN(from.getTime()) || Number.isNaN(before.getTime()) || from >= before) return usage();
    window = { from, before };
  }

  const config = loadConfig();
  // Imported here so that a report against DATABASE_URL never loads the embedded server.
  const { openDatabase } = await import("../runner/database.ts");
  let db;
  try {
    db = await openDatabase(config);
  } catch (err) {
    process.stderr.write(
      `report: cannot open the embedded database under ${config.OUTREACH_DATA_DIR} (is npm start running? then pass its DATABASE_URL): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  try {
    if (db.embedded) {
      const { migrate } = await import("../runner/migrate.ts");
      await migrate(db.url);
    }
    await runReport({ url: db.url, json: args.json, days, window, color: !args.json && process.stdout.isTTY === true });
    return 0;
  } catch (err) {
    process.stderr.write(`report: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await db.stop();
  }
}

function usage(): number {
  process.stderr.write("usage: npm run report -- [--json] [--days N] [--from ISO-instant [--before ISO-instant]]\n");
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}
