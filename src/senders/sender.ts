/**
 * What a sender is to the dispatcher (src/runner/dispatch.ts): a translator from one
 * claimed send (a row of outreach.claim_sends) to the outside world and back to an
 * outcome. It decides nothing: SQL decided the send is takeable, and SQL decides what
 * an outcome means (ack_send, release_send with its retries and max attempts).
 *
 * One module per sender under src/senders/, listed in src/senders/index.ts.
 */
import type { ClaimedSend, Sender as SenderName } from "../runner/dispatch-db.ts";
import type { Sql } from "../runner/db.ts";
import type { Logger } from "../runner/log.ts";
import type { SenderTally } from "../runner/dispatch.ts";

export type { ClaimedSend, SenderName };

/** What happened to one claimed send. */
export type Delivery =
  /** Accepted by the next hop (SMTP 2xx, provider 2xx): ack_send. */
  | { outcome: "sent"; providerMessageId: string; sentAt: Date | null; detail: Record<string, unknown> }
  /** Not taken this time, may be next time (SMTP 4xx, connection errors, timeouts): release_send, default backoff. */
  | { outcome: "retry"; error: string; retryAfter?: Date; detail: Record<string, unknown> }
  /** The recipient was refused for good (SMTP 5xx on RCPT TO): an email_bounce event, then release_send permanent. */
  | { outcome: "bounce"; error: string; detail: Record<string, unknown> }
  /** This message can never go out as it is (5xx to its content, an address the client refuses): release_send permanent, no bounce. */
  | { outcome: "rejected"; error: string; detail: Record<string, unknown> };

export interface Sender {
  /** campaigns.sender value this sender claims for. */
  readonly name: SenderName;
  /**
   * Null when the sender can take work now, else why not (its server unreachable,
   * credentials refused). Asked once per cycle before claiming, so an outage
   * leases nothing and burns no attempts.
   */
  ready(): Promise<string | null>;
  /** Hands one claimed send over; never throws for the send's own failure (that is a Delivery). */
  deliver(send: ClaimedSend): Promise<Delivery>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** What a batch sender's cycle gets from the dispatcher (src/runner/dispatch.ts). */
export interface CycleContext {
  sql: Sql;
  log: Logger;
  /** The cycle's correlation id (claim_sends' and claim_outbox's argument). */
  correlationId: string;
  /** Sends handed over per cycle, at most. */
  maxRows: number;
  /** Rows reported to SQL at once (acks and releases are independent of each other). */
  concurrency: number;
  leaseSeconds: number;
  asOf?: Date;
}

/**
 * A sender that hands work over in batches and keeps its own discipline inside one
 * cycle (the providers, src/senders/io/): claim → push a batch → ack or release each
 * row, then drain its provider outbox. The dispatcher calls `cycle` instead of
 * `deliver`, after `ready`.
 */
export interface BatchSender {
  readonly name: string;
  ready(): Promise<string | null>;
  cycle(ctx: CycleContext): Promise<SenderTally>;
  close(): Promise<void>;
}

export type AnySender = Sender | BatchSender;

/**
 * A sender module: reads its own configuration from the environment (zod) and
 * builds the sender, or returns null when it is not configured (its campaigns'
 * sends then wait for a runner that is). Throws on configuration that is present
 * but invalid. Building opens no connection.
 */
export interface SenderModule {
  readonly name: SenderName;
  fromEnv(env: NodeJS.ProcessEnv): AnySender | null;
}
