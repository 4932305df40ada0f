/**
 * `npx tsx bench/deadlock-stress.ts [-- --companies N --seconds S --event-clients K --batch B --role owner|writer --seed X --keep]`
 *
 * Lock-order stress: several sessions record engagement-event batches while others
 * promote and advance sequences, all at once, for S seconds, against a generated
 * database (src/ops/generate.ts) on DATABASE_URL's server. Counts every call's
 * outcome by SQLSTATE; a deadlock is 40P01. The first detail of each kind of
 * deadlock is printed so the conflicting statements can be read.
 *
 * Caps and rate switches are lifted so nothing stops the promoters; events mix
 * sends, opens, clicks, replies, bounces, opt-outs and bookings, half of them on
 * the sends queued most recently (where promote and advance_sequences are busy).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { generate } from "../src/ops/generate.ts";
import { migrate } from "../src/runner/migrate.ts";
import { createDatabase, dropDatabase, withDatabase } from "../src/runner/pgurl.ts";

const { values: args } = parseArgs({
  options: {
    companies: { type: "string", default: "20000" },
    seconds: { type: "string", default: "30" },
    "event-clients": { type: "string", default: "4" },
    batch: { type: "string", default: "40" },
    seed: { type: "string", default: "42" },
    role: { type: "string", default: "owner" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(args.companies);
const seconds = Number(args.seconds);
const eventClients = Number(args["event-clients"]);
const batch = Number(args.batch);
const seed = Number(args.seed);
const role = args.role;
if (![N, seconds, eventClients, batch, seed].every((x) => Number.isInteger(x) && x > 0) || !["owner", "writer"].includes(role ?? "")) {
  console.error("usage: tsx bench/deadlock-stress.ts -- [--companies N] [--seconds S] [--event-clients K] [--batch B] [--seed X] [--role owner|writer] [--keep]");
  process.exit(2);
}
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error("deadlock-stress: set DATABASE_URL to a server where it may create a database");
  process.exit(2);
}

const say = (s: string) => process.stderr.write(`${s}\n`);
const dbName = `oeh_stress_${Date.now().toString(36)}`;
await createDatabase(adminUrl, dbName);
const url = withDatabase(adminUrl, dbName);
const setup = postgres(url, { max: 1, onnotice: () => {} });

/** One session per client; `writer` sessions run as outreach_hub_writer (the role services use). */
const session = () =>
  postgres(url, {
    max: 1,
    onnotice: () => {},
    connection: role === "writer" ? { role: "outreach_hub_writer" } : {},
  });

type Tally = Map<string, number>;
const tallies = new Map<string, Tally>();
const details = new Map<string, string>();
function count(fn: string, outcome: string): void {
  const t = tallies.get(fn) ?? new Map<string, number>();
  t.set(outcome, (t.get(outcome) ?? 0) + 1);
  tallies.set(fn, t);
}
async function call(fn: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    count(fn, "ok");
  } catch (e) {
    const err = e as { code?: string; detail?: string; message?: string; where?: string };
    const code = err.code ?? "client";
    count(fn, code);
    if (code === "40P01") {
      // One example per pair of statements involved.
      const key = `${fn}: ${(err.where ?? "").split("\n")[0]}`;
      if (!details.has(key)) details.set(key, `${err.detail ?? ""}\n    where: ${err.where ?? ""}`);
    } else if (code !== "ok" && !details.has(`${fn} ${code}`)) {
      details.set(`${fn} ${code}`, err.message ?? String(e));
    }
  }
}

const TYPES: [string, number][] = [
  ["email_sent", 30], ["email_delivered", 10], ["email_open", 18], ["email_click", 8], ["email_reply", 8],
  ["email_bounce", 8], ["unsubscribe", 6], ["spam_complaint", 3], ["meeting_booked", 2], ["website_visit", 3],
];
const totalWeight = TYPES.reduce((a, [, w]) => a + w, 0);
function pickType(): string {
  let r = Math.random() * totalWeight;
  for (const [t, w] of TYPES) {
    r -= w;
    if (r < 0) return t;
  }
  return "email_open";
}

