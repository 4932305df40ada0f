/**
 * `npm test`: every pgTAP file and every vitest test against a real PostgreSQL.
 *
 * Server: DATABASE_URL's when set (it must be a superuser: tests create databases
 * and switch roles), otherwise an embedded PostgreSQL in a temporary directory.
 * It migrates one template database, then gives every pgTAP file a database of
 * its own cloned from it (so concurrency tests may commit through dblink without
 * disturbing anyone), runs vitest with the same template, drops everything it
 * made, and ends with one line: `N passed, N failed`.
 *
 *   npm test                      everything
 *   npm test -- --sql cooling     pgTAP files whose path contains "cooling"
 *   npm test -- --ts              vitest only
 *   npm test -- --sql lint        the quality gates (test/sql/lint/ and squawk)
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbedded, type EmbeddedServer } from "../runner/embedded.ts";
import { filesUnder } from "../runner/files.ts";
import { migrate } from "../runner/migrate.ts";
import { runSquawk } from "./squawk.ts";
import type postgres from "postgres";
import { adminSql, createDatabase, dropDatabase, withDatabase } from "../runner/pgurl.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Tally {
  passed: number;
  failed: number;
}

function say(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const onlySql = argv.includes("--sql");
const onlyTs = argv.includes("--ts");
const filters = argv.filter((a) => !a.startsWith("--"));
const runSqlTests = !onlyTs;
const runTsTests = !onlySql;

// ---------------------------------------------------------------- pgTAP install
function pgtapShareDirs(): string[] {
  const base = "/usr/share/postgresql";
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, "extension", "pgtap.control")))
    .map((v) => path.join(base, v));
}

function aptInstall(pkg: string, what = "pgTAP"): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} is missing: install the Debian package ${pkg} (needs root)`);
  }
  say(`test: installing ${pkg} (apt-get)`);
  const opts = { stdio: "ignore" as const, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  let r = spawnSync("apt-get", ["install", "-y", "-q", pkg], opts);
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], opts);
    r = spawnSync("apt-get", ["install", "-y", "-q", pkg], opts);
  }
  if (r.status !== 0) throw new Error(`apt-get install ${pkg} failed`);
}

function localPsqlMajor(): string {
  const r = spawnSync("psql", ["--version"], { encoding: "utf8" });
  const m = /(\d+)\.\d+/.exec(r.stdout ?? "");
  if (!m?.[1]) throw new Error("psql is not installed (Debian package postgresql-client)");
  return m[1];
}

/** Makes sure the server behind adminUrl can `create extension pgtap`. */
async function ensurePgtapOn(adminUrl: string): Promise<void> {
  const sql = adminSql(adminUrl);
  try {
    const have = async () =>
      (await sql`select 1 from pg_available_extensions where name = 'pgtap'`).length > 0;
    if (await have()) return;
    const [row] = await sql<{ major: string }[]>`select current_setting('server_version_num')::int / 10000 as major`;
    aptInstall(`postgresql-${row?.major}-pgtap`);
    if (!(await have())) throw new Error("pgTAP was installed but the server does not see it (is it on this machine?)");
  } finally {
    await sql.end();
  }
}

// ---------------------------------------------------------------- plpgsql_check
// A C library built for one PostgreSQL major: Debian's postgresql-<major>-plpgsql-check
// serves the machine's own server (CI's PostgreSQL 15), never the embedded 18.
// test/sql/lint/plpgsql_check.test.sql runs where the extension could be created in the
// template database and reports itself skipped (with the reason) everywhere else.
// OEH_REQUIRE_PLPGSQL_CHECK=1 (CI's PostgreSQL 15 run) makes its absence an error instead.
const requirePlpgsqlCheck = process.env.OEH_REQUIRE_PLPGSQL_CHECK === "1";

