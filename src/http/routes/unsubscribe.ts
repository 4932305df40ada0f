/**
 * One-click unsubscribe (RFC 8058, SPEC §10.5): the URL every message carries in
 * List-Unsubscribe, `<unsubscribe_base_url>/<token>`.
 *
 *   POST /u/<token>   body List-Unsubscribe=One-Click (application/x-www-form-urlencoded
 *                     or multipart/form-data). Calls outreach.unsubscribe(token) at once,
 *                     not through a job: the opt-out holds when the answer is sent.
 *                     200 (again 200 for a repeat: unsubscribe is idempotent) · 400 body
 *                     without List-Unsubscribe=One-Click · 404 unknown or forged token
 *                     (OR031) · 503 database unavailable (Retry-After).
 *   GET  /u/<token>   a small page whose button POSTs the same body to the same URL.
 *                     A GET never unsubscribes: mail scanners and link previews follow links.
 *
 * No authentication (the signed token is the authority), no redirect, no cookies,
 * no external resources; HTML answers, never cached. Not under the hub's webhook
 * signature, and served even when WEBHOOK_SECRET is unset.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DispatchErrors, unsubscribe, verifyUnsubscribeToken } from "../../runner/dispatch-db.ts";
import { refuseOtherMethods, type Outcome } from "../context.ts";

export const UNSUBSCRIBE_PATH = "/u/:token";

/** Tokens are URL-safe (base64url and separators); anything else cannot be one of ours. */
const TOKEN = /^[A-Za-z0-9_.~-]{16,512}$/;

/** True when a form body says List-Unsubscribe=One-Click (urlencoded or multipart). */
export function saysOneClick(contentType: string | undefined, raw: Buffer): boolean {
  const type = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const text = raw.toString("utf8");
  if (type === "multipart/form-data") {
    // A part named List-Unsubscribe whose value is One-Click.
    return /content-disposition:[^\r\n]*\bname="?List-Unsubscribe"?(?:;[^\r\n]*)?\r?\n(?:[^\r\n]+\r?\n)*\r?\n[ \t]*One-Click[ \t]*\r?\n/i.test(text);
  }
  if (type === "application/x-www-form-urlencoded" || type === "") {
    return new URLSearchParams(text.trim()).getAll("List-Unsubscribe").some((v) => v.trim().toLowerCase() === "one-click");
  }
  return false;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function html(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string, outcome: Omit<Outcome, "correlationId">, extra: Record<string, string> = {}): FastifyReply {
  request.outcome = { ...outcome, correlationId: request.id };
  return reply.code(status).headers({ ...HEADERS, ...extra }).send(page(title, body));
}

const notFound = (request: FastifyRequest, reply: FastifyReply, reason: string) =>
  html(request, reply, 404, "Link not recognised", "<p>This unsubscribe link is not valid. If you copied it from an email, check that it is complete.</p>", {
    outcome: "unknown_token",
    reason,
  });

function unavailable(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = err as Error & { code?: string };
  return html(
    request,
    reply,
    503,
    "Please try again",
    "<p>We could not record your request just now. Please try again in a minute.</p>",
    { outcome: "unavailable", reason: `${e.code ? `${e.code}: ` : ""}${e.message}` },
    { "retry-after": "60" },
  );
}

export default function unsubscribeRoutes(app: FastifyInstance): void {
  refuseOtherMethods(app, UNSUBSCRIBE_PATH, ["GET", "POST"]);
  app.get<{ Params: { token: string } }>(UNSUBSCRIBE_PATH, async (request, reply) => {
    const { token } = request.params;
    if (!TOKEN.test(token)) return notFound(request, reply, "malformed token");
    let sendId: string | null;
    try {
      sendId = await verifyUnsubscribeToken(app.receiver.sql, token);
    } catch (err) {
      return unavailable(request, reply, err);
    }
    if (sendId === null) return notFound(request, reply, "token does not verify");
    return html(
      request,
      reply,
      200,
      "Unsubscribe",
      `<p>Press the button to stop receiving these emails. Nothing changes until you do.</p>
<form method="post" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
      { outcome: "page" },
    );
  });

  app.post<{ Params: { token: string } }>(UNSUBSCRIBE_PATH, async (request, reply) => {
    const { token } = request.params;
    if (!TOKEN.test(token)) return notFound(request, reply, "malformed token");
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!saysOneClick(request.headers["content-type"], raw)) {
      return html(request, reply, 400, "Unsubscribe", "<p>The request did not say List-Unsubscribe=One-Click. Use the button on this link's page.</p>", {
        outcome: "bad_body",
        reason: "body without List-Unsubscribe=One-Click",
      });
    }
    try {
      await unsubscribe(app.receiver.sql, token, { correlationId: request.id });
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code === DispatchErrors.badUnsubscribeToken) return notFound(request, reply, "OR031");
      return unavailable(request, reply, err);
    }
    return html(request, reply, 200, "You are unsubscribed", "<p>You will not receive these emails any more.</p>", { outcome: "unsubscribed" });
  });
}
