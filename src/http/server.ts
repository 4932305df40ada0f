/**
 * The webhook receiver (issue 6): a small node:http server, off unless
 * WEBHOOK_PORT is set, that takes the calendar's meeting-booked webhook and the
 * external sender's engagement events, checks a Stripe-style shared-secret HMAC
 * signature, validates the body with zod and enqueues one graphile-worker job.
 * It decides nothing and never calls the business SQL: the tasks
 * `record_meeting_booked` and `record_events` do, with retries.
 *
 *   POST /webhooks/booking   {sid, oid, exp, sig, booked_at, payload?, correlation_id?}
 *   POST /webhooks/events    {events: [{send_id, event_type, event_ts, source_system, metadata?}, ...], correlation_id?}
 *
 * Signature header (every request):
 *   Outreach-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<hex>...]
 * Several v1 values are allowed (a sender rotating its secret signs with both);
 * one matching value is enough. Compared in constant time; t must be within
 * WEBHOOK_TOLERANCE_SECONDS of the receiver's clock.
 *
 * Replays: a delivery is identified by its accepted signature, and its job gets
 * the job key `webhook:<sha256 hex of the accepted v1 value>`. Under a
 * transaction-level advisory lock on that key, the receiver looks the key up in
 * graphile_worker.jobs and only calls add_job when it is absent, so a replay
 * while the job is queued, running or failed is answered 200 "duplicate" —
 * across restarts and across several receivers on one database. A job the
 * worker has finished is deleted (and its key with it), so an in-memory set of
 * accepted keys, kept for twice the tolerance window (the only time a replayed
 * signature can still pass the timestamp check), covers that case in this
 * process. What remains (a restart, then a replay within the tolerance window of
 * a delivery whose job already finished) is harmless: record_meeting_booked
 * returns the same handoff and record_events drops events it already has.
 *
 * Status codes: 202 queued · 200 duplicate · 400 bad JSON or body (with a
 * reason) · 401 missing, malformed, wrong or stale signature · 404 unknown path ·
 * 405 not POST · 413 body over WEBHOOK_MAX_BODY_BYTES · 503 queue unavailable.
 * One log line per request, always with its correlation id (the body's, or a
 * minted UUID v4).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type postgres from "postgres";
import { z } from "zod";
import { enqueueOnce, type Enqueued } from "../runner/db.ts";

// ---------------------------------------------------------------- configuration

const unsetIfBlank = (v: unknown): unknown => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The receiver's environment; parses to its configuration, or null when it is off. */
export const WebhookEnv = z
  .object({
    WEBHOOK_PORT: z.preprocess(unsetIfBlank, z.coerce.number().int().min(0).max(65_535).optional()),
    WEBHOOK_HOST: z.preprocess(unsetIfBlank, z.string().min(1).default("127.0.0.1")),
    WEBHOOK_SECRET: z.preprocess(unsetIfBlank, z.string().min(32, "must be at least 32 characters").optional()),
    WEBHOOK_TOLERANCE_SECONDS: z.preprocess(unsetIfBlank, z.coerce.number().int().min(1).max(86_400).default(300)),
    WEBHOOK_MAX_BODY_BYTES: z.preprocess(
      unsetIfBlank,
      z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_PORT !== undefined && env.WEBHOOK_SECRET === undefined) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when WEBHOOK_PORT is set" });
    }
  })
  .transform((env): WebhookConfig | null =>
    env.WEBHOOK_PORT === undefined || env.WEBHOOK_SECRET === undefined
      ? null
      : {
          port: env.WEBHOOK_PORT,
          host: env.WEBHOOK_HOST,
          secret: env.WEBHOOK_SECRET,
          toleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
          maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        },
  );

export interface WebhookConfig {
  /** TCP port; 0 picks a free one (startWebhookServer reports it). */
  port: number;
  host: string;
  /** Shared HMAC secret, at least 32 characters. Never logged. */
  secret: string;
  /** How far the signature's t may be from the receiver's clock, either way. */
  toleranceSeconds: number;
  maxBodyBytes: number;
}

/** Reads WEBHOOK_* from the environment; null when the receiver is off (no WEBHOOK_PORT). */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig | null {
  const parsed = WebhookEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------- bodies

const correlationId = z.uuidv4({ error: "must be a UUID v4" });
const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp with Z or a UTC offset" });
const uuid = z.guid({ error: "must be a UUID" });
const jsonObject = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });

/** The meeting-booked webhook: the signed calendar link's fields and when the meeting was booked. */
export const BookingBody = z.object({
  sid: uuid,
  oid: uuid,
  exp: z.number({ error: "must be an integer (unix seconds)" }).int().positive(),
  sig: z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex digits"),
  booked_at: timestamp,
  payload: jsonObject.optional(),
  correlation_id: correlationId.optional(),
});
export type BookingBody = z.infer<typeof BookingBody>;

