/**
 * The shape of every worker task: validate the payload (zod), take or mint a
 * UUID v4 correlation id, make one SQL call, log one line. A payload that fails
 * validation, or that the database refuses (OR…, 22…, 23… SQLSTATEs), is recorded
 * in outreach.outreach_errors and not retried; any other failure is recorded (in
 * its own transaction) and rethrown so graphile-worker retries the job with backoff.
 */
import { randomUUID } from "node:crypto";
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { recordError, type Sql } from "./db.ts";
import type { Logger } from "./log.ts";

export interface TaskContext {
  sql: Sql;
  log: Logger;
}

let context: TaskContext | undefined;

/** Wires the tasks to a database and a logger; the runner calls it once at start. */
export function setTaskContext(ctx: TaskContext): void {
  context = ctx;
}

const uuidV4 = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, "must be a UUID v4");

/** Every payload may carry a correlation id; it is minted when absent. */
export const withCorrelation = z.object({ correlation_id: uuidV4.optional() });

/**
 * SQLSTATEs that mean "this input is refused" (the hub's OR codes, data exceptions
 * and integrity violations): the job is recorded, not retried. Everything else is
 * presumed transient.
 */
export function isPermanent(sqlstate: string | undefined): boolean {
  if (!sqlstate) return false;
  if (sqlstate === "23P01" || sqlstate === "40001" || sqlstate === "40P01") return false;
  return sqlstate.startsWith("OR") || sqlstate.startsWith("22") || sqlstate.startsWith("23") || sqlstate === "P0001";
}

export function defineTask<S extends z.ZodObject>(
  name: string,
  schema: S,
  run: (payload: z.infer<S>, correlationId: string, ctx: TaskContext, helpers: JobHelpers) => Promise<Record<string, unknown>>,
): Task {
  const full = schema.extend(withCorrelation.shape);
  return async (payload: unknown, helpers: JobHelpers) => {
    if (!context) throw new Error("task context not set: call setTaskContext first");
    const ctx = context;
    const started = performance.now();
    const raw = (payload ?? {}) as Record<string, unknown>;
    const parsed = full.safeParse(raw);
    if (!parsed.success) {
      // Keep the caller's id if it is a usable v4, so the failure can be traced.
      const given = uuidV4.safeParse(raw.correlation_id);
      const correlationId = given.success ? given.data : randomUUID();
      const message = `invalid ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
      await recordError(ctx.sql, { correlationId, source: `task:${name}`, message, sqlstate: "22023", detail: { payload: raw, job_id: helpers.job.id } });
      ctx.log.warn({ task: name, correlation_id: correlationId, job_id: helpers.job.id, outcome: "invalid_payload" }, message);
      return; // recorded, not retried
    }
    const data = parsed.data as z.infer<S> & { correlation_id?: string };
    const correlationId = data.correlation_id ?? randomUUID();
    try {
      const result = await run(data, correlationId, ctx, helpers);
      ctx.log.info(
        { task: name, correlation_id: correlationId, job_id: helpers.job.id, outcome: "ok", ms: Math.round(performance.now() - started), ...result },
        `${name} ok`,
      );
    } catch (err) {
      const e = err as Error & { code?: string };
      await recordError(ctx.sql, {
        correlationId,
        source: `task:${name}`,
        message: e.message,
        sqlstate: e.code,
        detail: { payload: raw, job_id: helpers.job.id, attempt: helpers.job.attempts },
      }).catch((recErr: unknown) => ctx.log.error({ task: name, correlation_id: correlationId, err: recErr }, "could not record error"));
      const permanent = isPermanent(e.code);
      ctx.log.error(
        {
          task: name,
          correlation_id: correlationId,
          job_id: helpers.job.id,
          outcome: permanent ? "refused" : "failed",
          sqlstate: e.code,
          attempt: helpers.job.attempts,
          ms: Math.round(performance.now() - started),
        },
        `${name} ${permanent ? "refused" : "failed"}: ${e.message}`,
      );
      // The database refused the input itself: retrying cannot help, the error is recorded.
      if (permanent) return;
      throw err; // anything else (connection, deadlock, serialization...): graphile-worker retries with backoff
    }
  };
}
