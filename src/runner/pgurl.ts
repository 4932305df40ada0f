import postgres from "postgres";

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/** A short-lived admin connection (no notices printed). */
export function adminSql(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, idle_timeout: 5, connect_timeout: 30 });
}

export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const sql = adminSql(adminUrl);
  try {
    const exists = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) {
      await sql.unsafe(
        `create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ""}`,
      );
    }
  } finally {
    await sql.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = adminSql(adminUrl);
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await sql.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