/** One engagement event as the external sender reports it (outreach.record_events decides what it means). */
export const EngagementEvent = z.object({
  send_id: uuid,
  event_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a lower-case event type such as email_open"),
  event_ts: timestamp,
  source_system: z.string().trim().min(1, "must not be blank").max(100),
  metadata: jsonObject.optional(),
});

export const EventsBody = z.object({
  events: z.array(EngagementEvent).min(1, "must hold at least one event").max(1000, "must hold at most 1000 events"),
  correlation_id: correlationId.optional(),
});
export type EventsBody = z.infer<typeof EventsBody>;

interface Route {
  task: "record_meeting_booked" | "record_events";
  body: z.ZodType<{ correlation_id?: string | undefined }>;
}

const routes: ReadonlyMap<string, Route> = new Map<string, Route>([
  ["/webhooks/booking", { task: "record_meeting_booked", body: BookingBody }],
  ["/webhooks/events", { task: "record_events", body: EventsBody }],
]);

// ---------------------------------------------------------------- signature

export const SIGNATURE_HEADER = "outreach-signature";

/** The header value a sender puts on a request: t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. */
export function signatureHeader(secret: string, rawBody: string | Buffer, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.`).update(rawBody).digest("hex")}`;
}

type Verdict =
  | { ok: true; signature: string }
  | { ok: false; reason: "missing_signature" | "malformed_signature" | "bad_signature" | "stale_timestamp" };

/** Checks the Outreach-Signature header against the raw body; signature first, then the clock. */
function verify(header: string | undefined, raw: Buffer, secret: string, toleranceSeconds: number): Verdict {
  if (header === undefined || header.trim() === "") return { ok: false, reason: "missing_signature" };
  let t: number | undefined;
  let tCount = 0;
  const candidates: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") {
      tCount++;
      if (/^\d{1,12}$/.test(value)) t = Number(value);
    } else if (name === "v1" && /^[0-9a-f]{64}$/i.test(value) && candidates.length < 16) {
      candidates.push(Buffer.from(value, "hex"));
    }
  }
  if (tCount !== 1 || t === undefined || candidates.length === 0) return { ok: false, reason: "malformed_signature" };
  const expected = createHmac("sha256", secret).update(`${t}.`).update(raw).digest();
  let matched = false;
  for (const candidate of candidates) {
    // Every candidate is compared (constant time each), so timing tells nothing about which matched.
    if (timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) return { ok: false, reason: "bad_signature" };
  if (Math.abs(Math.floor(Date.now() / 1000) - t) > toleranceSeconds) return { ok: false, reason: "stale_timestamp" };
  return { ok: true, signature: expected.toString("hex") };
}

/** The graphile-worker job key of a delivery: its accepted signature, hashed. */
export function deliveryJobKey(signatureHex: string): string {
  return `webhook:${createHash("sha256").update(signatureHex.toLowerCase()).digest("hex")}`;
}

// ---------------------------------------------------------------- replay memory

/** Job keys accepted recently, oldest first, each forgotten after ttlMs; at most max of them. */
class RecentKeys {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  has(key: string, now: number): boolean {
    const until = this.seen.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    for (const [oldest, until] of this.seen) {
      if (this.seen.size <= this.max && until > now) break;
      this.seen.delete(oldest);
    }
  }
}

// ---------------------------------------------------------------- queue

// enqueueOnce lives in db.ts with every other SQL call of the runner.

// ---------------------------------------------------------------- server

export interface WebhookServerOptions {
  config: WebhookConfig;
  sql: postgres.Sql;
  log: Logger;
}

