/**
 * The demo's dispatch round: one campaign sent by the runner's own `smtp` sender
 * into a local SMTP server started here (src/dev/mail-sink.ts, in process), then a
 * one-click unsubscribe posted to the receiver, as a mail client does (RFC 8058).
 *
 *   1. the campaign of the best promotion → sender 'smtp', its steps at any hour
 *      (the demo runs whatever the time in the recipients' time zones)
 *   2. the receiver on a free port (no WEBHOOK_SECRET: /u/ only), and
 *      settings.unsubscribe_base_url pointed at it
 *   3. one `dispatch` job through graphile-worker: claim → SMTP → ack
 *   4. POST <List-Unsubscribe URL of the first message> List-Unsubscribe=One-Click
 */
import { headersOf, startMailSink, type MailSink } from "../dev/mail-sink.ts";
import { startWebhookServer, type WebhookServer } from "../http/server.ts";
import type { Sql } from "../runner/db.ts";
import type { Logger } from "../runner/log.ts";

const FROM = "Outreach Hub demo <outreach@hub.example>";

export interface DispatchRound {
  /** Runs the given graphile-worker jobs once (the demo's cycle). */
  runJobs(jobs: [string, object][]): Promise<void>;
  sql: Sql;
  log: Logger;
  say(line: string): void;
  /** How many messages to hand over (keeps the output short). */
  messages: number;
}

export async function dispatchRound(r: DispatchRound): Promise<void> {
  const { sql, say } = r;
  const [best] = await sql<{ campaign_id: string; campaign_name: string }[]>`
    select c.campaign_id::text, c.campaign_name
      from outreach.send_log l join outreach.campaigns c on c.campaign_id = l.campaign_id
     where l.send_status = 'queued'
     order by l.scheduled_at, l.send_id
     limit 1`;
  if (!best) {
    say("dispatch: nothing queued, no message to send");
    return;
  }
  await sql`update outreach.campaigns set sender = 'smtp' where campaign_id = ${best.campaign_id}::uuid`;
  await sql`update outreach.sequences set send_time_preference = 'any' where campaign_id = ${best.campaign_id}::uuid`;

  let sink: MailSink | undefined;
  let receiver: WebhookServer | undefined;
  const saved = { url: process.env.SMTP_URL, from: process.env.SMTP_FROM };
  try {
    sink = await startMailSink({});
    receiver = await startWebhookServer({
      config: { port: 0, host: "127.0.0.1", secret: null, toleranceSeconds: 300, maxBodyBytes: 1024 * 1024 },
      sql,
      log: r.log,
    });
    const base = `http://127.0.0.1:${receiver.port}/u`;
    await sql`update outreach.settings set unsubscribe_base_url = ${base}`;
    say(
      `dispatch: campaign "${best.campaign_name}" is sent by the runner's smtp sender into a local SMTP server on port ${sink.port}; ` +
        `the receiver serves one-click unsubscribe at ${base}/<token>`,
    );

    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    process.env.SMTP_FROM = FROM;
    await r.runJobs([["dispatch", { max_rows: r.messages }]]);

    const rows = await sql<{ send_id: string; email_to: string; send_status: string; attempt: number; handed_over_at: Date | null; sent_at: Date | null }[]>`
      select send_id::text, email_to, send_status, attempt, handed_over_at, sent_at
        from outreach.send_log where provider_message_id is not null order by handed_over_at, send_id`;
    say(`dispatch: ${sink.messages.length} message(s) received by the SMTP server, ${rows.length} acknowledged in send_log:`);
    for (const m of sink.messages) {
      const h = headersOf(m.raw);
      const row = rows.find((x) => h["message-id"] === `<${x.send_id}@hub.example>`);
      say(`  to ${m.to.join(", ")} · subject "${h.subject ?? ""}"`);
      say(`    Message-ID: ${h["message-id"] ?? "-"}`);
      say(`    List-Unsubscribe: ${h["list-unsubscribe"] ?? "-"}`);
      say(`    List-Unsubscribe-Post: ${h["list-unsubscribe-post"] ?? "-"}`);
      if (row) {
        say(`    send_log: ${row.send_status}, attempt ${row.attempt}, handed over ${row.handed_over_at?.toISOString() ?? "-"}, sent_at ${row.sent_at?.toISOString() ?? "-"}`);
      }
    }

    const first = sink.messages[0];
    const url = first ? /^<([^>]+)>/.exec(headersOf(first.raw)["list-unsubscribe"] ?? "")?.[1] : undefined;
    if (!first || !url) return;
    const page = await fetch(url, { redirect: "manual" });
    say(`unsubscribe: GET ${url.replace(/\/[^/]+$/, "/<token>")} → ${page.status} (a page with a button; a GET changes nothing)`);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
      redirect: "manual",
    });
    const to = first.to[0] ?? "";
    const [after] = await sql<{ email_status: string | null; suppressed: boolean; target_status: string | null; events: number }[]>`
      select p.email_status, outreach.is_suppressed(${to}) as suppressed, t.target_status,
             (select count(*)::int from outreach.engagement_events e
               where e.send_id = l.send_id and e.event_type = 'unsubscribe' and e.source_system = 'one_click') as events
        from outreach.send_log l
        left join outreach.people p on p.person_id = l.person_id
        left join outreach.company_target t on t.target_id = l.target_id
       where l.email_to = ${to} and l.provider_message_id is not null
       limit 1`;
    say(
      `unsubscribe: POST List-Unsubscribe=One-Click → ${res.status}; ${to}: person ${after?.email_status ?? "?"}, ` +
        `suppressed ${after?.suppressed ? "yes" : "no"}, target ${after?.target_status ?? "?"}, one_click events ${after?.events ?? 0}`,
    );
  } finally {
    if (saved.url === undefined) delete process.env.SMTP_URL;
    else process.env.SMTP_URL = saved.url;
    if (saved.from === undefined) delete process.env.SMTP_FROM;
    else process.env.SMTP_FROM = saved.from;
    await receiver?.close();
    await sink?.close();
  }
}
