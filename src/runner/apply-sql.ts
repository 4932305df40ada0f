/**
 * Re-applies every idempotent definition under sql/ (functions, views, triggers,
 * grants) in file-name order, in one transaction. graphile-migrate runs this after
 * every migrate (`afterAllMigrations`, GM_DBURL); it can also be run by hand:
 *   DATABASE_URL=... tsx src/runner/apply-sql.ts
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { filesUnder } from "./files.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sqlDir = path.join(root, "sql");

/** Every .sql file under dir, sorted by its path relative to dir. */
export function sqlFiles(dir: string = sqlDir): string[] {
  return filesUnder(dir, ".sql").sort((a, b) => path.relative(dir, a).localeCompare(path.relative(dir, b), "en"));
}

export async function applySql(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 30 });
  const files = sqlFiles();
  try {
    await sql.begin(async (tx) => {
      // Two migrations at once apply one after the other.
      await tx`select pg_advisory_xact_lock(hashtext('outreach.apply_sql'))`;
      for (const file of files) {
        try {
          await tx.unsafe(readFileSync(file, "utf8")).simple();
        } catch (err) {
          const e = err as Error & { code?: string; position?: string };
          throw new Error(`${path.relative(root, file)}: ${e.message}${e.code ? ` [${e.code}]` : ""}`, {
            cause: err,
          });
        }
      }
    });
  } finally {
    await sql.end();
  }
  return files.length;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const url = process.env.GM_DBURL ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("apply-sql: set GM_DBURL or DATABASE_URL");
    process.exit(2);
  }
  applySql(url).then(
    (n) => console.error(`apply-sql: applied ${n} files from sql/`),
    (err: unknown) => {
      console.error(`apply-sql: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
