/**
 * Smartlead (API v1): webhook payload → hub event, claimed rows → lead pushes,
 * lead lookups, outbox items → requests. Pure; the I/O layer adds
 * `?api_key=<SMARTLEAD_API_KEY>` to every request against SMARTLEAD_API_URL
 * (default https://server.smartlead.ai).
 *
 * The vendor's documents disagree with each other; this builds for the shape
 * production consumers see (flat, UPPER_CASE `event_type`, `to_email`,
 * `campaign_id`, `sequence_number`, `stats_id`, `event_timestamp`,
 * `secret_key` in the body) and also takes the newer pages' spellings
 * (`EMAIL_OPENED`, `EMAIL_REPLIED`, `EMAIL_BOUNCED`, `EMAIL_LINK_CLICKED`,
 * `EMAIL_CLICKED`, `event` for `event_type`, a nested `lead{email}`).
 */
import { z } from "zod";
import {
  eventTime,
  hexDigestEqual,
  hmacHex,
  issuesLine,
  normaliseEmail,
  secretsEqual,
  toJson,
  toStep,
  type HubEventType,
  type JsonObject,
  type MapResult,
} from "./common.ts";
import {
  blockTarget,
  chunk,
  groupEmailRowsByCampaign,
  hubVariables,
  splitName,
  type ClaimedSend,
  type OutboxAction,
  type OutboxItem,
  type ProviderRequest,
  type PushBatch,
  type RateLimit,
  type RejectedRow,
} from "./outbound.ts";

export const SMARTLEAD_DEFAULT_API_URL = "https://server.smartlead.ai";
/** "upto 350 leads per upload" (older reference; the newer one says 400): the smaller is used. */
export const SMARTLEAD_MAX_LEADS_PER_REQUEST = 350;
/** 60 requests per 60 s per API key (the newer guide adds a 10/s burst; 60/min holds both). */
export const SMARTLEAD_RATE_LIMITS: readonly RateLimit[] = [
  { requests: 10, windowMs: 1_000 },
  { requests: 60, windowMs: 60_000 },
];

// ---------------------------------------------------------------- webhooks

const id = z.union([z.string(), z.number()]);
const message = z.looseObject({ message_id: z.string().nullable().optional(), time: z.string().nullable().optional() });

/** A Smartlead webhook body; unknown keys pass through. */
export const SmartleadWebhook = z.looseObject({
  event_type: z.string().optional(),
  event: z.string().optional(),
  eventType: z.string().optional(),
  event_timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  campaign_id: id.nullable().optional(),
  campaign_name: z.string().nullable().optional(),
  to_email: z.string().nullable().optional(),
  lead_email: z.string().nullable().optional(),
  sl_lead_email: z.string().nullable().optional(),
  sl_email_lead_id: id.nullable().optional(),
  lead_id: id.nullable().optional(),
  stats_id: id.nullable().optional(),
  sequence_number: id.nullable().optional(),
  from_email: z.string().nullable().optional(),
  subject: z.string().nullable().optional(),
  secret_key: z.string().nullable().optional(),
  sent_message: message.nullable().optional(),
  reply_message: message.nullable().optional(),
  bounce_message: message.nullable().optional(),
  link_details: z.unknown().optional(),
  preview_text: z.string().nullable().optional(),
  lead_category: z
    .looseObject({ new_name: z.string().nullable().optional(), old_name: z.string().nullable().optional() })
    .nullable()
    .optional(),
  lead_data: z
    .looseObject({ email: z.string().nullable().optional(), custom_fields: z.record(z.string(), z.unknown()).nullable().optional() })
    .nullable()
    .optional(),
  lead: z
    .looseObject({ email: z.string().nullable().optional(), custom_fields: z.record(z.string(), z.unknown()).nullable().optional() })
    .nullable()
    .optional(),
  hub_enrollment_id: z.unknown().optional(),
});
export type SmartleadWebhook = z.infer<typeof SmartleadWebhook>;

