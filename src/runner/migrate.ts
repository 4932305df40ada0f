import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Applies every committed migration, then (always) the idempotent sql/ definitions,
 * through graphile-migrate's own CLI so `.gmrc` is the one description of how.
 */
export async function migrate(url: string): Promise<string> {
  const bin = path.join(root, "node_modules", ".bin");
  try {
    const { stdout, stderr } = await run(path.join(bin, "graphile-migrate"), ["migrate", "--forceActions"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}${stderr}`.trim();
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`migrate failed: ${(e.stderr || e.stdout || e.message).trim()}`, { cause: err });
  }
}
