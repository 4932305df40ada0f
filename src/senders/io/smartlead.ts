/**
 * The `smartlead` sender: Smartlead API v1 with `?api_key=<SMARTLEAD_API_KEY>`,
 * 10 requests/s and 60/min, up to 350 leads per `POST /api/v1/campaigns/{id}/leads`.
 *
 * The push answers with counts only. When they account for every lead (uploaded,
 * or already in the campaign from an earlier try), every row is acked without a
 * lead id: events find the lead by campaign and email, and a stop looks the id
 * up (`GET /api/v1/leads/?email=`) when it needs one. When they do not, the
 * batch's leads are pushed again one per request, and a lone lead Smartlead does
 * not take (block list, unsubscribed, in another campaign, invalid) is released
 * for good.
 */
import {
  buildSmartleadPushes,
  parseSmartleadLeadLookup,
  parseSmartleadPushResponse,
  SMARTLEAD_DEFAULT_API_URL,
  SMARTLEAD_MAX_LEADS_PER_REQUEST,
  SMARTLEAD_RATE_LIMITS,
  smartleadLeadLookup,
  smartleadOutboxRequest,
} from "../smartlead.ts";
import type { JsonObject } from "../common.ts";
import type { SenderModule } from "../sender.ts";
import { httpConfig, loadProviderConfig } from "./config.ts";
import { ProviderHttp, type FetchLike } from "./http.ts";
import { ProviderSender, type ProviderAdapter } from "./provider.ts";

const num = (counts: JsonObject, key: string): number => (typeof counts[key] === "number" ? (counts[key] as number) : 0);

/** Leads the counts say are in the campaign now: uploaded (either reference's name) plus already there. */
export function smartleadAccepted(counts: JsonObject): number {
  return Math.max(num(counts, "upload_count"), num(counts, "added_count")) + num(counts, "already_added_to_campaign");
}

export const smartleadAdapter: ProviderAdapter = {
  name: "smartlead",
  batchSize: SMARTLEAD_MAX_LEADS_PER_REQUEST,
  build: (rows) => buildSmartleadPushes(rows),
  async settle(batch, json) {
    const parsed = parseSmartleadPushResponse(json);
    if ("unknown" in parsed) return parsed;
    const all = smartleadAccepted(parsed.counts) >= batch.rows.length;
    return {
      acked: all ? batch.rows.map((r) => ({ send_id: r.send_id, provider_lead_id: null })) : [],
      refused: [],
      unclear: all ? [] : [...batch.rows],
      counts: parsed.counts,
    };
  },
  outboxRequest: smartleadOutboxRequest,
  async findLeadId(item, http) {
    const campaign = item.provider_campaign_id?.trim();
    if (!campaign || !item.lead_key) return null;
    const res = await http.call(smartleadLeadLookup(item.lead_key));
    if (!res.ok) return res.kind === "permanent" && res.status === 404 ? null : res;
    const lead = parseSmartleadLeadLookup(res.json, campaign);
    return lead?.in_campaign ? lead.provider_lead_id : null;
  },
};

export function createSmartleadSender(env: NodeJS.ProcessEnv, fetchImpl?: FetchLike): ProviderSender | null {
  const c = loadProviderConfig(env, "SMARTLEAD", SMARTLEAD_DEFAULT_API_URL);
  if (c === null) return null;
  const http = new ProviderHttp(httpConfig("smartlead", c, { query: "api_key", value: c.apiKey }, SMARTLEAD_RATE_LIMITS), fetchImpl);
  return new ProviderSender(smartleadAdapter, { http, outboxMax: c.outboxMax });
}

export const smartleadSender: SenderModule = { name: "smartlead", fromEnv: (env) => createSmartleadSender(env) };