try {
  say(`stress: database ${dbName}; migrating and generating ${N.toLocaleString("en")} companies (seed ${seed})…`);
  await migrate(url);
  await generate(setup, { companies: N, seed });
  await setup.unsafe(`
    update outreach.settings set daily_send_cap = 1000000, hourly_send_cap = 1000000,
           bounce_rate_ceiling = 1, unsubscribe_rate_ceiling = 1, complaint_rate_ceiling = 1,
           rate_min_sample = 2000000000;
    update outreach.campaigns set daily_send_limit = null, total_send_limit = null;`);
  const [shape] = await setup<{ eligible: number; sends: number }[]>`
    select (select count(*)::int from outreach.candidates(now()) where eligible) as eligible,
           (select count(*)::int from outreach.send_log) as sends`;
  say(`stress: ${shape?.eligible} eligible records, ${shape?.sends} sends; ${eventClients} event clients × batches of ${batch}, ` +
      `1 promoter, 1 sequence advancer, as ${role === "writer" ? "outreach_hub_writer" : "the owner"}, ${seconds} s`);

  const until = Date.now() + seconds * 1000;
  const sessions: postgres.Sql[] = [];
  const loop = async (fn: string, body: (sql: postgres.Sql) => Promise<unknown>): Promise<void> => {
    const sql = session();
    sessions.push(sql);
    while (Date.now() < until) await call(fn, () => body(sql));
  };
  let tick = 0;
  const eventLoop = (sql: postgres.Sql) => async () => {
    const picks = await sql<{ send_id: string }[]>`
      (select send_id::text from outreach.send_log order by created_at desc limit ${batch * 4})
      union all
      (select send_id::text from outreach.send_log order by random() limit ${batch})`;
    const chosen = Array.from({ length: batch }, () => picks[Math.floor(Math.random() * picks.length)]!.send_id);
    const now = Date.now();
    const events = chosen.map((send_id) => ({
      send_id,
      event_type: pickType(),
      event_ts: new Date(now - 60_000 + ((tick++ * 7919) % 60_000)).toISOString(),
      source_system: "stress",
    }));
    await sql`select count(*) from outreach.record_events(${sql.json(events)}::jsonb, ${randomUUID()}::uuid)`;
  };
  await Promise.all([
    loop("promote", (sql) => sql`select count(*) from outreach.promote(${randomUUID()}::uuid, 25)`),
    loop("advance_sequences", (sql) => sql`select outreach.advance_sequences(${randomUUID()}::uuid, now() + interval '8 days')`),
    ...Array.from({ length: eventClients }, () => {
      const sql = session();
      sessions.push(sql);
      const body = eventLoop(sql);
      return (async () => {
        while (Date.now() < until) await call("record_events", body);
      })();
    }),
  ]);
  await Promise.all(sessions.map((s) => s.end({ timeout: 5 })));

  const deadlocks = [...tallies.values()].reduce((a, t) => a + (t.get("40P01") ?? 0), 0);
  say("\nfunction            outcomes");
  for (const [fn, t] of tallies) say(`${fn.padEnd(19)} ${[...t].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  say(`\ndeadlocks (40P01): ${deadlocks} in ${seconds} s`);
  for (const [k, d] of details) say(`\n-- ${k}\n    ${d}`);
  process.stdout.write(`${JSON.stringify({ companies: N, seconds, eventClients, batch, role, deadlocks,
    outcomes: Object.fromEntries([...tallies].map(([fn, t]) => [fn, Object.fromEntries(t)])) })}\n`);
} finally {
  await setup.end({ timeout: 5 });
  if (!args.keep) await dropDatabase(adminUrl, dbName);
}
