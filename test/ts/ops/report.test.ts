import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../../src/ops/generate.ts";
import { bar, markedBar, runReport, type ReportData } from "../../../src/ops/report.ts";
import { stripControls } from "../../../src/ops/terminal.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let db: TestDatabase;

/** Runs the report in-process and returns what it printed. */
async function render(opts: { json?: boolean; days?: number } = {}): Promise<{ text: string; data: ReportData }> {
  let text = "";
  const data = await runReport({ url: db.url, ...opts, write: (s) => (text += s) });
  return { text, data };
}

/** `npm run report` as a user runs it (tsx src/ops/report.ts), against DATABASE_URL. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["src/ops/report.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

beforeAll(async () => {
  db = await freshDatabase();
  await generate(db.sql, { companies: 800, seed: 11 });
  // One real evaluation run, a sender reporting on what it queued, and one upstream hub.
  await db.sql`update outreach.settings set hourly_send_cap = 1000, daily_send_cap = 1000`;
  await db.sql`select count(*) from outreach.promote(gen_random_uuid(), 40)`;
  await db.sql`
    select outreach.record_events(
             (select jsonb_agg(jsonb_build_object('send_id', l.send_id, 'event_type', e.t, 'event_ts', now(),
                                                  'source_system', 'instantly'))
                from outreach.send_log l
                cross join lateral (values ('email_sent'), ('email_open')) e(t)
               where l.send_status = 'queued'),
             gen_random_uuid())`;
  await db.sql`
    insert into outreach.upstream_status (outreach_id, hub_id, status)
    select outreach_id, 'people_intelligence', 'FAIL' from outreach.bit_scores order by outreach_id limit 3`;
});

afterAll(async () => {
  await db.drop();
});

describe("bars", () => {
  it("draw a fraction of the width in eighths of a cell", () => {
    expect(bar(0.5, 8)).toBe("████");
    expect(bar(1 / 64, 8)).toBe("▏");
    expect(bar(2, 4)).toBe("████");
    expect(bar(0, 8)).toBe("");
    expect(bar(null, 8)).toBe("");
  });

  it("put the target in the middle of a marked bar", () => {
    expect(markedBar(0, 0.2, 8)).toBe("    │");
    expect(markedBar(0.05, 0.2, 8)).toBe("█   │");
    expect(markedBar(0.4, 0.2, 8)).toBe("████┃███");
    expect(markedBar(0.1, null, 8)).toBe("");
  });
});

describe("npm run report", () => {
  it("renders the funnel, the KPIs, the daily evaluation, the kill switches and the waterfall", async () => {
    const { text, data } = await render();
    const [total] = await db.sql<{ n: number }[]>`select count(*)::int as n from outreach.outreach`;
    expect(text).toContain(`Gate funnel (${(total?.n ?? 0).toLocaleString("en")} records)`);
    const codes = await db.sql<{ code: string }[]>`select unnest(outreach.blocking_reason_codes()) as code`;
    for (const { code } of codes) expect(text).toMatch(new RegExp(`│ ${code} +│`));
    for (const kpi of ["bounce rate", "open rate", "reply rate"]) expect(text).toContain(kpi);
    expect(text).toContain("Candidate evaluation per UTC day");
    expect(text).toContain(new Date().toISOString().slice(0, 10));
    for (const s of ["daily_send_cap", "hourly_send_cap", "bounce_rate", "unsubscribe_rate", "complaint_rate", "linkedin_weekly_connect_cap"]) expect(text).toContain(s);
    expect(text).toMatch(/linkedin .*—/); // the LinkedIn channel row: no bounce or open rate
    expect(text).toContain("People Intelligence");
    expect(text).toMatch(/█/);
    expect(data.funnel.find((r) => r.reason === "upstream_not_passed")?.records).toBe(3);
  });

  it("shows what SQL measured, without deciding anything itself", async () => {
    const { data } = await render();
    const [run] = await db.sql<{ promoted: number; hot: number }[]>`
      select promoted, hot_evaluated as hot from outreach.evaluation_runs`;
    const today = data.daily[0];
    expect(today?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today?.runs).toBe(1);
    expect(today?.promoted).toBe(run?.promoted);
    expect(today?.hot_evaluated).toBe(run?.hot);
    const overall = data.campaigns.find((c) => c.is_total);
    const [m] = await db.sql<{ sent: number; opened: number; open_met: boolean | null }[]>`
      select sent::int, opened::int, open_met from outreach.v_campaign_metrics where is_total`;
    expect(overall?.sent).toBe(m?.sent);
    expect(overall?.opened).toBe(m?.opened);
    expect(overall?.open_met).toBe(m?.open_met);
    expect(data.kill_switches.map((k) => k.switch)).toEqual([
      "daily_send_cap", "hourly_send_cap", "bounce_rate", "unsubscribe_rate", "complaint_rate",
      "linkedin_weekly_connect_cap", "linkedin_daily_message_cap",
    ]);
    const [e] = await db.sql<{ sent: number }[]>`select sent::int from outreach.v_channel_metrics where channel = 'email'`;
    expect(data.channels.map((c) => c.channel)).toEqual(["email", "linkedin"]);
    expect(data.channels[0]?.sent).toBe(e?.sent);
    expect(data.waterfall.map((w) => w.hub_id)).toEqual(["company_target", "dol_filings", "people_intelligence", "blog_content", "outreach_execution"]);
  });

  it("prints one JSON document with --json", async () => {
    const { text, data } = await render({ json: true });
    const parsed = JSON.parse(text) as ReportData;
    expect(Object.keys(parsed).sort()).toEqual(["campaigns", "channels", "daily", "funnel", "generated_at", "kill_switches", "kpi_targets", "waterfall", "window"]);
    expect(parsed.funnel).toEqual(data.funnel);
    expect(parsed.kpi_targets.map((t) => [t.kpi, t.target, t.comparison]).sort()).toEqual([
      ["bounce_rate", 0.05, "<"],
      ["hot_evaluated_rate", 1, ">="],
      ["open_rate", 0.2, ">"],
      ["pass_rate", 0.8, ">"],
      ["reply_rate", 0.03, ">"],
    ]);
  });

  it("runs from the command line against DATABASE_URL", async () => {
    const json = await cli(["--json", "--days", "3"]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as ReportData;
    expect(parsed.funnel[0]?.reason).toBe("total");
    expect(parsed.daily.length).toBeLessThanOrEqual(3);

    const text = await cli([]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Kill switches");

    const bad = await cli(["--days", "zero"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: npm run report");
  });
});

describe("names that try to drive the terminal", () => {
  // Clear screen, set the window title (OSC), 8-bit CSI, a bell, DEL, SOH, a reset and a line break.
  const hostile = "Spring\x1b[2J\x1b[H\x1b]0;pwned\x07 \x9b31mlaunch\x7f\x01\x1bc\nQ2";
  // Every C0 control, DEL and C1 (the report itself adds none of them uncoloured).
  const controls = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

  it("are stripped of escape sequences and control characters", () => {
    expect(stripControls(hostile)).toBe("Spring launch Q2");
    expect(stripControls("plain · ünïcode ✓")).toBe("plain · ünïcode ✓");
    expect(stripControls("a\x00b\x08c\x85d\x1b")).toBe("abcd");
    expect(stripControls("\x1bP1;2|secret\x1b\\ok\x9d8;;http://x\x9cend")).toBe("okend");
  });

  it("reach the report's text and JSON as harmless text", async () => {
    const [c] = await db.sql<{ campaign_id: string; campaign_name: string }[]>`
      select campaign_id, campaign_name from outreach.campaigns order by campaign_id limit 1`;
    await db.sql`update outreach.campaigns set campaign_name = ${hostile} where campaign_id = ${c!.campaign_id}`;
    const [hub] = await db.sql<{ hub_name: string }[]>`select hub_name from outreach.hub_registry where hub_id = 'people_intelligence'`;
    await db.sql`update outreach.hub_registry set hub_name = ${"People\x1b[31m Intelligence\x1b[0m"} where hub_id = 'people_intelligence'`;
    try {
      const { text, data } = await render();
      expect(data.campaigns.some((r) => r.campaign_name === hostile)).toBe(true); // the data is untouched
      expect(text).toContain("Spring launch Q2");
      expect(text).toContain("People Intelligence");
      expect(text).not.toMatch(controls);
      const json = await render({ json: true });
      expect(json.text).not.toMatch(controls);
      expect((JSON.parse(json.text) as ReportData).campaigns.some((r) => r.campaign_name === hostile)).toBe(true);
      const cliText = await cli([]);
      expect(cliText.code, cliText.stderr).toBe(0);
      expect(cliText.stdout).not.toMatch(controls);
    } finally {
      await db.sql`update outreach.campaigns set campaign_name = ${c!.campaign_name} where campaign_id = ${c!.campaign_id}`;
      await db.sql`update outreach.hub_registry set hub_name = ${hub!.hub_name} where hub_id = 'people_intelligence'`;
    }
  });
});
