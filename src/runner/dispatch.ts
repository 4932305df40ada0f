/**
 * One dispatch cycle (SPEC §10.6): for each configured sender, claim → hand over →
 * ack or release, a few sends at a time.
 *
 *   for each sender (src/senders/index.ts):
 *     ready()?            no  → claim nothing this cycle (an outage burns no attempts)
 *     repeat until max_rows handed over, or claim_sends returns fewer than asked:
 *       claim_sends(correlation_id, sender, concurrency, lease, as_of)
 *       deliver each claimed send at once (at most `concurrency` in flight), then per send:
 *         sent      → ack_send(send_id, claim_token, Message-ID, sent_at)
 *         retry     → release_send(…, permanent => false)          (SQL's backoff and max attempts)
 *         bounce    → release_send(…, permanent => true) + record_event(email_bounce), one transaction
 *         rejected  → release_send(…, permanent => true)
 *
 * Claiming `concurrency` rows at a time keeps every lease short compared with the
 * work done under it, and a batch that comes back entirely for retry (the server in
 * trouble mid-cycle) ends the sender's cycle, so an outage spends one batch's attempts. Nothing here decides eligibility, caps, retries or stops: SQL
 * does. A crash anywhere loses nothing: the claimed sends' leases expire and SQL
 * hands them out again (a send that went out just before the crash, unacknowledged,
 * may go out again: at-least-once, as every SMTP client is). A lease lost to
 * another runner (OR030) is logged and left to the runner that holds it.
 *
 * One log line per send outcome, with the send's own correlation id and the claim's.
 */
import type { Logger } from "./log.ts";
import { recordEvent, type Sql } from "./db.ts";
import { ackSend, claimSends, DispatchErrors, releaseSend, type ClaimedSend } from "./dispatch-db.ts";
import type { AnySender, Delivery, Sender } from "../senders/sender.ts";

export interface DispatchOptions {
  sql: Sql;
  log: Logger;
  senders: readonly AnySender[];
  /** The cycle's correlation id (claim_sends' argument). */
  correlationId: string;
  /** Sends handed over per sender per cycle, at most. */
  maxRows: number;
  /** Sends in flight at once per sender, and rows per claim. */
  concurrency: number;
  leaseSeconds: number;
  /** claim_sends' as_of (tests); default now. */
  asOf?: Date;
}

export interface SenderTally {
  sender: string;
  claimed: number;
  sent: number;
  retried: number;
  bounced: number;
  rejected: number;
  /** Outcomes SQL did not take (lease lost to another runner, database error): the lease decides. */
  unreported: number;
  /** Why the sender claimed nothing this cycle, when it was not ready. */
  not_ready?: string;
  /** Provider outbox items (batch senders): claimed, done, released for retry, failed for good. */
  outbox?: { claimed: number; done: number; retried: number; failed: number; unreported: number };
  /** The cycle stopped claiming after a batch that came back entirely for retry. */
  backed_off?: boolean;
}

export type CycleResult = SenderTally[];

const SOURCE_SYSTEM = "smtp";

/** Runs one cycle over every sender; resolves with what each did. Throws only when claiming itself fails. */
export async function dispatchCycle(opts: DispatchOptions): Promise<CycleResult> {
  const result: CycleResult = [];
  for (const sender of opts.senders) result.push(await runSender(opts, sender));
  return result;
}

async function runSender(opts: DispatchOptions, sender: AnySender): Promise<SenderTally> {
  const tally: SenderTally = { sender: sender.name, claimed: 0, sent: 0, retried: 0, bounced: 0, rejected: 0, unreported: 0 };
  const notReady = await sender.ready();
  if (notReady !== null) {
    tally.not_ready = notReady;
    opts.log.warn(
      { component: "dispatch", sender: sender.name, correlation_id: opts.correlationId, outcome: "not_ready", reason: notReady },
      `dispatch ${sender.name} not ready, claiming nothing: ${notReady}`,
    );
    return tally;
  }
  if ("cycle" in sender) {
    // A batch sender (a provider) claims, pushes and reports in its own batches.
    return sender.cycle({
      sql: opts.sql,
      log: opts.log,
      correlationId: opts.correlationId,
      maxRows: opts.maxRows,
      concurrency: opts.concurrency,
      leaseSeconds: opts.leaseSeconds,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
    });
  }
  while (tally.claimed < opts.maxRows) {
    const ask = Math.min(opts.concurrency, opts.maxRows - tally.claimed);
    const batch = await claimSends(opts.sql, opts.correlationId, sender.name, {
      maxRows: ask,
      leaseSeconds: opts.leaseSeconds,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
    });
    tally.claimed += batch.length;
    const retriedBefore = tally.retried;
    await Promise.all(batch.map((send) => handOver(opts, sender, send, tally)));
    if (batch.length < ask) break;
    if (tally.retried - retriedBefore === batch.length) {
      // Every send of the batch came back for retry: the server is likely in trouble.
      // Claiming more now would only spend their attempts; the next cycle tries again.
      opts.log.warn(
        { component: "dispatch", sender: sender.name, correlation_id: opts.correlationId, outcome: "backing_off", batch: batch.length },
        `dispatch ${sender.name}: a whole batch came back for retry; claiming no more this cycle`,
      );
      tally.backed_off = true;
      break;
    }
  }
  return tally;
}