export interface WebhookServer {
  /** The port it listens on (the chosen one when config.port is 0). */
  port: number;
  /** Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  correlationId: string;
  outcome: string;
  headers?: Record<string, string>;
  task?: string;
  jobId?: string;
  reason?: string;
}

class BodyTooLarge extends Error {}

/** The raw body, or BodyTooLarge once it passes limit bytes (declared or received). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off("data", onData);
        req.resume(); // discard the rest; the reply closes the connection
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => !done && resolve(Buffer.concat(chunks, size)));
    req.once("error", (err) => !done && reject(err));
  });
}

function issuesText(error: z.ZodError): string {
  const shown = error.issues.slice(0, 10).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

const signatureReasons: Record<string, string> = {
  missing_signature: "Outreach-Signature header is missing",
  malformed_signature: "Outreach-Signature header must be t=<unix seconds>,v1=<64 hex digits>[,v1=...]",
  bad_signature: "no v1 signature matches the body",
  stale_timestamp: "signature timestamp is outside the tolerance window",
};

/** Starts the receiver; resolves once it listens. */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { config, sql, log } = opts;
  const recent = new RecentKeys(2 * config.toleranceSeconds * 1000 + 60_000, 100_000);

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const minted = randomUUID();
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    const route = routes.get(path);
    if (!route) {
      return { status: 404, body: { error: "not_found", reason: `no route ${path}` }, correlationId: minted, outcome: "not_found" };
    }
    if (req.method !== "POST") {
      return {
        status: 405,
        body: { error: "method_not_allowed", reason: `${path} accepts POST only` },
        headers: { allow: "POST" },
        correlationId: minted,
        outcome: "method_not_allowed",
      };
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, config.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      return {
        status: 413,
        body: { error: "payload_too_large", reason: `body exceeds ${config.maxBodyBytes} bytes` },
        headers: { connection: "close" },
        correlationId: minted,
        outcome: "too_large",
      };
    }

    const header = req.headers[SIGNATURE_HEADER];
    const verdict = verify(Array.isArray(header) ? header.join(",") : header, raw, config.secret, config.toleranceSeconds);
    if (!verdict.ok) {
      return {
        status: 401,
        body: { error: verdict.reason, reason: signatureReasons[verdict.reason] },
        correlationId: minted,
        outcome: "unauthorized",
        reason: verdict.reason,
      };
    }

    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch (err) {
      const reason = `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
      return { status: 400, body: { error: "invalid_json", reason }, correlationId: minted, outcome: "invalid_json", reason };
    }
    const parsed = route.body.safeParse(json);
    if (!parsed.success) {
      const given = correlationId.safeParse((json as { correlation_id?: unknown } | null)?.correlation_id);
      const reason = issuesText(parsed.error);
      return {
        status: 400,
        body: { error: "invalid_body", reason },
        correlationId: given.success ? given.data : minted,
        outcome: "invalid_body",
        task: route.task,
        reason,
      };
    }

    const cid = parsed.data.correlation_id ?? minted;
    const key = deliveryJobKey(verdict.signature);
    if (recent.has(key, Date.now())) {
      return { status: 200, body: { status: "duplicate" }, correlationId: cid, outcome: "duplicate", task: route.task };
    }
    let queued: Enqueued;
    try {
      queued = await enqueueOnce(sql, route.task, key, { ...parsed.data, correlation_id: cid });
    } catch (err) {
      const e = err as Error & { code?: string };
      return {
        status: 503,
        body: { error: "unavailable", reason: "the job queue is unavailable; retry later" },
        headers: { "retry-after": "30" },
        correlationId: cid,
        outcome: "enqueue_failed",
        task: route.task,
        reason: `${e.code ? `${e.code}: ` : ""}${e.message}`,
      };
    }
    recent.add(key, Date.now());
    return queued.duplicate
      ? { status: 200, body: { status: "duplicate" }, correlationId: cid, outcome: "duplicate", task: route.task, jobId: queued.jobId }
      : { status: 202, body: { status: "queued" }, correlationId: cid, outcome: "queued", task: route.task, jobId: queued.jobId };
  };

  const respond = (req: IncomingMessage, res: ServerResponse, reply: Reply, started: number): void => {
    const text = JSON.stringify({ ...reply.body, correlation_id: reply.correlationId });
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      ...reply.headers,
    });
    res.end(text);
    const line = {
      component: "webhook",
      correlation_id: reply.correlationId,
      method: req.method,
      path: req.url,
      status: reply.status,
      outcome: reply.outcome,
      task: reply.task,
      job_id: reply.jobId,
      reason: reply.reason,
      ms: Math.round(performance.now() - started),
    };
    const msg = `webhook ${req.method ?? "?"} ${req.url ?? "?"} ${reply.status} ${reply.outcome}`;
    if (reply.status >= 500) log.error(line, msg);
    else if (reply.status >= 400) log.warn(line, msg);
    else log.info(line, msg);
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req).then(
      (reply) => respond(req, res, reply, started),
      (err: unknown) => {
        const correlationId = randomUUID();
        if (req.destroyed || res.headersSent) {
          log.warn({ component: "webhook", correlation_id: correlationId, method: req.method, path: req.url, err }, "webhook request aborted");
          res.destroy();
          return;
        }
        respond(
          req,
          res,
          {
            status: 500,
            body: { error: "internal", reason: "internal error" },
            correlationId,
            outcome: "error",
            reason: err instanceof Error ? err.message : String(err),
          },
          started,
        );
      },
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
