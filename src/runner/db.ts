/**
 * Every SQL call the runner makes, in one place. Business rules stay in SQL:
 * each function here is one call of the public API with named, cast arguments.
 */
import postgres from "postgres";

export type Sql = postgres.Sql;

export function connect(url: string, max = 4): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: "outreach-hub" },
    types: { bigint: postgres.BigInt },
  });
}

export async function initPending(sql: Sql, correlationId: string, maxRows: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select outreach.init_pending(correlation_id => ${correlationId}::uuid, max_rows => ${maxRows}::int) as n`;
  return row?.n ?? 0;
}

/** Appends an error with its correlation id, in its own transaction (autocommit). */
export async function recordError(
  sql: Sql,
  e: { correlationId: string; source: string; message: string; sqlstate?: string; detail?: unknown; outreachId?: string },
): Promise<void> {
  await sql`
    select outreach.record_error(
      correlation_id => ${e.correlationId}::uuid,
      source => ${e.source}::text,
      message => ${e.message}::text,
      sqlstate => ${e.sqlstate ?? null}::text,
      detail => ${sql.json((e.detail ?? {}) as postgres.JSONValue)}::jsonb,
      outreach_id => ${e.outreachId ?? null}::uuid)`;
}

export interface Promotion {
  outreach_id: string;
  send_id: string | null;
  campaign_id: string;
  sequence_id: string;
  person_id: string;
  slot_type: string;
  email_to: string;
}

export async function promote(
  sql: Sql,
  correlationId: string,
  opts: { maxRows: number; asOf?: Date; dryRun?: boolean },
): Promise<Promotion[]> {
  return sql<Promotion[]>`
    select * from outreach.promote(
      correlation_id => ${correlationId}::uuid,
      max_rows => ${opts.maxRows}::int,
      as_of => coalesce(${opts.asOf ?? null}::timestamptz, now()),
      dry_run => ${opts.dryRun ?? false}::boolean)`;
}

export interface SwitchRow {
  switch: string;
  threshold: string | null;
  observed: string | null;
  tripped: boolean;
  tripped_at: Date | null;
  resumes_at: Date | null;
  action: string;
}

export async function checkKillSwitches(sql: Sql, correlationId: string): Promise<SwitchRow[]> {
  return sql<SwitchRow[]>`select * from outreach.check_kill_switches(correlation_id => ${correlationId}::uuid)`;
}

export async function killSwitchBoard(sql: Sql): Promise<SwitchRow[]> {
  return sql<SwitchRow[]>`select * from outreach.kill_switches()`;
}

export async function advanceSequences(sql: Sql, correlationId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select outreach.advance_sequences(correlation_id => ${correlationId}::uuid) as n`;
  return row?.n ?? 0;
}

export interface EventInput {
  send_id: string;
  event_type: string;
  event_ts: string;
  source_system: string;
  metadata?: Record<string, unknown>;
}

export async function recordEvents(
  sql: Sql,
  correlationId: string,
  events: EventInput[],
): Promise<{ recorded: number; duplicates: number }> {
  const [row] = await sql<{ recorded: number; duplicates: number }[]>`
    select count(*) filter (where not r.is_duplicate)::int as recorded,
           count(*) filter (where r.is_duplicate)::int as duplicates
      from outreach.record_events(
             events => ${sql.json(events as unknown as postgres.JSONValue)}::jsonb,
             correlation_id => ${correlationId}::uuid) r`;
  return row ?? { recorded: 0, duplicates: 0 };
}

/** One engagement event through outreach.record_event; true when it was new (not a duplicate). */
export async function recordEvent(
  sql: Sql,
  e: EventInput & { correlationId?: string | null },
): Promise<boolean> {
  const [row] = await sql<{ is_duplicate: boolean }[]>`
    select r.is_duplicate
      from outreach.record_event(
             send_id => ${e.send_id}::uuid,
             event_type => ${e.event_type}::text,
             event_ts => ${e.event_ts}::timestamptz,
             source_system => ${e.source_system}::text,
             metadata => ${sql.json((e.metadata ?? {}) as postgres.JSONValue)}::jsonb,
             correlation_id => ${e.correlationId ?? null}::uuid) r`;
  return row ? !row.is_duplicate : false;
}

export interface Booking {
  sid: string;
  oid: string;
  exp: number;
  sig: string;
  booked_at: string;
  payload?: Record<string, unknown>;
}

