/**
 * `npm run demo [-- --companies N --seed S]`: a fresh `outreach_demo` database on the
 * embedded server (or on DATABASE_URL's server), deterministic synthetic data, one
 * cycle of every worker task through graphile-worker, one campaign dispatched by the
 * runner's smtp sender into a local SMTP server and a one-click unsubscribe through
 * the receiver (demo-dispatch.ts), a simulated external sender replying with
 * engagement events and one booked meeting, then the gate funnel, the promotions
 * and the kill-switch board.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import Table from "cli-table3";
import { makeWorkerUtils, runOnce } from "graphile-worker";
import pg from "pg";
import { loadConfig } from "../runner/config.ts";
import { connect, gateFunnel, killSwitchBoard, type Sql } from "../runner/db.ts";
import { dispatchRound } from "./demo-dispatch.ts";
import { generate } from "./generate.ts";
import { makeLogger } from "../runner/log.ts";
import { migrate } from "../runner/migrate.ts";
import { createDatabase, dropDatabase, withDatabase } from "../runner/pgurl.ts";
import { openDatabase } from "../runner/database.ts";
import { setTaskContext } from "../runner/task.ts";
import { taskList, workerLogger } from "../runner/worker.ts";

const { values: args } = parseArgs({
  options: {
    companies: { type: "string", default: "5000" },
    seed: { type: "string", default: "42" },
  },
});
const companies = Number(args.companies);
const seed = Number(args.seed);
if (!Number.isInteger(companies) || companies < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run demo -- [--companies N] [--seed S]  (positive integers)");
  process.exit(2);
}

const config = loadConfig();
const log = makeLogger(process.env.LOG_LEVEL ?? "warn");
const say = (s: string) => process.stdout.write(`${s}\n`);
const started = Date.now();

const server = await openDatabase(config);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void server.stop().finally(() => process.exit(130)));
const demoDb = "outreach_demo";
await dropDatabase(server.url, demoDb);
await createDatabase(server.url, demoDb);
const url = withDatabase(server.url, demoDb);
const sql = connect(url);
const pgPool = new pg.Pool({ connectionString: url, max: 4 });
pgPool.on("error", () => {});
pgPool.on("connect", (client) => client.on("error", () => {}));
const tty = process.stdout.isTTY === true;
/** Tables without colour codes when the output is not a terminal. */
const table = (head: string[], colAligns?: ("left" | "right")[]) =>
  new Table({ head, ...(colAligns ? { colAligns } : {}), style: tty ? {} : { head: [], border: [] } });

