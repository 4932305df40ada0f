/**
 * HeyReach (LinkedIn): webhook payload → hub event, claimed rows →
 * AddLeadsToCampaignV2, outbox items → requests. Pure; the I/O layer sends the
 * requests with the header `X-API-KEY: <HEYREACH_API_KEY>` against
 * HEYREACH_API_URL (default https://api.heyreach.io).
 *
 * The vendor does not document webhook payloads. Two independent consumers
 * agree on flat snake_case (`event_type`, `timestamp`, `lead{profile_url, id}`,
 * `campaign{id, name}`, `sender{id}`, `conversation_id`); others use camelCase
 * (`eventType`, `leadProfile.linkedInUrl`, `profileUrl`) and an optional
 * `body{…}` wrapper. All of these are taken; anything else is `unknown`.
 */
import { z } from "zod";
import {
  eventTime,
  issuesLine,
  normaliseEmail,
  normaliseLinkedInUrl,
  type HubEventType,
  type JsonObject,
  type MapResult,
} from "./common.ts";
import {
  chunk,
  groupByCampaign,
  hubVariables,
  splitName,
  type ClaimedSend,
  type OutboxAction,
  type OutboxItem,
  type PushBatch,
  type RateLimit,
  type RejectedRow,
} from "./outbound.ts";

export { normaliseLinkedInUrl } from "./common.ts";

export const HEYREACH_DEFAULT_API_URL = "https://api.heyreach.io";
/** Not documented by the vendor; one integration guide says "up to 100 per request": the hub keeps to that. */
export const HEYREACH_MAX_LEADS_PER_REQUEST = 100;
/** "300 requests per minute" (429 past it). */
export const HEYREACH_RATE_LIMITS: readonly RateLimit[] = [{ requests: 300, windowMs: 60_000 }];

// ---------------------------------------------------------------- webhooks

const id = z.union([z.string(), z.number()]);
const text = z.string().nullable().optional();

const Lead = z.looseObject({
  id: id.nullable().optional(),
  profile_url: text,
  profileUrl: text,
  linkedin_url: text,
  linkedInUrl: text,
  linkedinUrl: text,
  email_address: text,
  emailAddress: text,
});

/** A HeyReach webhook body (after unwrapping `body`); both casings, unknown keys pass through. */
export const HeyReachWebhook = z.looseObject({
  event_type: text,
  eventType: text,
  timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  timeStamp: z.union([z.string(), z.number()]).nullable().optional(),
  event_timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  created_at: z.union([z.string(), z.number()]).nullable().optional(),
  createdAt: z.union([z.string(), z.number()]).nullable().optional(),
  lead: Lead.nullable().optional(),
  leadProfile: Lead.nullable().optional(),
  campaign: z.looseObject({ id: id.nullable().optional(), name: text }).nullable().optional(),
  campaign_id: id.nullable().optional(),
  campaignId: id.nullable().optional(),
  sender: z.looseObject({ id: id.nullable().optional() }).nullable().optional(),
  conversation_id: text,
  conversationId: text,
  correlation_id: text,
  correlationId: text,
  is_inmail: z.boolean().nullable().optional(),
  isInMail: z.boolean().nullable().optional(),
});
export type HeyReachWebhook = z.infer<typeof HeyReachWebhook>;

/** Event name (case-insensitive, snake or camel) → hub event type (SPEC §12). */
export const HEYREACH_EVENT_MAP: Readonly<Record<string, HubEventType>> = {
  CONNECTION_REQUEST_SENT: "linkedin_connect_sent",
  CONNECTION_REQUEST_ACCEPTED: "linkedin_connect_accepted",
  MESSAGE_SENT: "linkedin_message_sent",
  INMAIL_SENT: "linkedin_message_sent",
  MESSAGE_REPLY_RECEIVED: "linkedin_reply",
  EVERY_MESSAGE_REPLY_RECEIVED: "linkedin_reply",
  INMAIL_REPLY_RECEIVED: "linkedin_reply",
  // Our own account's actions, not the prospect's engagement.
  VIEWED_PROFILE: "linkedin_touch",
  LIKED_POST: "linkedin_touch",
  FOLLOW_SENT: "linkedin_touch",
};

export const HEYREACH_IGNORED: Readonly<Record<string, string>> = {
  CAMPAIGN_COMPLETED: "the campaign finished with this lead (the hub tracks its own steps)",
  LEAD_TAG_UPDATED: "a tag, i.e. a label",
};

/** `connectionRequestSent`, `Connection-Request-Sent`, `connection_request_sent` → `CONNECTION_REQUEST_SENT`. */
export function heyreachEventName(raw: string): string {
  return raw
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toUpperCase();
}