/** `event_type` (either documented spelling) → hub event type. */
export const SMARTLEAD_EVENT_MAP: Readonly<Record<string, HubEventType>> = {
  EMAIL_SENT: "email_sent",
  FIRST_EMAIL_SENT: "email_sent",
  EMAIL_OPEN: "email_open",
  EMAIL_OPENED: "email_open",
  EMAIL_LINK_CLICK: "email_click",
  EMAIL_LINK_CLICKED: "email_click",
  EMAIL_CLICKED: "email_click",
  EMAIL_REPLY: "email_reply",
  EMAIL_REPLIED: "email_reply",
  EMAIL_BOUNCE: "email_bounce",
  EMAIL_BOUNCED: "email_bounce",
  LEAD_UNSUBSCRIBED: "unsubscribe",
  EMAIL_UNSUBSCRIBED: "unsubscribe",
};

/** Documented, well-formed events the hub does not take. */
export const SMARTLEAD_IGNORED: Readonly<Record<string, string>> = {
  UNTRACKED_REPLIES: "a reply Smartlead could not tie to a campaign lead",
  EMAIL_ACCOUNT_DISCONNECTED: "an account alert, not a lead event",
  CAMPAIGN_BOUNCE_BREACH: "an account alert, not a lead event",
};

/** The category name Smartlead gives an out-of-office reply. */
export const SMARTLEAD_OOO_CATEGORY = "out of office";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined || String(v).trim() === "" ? null : String(v).trim());

/**
 * Translates one Smartlead webhook body. Never throws. Without any event time
 * in the payload the receiver's `receivedAt` is used and marked
 * `event_ts_source: "received"` (the unsubscribe page documents no timestamp).
 */
export function mapSmartleadEvent(body: unknown, opts: { receivedAt?: Date } = {}): MapResult {
  const parsed = SmartleadWebhook.safeParse(body);
  if (!parsed.success) return { unknown: `smartlead: ${issuesLine(parsed.error)}` };
  const p = parsed.data;
  const raw = (p.event_type ?? p.event ?? p.eventType ?? "").trim();
  if (raw === "") return { unknown: "smartlead: no event_type" };
  const type = raw.toUpperCase();
  let hubType = SMARTLEAD_EVENT_MAP[type];
  if (type === "LEAD_CATEGORY_UPDATED") {
    const category = (p.lead_category?.new_name ?? "").trim();
    if (category.toLowerCase() !== SMARTLEAD_OOO_CATEGORY) return { ignored: `smartlead: category "${category}" is a label` };
    hubType = "email_auto_reply";
  }
  if (hubType === undefined) {
    const why = SMARTLEAD_IGNORED[type];
    return why ? { ignored: `smartlead: ${type} is ${why}` } : { unknown: `smartlead: unrecognised event_type "${raw}"` };
  }
  const campaign = str(p.campaign_id);
  if (campaign === null) return { unknown: `smartlead: ${type} without campaign_id` };
  const lead = normaliseEmail(p.to_email ?? p.lead_email ?? p.sl_lead_email ?? p.lead_data?.email ?? p.lead?.email);
  const leadId = str(p.sl_email_lead_id) ?? str(p.lead_id);
  if (lead === null) return { unknown: `smartlead: ${type} without a usable lead email` };
  const tsSource = p.event_timestamp ?? p.reply_message?.time ?? p.bounce_message?.time ?? p.sent_message?.time;
  const time = eventTime(tsSource, opts.receivedAt);
  if (time === null) return { unknown: `smartlead: ${type} with no usable event_timestamp ${JSON.stringify(tsSource ?? null)}` };
  const ts = time.iso;
  const step = toStep(p.sequence_number);
  const enrolmentRaw = p.lead_data?.custom_fields?.hub_enrollment_id ?? p.lead?.custom_fields?.hub_enrollment_id ?? p.hub_enrollment_id;
  const enrolment = typeof enrolmentRaw === "string" && UUID.test(enrolmentRaw.trim()) ? enrolmentRaw.trim().toLowerCase() : null;
  const stats = str(p.stats_id);

  const metadata: JsonObject = { provider_event_type: raw };
  if (time.received) metadata.event_ts_source = "received";
  if (stats !== null) metadata.stats_id = stats;
  if (leadId !== null) metadata.sl_email_lead_id = leadId;
  if (p.campaign_name) metadata.campaign_name = p.campaign_name;
  if (p.from_email) metadata.from_email = p.from_email;
  if (p.subject) metadata.subject = p.subject;
  const messageId = (hubType === "email_reply" ? p.reply_message : hubType === "email_bounce" ? p.bounce_message : p.sent_message)?.message_id;
  if (messageId) metadata.message_id = messageId;
  if (hubType === "email_reply" && p.preview_text) metadata.preview_text = p.preview_text;
  const links = hubType === "email_click" ? toJson(p.link_details) : undefined;
  if (links !== undefined) metadata.link_details = links;
  if (type === "LEAD_CATEGORY_UPDATED") metadata.category = p.lead_category?.new_name ?? null;

  return {
    provider: "smartlead",
    provider_campaign_id: campaign,
    lead_key: lead,
    provider_lead_id: leadId,
    step,
    event_type: hubType,
    event_ts: ts,
    enrolment_id: enrolment,
    dedup_key: stats !== null ? ["smartlead", stats, hubType, ts].join("|") : ["smartlead", campaign, lead, hubType, step ?? "", ts].join("|"),
    metadata,
  };
}