try {
  say(`demo: database ${demoDb} (${server.embedded ? "embedded PostgreSQL" : "DATABASE_URL's server"}); migrating…`);
  await migrate(url);

  say(`demo: generating ${companies.toLocaleString("en")} companies (seed ${seed})…`);
  let last = 0;
  await generate(sql, {
    companies,
    seed,
    onProgress: (step, done, total) => {
      const now = Date.now();
      const line = `  ${step.padEnd(18)} ${done.toLocaleString("en").padStart(10)} / ${total.toLocaleString("en")}`;
      if (!process.stderr.isTTY) {
        if (done === total) process.stderr.write(`${line}\n`);
      } else if (now - last > 200 || done === total) {
        process.stderr.write(`\r${line}   ${done === total ? "\n" : ""}`);
        last = now;
      }
    },
  });

  // LinkedIn through HeyReach: half the people have a profile (chosen by name, so the same
  // every run), and a LinkedIn campaign with the general campaign's reach and a higher
  // priority takes the records it has a profile for.
  say("demo: a LinkedIn campaign (HeyReach) and profile URLs for half the people…");
  await sql`
    update outreach.people
       set linkedin_url = 'https://www.linkedin.com/in/' || lower(title) || '-' || substr(md5(full_name), 1, 10) || '/'
     where ('x' || substr(md5(full_name), 1, 8))::bit(32)::int % 2 = 0`;
  await sql`
    with c as (
      insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id, target_bit_score_min, priority)
      values ('LinkedIn connect', 'active', 'heyreach', 'demo-heyreach-1', 50, 1)
      returning campaign_id, campaign_name)
    insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, subject_template, body_template)
    select c.campaign_id, format('%s — step %s', c.campaign_name, s.step), s.step, s.delay, 'Connect', 'Hello'
      from c cross join (values (1, 0), (2, 3)) s(step, delay)`;

  setTaskContext({ sql, log });
  const utils = await makeWorkerUtils({ pgPool });
  await utils.migrate();
  const cycle = async (jobs: [string, object][]): Promise<void> => {
    for (const [task, payload] of jobs) await utils.addJob(task, { ...payload, correlation_id: randomUUID() });
    await runOnce({ pgPool, taskList, logger: workerLogger(log), noHandleSignals: true });
  };

  say("demo: one cycle of every task (init_pending, check_kill_switches, promote, advance_sequences)…");
  await cycle([
    ["init_pending", {}],
    ["check_kill_switches", {}],
    ["promote", { max_rows: 500 }],
    ["advance_sequences", {}],
  ]);

  await dispatchRound({ runJobs: cycle, sql, log, say, messages: 3 });

  // The external sender: takes the queue campaigns' sends, reports sends, opens and a reply.
  const queued = await sql<{ send_id: string }[]>`
    select l.send_id from outreach.send_log l join outreach.campaigns c on c.campaign_id = l.campaign_id
     where l.send_status = 'queued' and c.sender = 'queue' order by l.scheduled_at, l.send_id`;
  const now = new Date();
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const events = queued.flatMap((q, i) => [
    { send_id: q.send_id, event_type: "email_sent", event_ts: at(1), source_system: "instantly" },
    ...(i % 3 === 0 ? [{ send_id: q.send_id, event_type: "email_open", event_ts: at(30), source_system: "instantly" }] : []),
    ...(i === 0 ? [{ send_id: q.send_id, event_type: "email_reply", event_ts: at(90), source_system: "instantly" }] : []),
  ]);
  const booking: [string, object][] = [];
  if (queued[0]) {
    const [link] = await sql<{ url: string }[]>`
      select outreach.calendar_link(l.outreach_id) as url from outreach.send_log l where l.send_id = ${queued[0].send_id}`;
    if (link) {
      const p = new URL(link.url).searchParams;
      booking.push([
        "record_meeting_booked",
        { sid: p.get("sid"), oid: p.get("oid"), exp: Number(p.get("exp")), sig: p.get("sig"), booked_at: at(120), payload: { source: "demo" } },
      ]);
    }
  }
  say(`demo: the sender reports ${events.length} engagement events${booking.length ? " and one booked meeting" : ""}…`);
  // HeyReach: the LinkedIn enrolments' connection requests go out and one is accepted.
  const linkedin = await sql<{ send_id: string }[]>`
    select l.send_id from outreach.send_log l
     where l.channel = 'linkedin' and l.send_status = 'queued' order by l.scheduled_at, l.send_id`;
  const liEvents = linkedin.flatMap((q, i) => [
    { send_id: q.send_id, event_type: "linkedin_connect_sent", event_ts: at(2), source_system: "heyreach" },
    ...(i === 0 ? [{ send_id: q.send_id, event_type: "linkedin_connect_accepted", event_ts: at(60), source_system: "heyreach" }] : []),
  ]);
  if (liEvents.length) say(`demo: HeyReach reports ${liEvents.length} LinkedIn events…`);
  await cycle([["record_events", { events: [...events, ...liEvents] }], ...booking, ["check_kill_switches", {}]]);
  await utils.release();

  await printReport(sql, new Date(started));
  say(`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s (database ${demoDb} kept for exploring)`);
} finally {
  await pgPool.end();
  await sql.end({ timeout: 5 });
  await server.stop();
}

