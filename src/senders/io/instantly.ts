/**
 * The `instantly` sender: Instantly API v2 with `Authorization: Bearer <INSTANTLY_API_KEY>`,
 * 100 requests/s and 6,000/min, up to 1,000 leads per `POST /api/v2/leads/add`.
 *
 * A lead the push did not create (`created_leads` has no entry for it) is looked
 * up in the campaign (`POST /api/v2/leads/list`, search by email): found, it was
 * created by an earlier try of this push (skip_if_in_campaign skipped it now) and
 * is acked with its id; not found, Instantly refused it (block list, invalid
 * address) and the send is released for good. A stop whose lead id was never
 * recorded is looked up the same way.
 */
import { z } from "zod";
import { normaliseEmail } from "../common.ts";
import {
  buildInstantlyPushes,
  INSTANTLY_DEFAULT_API_URL,
  INSTANTLY_MAX_LEADS_PER_REQUEST,
  INSTANTLY_RATE_LIMITS,
  instantlyOutboxRequest,
  parseInstantlyPushResponse,
} from "../instantly.ts";
import type { ProviderRequest } from "../outbound.ts";
import type { SenderModule } from "../sender.ts";
import { httpConfig, loadProviderConfig } from "./config.ts";
import { ProviderHttp, type FetchLike } from "./http.ts";
import { ProviderSender, type Failure, type ProviderAdapter } from "./provider.ts";

/** `POST /api/v2/leads/list`: the campaign's leads matching an email. */
export function instantlyLeadSearch(campaignId: string, email: string): ProviderRequest {
  return { method: "POST", path: "/api/v2/leads/list", body: { campaign: campaignId, search: email, limit: 10 } };
}

const LeadList = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), email: z.string().nullable().optional(), campaign: z.string().nullable().optional() })).default([]),
});

/** The id of the campaign's lead with that email in a leads/list answer; null when none. */
export function parseInstantlyLeadSearch(json: unknown, campaignId: string, email: string): string | null {
  const parsed = LeadList.safeParse(json);
  if (!parsed.success) return null;
  const hit = parsed.data.items.find((i) => normaliseEmail(i.email) === email && (i.campaign == null || i.campaign === campaignId));
  return hit?.id ?? null;
}

async function findLead(http: ProviderHttp, campaignId: string, email: string | null): Promise<string | null | Failure> {
  if (email === null) return null;
  const res = await http.call(instantlyLeadSearch(campaignId, email));
  if (!res.ok) return res;
  return parseInstantlyLeadSearch(res.json, campaignId, email);
}

export const instantlyAdapter: ProviderAdapter = {
  name: "instantly",
  batchSize: INSTANTLY_MAX_LEADS_PER_REQUEST,
  build: (rows) => buildInstantlyPushes(rows),
  async settle(batch, json, http) {
    const outcome = parseInstantlyPushResponse(batch, json);
    if ("unknown" in outcome) return outcome;
    const acked = outcome.pushed.map((p) => ({ send_id: p.send_id, provider_lead_id: p.provider_lead_id }));
    const refused = [];
    for (const nc of outcome.not_created) {
      const row = batch.rows.find((r) => r.send_id === nc.send_id);
      const found = await findLead(http, batch.provider_campaign_id, normaliseEmail(row?.email_to));
      if (typeof found === "string") acked.push({ send_id: nc.send_id, provider_lead_id: found });
      else if (found === null) refused.push({ send_id: nc.send_id, reason: `${nc.reason}; counts ${JSON.stringify(outcome.counts)}` });
      else throw new Error(`looking up a lead not in created_leads: ${found.error}`);
    }
    return { acked, refused, unclear: [], counts: outcome.counts };
  },
  outboxRequest: instantlyOutboxRequest,
  findLeadId: (item, http) => findLead(http, item.provider_campaign_id?.trim() ?? "", normaliseEmail(item.lead_key)),
};

/** Builds the sender from an explicit configuration (tests pass their own fetch). */
export function createInstantlySender(env: NodeJS.ProcessEnv, fetchImpl?: FetchLike): ProviderSender | null {
  const c = loadProviderConfig(env, "INSTANTLY", INSTANTLY_DEFAULT_API_URL);
  if (c === null) return null;
  const http = new ProviderHttp(httpConfig("instantly", c, { header: "authorization", value: `Bearer ${c.apiKey}` }, INSTANTLY_RATE_LIMITS), fetchImpl);
  return new ProviderSender(instantlyAdapter, { http, outboxMax: c.outboxMax });
}

export const instantlySender: SenderModule = { name: "instantly", fromEnv: (env) => createInstantlySender(env) };
