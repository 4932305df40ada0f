/**
 * squawk over the migrations: every file of migrations/committed/ and
 * migrations/current.sql is one test, linted with the rules of `.squawk.toml`.
 *
 *   npm run lint:migrations      alone (no database needed); exit 1 on a violation
 *   npm test                     runs it too, as "lint/squawk/<file>", in the final count
 *
 * graphile-migrate wraps each migration in a transaction unless the file starts with
 * `--! no-transaction`; such a file is linted with --no-assume-in-transaction.
 * The files `.squawk.toml` excludes (committed before the gate existed) are reported
 * as skipped, with the reason, and counted as passed (as pgTAP counts a skip).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const squawkBin = path.join(root, "node_modules", ".bin", "squawk");

export interface SquawkFileResult {
  /** Path relative to the repository root. */
  file: string;
  status: "passed" | "failed" | "excluded";
  problems: string[];
}

interface Violation {
  file: string;
  line: number;
  column: number;
  level: string;
  message: string;
  help: string | null;
  rule_name: string;
}

/** The migration files, relative to the root: committed in order, then current.sql. */
export function migrationFiles(): string[] {
  const committed = path.join(root, "migrations", "committed");
  const files = existsSync(committed)
    ? readdirSync(committed)
        .filter((f) => f.endsWith(".sql"))
        .sort()
        .map((f) => path.join("migrations", "committed", f))
    : [];
  const current = path.join("migrations", "current.sql");
  if (existsSync(path.join(root, current))) files.push(current);
  return files;
}

/** True when the file's leading `--!` headers include graphile-migrate's `--! no-transaction`. */
function runsOutsideTransaction(rel: string): boolean {
  for (const line of readFileSync(path.join(root, rel), "utf8").split("\n")) {
    const l = line.trim();
    if (/^--!\s*no-transaction\b/i.test(l)) return true;
    if (l !== "" && !l.startsWith("--!")) return false;
  }
  return false;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(squawkBin, args, { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` }));
    child.on("close", (c) => resolve({ code: c ?? 1, stdout, stderr }));
  });
}

export async function lintMigration(rel: string): Promise<SquawkFileResult> {
  if (!existsSync(squawkBin)) {
    return { file: rel, status: "failed", problems: ["squawk is not installed (npm ci installs the devDependency squawk-cli)"] };
  }
  const tx = runsOutsideTransaction(rel) ? "--no-assume-in-transaction" : "--assume-in-transaction";
  const { code, stdout, stderr } = await run(["--config", ".squawk.toml", "--reporter", "json", tx, rel]);
  // A path .squawk.toml excludes is not a file squawk looks at: "Failed to find files".
  if (code !== 0 && stdout.trim() === "" && /Failed to find files/.test(stderr)) {
    return { file: rel, status: "excluded", problems: [] };
  }
  let violations: Violation[];
  try {
    violations = JSON.parse(stdout) as Violation[];
  } catch {
    return { file: rel, status: "failed", problems: [`squawk exited with ${code}: ${(stderr || stdout).trim()}`] };
  }
  const problems = violations.map(
    (v) => `${v.file}:${v.line + 1}:${v.column + 1} ${v.rule_name}: ${v.message}${v.help ? ` (${v.help})` : ""}`,
  );
  if (code !== 0 && problems.length === 0) problems.push(`squawk exited with ${code}: ${stderr.trim()}`);
  return { file: rel, status: problems.length === 0 ? "passed" : "failed", problems };
}

/**
 * Lints every migration file whose test name `lint/squawk/<file>` contains one of the
 * filters (all of them without filters); prints one line per file with `say`.
 */
export async function runSquawk(
  filters: string[] = [],
  say: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<{ passed: number; failed: number }> {
  const tally = { passed: 0, failed: 0 };
  for (const rel of migrationFiles()) {
    const name = `lint/squawk/${rel}`;
    if (filters.length && !filters.some((f) => name.includes(f))) continue;
    const r = await lintMigration(rel);
    if (r.status === "failed") {
      tally.failed++;
      say(`FAIL   ${name} (${r.problems.length} squawk violation${r.problems.length === 1 ? "" : "s"})`);
      for (const p of r.problems) say(`         ${p}`);
    } else {
      tally.passed++;
      say(`ok     ${name}${r.status === "excluded" ? " # skip: excluded in .squawk.toml (committed before the gate)" : ""}`);
    }
  }
  return tally;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const t = await runSquawk(process.argv.slice(2).filter((a) => !a.startsWith("--")));
  console.log(`${t.passed} passed, ${t.failed} failed`);
  process.exitCode = t.failed === 0 ? 0 : 1;
}