async function handOver(opts: DispatchOptions, sender: Sender, send: ClaimedSend, tally: SenderTally): Promise<void> {
  const started = performance.now();
  let delivery: Delivery;
  try {
    delivery = await sender.deliver(send);
  } catch (err) {
    // A sender bug, not the send's fault: give it back for another try.
    delivery = { outcome: "retry", error: `${sender.name}: ${err instanceof Error ? err.message : String(err)}`, detail: {} };
  }
  const line = {
    component: "dispatch",
    sender: sender.name,
    send_id: send.send_id,
    correlation_id: send.send_correlation_id,
    claim_correlation_id: opts.correlationId,
    attempt: send.attempt,
    outcome: delivery.outcome as string,
    ...delivery.detail,
  };
  try {
    switch (delivery.outcome) {
      case "sent": {
        const taken = await ackSend(opts.sql, send.send_id, send.claim_token, {
          providerMessageId: delivery.providerMessageId,
          ...(delivery.sentAt ? { sentAt: delivery.sentAt } : {}),
        });
        tally.sent++;
        opts.log.info(
          { ...line, provider_message_id: delivery.providerMessageId, repeated_ack: !taken, ms: ms(started) },
          `dispatch ${sender.name} ${send.send_id} sent`,
        );
        return;
      }
      case "retry":
        await releaseSend(opts.sql, send.send_id, send.claim_token, delivery.error, {
          permanent: false,
          ...(delivery.retryAfter ? { retryAfter: delivery.retryAfter } : {}),
        });
        tally.retried++;
        opts.log.warn({ ...line, error: delivery.error, ms: ms(started) }, `dispatch ${sender.name} ${send.send_id} released for retry`);
        return;
      case "bounce":
        // One transaction: the failed send and the bounce are recorded together or not at all.
        // release_send first: it locks the enrolment's rows in order, as ack_send does before its event.
        await opts.sql.begin(async (transaction) => {
          // postgres.js types a transaction apart from a pool; the wrappers only run queries on it.
          const tx = transaction as unknown as Sql;
          await releaseSend(tx, send.send_id, send.claim_token, delivery.error, { permanent: true });
          await recordEvent(tx, {
            send_id: send.send_id,
            event_type: "email_bounce",
            event_ts: new Date().toISOString(),
            source_system: SOURCE_SYSTEM,
            metadata: { ...delivery.detail, error: delivery.error, sender: sender.name, bounce_type: "hard" },
          });
        });
        tally.bounced++;
        opts.log.warn({ ...line, error: delivery.error, ms: ms(started) }, `dispatch ${sender.name} ${send.send_id} bounced`);
        return;
      case "rejected":
        await releaseSend(opts.sql, send.send_id, send.claim_token, delivery.error, { permanent: true });
        tally.rejected++;
        opts.log.warn({ ...line, error: delivery.error, ms: ms(started) }, `dispatch ${sender.name} ${send.send_id} rejected`);
        return;
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    tally.unreported++;
    const leaseLost = e.code === DispatchErrors.staleClaim;
    opts.log.error(
      { ...line, outcome: leaseLost ? "lease_lost" : "unreported", delivery: delivery.outcome, sqlstate: e.code, err: e.message, ms: ms(started) },
      leaseLost
        ? `dispatch ${sender.name} ${send.send_id} ${delivery.outcome} but its claim was taken over (OR030): left to the new holder`
        : `dispatch ${sender.name} ${send.send_id} ${delivery.outcome} but not recorded: its lease will expire and SQL hands it out again`,
    );
  }
}

const ms = (started: number): number => Math.round(performance.now() - started);
