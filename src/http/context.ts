/**
 * What every route family shares: the receiver's context on the app, the outcome
 * a request records for its one log line, the JSON answer, and the 405 for
 * methods a path does not take.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { Sql } from "../runner/db.ts";
import type { ProviderWebhookSecrets } from "./provider-webhook.ts";
import type { Deliveries } from "./replay.ts";

/** The receiver's settings (see server.ts, WebhookEnv). */
export interface WebhookConfig {
  /** TCP port; 0 picks a free one (startWebhookServer reports it). */
  port: number;
  host: string;
  /** Shared HMAC secret, at least 32 characters. Never logged. Null: the hub-signed webhook routes are off. */
  secret: string | null;
  /** How far the signature's t may be from the receiver's clock, either way. */
  toleranceSeconds: number;
  maxBodyBytes: number;
  /** The provider routes' secrets (provider-webhook.ts); absent: read from the environment when the routes register. */
  providers?: ProviderWebhookSecrets;
}

export interface ReceiverContext {
  config: WebhookConfig;
  sql: Sql;
  deliveries: Deliveries;
}

/** What the request's log line says besides method, path, status and time. */
export interface Outcome {
  correlationId: string;
  outcome: string;
  task?: string | undefined;
  jobId?: string | undefined;
  reason?: string | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    receiver: ReceiverContext;
  }
  interface FastifyRequest {
    outcome: Outcome | null;
  }
}

/**
 * A route family: one module under routes/, registered by server.ts from the
 * list in routes/index.ts. It reads its context from `app.receiver`.
 */
export type RouteFamily = (app: FastifyInstance) => void;

/**
 * Sends `{...body, correlation_id}` with status and records the outcome for the
 * log line. The correlation id is the sender's when given, else the request id
 * (a minted UUID v4).
 */
export function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: Record<string, unknown>,
  outcome: Omit<Outcome, "correlationId"> & { correlationId?: string | undefined },
  headers: Record<string, string> = {},
): FastifyReply {
  const correlationId = outcome.correlationId ?? request.id;
  request.outcome = { ...outcome, correlationId };
  return reply.code(status).headers(headers).send({ ...body, correlation_id: correlationId });
}

const METHODS: HTTPMethods[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Answers 405 with `Allow` to every method of url but the allowed ones (HEAD goes with GET). */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const taken = new Set<HTTPMethods>(allowed.includes("GET") ? [...allowed, "HEAD"] : allowed);
  const allow = [...taken].join(", ");
  app.route({
    method: METHODS.filter((m) => !taken.has(m)),
    url,
    handler: (request, reply) =>
      answer(
        request,
        reply,
        405,
        { error: "method_not_allowed", reason: `${url} accepts ${allowed.join(", ")} only` },
        { outcome: "method_not_allowed" },
        { allow },
      ),
  });
}
