/**
 * The SQL calls of the provider side (SPEC §11), typed: push acknowledgement, provider
 * events, the provider outbox and calendar bookings. Business rules stay in SQL
 * (sql/85_providers/); each function here is one call with named, cast arguments.
 */
import type postgres from "postgres";
import type { Sql } from "./db.ts";

export type ProviderName = "instantly" | "smartlead" | "heyreach";
export type OutboxKind = "stop_lead" | "pause_campaign" | "resume_campaign" | "block_email" | "block_domain";
export type BookingEvent = "created" | "cancelled" | "rescheduled";

/** After a provider accepted a pushed enrolment: ack_send plus the provider_leads row. OR030 on a stale token. */
export async function ackProviderPush(
  sql: Sql,
  a: { sendId: string; claimToken: string; providerLeadId?: string | null; pushedAt?: Date },
): Promise<boolean> {
  const [row] = await sql<{ acked: boolean }[]>`
    select outreach.ack_provider_push(
      send_id => ${a.sendId}::uuid,
      claim_token => ${a.claimToken}::uuid,
      provider_lead_id => ${a.providerLeadId ?? null}::text,
      pushed_at => coalesce(${a.pushedAt ?? null}::timestamptz, now())) as acked`;
  return row?.acked ?? false;
}

export interface ProviderEvent {
  provider: ProviderName;
  providerCampaignId: string;
  leadKey: string;
  step: number | null;
  eventType: string;
  eventTs: Date | string;
  metadata?: Record<string, unknown>;
  enrolmentId?: string | null;
  correlationId?: string | null;
}

/** One provider event; eventId is null when it matched no enrolment (recorded in outreach_errors, OR040). */
export async function recordProviderEvent(
  sql: Sql,
  e: ProviderEvent,
): Promise<{ eventId: string | null; isDuplicate: boolean }> {
  const [row] = await sql<{ event_id: string | null; is_duplicate: boolean }[]>`
    select * from outreach.record_provider_event(
      provider => ${e.provider}::text,
      provider_campaign_id => ${e.providerCampaignId}::text,
      lead_key => ${e.leadKey}::text,
      step => ${e.step}::int,
      event_type => ${e.eventType}::text,
      event_ts => ${e.eventTs instanceof Date ? e.eventTs.toISOString() : e.eventTs}::timestamptz,
      metadata => ${sql.json((e.metadata ?? {}) as postgres.JSONValue)}::jsonb,
      enrolment_id => ${e.enrolmentId ?? null}::uuid,
      correlation_id => ${e.correlationId ?? null}::uuid)`;
  return { eventId: row?.event_id ?? null, isDuplicate: row?.is_duplicate ?? false };
}

export interface OutboxItem {
  outbox_id: string;
  claim_token: string;
  lease_until: Date;
  attempt: number;
  kind: OutboxKind;
  provider_campaign_id: string | null;
  lead_key: string | null;
  provider_lead_id: string | null;
  enrolment_id: string | null;
  payload: Record<string, unknown>;
  item_correlation_id: string;
}

export async function claimOutbox(
  sql: Sql,
  correlationId: string,
  provider: ProviderName,
  opts: { maxRows?: number; leaseSeconds?: number; asOf?: Date } = {},
): Promise<OutboxItem[]> {
  return sql<OutboxItem[]>`
    select * from outreach.claim_outbox(
      correlation_id => ${correlationId}::uuid,
      provider => ${provider}::text,
      max_rows => ${opts.maxRows ?? 100}::int,
      lease => make_interval(secs => ${opts.leaseSeconds ?? 300}::int),
      as_of => coalesce(${opts.asOf ?? null}::timestamptz, now()))`;
}

/** The provider call for an item succeeded; false for a repeated ack. OR030 on a stale token. */
export async function ackOutbox(sql: Sql, outboxId: string, claimToken: string): Promise<boolean> {
  const [row] = await sql<{ acked: boolean }[]>`
    select outreach.ack_outbox(outbox_id => ${outboxId}::uuid, claim_token => ${claimToken}::uuid) as acked`;
  return row?.acked ?? false;
}

/** Give an item back with its error; permanent (or the last attempt) fails it. OR030 on a stale token. */
export async function releaseOutbox(
  sql: Sql,
  r: { outboxId: string; claimToken: string; error: string; permanent?: boolean; retryAfter?: Date | null },
): Promise<void> {
  await sql`
    select outreach.release_outbox(
      outbox_id => ${r.outboxId}::uuid,
      claim_token => ${r.claimToken}::uuid,
      error => ${r.error}::text,
      permanent => ${r.permanent ?? false}::boolean,
      retry_after => ${r.retryAfter ?? null}::timestamptz)`;
}

/** A Calendly / Cal.com booking by its token; null when refused (recorded in outreach_errors, OR041). */
export async function recordBooking(
  sql: Sql,
  b: {
    provider: "calendly" | "calcom";
    token: string | null;
    at: Date | string;
    event: BookingEvent;
    correlationId: string;
    payload?: Record<string, unknown>;
  },
): Promise<string | null> {
  const [row] = await sql<{ handoff_id: string | null }[]>`
    select outreach.record_booking(
      provider => ${b.provider}::text,
      token => ${b.token}::text,
      booked_at => ${b.at instanceof Date ? b.at.toISOString() : b.at}::timestamptz,
      event => ${b.event}::text,
      correlation_id => ${b.correlationId}::uuid,
      payload => ${sql.json((b.payload ?? {}) as postgres.JSONValue)}::jsonb) as handoff_id`;
  return row?.handoff_id ?? null;
}
