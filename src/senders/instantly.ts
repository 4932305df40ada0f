/**
 * Instantly (API v2): webhook payload → hub event, claimed rows → lead pushes,
 * the push response → lead ids, outbox items → requests. Pure; the I/O layer
 * sends the requests with `Authorization: Bearer <INSTANTLY_API_KEY>` against
 * INSTANTLY_API_URL (default https://api.instantly.ai).
 *
 * Webhooks are flat JSON (`timestamp`, `event_type`, `campaign_id`,
 * `lead_email`, `step`, `variant`, `is_first`, `email_id`, …); the lead's
 * custom variables come back as top-level keys, so `hub_enrollment_id` names
 * the enrolment. The click event is `link_clicked` in payloads and
 * `email_link_clicked` in the subscription enum: both are taken.
 */
import { z } from "zod";
import {
  eventTime,
  issuesLine,
  normaliseEmail,
  toStep,
  type HubEventType,
  type JsonObject,
  type JsonValue,
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
  type PushBatch,
  type RateLimit,
  type RejectedRow,
} from "./outbound.ts";

export const INSTANTLY_DEFAULT_API_URL = "https://api.instantly.ai";
/** `POST /api/v2/leads/add` takes 1 to 1,000 leads. */
export const INSTANTLY_MAX_LEADS_PER_REQUEST = 1000;
/** Workspace-wide, shared by v1 and v2 and by every key: 100 requests/s and 6,000/min (429 past it). */
export const INSTANTLY_RATE_LIMITS: readonly RateLimit[] = [
  { requests: 100, windowMs: 1_000 },
  { requests: 6_000, windowMs: 60_000 },
];

// ---------------------------------------------------------------- webhooks

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** An Instantly webhook body; unknown keys (custom variables, lead data) pass through. */
export const InstantlyWebhook = z.looseObject({
  event_type: z.string().min(1),
  timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  campaign_id: z.string().nullable().optional(),
  campaign_name: z.string().nullable().optional(),
  workspace: z.string().nullable().optional(),
  lead_email: z.string().nullable().optional(),
  email_account: z.string().nullable().optional(),
  step: z.union([z.number(), z.string()]).nullable().optional(),
  variant: z.union([z.number(), z.string()]).nullable().optional(),
  is_first: z.boolean().nullable().optional(),
  email_id: z.string().nullable().optional(),
  unibox_url: z.string().nullable().optional(),
  email_subject: z.string().nullable().optional(),
  reply_subject: z.string().nullable().optional(),
  reply_text_snippet: z.string().nullable().optional(),
  hub_enrollment_id: scalar.optional(),
  hub_send_id: scalar.optional(),
});
export type InstantlyWebhook = z.infer<typeof InstantlyWebhook>;

/** Payload `event_type` → hub event type. */
export const INSTANTLY_EVENT_MAP: Readonly<Record<string, HubEventType>> = {
  email_sent: "email_sent",
  email_opened: "email_open",
  link_clicked: "email_click",
  email_link_clicked: "email_click",
  reply_received: "email_reply",
  auto_reply_received: "email_auto_reply",
  lead_out_of_office: "email_auto_reply",
  email_bounced: "email_bounce",
  lead_unsubscribed: "unsubscribe",
};