/** The body's `secret_key` equals the configured secret (constant time). */
export function smartleadSecretMatches(body: unknown, secret: string): boolean {
  const key = typeof body === "object" && body !== null && "secret_key" in body ? (body as { secret_key: unknown }).secret_key : null;
  return typeof key === "string" && secretsEqual(key, secret);
}

/** `X-Smartlead-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (a help-center article's scheme). */
export function verifySmartleadSignature(header: string | null | undefined, rawBody: string | Buffer, secret: string): boolean {
  const m = /^\s*(?:sha256=)?([0-9a-f]{64})\s*$/i.exec(header ?? "");
  return m !== null && secret !== "" && hexDigestEqual(m[1] as string, hmacHex(secret, rawBody));
}

// ---------------------------------------------------------------- pushing leads

export type SmartleadLead = {
  email: string;
  first_name: string;
  last_name: string;
  company_name: string;
  linkedin_profile?: string;
  custom_fields: Record<string, string>;
};

/**
 * Claimed rows → `POST /api/v1/campaigns/{id}/leads`, at most `batchSize`
 * (≤ 350) leads each. The provider's global block list, unsubscribe list and
 * other-campaign duplicates stay in force (all `ignore_*` false).
 */
export function buildSmartleadPushes(
  rows: readonly ClaimedSend[],
  batchSize: number = SMARTLEAD_MAX_LEADS_PER_REQUEST,
): { batches: PushBatch[]; rejected: RejectedRow[] } {
  if (batchSize > SMARTLEAD_MAX_LEADS_PER_REQUEST) throw new RangeError(`Smartlead takes at most ${SMARTLEAD_MAX_LEADS_PER_REQUEST} leads per request`);
  const { groups, rejected } = groupEmailRowsByCampaign(rows);
  const batches: PushBatch[] = [];
  for (const [campaign, usable] of groups) {
    for (const part of chunk(usable, batchSize)) {
      const leadList: SmartleadLead[] = part.map((row) => {
        const name = splitName(row.full_name);
        const lead: SmartleadLead = {
          email: normaliseEmail(row.email_to) as string,
          first_name: name.first,
          last_name: name.last,
          company_name: row.company_name ?? "",
          custom_fields: hubVariables(row),
        };
        if (row.linkedin_url) lead.linkedin_profile = row.linkedin_url;
        return lead;
      });
      batches.push({
        provider_campaign_id: campaign,
        rows: part,
        request: {
          method: "POST",
          path: `/api/v1/campaigns/${encodeURIComponent(campaign)}/leads`,
          body: {
            lead_list: leadList,
            settings: { ignore_global_block_list: false, ignore_unsubscribe_list: false, ignore_duplicate_leads_in_other_campaign: false },
          },
        },
      });
    }
  }
  return { batches, rejected };
}

