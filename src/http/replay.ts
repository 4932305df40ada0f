/**
 * Replays. A delivery is identified by its accepted signature; its job gets the
 * job key `webhook:<sha256 hex of the accepted v1 value>`. Under a
 * transaction-level advisory lock on that key, the receiver looks the key up in
 * graphile_worker.jobs and only calls add_job when it is absent (db.ts
 * enqueueOnce), so a replay while the job is queued, running or failed is
 * answered 200 "duplicate": across restarts and across several receivers on one
 * database. A job the worker has finished is deleted (and its key with it), so an
 * in-memory set of accepted keys, kept for twice the tolerance window (the only
 * time a replayed signature can still pass the timestamp check), covers that
 * case in this process. What remains (a restart, then a replay within the
 * tolerance window of a delivery whose job already finished) is harmless:
 * record_meeting_booked returns the same handoff and record_events drops events
 * it already has.
 */
import { createHash } from "node:crypto";
import { enqueueOnce, type Enqueued, type Sql } from "../runner/db.ts";

/** The graphile-worker job key of a delivery: its accepted signature, hashed. */
export function deliveryJobKey(signatureHex: string): string {
  return `webhook:${createHash("sha256").update(signatureHex.toLowerCase()).digest("hex")}`;
}

/** Job keys accepted recently, oldest first, each forgotten after ttlMs; at most max of them. */
export class RecentKeys {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  has(key: string, now: number): boolean {
    const until = this.seen.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    for (const [oldest, until] of this.seen) {
      if (this.seen.size <= this.max && until > now) break;
      this.seen.delete(oldest);
    }
  }
}

export type Delivered = Enqueued | { duplicate: true; jobId?: undefined };

/** Enqueues each delivery once: in-memory set first, then the job key under its advisory lock. */
export class Deliveries {
  private readonly recent: RecentKeys;
  constructor(
    private readonly sql: Sql,
    toleranceSeconds: number,
  ) {
    this.recent = new RecentKeys(2 * toleranceSeconds * 1000 + 60_000, 100_000);
  }

  /** Queues the job unless this delivery was already accepted; throws when the queue is unavailable. */
  async enqueue(task: string, key: string, payload: Record<string, unknown>): Promise<Delivered> {
    if (this.recent.has(key, Date.now())) return { duplicate: true };
    const queued = await enqueueOnce(this.sql, task, key, payload);
    this.recent.add(key, Date.now());
    return queued;
  }
}
