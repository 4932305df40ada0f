/**
 * A provider sender's environment (SPEC §11.1), the same variables for each with
 * its prefix (INSTANTLY_, SMARTLEAD_, HEYREACH_):
 *
 *   <P>_API_KEY       the key; the sender is on when it is set, off (null) when not
 *   <P>_API_URL       base URL (default the vendor's; tests point it at a local server)
 *   <P>_TIMEOUT_MS    per request (default 30 000)
 *   <P>_MAX_ATTEMPTS  tries per request on 429 / 5xx / network errors (default 3)
 *   <P>_MAX_WAIT_MS   the longest wait between tries; a longer Retry-After releases
 *                     the work with that Retry-After instead (default 60 000)
 *   <P>_OUTBOX_MAX    provider outbox items per cycle (default 100)
 *
 * The key is never logged.
 */
import { z } from "zod";
import type { RateLimit } from "../outbound.ts";
import type { HttpClientConfig } from "./http.ts";

const unsetIfBlank = (v: unknown): unknown => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (min: number, max: number, dflt: number) => z.preprocess(unsetIfBlank, z.coerce.number().int().min(min).max(max).default(dflt));

const Schema = z.object({
  apiKey: z.preprocess(unsetIfBlank, z.string().min(1).optional()),
  apiUrl: z.url().refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
  timeoutMs: int(1000, 600_000, 30_000),
  maxAttempts: int(1, 10, 3),
  maxWaitMs: int(0, 600_000, 60_000),
  outboxMax: int(1, 10_000, 100),
});

export interface ProviderConfig {
  apiKey: string;
  apiUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  maxWaitMs: number;
  outboxMax: number;
}

/** `<prefix>_*` from env; null when `<prefix>_API_KEY` is unset. Throws on values present but invalid. */
export function loadProviderConfig(env: NodeJS.ProcessEnv, prefix: string, defaultUrl: string): ProviderConfig | null {
  const parsed = Schema.safeParse({
    apiKey: env[`${prefix}_API_KEY`],
    apiUrl: unsetIfBlank(env[`${prefix}_API_URL`]) ?? defaultUrl,
    timeoutMs: env[`${prefix}_TIMEOUT_MS`],
    maxAttempts: env[`${prefix}_MAX_ATTEMPTS`],
    maxWaitMs: env[`${prefix}_MAX_WAIT_MS`],
    outboxMax: env[`${prefix}_OUTBOX_MAX`],
  });
  if (!parsed.success) {
    const names: Record<string, string> = { apiKey: "API_KEY", apiUrl: "API_URL", timeoutMs: "TIMEOUT_MS", maxAttempts: "MAX_ATTEMPTS", maxWaitMs: "MAX_WAIT_MS", outboxMax: "OUTBOX_MAX" };
    const problems = parsed.error.issues.map((i) => `${prefix}_${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.apiKey === undefined) return null;
  return { apiKey: c.apiKey, apiUrl: c.apiUrl, timeoutMs: c.timeoutMs, maxAttempts: c.maxAttempts, maxWaitMs: c.maxWaitMs, outboxMax: c.outboxMax };
}

/** The HTTP client's settings for a provider. */
export function httpConfig(provider: string, c: ProviderConfig, auth: HttpClientConfig["auth"], limits: readonly RateLimit[]): HttpClientConfig {
  return { provider, baseUrl: c.apiUrl, auth, limits, timeoutMs: c.timeoutMs, maxAttempts: c.maxAttempts, maxWaitMs: c.maxWaitMs };
}