/**
 * The add-leads response has counts only (`upload_count`, `already_added_to_campaign`,
 * … in the older reference; `added_count`, `skipped_count` in the newer): every
 * numeric field is returned as counts. No lead ids come back: resolve each row
 * with `smartleadLeadLookup` before acking.
 */
export function parseSmartleadPushResponse(response: unknown): { counts: JsonObject } | { unknown: string } {
  if (typeof response !== "object" || response === null || Array.isArray(response)) return { unknown: "smartlead leads response is not an object" };
  const counts: JsonObject = {};
  for (const [k, v] of Object.entries(response)) if (typeof v === "number" || typeof v === "boolean") counts[k] = v;
  return { counts };
}

/** `GET /api/v1/leads/?email=` : the lead's Smartlead id and campaigns. */
export function smartleadLeadLookup(email: string): ProviderRequest {
  return { method: "GET", path: "/api/v1/leads/", query: { email: normaliseEmail(email) ?? email.trim() } };
}

const LookupResponse = z.looseObject({
  id: id,
  lead_campaign_data: z.array(z.looseObject({ campaign_id: id.nullable().optional() })).nullable().optional(),
});

/** The lead's id and whether it is in `providerCampaignId`; NULL when Smartlead does not know the email. */
export function parseSmartleadLeadLookup(response: unknown, providerCampaignId: string): { provider_lead_id: string; in_campaign: boolean } | null {
  const parsed = LookupResponse.safeParse(response);
  if (!parsed.success) return null;
  const campaigns = (parsed.data.lead_campaign_data ?? []).map((c) => str(c.campaign_id));
  return { provider_lead_id: String(parsed.data.id), in_campaign: campaigns.includes(providerCampaignId.trim()) };
}

// ---------------------------------------------------------------- outbox

/**
 * Outbox item → Smartlead request (SPEC §11.4): a stop pauses the lead in its
 * campaign, blocks go to the global block list (`domain_block_list` takes
 * addresses and domains), the campaign status goes to PAUSED and back to START.
 */
export function smartleadOutboxRequest(item: OutboxItem): OutboxAction {
  const campaign = item.provider_campaign_id?.trim();
  switch (item.kind) {
    case "stop_lead":
      if (!campaign) return { unsupported: "stop_lead without provider_campaign_id" };
      if (!item.provider_lead_id) return { needs_lead_id: "Smartlead pauses leads by id: look it up with smartleadLeadLookup" };
      return {
        request: { method: "POST", path: `/api/v1/campaigns/${encodeURIComponent(campaign)}/leads/${encodeURIComponent(item.provider_lead_id)}/pause` },
      };
    case "pause_campaign":
    case "resume_campaign":
      if (!campaign) return { unsupported: `${item.kind} without provider_campaign_id` };
      return {
        request: {
          method: "POST",
          path: `/api/v1/campaigns/${encodeURIComponent(campaign)}/status`,
          body: { status: item.kind === "pause_campaign" ? "PAUSED" : "START" },
        },
      };
    case "block_email":
    case "block_domain": {
      const target = blockTarget(item.kind, item.pattern);
      if (target === null) return { unsupported: `pattern ${JSON.stringify(item.pattern)} cannot be a block-list entry` };
      return { request: { method: "POST", path: "/api/v1/leads/add-domain-block-list", body: { domain_block_list: ["email" in target ? target.email : target.domain] } } };
    }
  }
}
