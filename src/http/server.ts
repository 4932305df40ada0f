/**
 * The webhook receiver: a fastify app, off unless WEBHOOK_PORT is set, that takes
 * signed webhooks, validates them and enqueues one graphile-worker job per
 * delivery. It decides nothing and never calls the business SQL: the tasks do,
 * with retries. docs/webhooks.md is the reference.
 *
 *   server.ts     configuration (WEBHOOK_*), the app (body reading, errors, the log line), start/stop
 *   signature.ts  the constant-time compare and the Outreach-Signature check over the raw bytes
 *   json.ts       content type, nesting depth, JSON parse
 *   replay.ts     job keys, the advisory-locked enqueue, the in-memory set of accepted keys
 *   webhook.ts    the signed JSON webhook pipeline (415 → 401 → 400 → 202/200, 503)
 *   context.ts    what route families share: app.receiver, answer(), 405s
 *   routes/       one module per route family, listed in routes/index.ts
 *
 * Every body is read as raw bytes (limit WEBHOOK_MAX_BODY_BYTES, 413 past it)
 * whatever its content type; routes decide what they take. Status codes:
 * 202 queued · 200 duplicate · 400 bad JSON or body (with a reason) · 401 missing,
 * malformed, wrong or stale signature · 404 unknown path · 405 method not taken ·
 * 413 body too large · 415 not JSON · 503 queue unavailable. One log line per
 * request, always with its correlation id (the body's, or a minted UUID v4).
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import type { Sql } from "../runner/db.ts";
import { answer, type WebhookConfig } from "./context.ts";
import { Deliveries } from "./replay.ts";
import { routeFamilies } from "./routes/index.ts";

export type { WebhookConfig } from "./context.ts";
export { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
export { deliveryJobKey } from "./replay.ts";
export { BookingBody } from "./routes/booking.ts";
export { EngagementEvent, EventsEnvelope } from "./routes/events.ts";

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
  // WEBHOOK_PORT without WEBHOOK_SECRET serves the routes that need no hub signature
  // (one-click unsubscribe, /u/) and leaves the hub-signed webhook routes off (404).
  .transform((env): WebhookConfig | null =>
    env.WEBHOOK_PORT === undefined
      ? null
      : {
          port: env.WEBHOOK_PORT,
          host: env.WEBHOOK_HOST,
          secret: env.WEBHOOK_SECRET ?? null,
          toleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
          maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        },
  );

/** Reads WEBHOOK_* from the environment; null when the receiver is off (no WEBHOOK_PORT). */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig | null {
  const parsed = WebhookEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------- the app

export interface WebhookServerOptions {
  config: WebhookConfig;
  sql: Sql;
  log: Logger;
}

/** Errors fastify raises before a route runs, as the receiver answers them. */
const framework: Record<string, { status: number; error: string; reason: (config: WebhookConfig) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: "payload_too_large", reason: (c) => `body exceeds ${c.maxBodyBytes} bytes` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: "unsupported_media_type", reason: () => "the Content-Type header is malformed" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: "bad_request", reason: () => "the body does not match its Content-Length" },
};

/** The receiver as a fastify app, not listening (app.inject works on it; startWebhookServer listens). */
export function buildWebhookApp(opts: WebhookServerOptions): FastifyInstance {
  const { config, sql, log } = opts;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }), // one line per request, ours (onResponse below)
    genReqId: () => randomUUID(), // the minted correlation id when the body brings none
    bodyLimit: config.maxBodyBytes,
    requestTimeout: 30_000,
    return503OnClosing: true,
  });

  app.decorate("receiver", { config, sql, deliveries: new Deliveries(sql, config.toleranceSeconds) });
  app.decorateRequest("outcome", null);

  // Every body arrives as its raw bytes: signatures are checked over them before any parsing.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.setNotFoundHandler((request, reply) =>
    answer(request, reply, 404, { error: "not_found", reason: `no route ${request.url.split("?", 1)[0]}` }, { outcome: "not_found" }),
  );
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err.code === undefined ? undefined : framework[err.code];
    if (known) {
      const reason = known.reason(config);
      const headers: Record<string, string> = known.status === 413 ? { connection: "close" } : {};
      return answer(request, reply, known.status, { error: known.error, reason }, { outcome: known.error, reason }, headers);
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      return answer(request, reply, err.statusCode, { error: "bad_request", reason: err.message }, { outcome: "bad_request", reason: err.message });
    }
    return answer(request, reply, 500, { error: "internal", reason: "internal error" }, { outcome: "error", reason: err.message });
  });

  app.addHook("onResponse", async (request, reply) => {
    const o = request.outcome;
    const status = reply.statusCode;
    const line = {
      component: "webhook",
      correlation_id: o?.correlationId ?? request.id,
      method: request.method,
      path: request.url,
      status,
      outcome: o?.outcome ?? "unknown",
      task: o?.task,
      job_id: o?.jobId,
      reason: o?.reason,
      ms: Math.round(reply.elapsedTime),
    };
    const msg = `webhook ${request.method} ${request.url} ${status} ${line.outcome}`;
    if (status >= 500) log.error(line, msg);
    else if (status >= 400) log.warn(line, msg);
    else log.info(line, msg);
  });

  for (const family of routeFamilies) family(app);
  return app;
}

// ---------------------------------------------------------------- listening

export interface WebhookServer {
  /** The port it listens on (the chosen one when config.port is 0). */
  port: number;
  /** The app, for tests (inject) and later route families. */
  app: FastifyInstance;
  /** Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections. */
  close(): Promise<void>;
}

/** Starts the receiver; resolves once it listens. */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const app = buildWebhookApp(opts);
  await app.listen({ port: opts.config.port, host: opts.config.host, listenTextResolver: (address) => `webhook receiver listening on ${address}` });
  app.server.headersTimeout = 10_000;
  const port = (app.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    app,
    close: () => (closing ??= app.close()),
  };
}
