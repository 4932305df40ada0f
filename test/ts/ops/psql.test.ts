import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psqlInvocation } from "../../../src/ops/psql.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let db: TestDatabase;

/** `npm run psql -- <args>` as a user runs it, against DATABASE_URL. */
function npmPsql(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "-s", "psql", "--", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("npm run psql", () => {
  it("runs psql on DATABASE_URL with the arguments given, and returns its exit code", async () => {
    const ok = await npmPsql(["-X", "-A", "-t", "-c", "select current_database() || ':' || (select count(*) from outreach.settings)"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe(`${new URL(db.url).pathname.slice(1)}:1`);
    const failed = await npmPsql(["-X", "-c", "select 1/0"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/division by zero/);
  });

  it("keeps the password off the command line", () => {
    const call = psqlInvocation("postgres://hub:s%40cret@db.example:5433/outreach?sslmode=require", ["-c", "select 1"], {});
    expect(call.args).toEqual(["-d", "postgres://hub@db.example:5433/outreach?sslmode=require", "-c", "select 1"]);
    expect(call.env.PGPASSWORD).toBe("s@cret");
    expect(psqlInvocation("postgres://root@127.0.0.1/x", [], {}).env.PGPASSWORD).toBeUndefined();
  });
});
