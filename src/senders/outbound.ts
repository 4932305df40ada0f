/**
 * The outbound half shared by the provider translators: the claimed-row shape
 * (SPEC §10.2 `claim_sends`), request descriptions for the I/O layer, batching,
 * the hub variables every push carries, and outbox items (SPEC §11.4).
 */
import { z } from "zod";
import { normaliseEmail, type JsonValue } from "./common.ts";


/** One rendered step of a provider-run sequence (`claim_sends.steps`). */
export const ClaimedStep = z.looseObject({
  step: z.number().int().min(1),
  subject: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  delay_days: z.number().int().nullable().optional(),
  delay_hours: z.number().int().nullable().optional(),
});
export type ClaimedStep = z.infer<typeof ClaimedStep>;

/** The columns of a `claim_sends` row the translators read (SPEC §10.2); other columns pass through. */
export const ClaimedSend = z.looseObject({
  send_id: z.uuid(),
  enrolment_id: z.uuid(),
  email_to: z.string().nullable().optional(),
  linkedin_url: z.string().nullable().optional(),
  full_name: z.string().nullable().optional(),
  company_name: z.string().nullable().optional(),
  subject: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  unsubscribe_url: z.string().nullable().optional(),
  calendar_link: z.string().nullable().optional(),
  provider_campaign_id: z.string().nullable().optional(),
  sequence_step: z.number().int().nullable().optional(),
  steps: z.array(ClaimedStep).nullable().optional(),
});
export type ClaimedSend = z.infer<typeof ClaimedSend>;

/** An HTTP request for the I/O layer to send: path relative to the provider's base URL; auth added there. */
export interface ProviderRequest {
  method: "GET" | "POST" | "DELETE" | "PATCH";
  path: string;
  query?: Record<string, string>;
  body?: JsonValue;
}

/** A claimed row the translator cannot push (hand it back with `release_send(..., permanent => true)`). */
export interface RejectedRow {
  send_id: string;
  reason: string;
}

/** One push request and the claimed rows it carries, in request order. */
export interface PushBatch {
  provider_campaign_id: string;
  request: ProviderRequest;
  rows: ClaimedSend[];
}

/** A provider's documented request budget: at most `requests` per `windowMs` (every window applies). */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** Items in chunks of at most `size`, order kept. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows grouped by `provider_campaign_id` (first-seen order); rows without one are rejected. */
export function groupByCampaign(rows: readonly ClaimedSend[]): { groups: Map<string, ClaimedSend[]>; rejected: RejectedRow[] } {
  const groups = new Map<string, ClaimedSend[]>();
  const rejected: RejectedRow[] = [];
  for (const row of rows) {
    const id = row.provider_campaign_id?.trim();
    if (!id) {
      rejected.push({ send_id: row.send_id, reason: "campaign has no provider_campaign_id" });
      continue;
    }
    const list = groups.get(id) ?? [];
    list.push(row);
    groups.set(id, list);
  }
  return { groups, rejected };
}

/**
 * Claimed rows of an email provider, by provider campaign: groupByCampaign, then a row
 * without a usable email_to is rejected too. The groups hold only rows that can be pushed.
 */
export function groupEmailRowsByCampaign(rows: readonly ClaimedSend[]): {
  groups: Map<string, ClaimedSend[]>;
  rejected: RejectedRow[];
} {
  const { groups, rejected } = groupByCampaign(rows);
  for (const [campaign, list] of groups) {
    const usable = list.filter((row) => normaliseEmail(row.email_to) !== null);
    for (const row of list) {
      if (normaliseEmail(row.email_to) === null) rejected.push({ send_id: row.send_id, reason: "no usable email_to for an email provider" });
    }
    groups.set(campaign, usable);
  }
  return { groups, rejected };
}

/** First name and the rest, from a full name. */
export function splitName(fullName: string | null | undefined): { first: string; last: string } {
  const parts = (fullName ?? "").trim().split(/\s+/).filter(Boolean);
  return { first: parts[0] ?? "", last: parts.slice(1).join(" ") };
}

/**
 * The hub's ids and every rendered step as flat, string-valued variables (the
 * providers take scalars only): hub_enrollment_id, hub_send_id, hub_step_count,
 * hub_step_<n>_subject, hub_step_<n>_body, and hub_unsubscribe_url /
 * hub_calendar_link when the row has them. Without `steps`, the row's own
 * subject and body are step `sequence_step` (default 1).
 */
export function hubVariables(row: ClaimedSend): Record<string, string> {
  const vars: Record<string, string> = { hub_enrollment_id: row.enrolment_id, hub_send_id: row.send_id };
  const steps: ClaimedStep[] =
    row.steps && row.steps.length > 0
      ? [...row.steps].sort((a, b) => a.step - b.step)
      : [{ step: row.sequence_step ?? 1, subject: row.subject ?? "", body: row.body ?? "" }];
  vars.hub_step_count = String(steps.length);
  for (const s of steps) {
    vars[`hub_step_${s.step}_subject`] = s.subject ?? "";
    vars[`hub_step_${s.step}_body`] = s.body ?? "";
  }
  if (row.unsubscribe_url) vars.hub_unsubscribe_url = row.unsubscribe_url;
  if (row.calendar_link) vars.hub_calendar_link = row.calendar_link;
  return vars;
}

/** Outbox work for a provider (SPEC §11.4); the I/O layer fills it from `claim_outbox`. */
export interface OutboxItem {
  kind: "stop_lead" | "pause_campaign" | "resume_campaign" | "block_email" | "block_domain";
  provider_campaign_id?: string | null;
  /** stop_lead: the lead key (lower-cased email or normalised profile URL). */
  lead_key?: string | null;
  /** stop_lead: the provider's lead id from `provider_leads`, when known. */
  provider_lead_id?: string | null;
  /** block_email / block_domain: the suppression pattern. */
  pattern?: string | null;
}

/**
 * What to send for one outbox item: a request; `needs_lead_id` (look the lead
 * up first, then call again with `provider_lead_id`); or `unsupported` (the
 * provider has no such operation: ack it as done-with-nothing-to-do and log).
 */
export type OutboxAction = { request: ProviderRequest } | { needs_lead_id: string } | { unsupported: string };

/**
 * A suppression pattern as something a provider block list can hold: an exact
 * address, or a domain (a bare domain, or `*@domain`). Other wildcards cannot be
 * expressed at a provider: NULL.
 */
export function blockTarget(kind: "block_email" | "block_domain", pattern: string | null | undefined): { email: string } | { domain: string } | null {
  const p = (pattern ?? "").trim().toLowerCase();
  const domain = /^(?:\*@)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/.exec(p);
  if (kind === "block_domain" || p.startsWith("*@")) return domain ? { domain: domain[1] as string } : null;
  if (p.includes("*")) return null;
  const email = normaliseEmail(p);
  return email ? { email } : null;
}
