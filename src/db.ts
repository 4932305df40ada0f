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
