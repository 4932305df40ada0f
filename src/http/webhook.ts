/**
 * A signed JSON webhook route: the pipeline every hub-signed route shares.
 *
 *   415 unless the body is declared JSON
 *   401 unless the Outreach-Signature verifies over the raw bytes (signature.ts)
 *   400 when the body is nested too deep, is not JSON, or is refused by the route
 *   200 duplicate / 202 queued: one graphile-worker job per delivery (replay.ts)
 *   503 when the queue is unavailable (Retry-After: 30)
 *
 * A route supplies its path, its task, and `accept`: the JSON in, the job
 * payload (or the reasons it is refused) out, plus any fields the answer carries.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { answer, refuseOtherMethods } from "./context.ts";
import { isJsonContentType, parseJsonBody } from "./json.ts";
import { deliveryJobKey, type Delivered } from "./replay.ts";
import { SIGNATURE_HEADER, signatureReasons, verifyTimestamped } from "./signature.ts";

export const correlationId = z.uuidv4({ error: "must be a UUID v4" });

/** The sender's correlation id when the body carries a valid one. */
export function givenCorrelationId(json: unknown): string | undefined {
  const given = correlationId.safeParse((json as { correlation_id?: unknown } | null)?.correlation_id);
  return given.success ? given.data : undefined;
}

/** "path: message; …" for at most 10 issues, each path prefixed with prefix. */
export function issuesText(error: z.ZodError, prefix: (string | number)[] = []): string {
  const shown = error.issues.slice(0, 10).map((i) => `${[...prefix, ...i.path].join(".") || "(root)"}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

export type Acceptance =
  | {
      ok: true;
      payload: Record<string, unknown>;
      correlationId?: string | undefined;
      extra?: Record<string, unknown>;
      /** Logged as the reason (e.g. the elements refused from a batch taken in part). */
      note?: string | undefined;
    }
  | { ok: false; reason: string; correlationId?: string | undefined; extra?: Record<string, unknown> };

export interface JsonWebhookRoute {
  url: string;
  task: string;
  accept(json: unknown): Acceptance;
}

/** Registers POST url through the signed JSON pipeline, and 405 for other methods. */
export function jsonWebhook(app: FastifyInstance, route: JsonWebhookRoute): void {
  const { url, task } = route;
  const secret = app.receiver.config.secret;
  if (secret === null) return; // no WEBHOOK_SECRET: hub-signed routes are off (404)
  refuseOtherMethods(app, url, ["POST"]);
  app.post(url, async (request, reply) => {
    const { config, deliveries } = app.receiver;
    const type = request.headers["content-type"];
    if (!isJsonContentType(type)) {
      const reason = `${url} takes application/json, not ${type ?? "a body without a Content-Type"}`;
      return answer(request, reply, 415, { error: "unsupported_media_type", reason }, { outcome: "unsupported_media_type", reason });
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = verifyTimestamped(request.headers[SIGNATURE_HEADER], raw, secret, config.toleranceSeconds);
    if (!verdict.ok) {
      const body = { error: verdict.reason, reason: signatureReasons[verdict.reason] };
      return answer(request, reply, 401, body, { outcome: "unauthorized", reason: verdict.reason });
    }
    const json = parseJsonBody(raw);
    if (!json.ok) {
      return answer(request, reply, 400, { error: json.error, reason: json.reason }, { outcome: json.error, reason: json.reason });
    }
    const accepted = route.accept(json.value);
    if (!accepted.ok) {
      const body = { error: "invalid_body", reason: accepted.reason, ...accepted.extra };
      return answer(request, reply, 400, body, { outcome: "invalid_body", task, reason: accepted.reason, correlationId: accepted.correlationId });
    }
    const cid = accepted.correlationId ?? request.id;
    let queued: Delivered;
    try {
      queued = await deliveries.enqueue(task, deliveryJobKey(verdict.signature), { ...accepted.payload, correlation_id: cid });
    } catch (err) {
      const e = err as Error & { code?: string };
      return answer(
        request,
        reply,
        503,
        { error: "unavailable", reason: "the job queue is unavailable; retry later" },
        { outcome: "enqueue_failed", task, correlationId: cid, reason: `${e.code ? `${e.code}: ` : ""}${e.message}` },
        { "retry-after": "30" },
      );
    }
    const outcome = queued.duplicate ? "duplicate" : "queued";
    return answer(request, reply, queued.duplicate ? 200 : 202, { status: outcome, ...accepted.extra }, {
      outcome,
      task,
      jobId: queued.jobId,
      correlationId: cid,
      reason: accepted.note,
    });
  });
}
