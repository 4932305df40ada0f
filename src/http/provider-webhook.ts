/**
 * The pipeline every provider webhook route shares (SPEC §11.2, §12): the
 * provider's own authentication over the raw bytes, then JSON, then the pure
 * translator (src/senders/), then one graphile-worker job.
 *
 *   404  the route's secret is not configured (the route is not registered)
 *   401  wrong or missing secret, forged or stale signature: nothing enqueued
 *   400  not JSON, or nested too deep
 *   202  queued (one job: record_provider_event or record_booking)
 *   200  duplicate (a delivery already accepted: same job key, no second job),
 *        ignored (a well-formed event the hub does not take: labels, campaign notices),
 *        unknown (a shape the translator does not understand: logged, never retried)
 *   503  the queue is unavailable (Retry-After: 30): the provider retries
 *
 * The job key is `provider:<name>:<sha256 of the translator's dedup key>`, so a
 * redelivery of one event (the providers retry, and send the same event twice)
 * finds the job the first one queued (db.ts enqueueOnce under its advisory lock,
 * plus the receiver's memory of recent keys: replay.ts). After that job has run,
 * SQL's own dedup (record_provider_event, record_booking) drops the repeat.
 * Secrets are compared in constant time and never logged; the one log line per
 * request (server.ts) carries the outcome, the task, the job id and, for ignored
 * and unknown payloads, the translator's reason.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { answer, refuseOtherMethods } from "./context.ts";
import { parseJsonBody } from "./json.ts";
import type { Delivered } from "./replay.ts";
import type { BookingResult } from "../senders/calendar.ts";
import { isHubEvent, type JsonObject, type MapResult } from "../senders/common.ts";

/** The provider routes' secrets (null: that route is off). */
export interface ProviderWebhookSecrets {
  instantly: string | null;
  smartlead: string | null;
  heyreach: string | null;
  calendly: string | null;
  calcom: string | null;
}

const unsetIfBlank = (v: unknown): unknown => (typeof v === "string" && v.trim() === "" ? undefined : v);
const chosen = z.preprocess(unsetIfBlank, z.string().min(16, "must be at least 16 characters (the hub chooses it: make it unguessable)").optional());
const given = z.preprocess(unsetIfBlank, z.string().min(1).optional());

export const ProviderWebhookEnv = z.object({
  INSTANTLY_WEBHOOK_SECRET: chosen,
  SMARTLEAD_WEBHOOK_SECRET: chosen,
  HEYREACH_WEBHOOK_TOKEN: z.preprocess(
    unsetIfBlank,
    z.string().regex(/^[A-Za-z0-9_.~-]{16,256}$/, "must be 16–256 URL-safe characters (it is a path segment)").optional(),
  ),
  CALENDLY_SIGNING_KEY: given,
  CALCOM_WEBHOOK_SECRET: given,
});

/** The provider routes' secrets from the environment; throws on a value present but invalid. */
export function loadProviderWebhookSecrets(env: NodeJS.ProcessEnv = process.env): ProviderWebhookSecrets {
  const parsed = ProviderWebhookEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  return {
    instantly: e.INSTANTLY_WEBHOOK_SECRET ?? null,
    smartlead: e.SMARTLEAD_WEBHOOK_SECRET ?? null,
    heyreach: e.HEYREACH_WEBHOOK_TOKEN ?? null,
    calendly: e.CALENDLY_SIGNING_KEY ?? null,
    calcom: e.CALCOM_WEBHOOK_SECRET ?? null,
  };
}

/** The receiver's provider secrets: from its configuration when given (tests), else the environment. */
export function providerSecrets(app: FastifyInstance): ProviderWebhookSecrets {
  return app.receiver.config.providers ?? loadProviderWebhookSecrets(process.env);
}

/** The job key of one provider event (equal dedup keys: the same event). */
export function providerJobKey(provider: string, dedupKey: string): string {
  return `provider:${provider}:${createHash("sha256").update(dedupKey).digest("hex")}`;
}

export type Authentication = { ok: true } | { ok: false; reason: string };
export type Translation = { task: string; dedupKey: string; payload: Record<string, unknown> } | { ignored: string } | { unknown: string };