/** Installs postgresql-<major>-plpgsql-check for the server behind adminUrl when missing. */
async function ensurePlpgsqlCheckOn(adminUrl: string): Promise<void> {
  const sql = adminSql(adminUrl);
  try {
    const have = async () =>
      (await sql`select 1 from pg_available_extensions where name = 'plpgsql_check'`).length > 0;
    if (await have()) return;
    const [row] = await sql<{ major: string }[]>`select current_setting('server_version_num')::int / 10000 as major`;
    const pkg = `postgresql-${row?.major}-plpgsql-check`;
    if (process.getuid?.() !== 0 && !requirePlpgsqlCheck) {
      say(`test: plpgsql_check is missing (Debian package ${pkg}, needs root): its gate will be skipped`);
      return;
    }
    aptInstall(pkg, "plpgsql_check");
    if (!(await have())) say(`test: ${pkg} was installed but the server does not see it: the plpgsql_check gate will be skipped`);
  } finally {
    await sql.end();
  }
}

/** Creates plpgsql_check in the template database when this server can load it. */
async function createPlpgsqlCheck(tpl: postgres.Sql): Promise<void> {
  try {
    await tpl`create extension if not exists plpgsql_check`;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (requirePlpgsqlCheck) throw new Error(`plpgsql_check is required but cannot be created: ${why}`, { cause: err });
    say(`test: plpgsql_check cannot be created on this server (${why}): its gate will be skipped`);
  }
}

// ---------------------------------------------------------------- pgTAP run
const FILE_TIMEOUT_MS = 180_000;

interface FileResult extends Tally {
  file: string;
  output: string;
  problems: string[];
}

/** Parses psql's TAP output of one file. */
export function parseTap(output: string, exitCode: number): Tally & { problems: string[] } {
  let planned: number | null = null;
  let passed = 0;
  let failed = 0;
  const problems: string[] = [];
  for (const line of output.split("\n")) {
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan?.[1]) planned = Number(plan[1]);
    else if (/^ok \d+/.test(line)) passed++;
    else if (/^not ok \d+/.test(line)) {
      if (/# TODO/i.test(line)) passed++;
      else {
        failed++;
        problems.push(line);
      }
    }
  }
  const ran = passed + failed;
  if (planned === null) {
    problems.push("no plan printed");
    failed = Math.max(failed, 1);
  } else if (planned !== ran) {
    problems.push(`planned ${planned} tests, ran ${ran}`);
    failed += Math.max(planned - ran, 1);
  }
  if (exitCode !== 0) {
    problems.push(`psql exited with ${exitCode}`);
    if (failed === 0) failed = 1;
  }
  return { passed, failed, problems };
}

async function runPgtapFile(file: string, adminUrl: string, template: string, dbName: string): Promise<FileResult> {
  await createDatabase(adminUrl, dbName, template);
  const url = withDatabase(adminUrl, dbName);
  try {
    const sql = adminSql(adminUrl);
    try {
      // Concurrency tests open their own sessions through dblink with this.
      await sql.unsafe(`alter database "${dbName}" set oeh.test_dsn = '${url.replaceAll("'", "''")}'`);
    } finally {
      await sql.end();
    }
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(
        "psql",
        ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "--pset", "pager=off", "-d", url, "-f", file],
        // A hung file (a lock wait through dblink, say) fails instead of hanging the run.
        { env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning -c statement_timeout=120s" } },
      );
      const killer = setTimeout(() => child.kill("SIGKILL"), FILE_TIMEOUT_MS);
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("close", (c) => {
        clearTimeout(killer);
        resolve({ code: c ?? 1, output: c === null ? `${out}\n# killed after ${FILE_TIMEOUT_MS / 1000} s` : out });
      });
    });
    return { file, output, ...parseTap(output, code) };
  } finally {
    await dropDatabase(adminUrl, dbName);
  }
}

