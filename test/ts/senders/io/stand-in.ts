/**
 * A local HTTP server standing in for a provider's API: records every request
 * (method, path, query, headers, JSON body) and answers with what the test's
 * handler returns, as the provider's documentation says it answers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: Recorded, n: number) => Reply | Promise<Reply>;

export interface StandIn {
  url: string;
  requests: Recorded[];
  handle: Handler;
  close(): Promise<void>;
}

export async function standIn(handler: Handler): Promise<StandIn> {
  const s: { server?: Server } = {};
  const state: StandIn = {
    url: "",
    requests: [],
    handle: handler,
    close: () => new Promise((resolve) => (s.server ? s.server.close(() => resolve()) : resolve())),
  };
  s.server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (text += d));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      let body: unknown = null;
      try {
        body = text === "" ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      const rec: Recorded = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body };
      state.requests.push(rec);
      Promise.resolve(state.handle(rec, state.requests.length))
        .then((r) => {
          res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
          res.end(r.body === undefined ? "" : JSON.stringify(r.body));
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => s.server?.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
  return state;
}