/** Documented event types the hub does not take (labels and account/campaign notices). */
export const INSTANTLY_IGNORED = new Set([
  "account_error",
  "campaign_completed",
  "lead_neutral",
  "lead_interested",
  "lead_not_interested",
  "lead_meeting_booked",
  "lead_meeting_completed",
  "lead_closed",
  "lead_wrong_person",
  "lead_no_show",
  "supersearch_enrichment_completed",
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Translates one Instantly webhook body. Never throws. Without a `timestamp`
 * (documented as always present) the receiver's `receivedAt` is used and
 * marked `event_ts_source: "received"`, so an unsubscribe is never lost to it.
 */
export function mapInstantlyEvent(body: unknown, opts: { receivedAt?: Date } = {}): MapResult {
  const parsed = InstantlyWebhook.safeParse(body);
  if (!parsed.success) return { unknown: `instantly: ${issuesLine(parsed.error)}` };
  const p = parsed.data;
  const type = p.event_type.trim().toLowerCase();
  const hubType = INSTANTLY_EVENT_MAP[type];
  if (hubType === undefined) {
    return INSTANTLY_IGNORED.has(type)
      ? { ignored: `instantly: ${type} is not an engagement event` }
      : { ignored: `instantly: unrecognised event_type "${p.event_type}" (custom labels arrive as-is)` };
  }
  const campaign = p.campaign_id?.trim();
  if (!campaign) return { unknown: `instantly: ${type} without campaign_id` };
  const lead = normaliseEmail(p.lead_email);
  if (lead === null) return { unknown: `instantly: ${type} without a usable lead_email` };
  const ts = eventTime(p.timestamp, opts.receivedAt);
  if (ts === null) return { unknown: `instantly: ${type} with no usable timestamp ${JSON.stringify(p.timestamp ?? null)}` };
  const step = toStep(p.step);
  const enrolment = typeof p.hub_enrollment_id === "string" && UUID.test(p.hub_enrollment_id.trim()) ? p.hub_enrollment_id.trim().toLowerCase() : null;

  const metadata: JsonObject = { provider_event_type: p.event_type };
  if (ts.received) metadata.event_ts_source = "received";
  const copy: [string, JsonValue | undefined][] = [
    ["variant", toStep(p.variant)],
    ["is_first", p.is_first],
    ["email_id", p.email_id],
    ["email_account", p.email_account],
    ["unibox_url", p.unibox_url],
    ["campaign_name", p.campaign_name],
    ["workspace", p.workspace],
    ["email_subject", p.email_subject],
    ["reply_subject", p.reply_subject],
    ["reply_text_snippet", p.reply_text_snippet],
    ["pushed_send_id", typeof p.hub_send_id === "string" ? p.hub_send_id : undefined],
  ];
  for (const [k, v] of copy) if (v !== undefined && v !== null) metadata[k] = v;
  if (type === "lead_out_of_office") metadata.label = true;

  return {
    provider: "instantly",
    provider_campaign_id: campaign,
    lead_key: lead,
    provider_lead_id: null,
    step,
    event_type: hubType,
    event_ts: ts.iso,
    enrolment_id: enrolment,
    dedup_key: ["instantly", campaign, lead, hubType, step ?? "", ts.iso].join("|"),
    metadata,
  };
}

// ---------------------------------------------------------------- pushing leads

/** One lead of `POST /api/v2/leads/add`; custom variables are scalars only. */
export type InstantlyLead = {
  email: string;
  first_name: string;
  last_name: string;
  company_name: string;
  custom_variables: Record<string, string>;
};

/**
 * Claimed rows → `POST /api/v2/leads/add` requests, one campaign per request,
 * at most `batchSize` (≤ 1,000) leads each. `skip_if_in_campaign` makes a
 * retried push harmless (the lead is skipped, not duplicated). Rows without a
 * usable email or campaign id are rejected.
 */
export function buildInstantlyPushes(
  rows: readonly ClaimedSend[],
  batchSize: number = INSTANTLY_MAX_LEADS_PER_REQUEST,
): { batches: PushBatch[]; rejected: RejectedRow[] } {
  if (batchSize > INSTANTLY_MAX_LEADS_PER_REQUEST) throw new RangeError(`Instantly takes at most ${INSTANTLY_MAX_LEADS_PER_REQUEST} leads per request`);
  const { groups, rejected } = groupEmailRowsByCampaign(rows);
  const batches: PushBatch[] = [];
  for (const [campaign, usable] of groups) {
    for (const part of chunk(usable, batchSize)) {
      const leads: InstantlyLead[] = part.map((row) => {
        const name = splitName(row.full_name);
        return {
          email: normaliseEmail(row.email_to) as string,
          first_name: name.first,
          last_name: name.last,
          company_name: row.company_name ?? "",
          custom_variables: hubVariables(row),
        };
      });
      batches.push({
        provider_campaign_id: campaign,
        rows: part,
        request: {
          method: "POST",
          path: "/api/v2/leads/add",
          body: { campaign_id: campaign, skip_if_in_campaign: true, verify_leads_on_import: false, leads },
        },
      });
    }
  }
  return { batches, rejected };
}

/** The documented response of `POST /api/v2/leads/add` (counts optional, unknown keys kept). */
export const InstantlyAddLeadsResponse = z.looseObject({
  status: z.string().optional(),
  total_sent: z.number().optional(),
  leads_uploaded: z.number().optional(),
  in_blocklist: z.number().optional(),
  skipped_count: z.number().optional(),
  invalid_email_count: z.number().optional(),
  duplicated_leads: z.number().optional(),
  duplicate_email_count: z.number().optional(),
  incomplete_count: z.number().optional(),
  created_leads: z
    .array(z.looseObject({ id: z.string(), email: z.string().optional(), index: z.number().int().optional() }))
    .default([]),
});

export interface PushedRow {
  send_id: string;
  enrolment_id: string;
  lead_key: string;
  provider_lead_id: string | null;
}
export interface PushOutcome {
  pushed: PushedRow[];
  /** Rows the provider did not create (blocklisted, invalid, already in the campaign, …): it gives counts, not reasons per row. */
  not_created: RejectedRow[];
  counts: JsonObject;
}

/**
 * Maps `created_leads[]` back to the batch's rows. `index` is matched against
 * the row at that position (0-based, as the request array), then 1-based, and
 * accepted only when that row's email equals the created lead's email (when the
 * response gives one); failing both, the email alone decides. Rows no created
 * lead maps to are `not_created`.
 */
export function parseInstantlyPushResponse(batch: PushBatch, response: unknown): PushOutcome | { unknown: string } {
  const parsed = InstantlyAddLeadsResponse.safeParse(response);
  if (!parsed.success) return { unknown: `instantly leads/add response: ${issuesLine(parsed.error)}` };
  const r = parsed.data;
  const emails = batch.rows.map((row) => normaliseEmail(row.email_to) as string);
  const leadIds = new Array<string | null>(batch.rows.length).fill(null);
  for (const created of r.created_leads) {
    const email = normaliseEmail(created.email);
    const fits = (i: number | undefined): i is number =>
      i !== undefined && i >= 0 && i < emails.length && leadIds[i] === null && (email === null || emails[i] === email);
    let at: number | undefined;
    if (fits(created.index)) at = created.index;
    else if (created.index !== undefined && fits(created.index - 1)) at = created.index - 1;
    else if (email !== null) at = emails.findIndex((e, i) => e === email && leadIds[i] === null);
    if (at !== undefined && at >= 0) leadIds[at] = created.id;
  }
  const pushed: PushedRow[] = [];
  const notCreated: RejectedRow[] = [];
  batch.rows.forEach((row, i) => {
    const id = leadIds[i] ?? null;
    if (id === null) notCreated.push({ send_id: row.send_id, reason: "not in created_leads (blocklisted, invalid, skipped or already in the campaign)" });
    else pushed.push({ send_id: row.send_id, enrolment_id: row.enrolment_id, lead_key: emails[i] as string, provider_lead_id: id });
  });
  const counts: JsonObject = {};
  for (const k of ["total_sent", "leads_uploaded", "in_blocklist", "skipped_count", "invalid_email_count", "duplicated_leads", "duplicate_email_count", "incomplete_count"] as const) {
    const v = r[k];
    if (typeof v === "number") counts[k] = v;
  }
  return { pushed, not_created: notCreated, counts };
}

// ---------------------------------------------------------------- outbox

/**
 * Outbox item → Instantly request (SPEC §11.4): a stop deletes the lead
 * (`DELETE /api/v2/leads` with its id: v2 has no per-lead pause), blocks are
 * block-list entries, the campaign is paused and activated.
 */
export function instantlyOutboxRequest(item: OutboxItem): OutboxAction {
  const campaign = item.provider_campaign_id?.trim();
  switch (item.kind) {
    case "stop_lead":
      if (!campaign) return { unsupported: "stop_lead without provider_campaign_id" };
      if (!item.provider_lead_id) return { needs_lead_id: "Instantly deletes leads by id; the push's created_leads id is missing" };
      return { request: { method: "DELETE", path: "/api/v2/leads", body: { campaign_id: campaign, ids: [item.provider_lead_id] } } };
    case "pause_campaign":
    case "resume_campaign":
      if (!campaign) return { unsupported: `${item.kind} without provider_campaign_id` };
      return {
        request: { method: "POST", path: `/api/v2/campaigns/${encodeURIComponent(campaign)}/${item.kind === "pause_campaign" ? "pause" : "activate"}` },
      };
    case "block_email":
    case "block_domain": {
      const target = blockTarget(item.kind, item.pattern);
      if (target === null) return { unsupported: `pattern ${JSON.stringify(item.pattern)} cannot be a block-list entry` };
      return { request: { method: "POST", path: "/api/v2/block-lists-entries", body: { bl_value: "email" in target ? target.email : target.domain } } };
    }
  }
}
