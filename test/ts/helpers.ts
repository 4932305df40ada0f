import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, dropDatabase, withDatabase } from "../../src/runner/pgurl.ts";

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, cloned from the migrated template that
 * `npm test` prepared (OEH_TEST_ADMIN_URL, OEH_TEST_TEMPLATE).
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const admin = process.env.OEH_TEST_ADMIN_URL;
  const template = process.env.OEH_TEST_TEMPLATE;
  if (!admin || !template) throw new Error("run vitest through `npm test` (it prepares the template database)");
  const name = `${template.replace(/_tpl$/, "")}_ts_${randomBytes(4).toString("hex")}`;
  await createDatabase(admin, name, template);
  const url = withDatabase(admin, name);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await dropDatabase(admin, name);
    },
  };
}
