/**
 * The `heyreach` sender: HeyReach public API with `X-API-KEY: <HEYREACH_API_KEY>`,
 * 300 requests/min, up to 100 leads per `POST /api/public/campaign/AddLeadsToCampaignV2`
 * (HEYREACH_LINKEDIN_ACCOUNT_ID, optional: the sender account every lead is paired
 * with; without it HeyReach uses the campaign's accounts).
 *
 * The push answers with counts only and HeyReach has no lead ids to give: with no
 * failed lead every row is acked without one (events and stops go by campaign and
 * profile URL); otherwise the batch's leads are pushed again one per request (a
 * lead already added is updated, so a repeat is harmless) and a lone lead that
 * fails is released for good.
 */
import { z } from "zod";
import {
  buildHeyReachPushes,
  HEYREACH_DEFAULT_API_URL,
  HEYREACH_MAX_LEADS_PER_REQUEST,
  HEYREACH_RATE_LIMITS,
  heyreachOutboxRequest,
  parseHeyReachPushResponse,
} from "../heyreach.ts";
import type { SenderModule } from "../sender.ts";
import { httpConfig, loadProviderConfig } from "./config.ts";
import { ProviderHttp, type FetchLike } from "./http.ts";
import { ProviderSender, type ProviderAdapter } from "./provider.ts";

export function heyreachAdapter(linkedInAccountId?: number): ProviderAdapter {
  return {
    name: "heyreach",
    batchSize: HEYREACH_MAX_LEADS_PER_REQUEST,
    build: (rows) => buildHeyReachPushes(rows, linkedInAccountId === undefined ? {} : { linkedInAccountId }),
    async settle(batch, json) {
      const parsed = parseHeyReachPushResponse(batch, json);
      if ("unknown" in parsed) return parsed;
      return {
        acked: parsed.all_accepted ? batch.rows.map((r) => ({ send_id: r.send_id, provider_lead_id: null })) : [],
        refused: [],
        unclear: parsed.all_accepted ? [] : [...batch.rows],
        counts: parsed.counts,
      };
    },
    outboxRequest: heyreachOutboxRequest,
  };
}

const AccountId = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.coerce.number().int().positive({ error: "HEYREACH_LINKEDIN_ACCOUNT_ID: must be a positive integer" }).optional(),
);

export function createHeyReachSender(env: NodeJS.ProcessEnv, fetchImpl?: FetchLike): ProviderSender | null {
  const c = loadProviderConfig(env, "HEYREACH", HEYREACH_DEFAULT_API_URL);
  if (c === null) return null;
  const account = AccountId.safeParse(env.HEYREACH_LINKEDIN_ACCOUNT_ID);
  if (!account.success) throw new Error(`invalid configuration: ${account.error.issues[0]?.message ?? "HEYREACH_LINKEDIN_ACCOUNT_ID"}`);
  const http = new ProviderHttp(httpConfig("heyreach", c, { header: "x-api-key", value: c.apiKey }, HEYREACH_RATE_LIMITS), fetchImpl);
  return new ProviderSender(heyreachAdapter(account.data), { http, outboxMax: c.outboxMax });
}

export const heyreachSender: SenderModule = { name: "heyreach", fromEnv: (env) => createHeyReachSender(env) };