async function runPgtap(adminUrl: string, template: string, runId: string): Promise<Tally> {
  let files = filesUnder(path.join(root, "test", "sql"), ".test.sql").sort();
  if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
  const results: FileResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const r = await runPgtapFile(file, adminUrl, template, `${runId}_${i}`);
      results.push(r);
      const rel = path.relative(root, file);
      if (r.failed === 0) say(`ok     ${rel} (${r.passed})`);
      else {
        say(`FAIL   ${rel} (${r.passed} passed, ${r.failed} failed)`);
        for (const p of r.problems) say(`         ${p}`);
        for (const line of r.output.split("\n").filter((l) => /^#|ERROR|psql:/.test(l))) say(`         ${line}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed }), { passed: 0, failed: 0 });
}

// ---------------------------------------------------------------- vitest run
async function runVitest(adminUrl: string, template: string): Promise<Tally> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "oeh-vitest-"));
  const report = path.join(tmp, "report.json");
  const args = ["vitest", "run", "--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", args[0]!), args.slice(1).concat(filters), {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, OEH_TEST_ADMIN_URL: adminUrl, OEH_TEST_TEMPLATE: template },
    });
    child.on("close", (c) => resolve(c ?? 1));
  });
  try {
    const json = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
    const failed = json.numFailedTests + (code !== 0 && json.numFailedTests === 0 ? 1 : 0);
    return { passed: json.numPassedTests, failed };
  } catch {
    return { passed: 0, failed: 1 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main
async function main(): Promise<number> {
  const started = Date.now();
  const runId = `oeh_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const template = `${runId}_tpl`;
  let embedded: EmbeddedServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const tally: Tally = { passed: 0, failed: 0 };
  let tmpDir: string | undefined;
  try {
    // squawk needs no database: the migration files themselves (src/dev/squawk.ts).
    if (runSqlTests) {
      const t = await runSquawk(filters, say);
      if (t.passed + t.failed > 0) say(`squawk: ${t.passed} passed, ${t.failed} failed`);
      tally.passed += t.passed;
      tally.failed += t.failed;
    }
    if (adminUrl) {
      if (runSqlTests) {
        await ensurePgtapOn(adminUrl);
        await ensurePlpgsqlCheckOn(adminUrl);
      }
      say(`test: server from DATABASE_URL`);
    } else {
      let shares = pgtapShareDirs();
      if (runSqlTests && shares.length === 0) {
        aptInstall(`postgresql-${localPsqlMajor()}-pgtap`);
        shares = pgtapShareDirs();
      }
      tmpDir = mkdtempSync(path.join(os.tmpdir(), "oeh-pg-"));
      chmodSync(tmpDir, 0o755); // the cluster runs as the unprivileged `postgres` user
      embedded = await startEmbedded({
        dir: path.join(tmpDir, "cluster"),
        persistent: false,
        settings: shares[0] ? { extension_control_path: `$system:${shares[0]}` } : {},
      });
      adminUrl = embedded.adminUrl;
      const server = embedded;
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        process.once(sig, () => {
          say(`test: ${sig}, stopping the embedded server`);
          void server.stop().finally(() => process.exit(130));
        });
      }
      say(`test: embedded PostgreSQL on port ${embedded.port}`);
    }
    const admin = adminSql(adminUrl);
    const [ver] = await admin<{ v: string }[]>`select current_setting('server_version') as v`;
    await admin.end();
    say(`test: PostgreSQL ${ver?.v}; template database ${template}`);

    await createDatabase(adminUrl, template);
    await migrate(withDatabase(adminUrl, template));
    const tpl = adminSql(withDatabase(adminUrl, template));
    try {
      if (runSqlTests) {
        await tpl`create extension if not exists pgtap`;
        await createPlpgsqlCheck(tpl);
      }
      await tpl`create extension if not exists dblink`;
    } finally {
      await tpl.end();
    }

    if (runSqlTests) {
      const t = await runPgtap(adminUrl, template, runId);
      say(`pgTAP: ${t.passed} passed, ${t.failed} failed`);
      tally.passed += t.passed;
      tally.failed += t.failed;
    }
    if (runTsTests) {
      const t = await runVitest(adminUrl, template);
      say(`vitest: ${t.passed} passed, ${t.failed} failed`);
      tally.passed += t.passed;
      tally.failed += t.failed;
    }
  } catch (err) {
    say(`test: ${err instanceof Error ? err.message : String(err)}`);
    tally.failed += 1;
  } finally {
    if (adminUrl) await dropDatabase(adminUrl, template).catch(() => {});
    if (embedded) await embedded.stop().catch(() => {});
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
  say(`test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed === 0 && tally.passed > 0 ? 0 : 1;
}

process.exitCode = await main();
