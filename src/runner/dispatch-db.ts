/**
 * PLACEHOLDER until branch `dispatch` lands: thin wrappers of SPEC §10.2/§10.5,
 * written against the SPEC's signatures. Replaced by that branch's file at merge.
 */
import type { Sql } from "./db.ts";

export interface ClaimedSend {
  send_id: string;
  enrolment_id: string | null;
  claim_token: string;
  lease_until: Date;
  attempt: number;
  channel: string;
  email_to: string | null;
  linkedin_url: string | null;
  full_name: string | null;
  company_name: string | null;
  subject: string | null;
  body: string | null;
  proof_line: string | null;
  unsubscribe_url: string | null;
  list_unsubscribe: string | null;
  list_unsubscribe_post: string | null;
  calendar_link: string | null;
  campaign_id: string | null;
  provider_campaign_id: string | null;
  sequence_step: number;
  steps: unknown;
  send_correlation_id: string;
}

export async function claimSends(
  sql: Sql,
  a: { correlationId: string; sender: string; maxRows: number; leaseSeconds: number; asOf?: Date },
): Promise<ClaimedSend[]> {
  return sql<ClaimedSend[]>`
    select * from outreach.claim_sends(
      correlation_id => ${a.correlationId}::uuid,
      sender => ${a.sender}::text,
      max_rows => ${a.maxRows}::int,
      lease => make_interval(secs => ${a.leaseSeconds}::int),
      as_of => coalesce(${a.asOf ?? null}::timestamptz, now()))`;
}

export async function ackSend(
  sql: Sql,
  a: { sendId: string; claimToken: string; providerMessageId?: string | null; sentAt?: Date | null },
): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    select outreach.ack_send(
      send_id => ${a.sendId}::uuid,
      claim_token => ${a.claimToken}::uuid,
      provider_message_id => ${a.providerMessageId ?? null}::text,
      sent_at => ${a.sentAt ?? null}::timestamptz) as ok`;
  return row?.ok ?? false;
}

export async function releaseSend(
  sql: Sql,
  a: { sendId: string; claimToken: string; error: string; permanent?: boolean; retryAfter?: Date | null },
): Promise<void> {
  await sql`
    select outreach.release_send(
      send_id => ${a.sendId}::uuid,
      claim_token => ${a.claimToken}::uuid,
      error => ${a.error}::text,
      permanent => ${a.permanent ?? false}::boolean,
      retry_after => ${a.retryAfter ?? null}::timestamptz)`;
}

export async function unsubscribe(sql: Sql, token: string, correlationId?: string): Promise<string> {
  const [row] = await sql<{ send_id: string }[]>`
    select outreach.unsubscribe(token => ${token}::text, correlation_id => ${correlationId ?? null}::uuid) as send_id`;
  if (!row) throw new Error("unsubscribe returned nothing");
  return row.send_id;
}

export async function unsubscribeUrl(sql: Sql, sendId: string): Promise<string> {
  const [row] = await sql<{ url: string }[]>`select outreach.unsubscribe_url(send_id => ${sendId}::uuid) as url`;
  if (!row) throw new Error("unsubscribe_url returned nothing");
  return row.url;
}

/** The send a one-click token names, or null when it does not verify (writes nothing). */
export async function verifyUnsubscribeToken(sql: Sql, token: string): Promise<string | null> {
  const [row] = await sql<{ send_id: string | null }[]>`
    select outreach.verify_unsubscribe_token(token => ${token}::text)::text as send_id`;
  return row?.send_id ?? null;
}