const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined || String(v).trim() === "" ? null : String(v).trim());

/**
 * Translates one HeyReach webhook body. Never throws. The payload's timestamp
 * is used when present; otherwise `receivedAt` (the receiver's clock), noted in
 * the metadata as `event_ts_source: "received"`.
 */
export function mapHeyReachEvent(input: unknown, opts: { receivedAt?: Date } = {}): MapResult {
  let body = input;
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "body" in body) {
    const o = body as Record<string, unknown>;
    if (o.event_type === undefined && o.eventType === undefined && typeof o.body === "object" && o.body !== null) body = o.body;
  }
  const parsed = HeyReachWebhook.safeParse(body);
  if (!parsed.success) return { unknown: `heyreach: ${issuesLine(parsed.error)}` };
  const p = parsed.data;
  const raw = str(p.event_type ?? p.eventType);
  if (raw === null) return { unknown: "heyreach: no event_type" };
  const type = heyreachEventName(raw);
  const hubType = HEYREACH_EVENT_MAP[type];
  if (hubType === undefined) {
    const why = HEYREACH_IGNORED[type];
    return why ? { ignored: `heyreach: ${type} is ${why}` } : { unknown: `heyreach: unrecognised event_type "${raw}"` };
  }
  const lead = p.lead ?? p.leadProfile;
  const profile = normaliseLinkedInUrl(lead?.profile_url ?? lead?.profileUrl ?? lead?.linkedin_url ?? lead?.linkedInUrl ?? lead?.linkedinUrl);
  if (profile === null) return { unknown: `heyreach: ${type} without lead.profile_url` };
  const campaign = str(p.campaign?.id ?? p.campaign_id ?? p.campaignId);
  if (campaign === null) return { unknown: `heyreach: ${type} without campaign.id` };
  const tsRaw = p.timestamp ?? p.timeStamp ?? p.event_timestamp ?? p.createdAt ?? p.created_at;
  const time = eventTime(tsRaw, opts.receivedAt);
  if (time === null) return { unknown: `heyreach: ${type} with no usable timestamp ${JSON.stringify(tsRaw ?? null)}` };
  const ts = time.iso;
  const metadata: JsonObject = { provider_event_type: raw };
  if (time.received) metadata.event_ts_source = "received";
  const leadId = str(lead?.id);
  const conversation = str(p.conversation_id ?? p.conversationId);
  const theirCorrelation = str(p.correlation_id ?? p.correlationId);
  const sender = str(p.sender?.id);
  const email = normaliseEmail(lead?.email_address ?? lead?.emailAddress);
  if (conversation !== null) metadata.conversation_id = conversation;
  if (theirCorrelation !== null) metadata.provider_correlation_id = theirCorrelation;
  if (sender !== null) metadata.sender_id = sender;
  if (p.campaign?.name) metadata.campaign_name = p.campaign.name;
  if (email !== null) metadata.lead_email = email;
  const inmail = p.is_inmail ?? p.isInMail;
  if (typeof inmail === "boolean") metadata.is_inmail = inmail;
  if (hubType === "linkedin_touch") metadata.touch = type.toLowerCase();

  return {
    provider: "heyreach",
    provider_campaign_id: campaign,
    lead_key: profile,
    provider_lead_id: leadId,
    step: null,
    event_type: hubType,
    event_ts: ts,
    enrolment_id: null,
    dedup_key: ["heyreach", campaign, profile, hubType, type === "EVERY_MESSAGE_REPLY_RECEIVED" ? "MESSAGE_REPLY_RECEIVED" : type, ts].join("|"),
    metadata,
  };
}

/** The webhook URL's path token equals HEYREACH_WEBHOOK_TOKEN (constant time). */
export { secretsEqual as heyreachTokenMatches } from "./common.ts";

// ---------------------------------------------------------------- pushing leads

export type HeyReachLead = {
  firstName: string;
  lastName: string;
  profileUrl: string;
  companyName: string;
  emailAddress?: string;
  customUserFields: { name: string; value: string }[];
};
export type HeyReachAccountLeadPair = { linkedInAccountId?: number; lead: HeyReachLead };

/**
 * Claimed rows → `POST /api/public/campaign/AddLeadsToCampaignV2`, at most
 * `batchSize` (≤ 100) leads each. HeyReach campaign ids are integers; rows of a
 * campaign whose id is not are rejected, as are rows without a profile URL.
 * Without `linkedInAccountId`, HeyReach picks the campaign's sender accounts.
 */
