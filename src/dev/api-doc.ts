/**
 * Writes docs/api-reference.md from the catalog of a migrated database: every function
 * and view of the `outreach` schema (triggers excluded) with its signature, what it
 * returns and its `comment on`. The comments are the one description of each object, so
 * the page cannot drift from the SQL: vitest regenerates it from the test template and
 * fails when the committed page differs.
 *
 *   npm run docs:api                 # DATABASE_URL, or the embedded database (migrated first)
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const apiReferencePath = path.join(root, "docs", "api-reference.md");

interface Row {
  kind: string;
  name: string;
  args: string;
  returns: string;
  comment: string | null;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();

/** The page, rendered from the catalog of the database at url. */
export async function renderApiReference(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = [...(await sql<Row[]>`
      select 'function' as kind, p.proname::text as name,
             pg_get_function_arguments(p.oid) as args,
             pg_get_function_result(p.oid) as returns,
             obj_description(p.oid, 'pg_proc') as comment
        from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'outreach' and p.prokind = 'f'
         and p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
      union all
      select 'view', c.relname::text, '', '', obj_description(c.oid, 'pg_class')
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'outreach' and c.relkind in ('v', 'm')
`)];
    // Code-point order, so the page is the same whatever the database's collation.
    const key = (r: Row): string => `${r.name}\u0000${r.args}`;
    rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const out: string[] = [
      "# API reference",
      "",
      "Generated from the catalog by `npm run docs:api` (every function and view of the `outreach`",
      "schema with its `comment on`); `npm test` fails when this page and the SQL disagree.",
      "Rules and decisions: [sql-api.md](sql-api.md); error codes: [errors.md](errors.md).",
      "",
      "## Functions",
      "",
      "| function | returns | what it does |",
      "|---|---|---|",
    ];
    for (const r of rows.filter((r) => r.kind === "function")) {
      out.push(`| \`outreach.${r.name}(${cell(r.args)})\` | \`${cell(r.returns)}\` | ${cell(r.comment ?? "")} |`);
    }
    out.push("", "## Views", "", "| view | what it is |", "|---|---|");
    for (const r of rows.filter((r) => r.kind === "view")) {
      out.push(`| \`outreach.${r.name}\` | ${cell(r.comment ?? "")} |`);
    }
    return `${out.join("\n")}\n`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { loadConfig } = await import("../runner/config.ts");
  const { openDatabase } = await import("../runner/database.ts");
  const { migrate } = await import("../runner/migrate.ts");
  const db = await openDatabase(loadConfig());
  try {
    await migrate(db.url);
    writeFileSync(apiReferencePath, await renderApiReference(db.url));
    console.error(`docs:api: wrote ${path.relative(root, apiReferencePath)}`);
  } finally {
    await db.stop();
  }
}
