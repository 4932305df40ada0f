import { describe, expect, it } from "vitest";
import { ProviderHttp, rateGate, retryAfterMs } from "../../../../src/senders/io/http.ts";
import { standIn } from "./stand-in.ts";

describe("provider HTTP client", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28_000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs("soon")).toBeNull();
  });

  it("keeps to every window of a provider's limits (p-throttle, one gate per provider and key)", async () => {
    const gate = rateGate("test", `key-${Math.random()}`, [{ requests: 2, windowMs: 300 }]);
    const started = Date.now();
    await Promise.all([gate(), gate(), gate(), gate(), gate()]);
    // 5 calls at 2 per 300 ms: the fifth cannot start before 600 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it("classifies: 2xx ok, 4xx permanent at once, 5xx and network errors retried then handed back", async () => {
    const api = await standIn((req) => ({ status: Number(req.path.slice(1)), body: { path: req.path } }));
    const http = new ProviderHttp({
      provider: "test",
      baseUrl: `${api.url}/`,
      auth: { header: "x-api-key", value: "k" },
      limits: [{ requests: 100, windowMs: 1000 }],
      timeoutMs: 2000,
      maxAttempts: 2,
      maxWaitMs: 50,
    });
    try {
      expect(await http.call({ method: "GET", path: "/200" })).toMatchObject({ ok: true, status: 200, json: { path: "/200" } });
      expect(await http.call({ method: "GET", path: "/422" })).toMatchObject({ ok: false, kind: "permanent", status: 422 });
      expect(api.requests).toHaveLength(2);
      expect(await http.call({ method: "GET", path: "/502" })).toMatchObject({ ok: false, kind: "retry", status: 502 });
      expect(api.requests).toHaveLength(4);
      expect(api.requests[0]?.headers["x-api-key"]).toBe("k");
    } finally {
      await api.close();
    }
    const down = await http.call({ method: "GET", path: "/200" });
    expect(down).toMatchObject({ ok: false, kind: "retry", status: null });
  });
});