export function buildHeyReachPushes(
  rows: readonly ClaimedSend[],
  opts: { batchSize?: number; linkedInAccountId?: number } = {},
): { batches: PushBatch[]; rejected: RejectedRow[] } {
  const batchSize = opts.batchSize ?? HEYREACH_MAX_LEADS_PER_REQUEST;
  if (batchSize > HEYREACH_MAX_LEADS_PER_REQUEST) throw new RangeError(`HeyReach pushes are kept to ${HEYREACH_MAX_LEADS_PER_REQUEST} leads per request`);
  const { groups, rejected } = groupByCampaign(rows);
  const batches: PushBatch[] = [];
  for (const [campaign, list] of groups) {
    if (!/^\d+$/.test(campaign)) {
      for (const row of list) rejected.push({ send_id: row.send_id, reason: `HeyReach campaign id must be an integer, got "${campaign}"` });
      continue;
    }
    const usable = list.filter((row) => {
      const ok = normaliseLinkedInUrl(row.linkedin_url) !== null;
      if (!ok) rejected.push({ send_id: row.send_id, reason: "no linkedin_url for a LinkedIn provider" });
      return ok;
    });
    for (const part of chunk(usable, batchSize)) {
      const pairs: HeyReachAccountLeadPair[] = part.map((row) => {
        const name = splitName(row.full_name);
        const lead: HeyReachLead = {
          firstName: name.first,
          lastName: name.last,
          profileUrl: (row.linkedin_url as string).trim(),
          companyName: row.company_name ?? "",
          customUserFields: Object.entries(hubVariables(row)).map(([n, value]) => ({ name: n, value })),
        };
        const email = normaliseEmail(row.email_to);
        if (email !== null) lead.emailAddress = email;
        return opts.linkedInAccountId === undefined ? { lead } : { linkedInAccountId: opts.linkedInAccountId, lead };
      });
      batches.push({
        provider_campaign_id: campaign,
        rows: part,
        request: {
          method: "POST",
          path: "/api/public/campaign/AddLeadsToCampaignV2",
          body: { campaignId: Number(campaign), accountLeadPairs: pairs, resumeFinishedCampaign: false, resumePausedCampaign: false },
        },
      });
    }
  }
  return { batches, rejected };
}

const AddLeadsResponse = z.looseObject({
  addedLeadsCount: z.number().int().optional(),
  updatedLeadsCount: z.number().int().optional(),
  failedLeadsCount: z.number().int().optional(),
});

/**
 * The push response has counts only. `all_accepted` when nothing failed (ack
 * every row without a lead id: events find the lead by campaign and profile
 * URL); otherwise HeyReach does not say which lead failed.
 */
export function parseHeyReachPushResponse(
  batch: PushBatch,
  response: unknown,
): { all_accepted: boolean; lead_keys: { send_id: string; lead_key: string }[]; counts: JsonObject } | { unknown: string } {
  const parsed = AddLeadsResponse.safeParse(response);
  if (!parsed.success) return { unknown: `heyreach AddLeadsToCampaignV2 response: ${issuesLine(parsed.error)}` };
  const r = parsed.data;
  const counts: JsonObject = {};
  if (r.addedLeadsCount !== undefined) counts.addedLeadsCount = r.addedLeadsCount;
  if (r.updatedLeadsCount !== undefined) counts.updatedLeadsCount = r.updatedLeadsCount;
  if (r.failedLeadsCount !== undefined) counts.failedLeadsCount = r.failedLeadsCount;
  return {
    all_accepted: (r.failedLeadsCount ?? 0) === 0,
    lead_keys: batch.rows.map((row) => ({ send_id: row.send_id, lead_key: normaliseLinkedInUrl(row.linkedin_url) as string })),
    counts,
  };
}

// ---------------------------------------------------------------- outbox

/**
 * Outbox item → HeyReach request: a stop is StopLeadInCampaign (by profile URL),
 * the campaign is paused and resumed; HeyReach has no block list (the hub's own
 * suppression stops LinkedIn sends before they are pushed).
 */
export function heyreachOutboxRequest(item: OutboxItem): OutboxAction {
  const campaign = item.provider_campaign_id?.trim() ?? "";
  if (item.kind === "block_email" || item.kind === "block_domain") return { unsupported: "HeyReach has no block list" };
  if (!/^\d+$/.test(campaign)) return { unsupported: `${item.kind} needs an integer HeyReach campaign id, got "${campaign}"` };
  if (item.kind === "stop_lead") {
    const url = normaliseLinkedInUrl(item.lead_key);
    if (url === null) return { unsupported: "stop_lead without a profile URL" };
    return { request: { method: "POST", path: "/api/public/campaign/StopLeadInCampaign", body: { campaignId: Number(campaign), leadUrl: url } } };
  }
  return {
    request: { method: "POST", path: `/api/public/campaign/${item.kind === "pause_campaign" ? "Pause" : "Resume"}`, query: { campaignId: campaign } },
  };
}
