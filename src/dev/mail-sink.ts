/**
 * A local SMTP server that keeps what it receives (smtp-server), for the demo
 * (in process) and the tests (as a child process: `tsx src/dev/mail-sink.ts`).
 * It can be told to refuse chosen recipients, the way a real server does:
 *
 *   temp       RCPT TO answered 451 4.3.0 (try again later), every time
 *   tempOnce   RCPT TO answered 451 4.3.0 the first time a recipient is seen, accepted after
 *   hard       RCPT TO answered 550 5.1.1 (no such user)
 *   holdOnce   RCPT TO left unanswered for holdMs the first time (a slow server; a client
 *              killed meanwhile has sent nothing)
 *
 * delayMs   every message answered (250) that long after its data ends
 *
 * Each rule is a regular expression over the lower-cased recipient address.
 * No STARTTLS; with `secure` TLS from the first byte (smtps://, smtp-server's built-in
 * test certificate). Authentication is optional; with `auth`
 * set ("user:pass") AUTH PLAIN/LOGIN must match it when given.
 *
 * As a child process, its arguments are the same options (--temp RE, --temp-once RE,
 * --hard RE, --hold-once RE, --hold-ms N, --delay-ms N, --auth user:pass, --secure, --port N) and it writes one
 * JSON line per happening on stdout: {"event":"listening","port":…},
 * {"event":"pong","n":…} for each line "ping <n>" on stdin (written after every event
 * before it, so a test knows it has seen all the messages accepted so far),
 * {"event":"rcpt","to":…,"reply":451|550|"held"}, {"event":"message","from":…,"to":[…],"raw":…}.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

export interface SinkRules {
  temp?: RegExp;
  tempOnce?: RegExp;
  hard?: RegExp;
  holdOnce?: RegExp;
  holdMs?: number;
  /** Every accepted message is answered this many milliseconds after its data ends (a slower server). */
  delayMs?: number;
  auth?: string;
  /** TLS from the first byte (smtps://), with smtp-server's built-in test certificate. */
  secure?: boolean;
}

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** The message as received: headers, blank line, body (CRLF line ends). */
  raw: string;
  /** The user that authenticated, if any. */
  user: string | null;
}

export type SinkEvent =
  | { event: "listening"; port: number }
  | { event: "pong"; n: number }
  | { event: "rcpt"; to: string; reply: number | "held" }
  | ({ event: "message" } & ReceivedMessage);

export interface MailSink {
  port: number;
  messages: ReceivedMessage[];
  close(): Promise<void>;
}

const smtpError = (code: number, text: string): Error => Object.assign(new Error(text), { responseCode: code });

export async function startMailSink(opts: { port?: number; host?: string; rules?: SinkRules; onEvent?: (e: SinkEvent) => void }): Promise<MailSink> {
  const rules = opts.rules ?? {};
  const seen = new Set<string>();
  const messages: ReceivedMessage[] = [];
  const emit = opts.onEvent ?? (() => {});
  const server = new SMTPServer({
    logger: false,
    secure: rules.secure === true,
    closeTimeout: 1000, // a test's or the demo's end does not wait for stray connections
    disabledCommands: ["STARTTLS"],
    hideSTARTTLS: true,
    authOptional: true,
    allowInsecureAuth: true,
    banner: "outreach hub mail sink",
    onAuth(auth, _session, callback) {
      if (rules.auth && `${auth.username ?? ""}:${auth.password ?? ""}` !== rules.auth) {
        callback(smtpError(535, "5.7.8 authentication failed"));
        return;
      }
      callback(null, { user: auth.username ?? "" });
    },
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      const first = !seen.has(to);
      seen.add(to);
      if (rules.hard?.test(to)) {
        emit({ event: "rcpt", to, reply: 550 });
        callback(smtpError(550, "5.1.1 no such user here"));
      } else if (rules.temp?.test(to) || (first && rules.tempOnce?.test(to))) {
        emit({ event: "rcpt", to, reply: 451 });
        callback(smtpError(451, "4.3.0 try again later"));
      } else if (first && rules.holdOnce?.test(to)) {
        emit({ event: "rcpt", to, reply: "held" });
        setTimeout(() => callback(), rules.holdMs ?? 30_000);
      } else {
        callback();
      }
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const message: ReceivedMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: typeof session.user === "string" ? session.user : null,
        };
        const accept = () => {
          messages.push(message);
          emit({ event: "message", ...message });
          callback(null, "2.0.0 queued");
        };
        if (rules.delayMs) setTimeout(accept, rules.delayMs);
        else accept();
      });
    },
  });
  // A client that hangs up mid-handshake is the client's problem, not the server's end.
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  emit({ event: "listening", port });
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Unfolded headers of a raw message, names lower-cased (the last value wins). */
export function headersOf(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const out: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values: a } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      temp: { type: "string" },
      "temp-once": { type: "string" },
      hard: { type: "string" },
      "hold-once": { type: "string" },
      "hold-ms": { type: "string" },
      "delay-ms": { type: "string" },
      auth: { type: "string" },
      secure: { type: "boolean", default: false },
    },
  });
  const rules: SinkRules = {};
  if (a.temp) rules.temp = new RegExp(a.temp, "i");
  if (a["temp-once"]) rules.tempOnce = new RegExp(a["temp-once"], "i");
  if (a.hard) rules.hard = new RegExp(a.hard, "i");
  if (a["hold-once"]) rules.holdOnce = new RegExp(a["hold-once"], "i");
  if (a["hold-ms"]) rules.holdMs = Number(a["hold-ms"]);
  if (a["delay-ms"]) rules.delayMs = Number(a["delay-ms"]);
  if (a.auth) rules.auth = a.auth;
  if (a.secure) rules.secure = true;
  const sink = await startMailSink({
    port: Number(a.port),
    rules,
    onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
  });
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d: string) => {
    input += d;
    let nl: number;
    while ((nl = input.indexOf("\n")) >= 0) {
      const m = /^ping (\d+)$/.exec(input.slice(0, nl).trim());
      input = input.slice(nl + 1);
      if (m) process.stdout.write(`${JSON.stringify({ event: "pong", n: Number(m[1]) })}\n`);
    }
  });
  const stop = () => {
    setTimeout(() => process.exit(0), 2000).unref();
    void sink.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
