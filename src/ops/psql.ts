/**
 * `npm run psql [-- psql arguments]`: an interactive psql session on the hub's
 * database: DATABASE_URL, or the embedded server under OUTREACH_DATA_DIR, started
 * (and migrated) as `npm start` does and stopped when psql exits. Arguments pass
 * through (`npm run psql -- -c 'select 1'`); the exit code is psql's. The client
 * is `psql` on PATH, or PSQL. The password travels in PGPASSWORD, never on the
 * command line (where `ps` would show it).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../runner/config.ts";

/** psql's arguments and environment for url: the URL without its password, the password in PGPASSWORD. */
export function psqlInvocation(url: string, args: string[], env: NodeJS.ProcessEnv = process.env): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { args: ["-d", u.toString(), ...args], env: password ? { ...env, PGPASSWORD: password } : { ...env } };
}

/**
 * Runs psql with the terminal (stdio inherited) and resolves with its exit code.
 * Ctrl-C reaches psql from the terminal (it cancels the query), so this process
 * ignores SIGINT meanwhile; SIGTERM and SIGHUP are passed on to psql.
 */
export function runPsql(url: string, args: string[], bin: string = process.env.PSQL ?? "psql"): Promise<number> {
  const call = psqlInvocation(url, args);
  return new Promise((resolve) => {
    const child = spawn(bin, call.args, { stdio: "inherit", env: call.env });
    const ignore = (): void => {};
    const pass = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
    const onTerm = pass("SIGTERM");
    const onHup = pass("SIGHUP");
    process.on("SIGINT", ignore);
    process.on("SIGTERM", onTerm);
    process.on("SIGHUP", onHup);
    const done = (code: number): void => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHup);
      resolve(code);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      process.stderr.write(
        err.code === "ENOENT"
          ? `psql: ${bin} not found; install the PostgreSQL client or set PSQL to its path\n`
          : `psql: ${err.message}\n`,
      );
      done(127);
    });
    // Killed by a signal: the shell's convention, 128 + its number.
    child.once("exit", (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/** Opens the database (embedded: started and migrated), runs psql, stops the database. Returns the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const config = loadConfig();
  // Imported here so that a session on DATABASE_URL never loads the embedded server.
  const { openDatabase } = await import("../runner/database.ts");
  let db;
  try {
    db = await openDatabase(config);
  } catch (err) {
    process.stderr.write(
      `psql: cannot open the embedded database under ${config.OUTREACH_DATA_DIR} (is npm start running? then pass its DATABASE_URL): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  try {
    if (db.embedded) {
      const { migrate } = await import("../runner/migrate.ts");
      await migrate(db.url);
    }
    return await runPsql(db.url, argv);
  } catch (err) {
    process.stderr.write(`psql: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await db.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}
