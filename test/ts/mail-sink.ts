/**
 * The tests' SMTP server: src/dev/mail-sink.ts (smtp-server) in a child process of
 * its own, so the runner under test talks real SMTP over TCP to another process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ReceivedMessage, SinkEvent } from "../../src/dev/mail-sink.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const tsx = path.join(root, "node_modules/.bin/tsx");

export interface SinkProcess {
  port: number;
  messages: ReceivedMessage[];
  events: SinkEvent[];
  child: ChildProcess;
  /** Resolves once every message the server accepted so far is in `messages` (a ping through its stdout). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the mail sink with these arguments (see src/dev/mail-sink.ts) and waits until it listens. */
export async function spawnMailSink(args: string[] = []): Promise<SinkProcess> {
  const child = spawn(tsx, ["src/dev/mail-sink.ts", ...args], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  const pongs = new Map<number, () => void>();
  let pings = 0;
  const messages: ReceivedMessage[] = [];
  const events: SinkEvent[] = [];
  let buffered = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`mail sink exited (${code}): ${stderr}`)));
    child.stdout?.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as SinkEvent;
        events.push(e);
        if (e.event === "listening") resolve(e.port);
        if (e.event === "message") messages.push({ from: e.from, to: e.to, raw: e.raw, user: e.user });
        if (e.event === "pong") pongs.get(e.n)?.();
      }
    });
  });
  return {
    port,
    messages,
    events,
    child,
    settle: () =>
      new Promise<void>((resolve) => {
        const n = ++pings;
        pongs.set(n, () => {
          pongs.delete(n);
          resolve();
        });
        child.stdin?.write(`ping ${n}\n`);
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
