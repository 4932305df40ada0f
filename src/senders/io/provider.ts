/**
 * One dispatch cycle of a provider sender (SPEC §10.6, §11.1, §11.4), shared by
 * instantly, smartlead and heyreach; each supplies an adapter around its pure
 * translator (src/senders/<provider>.ts).
 *
 *   pushes   claim_sends(sender) in the provider's batch size → build the requests →
 *            per batch: 2xx → the adapter settles each row:
 *                          acked    → ack_provider_push(send, token, provider lead id)
 *                          refused  → release_send(permanent)  (blocklisted, invalid, …)
 *                          unclear  → pushed again one lead per request (count-only answers)
 *                       retry (429/5xx/network after the client's tries) → release_send(retry_after)
 *                       4xx      → a batch of several is pushed again one lead per request
 *                                  (one bad lead must not fail the rest); a lone lead → permanent
 *   outbox   claim_outbox(provider) → the translator's request (looking the lead's id up first
 *            when it needs one) → ack_outbox, or release_outbox (retry, or permanent for a 4xx;
 *            a 404 on a stop is done: the lead is already gone). An operation the provider does
 *            not have (HeyReach block lists, `legal@*`) is acked and logged.
 *
 * Nothing here decides eligibility, retries or stops: SQL does (max attempts, backoff,
 * what a failed push stops). One log line per row and per outbox item.
 */
import type { SenderTally } from "../../runner/dispatch.ts";
import { claimSends, DispatchErrors, releaseSend, type ClaimedSend as ClaimRow } from "../../runner/dispatch-db.ts";
import { ackOutbox, ackProviderPush, claimOutbox, releaseOutbox, type OutboxItem as OutboxRow } from "../../runner/providers-db.ts";
import type { JsonObject, Provider } from "../common.ts";
import { ClaimedSend, type OutboxAction, type OutboxItem, type PushBatch, type RejectedRow } from "../outbound.ts";
import type { BatchSender, CycleContext } from "../sender.ts";
import type { HttpOutcome, ProviderHttp } from "./http.ts";

/** A 2xx push response, row by row. */
export interface Settled {
  acked: { send_id: string; provider_lead_id: string | null }[];
  refused: RejectedRow[];
  /** Rows the response does not account for one by one (counts only): pushed again alone. */
  unclear: ClaimedSend[];
  counts: JsonObject;
}

export type Failure = Extract<HttpOutcome, { ok: false }>;

export interface ProviderAdapter {
  readonly name: Provider;
  /** Leads per push request. */
  readonly batchSize: number;
  build(rows: readonly ClaimedSend[]): { batches: PushBatch[]; rejected: RejectedRow[] };
  settle(batch: PushBatch, json: unknown, http: ProviderHttp): Promise<Settled | { unknown: string }>;
  outboxRequest(item: OutboxItem): OutboxAction;
  /** The provider's id of an outbox item's lead (when its request needs one); null: no such lead there. */
  findLeadId?(item: OutboxItem, http: ProviderHttp): Promise<string | null | Failure>;
}

export interface ProviderSenderOptions {
  http: ProviderHttp;
  /** Outbox items taken per cycle, at most. */
  outboxMax: number;
}

type RowOutcome =
  | { kind: "acked"; providerLeadId: string | null; detail?: JsonObject }
  | { kind: "retry"; error: string; retryAfterMs: number | null }
  | { kind: "refused"; error: string };

type ItemOutcome = { kind: "done"; note?: string } | { kind: "retry"; error: string; retryAfterMs: number | null } | { kind: "failed"; error: string };

const errMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class ProviderSender implements BatchSender {
  readonly name: Provider;

  constructor(
    private readonly adapter: ProviderAdapter,
    private readonly opts: ProviderSenderOptions,
  ) {
    this.name = adapter.name;
  }

  get http(): ProviderHttp {
    return this.opts.http;
  }

  /** Configured means ready: an outage shows as retries, and Retry-After pushes the next try out. */
  async ready(): Promise<string | null> {
    return null;
  }

  async close(): Promise<void> {}

  async cycle(ctx: CycleContext): Promise<SenderTally> {
    const tally: SenderTally = { sender: this.name, claimed: 0, sent: 0, retried: 0, bounced: 0, rejected: 0, unreported: 0 };
    while (tally.claimed < ctx.maxRows) {
      const ask = Math.min(this.adapter.batchSize, ctx.maxRows - tally.claimed);
      const rows = await claimSends(ctx.sql, ctx.correlationId, this.name, {
        maxRows: ask,
        leaseSeconds: ctx.leaseSeconds,
        ...(ctx.asOf ? { asOf: ctx.asOf } : {}),
      });
      tally.claimed += rows.length;
      if (rows.length > 0) await this.push(ctx, rows, tally);
      if (rows.length < ask) break;
    }
    tally.outbox = await this.drainOutbox(ctx);
    return tally;
  }

  // ---------------------------------------------------------------- pushes

  private async push(ctx: CycleContext, rows: ClaimRow[], tally: SenderTally): Promise<void> {
    const claims = new Map(rows.map((r) => [r.send_id, r]));
    const parsed: ClaimedSend[] = [];
    for (const r of rows) {
      const p = ClaimedSend.safeParse(r);
      if (p.success) parsed.push(p.data);
      else await this.report(ctx, r, { kind: "retry", error: `${this.name}: claimed row unreadable: ${p.error.message}`, retryAfterMs: null }, tally);
    }
    const { batches, rejected } = this.adapter.build(parsed);
    for (const r of rejected) await this.report(ctx, claims.get(r.send_id), { kind: "refused", error: `${this.name}: ${r.reason}` }, tally);
    for (const batch of batches) await this.pushBatch(ctx, claims, batch, tally);
  }

  private async pushBatch(ctx: CycleContext, claims: Map<string, ClaimRow>, batch: PushBatch, tally: SenderTally): Promise<void> {
    const res = await this.opts.http.call(batch.request);
    const several = batch.rows.length > 1;
    if (!res.ok) {
      if (res.kind === "permanent" && several) return this.isolate(ctx, claims, batch.rows, tally);
      const outcome: RowOutcome = res.kind === "retry" ? { kind: "retry", error: res.error, retryAfterMs: res.retryAfterMs } : { kind: "refused", error: res.error };
      await eachLimit(batch.rows, ctx.concurrency, (row) => this.report(ctx, claims.get(row.send_id), outcome, tally));
      return;
    }
    let settled: Settled | { unknown: string };
    try {
      settled = await this.adapter.settle(batch, res.json, this.opts.http);
    } catch (err) {
      settled = { unknown: errMessage(err) };
    }
    if ("unknown" in settled) {
      // The push may have gone through; pushing again is harmless (idempotent), so retry.
      const outcome: RowOutcome = { kind: "retry", error: `${this.name}: unreadable push response: ${settled.unknown}`, retryAfterMs: null };
      for (const row of batch.rows) await this.report(ctx, claims.get(row.send_id), outcome, tally);
      return;
    }
    const counts = settled.counts;
    await eachLimit(settled.acked, ctx.concurrency, (a) =>
      this.report(ctx, claims.get(a.send_id), { kind: "acked", providerLeadId: a.provider_lead_id, detail: counts }, tally),
    );
    for (const r of settled.refused) await this.report(ctx, claims.get(r.send_id), { kind: "refused", error: `${this.name}: ${r.reason}` }, tally);
    if (settled.unclear.length === 0) return;
    if (several) return this.isolate(ctx, claims, settled.unclear, tally);
    const error = `${this.name}: the provider did not accept the lead (${JSON.stringify(settled.counts)})`;
    for (const row of settled.unclear) await this.report(ctx, claims.get(row.send_id), { kind: "refused", error }, tally);
  }

  /** Pushes each row alone, so the provider's answer is about that one lead. */
  private async isolate(ctx: CycleContext, claims: Map<string, ClaimRow>, rows: readonly ClaimedSend[], tally: SenderTally): Promise<void> {
    for (const row of rows) {
      const { batches, rejected } = this.adapter.build([row]);
      for (const r of rejected) await this.report(ctx, claims.get(r.send_id), { kind: "refused", error: `${this.name}: ${r.reason}` }, tally);
      for (const b of batches) await this.pushBatch(ctx, claims, b, tally);
    }
  }

  /** One row's outcome into SQL, and its log line. */
  private async report(ctx: CycleContext, claim: ClaimRow | undefined, outcome: RowOutcome, tally: SenderTally): Promise<void> {
    if (!claim) return;
    const line = {
      component: "dispatch",
      sender: this.name,
      send_id: claim.send_id,
      correlation_id: claim.send_correlation_id,
      claim_correlation_id: ctx.correlationId,
      attempt: claim.attempt,
      outcome: outcome.kind,
    };
    try {
      if (outcome.kind === "acked") {
        const first = await ackProviderPush(ctx.sql, { sendId: claim.send_id, claimToken: claim.claim_token, providerLeadId: outcome.providerLeadId });
        tally.sent++;
        ctx.log.info({ ...line, provider_lead_id: outcome.providerLeadId, repeated_ack: !first, counts: outcome.detail }, `dispatch ${this.name} ${claim.send_id} pushed`);
      } else {
        const retryAfter = outcome.kind === "retry" && outcome.retryAfterMs !== null ? new Date(Date.now() + outcome.retryAfterMs) : null;
        await releaseSend(ctx.sql, claim.send_id, claim.claim_token, outcome.error, {
          permanent: outcome.kind === "refused",
          ...(retryAfter ? { retryAfter } : {}),
        });
        if (outcome.kind === "retry") tally.retried++;
        else tally.rejected++;
        ctx.log.warn(
          { ...line, error: outcome.error, retry_after: retryAfter?.toISOString() },
          `dispatch ${this.name} ${claim.send_id} ${outcome.kind === "retry" ? "released for retry" : "refused"}`,
        );
      }
    } catch (err) {
      tally.unreported++;
      const code = (err as { code?: string }).code;
      ctx.log.error(
        { ...line, outcome: code === DispatchErrors.staleClaim ? "lease_lost" : "unreported", delivery: outcome.kind, sqlstate: code, err: errMessage(err) },
        `dispatch ${this.name} ${claim.send_id} ${outcome.kind} but not recorded: the lease decides`,
      );
    }
  }

  // ---------------------------------------------------------------- outbox

  private async drainOutbox(ctx: CycleContext): Promise<NonNullable<SenderTally["outbox"]>> {
    const t = { claimed: 0, done: 0, retried: 0, failed: 0, unreported: 0 };
    const items = await claimOutbox(ctx.sql, ctx.correlationId, this.name, {
      maxRows: this.opts.outboxMax,
      leaseSeconds: ctx.leaseSeconds,
      ...(ctx.asOf ? { asOf: ctx.asOf } : {}),
    });
    t.claimed = items.length;
    for (const row of items) {
      let outcome: ItemOutcome;
      try {
        outcome = await this.outboxItem(row);
      } catch (err) {
        outcome = { kind: "retry", error: `${this.name}: ${errMessage(err)}`, retryAfterMs: null };
      }
      const line = {
        component: "dispatch",
        sender: this.name,
        outbox_id: row.outbox_id,
        kind: row.kind,
        provider_campaign_id: row.provider_campaign_id,
        correlation_id: row.item_correlation_id,
        claim_correlation_id: ctx.correlationId,
        attempt: row.attempt,
        outcome: outcome.kind,
      };
      try {
        if (outcome.kind === "done") {
          await ackOutbox(ctx.sql, row.outbox_id, row.claim_token);
          t.done++;
          ctx.log.info({ ...line, note: outcome.note }, `dispatch ${this.name} outbox ${row.kind} done`);
        } else {
          const retryAfter = outcome.kind === "retry" && outcome.retryAfterMs !== null ? new Date(Date.now() + outcome.retryAfterMs) : null;
          await releaseOutbox(ctx.sql, { outboxId: row.outbox_id, claimToken: row.claim_token, error: outcome.error, permanent: outcome.kind === "failed", retryAfter });
          if (outcome.kind === "retry") t.retried++;
          else t.failed++;
          ctx.log.warn({ ...line, error: outcome.error }, `dispatch ${this.name} outbox ${row.kind} ${outcome.kind === "retry" ? "released for retry" : "failed"}`);
        }
      } catch (err) {
        t.unreported++;
        const code = (err as { code?: string }).code;
        ctx.log.error({ ...line, outcome: "unreported", sqlstate: code, err: errMessage(err) }, `dispatch ${this.name} outbox ${row.kind} not recorded: the lease decides`);
      }
    }
    return t;
  }

  private async outboxItem(row: OutboxRow): Promise<ItemOutcome> {
    const pattern = typeof row.payload?.pattern === "string" ? row.payload.pattern : null;
    let item: OutboxItem = {
      kind: row.kind,
      provider_campaign_id: row.provider_campaign_id,
      lead_key: row.lead_key,
      provider_lead_id: row.provider_lead_id,
      pattern,
    };
    let action = this.adapter.outboxRequest(item);
    if ("needs_lead_id" in action) {
      if (!this.adapter.findLeadId) return { kind: "failed", error: `${this.name}: ${action.needs_lead_id}` };
      const found = await this.adapter.findLeadId(item, this.opts.http);
      if (found === null) return { kind: "done", note: "the provider has no such lead: nothing to stop" };
      if (typeof found !== "string") return fromFailure(found);
      item = { ...item, provider_lead_id: found };
      action = this.adapter.outboxRequest(item);
    }
    if ("unsupported" in action) return { kind: "done", note: `not sent: ${action.unsupported}` };
    if ("needs_lead_id" in action) return { kind: "failed", error: `${this.name}: ${action.needs_lead_id}` };
    const res = await this.opts.http.call(action.request);
    if (res.ok) return { kind: "done" };
    if (res.kind === "permanent" && res.status === 404 && item.kind === "stop_lead") return { kind: "done", note: "lead already gone at the provider (404)" };
    return fromFailure(res);
  }
}

/** fn over items, at most n at once; resolves when all are done (fn never rejects here). */
async function eachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

function fromFailure(f: Failure): ItemOutcome {
  return f.kind === "retry" ? { kind: "retry", error: f.error, retryAfterMs: f.retryAfterMs } : { kind: "failed", error: f.error };
}