export async function recordMeetingBooked(sql: Sql, correlationId: string, b: Booking): Promise<string> {
  const [row] = await sql<{ handoff_id: string }[]>`
    select outreach.record_meeting_booked(
      sid => ${b.sid}::uuid, oid => ${b.oid}::uuid, exp => ${b.exp}::bigint, sig => ${b.sig}::text,
      booked_at => ${b.booked_at}::timestamptz, correlation_id => ${correlationId}::uuid,
      payload => ${sql.json((b.payload ?? {}) as postgres.JSONValue)}::jsonb) as handoff_id`;
  if (!row) throw new Error("record_meeting_booked returned nothing");
  return row.handoff_id;
}

export interface FunnelRow {
  reason: string;
  records: string;
  sole_blocker: string | null;
}

export async function gateFunnel(sql: Sql): Promise<FunnelRow[]> {
  return sql<FunnelRow[]>`select reason, records::text, sole_blocker::text from outreach.v_gate_funnel`;
}

export type Enqueued = { duplicate: boolean; jobId: string };

/**
 * Adds a graphile-worker job unless a job with the same key is still queued;
 * serialised per key, so concurrent replays add one.
 */
export async function enqueueOnce(sql: Sql, task: string, key: string, payload: Record<string, unknown>): Promise<Enqueued> {
  return sql.begin(async (tx): Promise<Enqueued> => {
    await tx`select pg_advisory_xact_lock(hashtext(${"outreach.webhook"}::text), hashtext(${key}::text))`;
    const [existing] = await tx<{ id: string }[]>`
      select id::text as id from graphile_worker.jobs where key = ${key}::text limit 1`;
    if (existing) return { duplicate: true, jobId: existing.id };
    const [job] = await tx<{ id: string }[]>`
      select id::text as id
        from graphile_worker.add_job(
               identifier => ${task}::text,
               payload => ${tx.json(payload as postgres.JSONValue)}::json,
               job_key => ${key}::text,
               job_key_mode => ${"preserve_run_at"}::text,
               max_attempts => ${25}::int)`;
    if (!job) throw new Error(`add_job returned no row for ${task}`);
    return { duplicate: false, jobId: job.id };
  });
}

// ---------------------------------------------------------------- crash recovery (graphile-worker's queue)

/**
 * The namespace of the runners' liveness locks: a live runner holds the session
 * advisory lock (hashtext(RUNNER_LOCK), hashtext(<its worker pool id>)) on a
 * connection of its own (recovery.ts). PostgreSQL drops it when that session
 * ends, so a process killed with -9 stops holding it at once.
 */
export const RUNNER_LOCK = "outreach.runner";

/**
 * The statement a runner's liveness connection (node-postgres, held for the
 * process's life) sends to take its pool's lock and name itself in pg_stat_activity.
 */
export function holdRunnerLockQuery(poolId: string, applicationName: string): { text: string; values: string[] } {
  return {
    text: "select pg_advisory_lock(hashtext($1::text), hashtext($2::text)), set_config('application_name', $3::text, false)",
    values: [RUNNER_LOCK, poolId, applicationName],
  };
}

export interface ReleasedLocks {
  /** Worker pool ids whose locks were released, with how many jobs each held. */
  pools: { pool: string; jobs: number }[];
}

/**
 * Releases the job locks of worker pools that are gone: no session holds their
 * liveness lock and their newest lock is older than staleSeconds. Live pools are
 * never touched, however long their jobs run. graphile-worker's
 * force_unlock_workers does the release (jobs and named queues); on its own,
 * graphile-worker would wait 4 hours.
 */
export async function releaseAbandonedLocks(sql: Sql, ownPoolId: string | null, staleSeconds: number): Promise<ReleasedLocks> {
  return sql.begin(async (tx): Promise<ReleasedLocks> => {
    // The try-lock is volatile, so it runs only on the rows the materialized CTE kept;
    // taking it proves no live session holds it (released at commit).
    const gone = await tx<{ pool: string; jobs: number }[]>`
      with lockers as materialized (
        select locked_by, count(*)::int as jobs
          from graphile_worker.jobs
         where locked_by is not null
           and locked_by is distinct from ${ownPoolId}::text
         group by locked_by
        having max(locked_at) < now() - make_interval(secs => ${staleSeconds}::int)
      )
      select locked_by as pool, jobs
        from lockers
       where pg_try_advisory_xact_lock(hashtext(${RUNNER_LOCK}::text), hashtext(locked_by))`;
    if (gone.length > 0) {
      await tx`select graphile_worker.force_unlock_workers(${gone.map((g) => g.pool)}::text[])`;
    }
    return { pools: gone.map((g) => ({ pool: g.pool, jobs: g.jobs })) };
  });
}

