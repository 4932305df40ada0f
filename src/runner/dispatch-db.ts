/**
 * The dispatch calls of the runner (SPEC §10): claim → send or push → ack or release,
 * and the one-click unsubscribe. One call of the public SQL API per function, with
 * named, cast arguments; every decision (what is takeable, caps, windows,
 * suppression, retries, failure) is made in SQL.
 */
import type { Sql } from "./db.ts";

export const senders = ["queue", "smtp", "instantly", "smartlead", "heyreach"] as const;
export type Sender = (typeof senders)[number];

/** One claimed send, as outreach.claim_sends returns it (columns in the contract's order). */
export interface ClaimedSend {
  send_id: string;
  enrolment_id: string;
  claim_token: string;
  lease_until: Date;
  attempt: number;
  channel: "email" | "linkedin";
  email_to: string | null;
  linkedin_url: string | null;
  full_name: string | null;
  company_name: string | null;
  subject: string | null;
  body: string | null;
  proof_line: string | null;
  unsubscribe_url: string;
  list_unsubscribe: string;
  list_unsubscribe_post: string;
  calendar_link: string | null;
  campaign_id: string;
  provider_campaign_id: string | null;
  sequence_step: number;
  steps: RenderedStep[] | null;
  send_correlation_id: string;
}

/** A step of a provider-run campaign, rendered at claim time. */
export interface RenderedStep {
  step: number;
  subject: string | null;
  body: string | null;
  delay_days: number;
  delay_hours: number;
}

export interface ClaimOptions {
  maxRows?: number;
  /** Lease length in seconds (10 s .. 24 h; SQL refuses anything else with 22023). */
  leaseSeconds?: number;
  asOf?: Date;
}

/** Leases up to maxRows takeable sends of the sender's campaigns. */
export async function claimSends(
  sql: Sql,
  correlationId: string,
  sender: Sender,
  opts: ClaimOptions = {},
): Promise<ClaimedSend[]> {
  return sql<ClaimedSend[]>`
    select * from outreach.claim_sends(
      correlation_id => ${correlationId}::uuid,
      sender => ${sender}::text,
      max_rows => ${opts.maxRows ?? 100}::int,
      lease => make_interval(secs => ${opts.leaseSeconds ?? 300}::double precision),
      as_of => coalesce(${opts.asOf ?? null}::timestamptz, now()))`;
}

/**
 * Reports the hand-over of a claimed send. With sentAt (an SMTP server accepted it) it
 * is also an email_sent event at that time. Returns false for a repeated ack; a token
 * that is not the send's current claim raises OR030 (stop working on that send).
 */
export async function ackSend(
  sql: Sql,
  sendId: string,
  claimToken: string,
  opts: { providerMessageId?: string; sentAt?: Date } = {},
): Promise<boolean> {
  const [row] = await sql<{ acked: boolean }[]>`
    select outreach.ack_send(
      send_id => ${sendId}::uuid,
      claim_token => ${claimToken}::uuid,
      provider_message_id => ${opts.providerMessageId ?? null}::text,
      sent_at => ${opts.sentAt ?? null}::timestamptz) as acked`;
  return row?.acked ?? false;
}

/**
 * Gives a claimed send back with its error: permanent (e.g. an SMTP 5xx for the
 * recipient) fails it; otherwise it is retried from retryAfter (default: SQL's
 * backoff, 2^attempt minutes). OR030 when the token is not the current claim.
 */
export async function releaseSend(
  sql: Sql,
  sendId: string,
  claimToken: string,
  error: string,
  opts: { permanent?: boolean; retryAfter?: Date } = {},
): Promise<void> {
  await sql`
    select outreach.release_send(
      send_id => ${sendId}::uuid,
      claim_token => ${claimToken}::uuid,
      error => ${error}::text,
      permanent => ${opts.permanent ?? false}::boolean,
      retry_after => ${opts.retryAfter ?? null}::timestamptz)`;
}

/** The send a one-click token names, or null when it is forged or unknown (writes nothing). */
export async function verifyUnsubscribeToken(sql: Sql, token: string): Promise<string | null> {
  const [row] = await sql<{ send_id: string | null }[]>`
    select outreach.verify_unsubscribe_token(token => ${token}::text) as send_id`;
  return row?.send_id ?? null;
}

/**
 * Records a one-click unsubscribe (idempotent) and returns the send id; a bad or
 * forged token raises OR031 with nothing written.
 */
export async function unsubscribe(
  sql: Sql,
  token: string,
  opts: { correlationId?: string; asOf?: Date } = {},
): Promise<string> {
  const [row] = await sql<{ send_id: string }[]>`
    select outreach.unsubscribe(
      token => ${token}::text,
      correlation_id => ${opts.correlationId ?? null}::uuid,
      as_of => coalesce(${opts.asOf ?? null}::timestamptz, now())) as send_id`;
  if (!row) throw new Error("outreach.unsubscribe returned no row");
  return row.send_id;
}

/** SQLSTATEs of the dispatch API the runner branches on. */
export const DispatchErrors = {
  staleClaim: "OR030",
  badUnsubscribeToken: "OR031",
} as const;
