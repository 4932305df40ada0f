/**
 * The HTTP edge of the provider senders: one request description
 * (src/senders/outbound.ts ProviderRequest) → one classified outcome, under the
 * provider's documented rate limits, with retries where a retry can help.
 *
 *   2xx                          → ok (the body as JSON, or null when empty / not JSON)
 *   429, 408, 5xx, network error,
 *   timeout                      → retried here up to `maxAttempts`, waiting the response's
 *                                  Retry-After (seconds or HTTP date) or an exponential backoff;
 *                                  a wait longer than `maxWaitMs`, or the last attempt, → retry
 *                                  (the caller releases the work with that Retry-After)
 *   other 4xx                    → permanent (the provider refused the request as it is)
 *
 * Every retried call is one the translators made idempotent (Instantly
 * skip_if_in_campaign, Smartlead's already-added count, HeyReach's update of an
 * existing lead, deletes and pauses that may repeat), so a call that may have
 * succeeded is simply sent again. Rate limits: p-throttle, one gate per window,
 * shared by every client of one provider and API key in this process (the
 * providers count per workspace or key; several runner processes each keep to
 * the limit on their own, and the 429 path covers the rest).
 */
import { createHash } from "node:crypto";
import pThrottle from "p-throttle";
import type { ProviderRequest, RateLimit } from "../outbound.ts";

export interface HttpClientConfig {
  /** Provider name, for messages. */
  provider: string;
  baseUrl: string;
  /** How the API key travels: a header (Instantly Bearer, HeyReach X-API-KEY) or a query parameter (Smartlead api_key). */
  auth: { header: string; value: string } | { query: string; value: string };
  limits: readonly RateLimit[];
  timeoutMs: number;
  /** Tries per call (1 = no retry here). */
  maxAttempts: number;
  /** The longest wait between tries; a Retry-After beyond it ends the call as `retry`. */
  maxWaitMs: number;
}

export type HttpOutcome =
  | { ok: true; status: number; json: unknown }
  | { ok: false; kind: "retry"; status: number | null; error: string; retryAfterMs: number | null }
  | { ok: false; kind: "permanent"; status: number; error: string; json: unknown };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

const gates = new Map<string, () => Promise<void>>();

/** The process-wide gate of one provider and key: resolves when a request may go out under every window. */
export function rateGate(provider: string, key: string, limits: readonly RateLimit[]): () => Promise<void> {
  const id = `${provider}:${createHash("sha256").update(key).digest("hex").slice(0, 16)}:${limits.map((l) => `${l.requests}/${l.windowMs}`).join(",")}`;
  let gate = gates.get(id);
  if (!gate) {
    let fn: () => Promise<void> = async () => {};
    for (const l of limits) fn = pThrottle({ limit: l.requests, interval: l.windowMs, strict: true })(fn);
    gate = fn;
    gates.set(id, gate);
  }
  return gate;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The body as JSON when it is JSON; its first 300 characters as a string otherwise; null when empty. */
function readBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 300);
  }
}

const excerpt = (body: unknown): string => {
  const s = typeof body === "string" ? body : JSON.stringify(body);
  return s === undefined ? "" : s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

export class ProviderHttp {
  private readonly gate: () => Promise<void>;
  /** Requests sent (each try counts), for the cycle's tally and tests. */
  requests = 0;

  constructor(
    readonly config: HttpClientConfig,
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
  ) {
    this.gate = rateGate(config.provider, config.auth.value, config.limits);
  }

  url(req: ProviderRequest): string {
    const url = new URL(req.path.replace(/^\/+/, ""), this.config.baseUrl.endsWith("/") ? this.config.baseUrl : `${this.config.baseUrl}/`);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    if ("query" in this.config.auth) url.searchParams.set(this.config.auth.query, this.config.auth.value);
    return url.toString();
  }

  /** Sends one request (with its retries); never throws for the provider's or the network's failure. */
  async call(req: ProviderRequest): Promise<HttpOutcome> {
    const { maxAttempts, maxWaitMs, timeoutMs, provider } = this.config;
    const headers: Record<string, string> = { accept: "application/json" };
    if ("header" in this.config.auth) headers[this.config.auth.header] = this.config.auth.value;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const what = `${provider} ${req.method} ${req.path}`;
    let last: HttpOutcome = { ok: false, kind: "retry", status: null, error: `${what}: not attempted`, retryAfterMs: null };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.gate();
      this.requests++;
      let wait: number | null = null;
      try {
        const res = await this.fetchImpl(this.url(req), {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = readBody(await res.text());
        if (res.ok) return { ok: true, status: res.status, json: body };
        if (res.status === 429 || res.status === 408 || res.status >= 500) {
          wait = retryAfterMs(res.headers.get("retry-after"));
          last = { ok: false, kind: "retry", status: res.status, error: `${what}: HTTP ${res.status} ${excerpt(body)}`.trim(), retryAfterMs: wait };
        } else {
          return { ok: false, kind: "permanent", status: res.status, error: `${what}: HTTP ${res.status} ${excerpt(body)}`.trim(), json: body };
        }
      } catch (err) {
        const e = err as Error;
        const reason = e.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : e.message;
        last = { ok: false, kind: "retry", status: null, error: `${what}: ${reason}`, retryAfterMs: null };
      }
      const delay = wait ?? Math.min(maxWaitMs, 500 * 2 ** (attempt - 1));
      if (attempt === maxAttempts || delay > maxWaitMs) break;
      await sleep(delay);
    }
    return last;
  }
}