export interface ProviderRoute {
  /** fastify path, e.g. /webhooks/heyreach/:token */
  url: string;
  provider: string;
  /** Checked over the raw bytes before anything is parsed. */
  authenticate(request: FastifyRequest, raw: Buffer): Authentication;
  /** A check that needs the parsed body (Smartlead's body secret_key); runs before translating. */
  authenticateParsed?(request: FastifyRequest, json: unknown): Authentication;
  translate(json: unknown, receivedAt: Date): Translation;
}

/** Registers POST url through the provider pipeline, and 405 for other methods. */
export function providerWebhook(app: FastifyInstance, route: ProviderRoute): void {
  refuseOtherMethods(app, route.url, ["POST"]);
  app.post(route.url, async (request, reply) => {
    const receivedAt = new Date();
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const unauthorized = (reason: string) => answer(request, reply, 401, { error: "unauthorized", reason }, { outcome: "unauthorized", reason });
    const auth = route.authenticate(request, raw);
    if (!auth.ok) return unauthorized(auth.reason);
    const json = parseJsonBody(raw);
    if (!json.ok) return answer(request, reply, 400, { error: json.error, reason: json.reason }, { outcome: json.error, reason: json.reason });
    const parsedAuth = route.authenticateParsed?.(request, json.value) ?? { ok: true };
    if (!parsedAuth.ok) return unauthorized(parsedAuth.reason);

    let t: Translation;
    try {
      t = route.translate(json.value, receivedAt);
    } catch (err) {
      t = { unknown: `${route.provider}: translator failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if ("ignored" in t) return answer(request, reply, 200, { status: "ignored" }, { outcome: "ignored", reason: t.ignored });
    if ("unknown" in t) return answer(request, reply, 200, { status: "unknown" }, { outcome: "unknown_payload", reason: t.unknown });

    const cid = request.id;
    let queued: Delivered;
    try {
      queued = await app.receiver.deliveries.enqueue(t.task, providerJobKey(route.provider, t.dedupKey), { ...t.payload, correlation_id: cid });
    } catch (err) {
      const e = err as Error & { code?: string };
      return answer(
        request,
        reply,
        503,
        { error: "unavailable", reason: "the job queue is unavailable; retry later" },
        { outcome: "enqueue_failed", task: t.task, reason: `${e.code ? `${e.code}: ` : ""}${e.message}` },
        { "retry-after": "30" },
      );
    }
    const outcome = queued.duplicate ? "duplicate" : "queued";
    return answer(request, reply, queued.duplicate ? 200 : 202, { status: outcome }, { outcome, task: t.task, jobId: queued.jobId });
  });
}

/** A header's value as one string (node joins repeated headers into an array for some names). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(",") : v;
}

// ---------------------------------------------------------------- jobs

/** A translated provider event as the record_provider_event job's payload. */
export function eventTranslation(r: MapResult): Translation {
  if (!isHubEvent(r)) return r;
  const metadata = r.provider_lead_id === null ? r.metadata : { ...r.metadata, provider_lead_id: r.provider_lead_id };
  return {
    task: "record_provider_event",
    dedupKey: r.dedup_key,
    payload: {
      provider: r.provider,
      provider_campaign_id: r.provider_campaign_id,
      lead_key: r.lead_key,
      step: r.step,
      event_type: r.event_type,
      event_ts: r.event_ts,
      metadata,
      enrolment_id: r.enrolment_id,
    },
  };
}

const BOOKING_EVENT = { booked: "created", cancelled: "cancelled", rescheduled: "rescheduled" } as const;

/** A translated calendar webhook as the record_booking job's payload. */
export function bookingTranslation(r: BookingResult): Translation {
  if ("ignored" in r || "unknown" in r) return r;
  const payload: JsonObject = { ...r.external, occurred_at: r.occurred_at };
  if (r.start_time !== null) payload.start_time = r.start_time;
  if (r.end_time !== null) payload.end_time = r.end_time;
  if (r.invitee_email !== null) payload.invitee_email = r.invitee_email;
  return {
    task: "record_booking",
    dedupKey: r.dedup_key,
    payload: {
      provider: r.provider,
      token: r.token,
      event: BOOKING_EVENT[r.kind],
      at: r.kind === "booked" ? (r.booked_at ?? r.occurred_at) : r.occurred_at,
      payload,
    },
  };
}
