/**
 * Helpers for the webhook receiver's tests: a sender's signing, written here
 * independently of src/http/, plain HTTP calls, and a logger that keeps its lines.
 */
import { createHash, createHmac } from "node:crypto";
import { request } from "node:http";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export const now = (): number => Math.floor(Date.now() / 1000);

/** Lower-case hex HMAC-SHA256 of "<t>.<body>", as a sender computes it. */
export function hmacHex(secret: string, t: number, body: string): string {
  return createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");
}

/** The Outreach-Signature header for body: t=<t>,v1=<sig>[,v1=<sig>...], one v1 per secret. */
export function signed(body: string, secrets: string[], t: number = now()): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, t, body)}`)].join(",");
}

/** The job key the receiver should use for a delivery signed with secret at t. */
export function expectedJobKey(secret: string, t: number, body: string): string {
  return `webhook:${createHash("sha256").update(hmacHex(secret, t, body)).digest("hex")}`;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** One HTTP request to the receiver; `chunked` sends the body without a Content-Length. */
export function call(
  port: number,
  opts: { method?: string; path: string; body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const headers: Record<string, string | number> = { "content-type": "application/json", ...opts.headers };
    if (body && !opts.chunked) headers["content-length"] = body.length;
    const req = request(
      { host: "127.0.0.1", port, method: opts.method ?? "POST", path: opts.path, headers, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> });
          } catch (err) {
            reject(new Error(`not JSON (${res.statusCode}): ${text}`, { cause: err }));
          }
        });
      },
    );
    // The receiver may answer 413 and close before reading all of a large body.
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
    });
    if (body && opts.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** A pino logger whose JSON lines are kept in `lines`. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}