async function printReport(db: Sql, since: Date): Promise<void> {
  const funnel = await gateFunnel(db);
  const total = Number(funnel.find((r) => r.reason === "total")?.records ?? 0) || 1;
  const f = table(["gate funnel", "records", "only blocker", "share", ""], ["left", "right", "right", "right", "left"]);
  for (const r of funnel) {
    const share = Number(r.records) / total;
    f.push([r.reason, Number(r.records).toLocaleString("en"), r.sole_blocker ?? "", `${(share * 100).toFixed(1)} %`, "█".repeat(Math.round(share * 30))]);
  }
  say(f.toString());

  const promos = await db<{ company: string; score: string; slot: string; email: string; campaign: string; status: string }[]>`
    select c.company_name as company, b.score::text as score, p.title as slot,
           coalesce(l.email_to, l.linkedin_url) as email,
           g.campaign_name as campaign, l.send_status as status
      from outreach.send_log l
      join outreach.outreach o on o.outreach_id = l.outreach_id
      join cl.company_identity c on c.sovereign_company_id = o.sovereign_company_id
      left join outreach.bit_scores b on b.outreach_id = l.outreach_id
      left join outreach.people p on p.person_id = l.person_id
      left join outreach.campaigns g on g.campaign_id = l.campaign_id
     where l.scheduled_at >= ${since} and l.sequence_step = 1
     order by b.score desc nulls last, c.company_name
     limit 15`;
  const [count] = await db<{ n: number }[]>`
    select count(*)::int as n from outreach.send_log where scheduled_at >= ${since} and sequence_step = 1`;
  const p = table(["promoted company", "BIT", "slot", "email or profile", "campaign", "status"]);
  for (const r of promos) p.push([r.company, r.score, r.slot, r.email, r.campaign, r.status]);
  say(`promotions this run: ${count?.n ?? 0} (best 15 shown; the hourly cap decides how many)`);
  say(p.toString());

  const li = await db<{ company: string; profile: string; campaign: string; status: string }[]>`
    select c.company_name as company, l.linkedin_url as profile, g.campaign_name as campaign, l.send_status as status
      from outreach.send_log l
      join outreach.outreach o on o.outreach_id = l.outreach_id
      join cl.company_identity c on c.sovereign_company_id = o.sovereign_company_id
      join outreach.campaigns g on g.campaign_id = l.campaign_id
     where l.scheduled_at >= ${since} and l.channel = 'linkedin' and l.sequence_step = 1
     order by l.delivered_at nulls last, c.company_name
     limit 3`;
  const [liCount] = await db<{ n: number }[]>`
    select count(*)::int as n from outreach.send_log where scheduled_at >= ${since} and sequence_step = 1 and channel = 'linkedin'`;
  const lt = table(["LinkedIn enrolment", "profile", "campaign", "status"]);
  for (const r of li) lt.push([r.company, r.profile, r.campaign, r.status]);
  say(`LinkedIn enrolments this run: ${liCount?.n ?? 0} (through HeyReach; a reply there stops the company's email too)`);
  say(lt.toString());

  const board = await killSwitchBoard(db);
  const k = table(["kill switch", "threshold", "observed", "tripped", "resumes at", "action"]);
  for (const r of board) {
    k.push([r.switch, r.threshold ?? "", r.observed ?? "", r.tripped ? "TRIPPED" : "ok", r.resumes_at?.toISOString() ?? "", r.action]);
  }
  say(k.toString());

  const handoffs = await db<{ company: string; booked_at: Date }[]>`
    select snapshot #>> '{company,company_name}' as company, booked_at from outreach.handoffs order by booked_at`;
  if (handoffs.length) say(`handoffs to Sales: ${handoffs.map((h) => `${h.company ?? "?"} at ${h.booked_at.toISOString()}`).join(", ")}`);
}
