/**
 * The `smtp` sender (SPEC §10.6): the runner's own SMTP client (nodemailer), a client
 * of the operator's mail server. One message per claimed send, to email_to, with the
 * subject and the text body exactly as claim_sends rendered and stored them, and
 *
 *   Message-ID: <send_id@domain of SMTP_FROM>
 *   List-Unsubscribe: <unsubscribe url>              (RFC 2369)
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058)
 *
 * Outcomes (the dispatcher turns them into SQL calls; SQL decides what follows):
 *   2xx accepted                                  → sent      (ack_send with the Message-ID, sent_at now)
 *   4xx anywhere, connection errors, timeouts     → retry     (release_send, default backoff)
 *   5xx to RCPT TO (the recipient refused)        → bounce    (email_bounce event, release_send permanent)
 *   5xx to the message itself (DATA), or an
 *   address the client cannot use                 → rejected  (release_send permanent, no bounce)
 *   5xx to MAIL FROM / AUTH / HELO                → retry: the operator's account or server is at fault,
 *                                                   not the recipient; ready() keeps the next cycles from
 *                                                   claiming while it lasts.
 *
 * Environment: SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS from the first
 * byte; smtp:// upgrades with STARTTLS when the server offers it), SMTP_FROM (an
 * address, or "Name <address>"), SMTP_TIMEOUT_MS (connect, greeting and socket idle
 * timeout, default 30 s). The password is never logged.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import type { ClaimedSend, Delivery, Sender, SenderModule } from "./sender.ts";

const unsetIfBlank = (v: unknown): unknown => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** "Name <local@domain>" or "local@domain" → the address and its domain, or null. */
export function parseFrom(from: string): { address: string; domain: string } | null {
  const angle = /<([^<>]*)>\s*$/.exec(from);
  const address = (angle ? angle[1] ?? "" : from).trim();
  const m = /^[^\s@<>"]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)$/.exec(address);
  return m?.[1] ? { address, domain: m[1].toLowerCase() } : null;
}

export interface SmtpConfig {
  url: string;
  from: string;
  fromAddress: string;
  /** Right-hand side of every Message-ID. */
  messageIdDomain: string;
  timeoutMs: number;
  /** Connections kept open at once (nodemailer's pool). */
  maxConnections: number;
}

/** SMTP_* from the environment; null when SMTP_URL is unset (the smtp sender is then off). */
export const SmtpEnv = z
  .object({
    SMTP_URL: z.preprocess(
      unsetIfBlank,
      z
        .string()
        .regex(/^smtps?:\/\/[^/?#]+/i, "must be smtp://user:pass@host:port or smtps://… (TLS)")
        .refine((s) => {
          try {
            return new URL(s).hostname !== "";
          } catch {
            return false;
          }
        }, "must be a URL with a host")
        .optional(),
    ),
    SMTP_FROM: z.preprocess(
      unsetIfBlank,
      z
        .string()
        .refine((s) => parseFrom(s) !== null, "must be an address (name@example.com) or Name <name@example.com>")
        .optional(),
    ),
    SMTP_TIMEOUT_MS: z.preprocess(unsetIfBlank, z.coerce.number().int().min(1000).max(600_000).default(30_000)),
    SMTP_MAX_CONNECTIONS: z.preprocess(unsetIfBlank, z.coerce.number().int().min(1).max(50).default(5)),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL !== undefined && env.SMTP_FROM === undefined) {
      ctx.addIssue({ code: "custom", path: ["SMTP_FROM"], message: "is required when SMTP_URL is set" });
    }
  })
  .transform((env): SmtpConfig | null => {
    if (env.SMTP_URL === undefined || env.SMTP_FROM === undefined) return null;
    const from = parseFrom(env.SMTP_FROM);
    if (!from) return null; // refined above
    return {
      url: env.SMTP_URL,
      from: env.SMTP_FROM.trim(),
      fromAddress: from.address,
      messageIdDomain: from.domain,
      timeoutMs: env.SMTP_TIMEOUT_MS,
      maxConnections: env.SMTP_MAX_CONNECTIONS,
    };
  });

export function loadSmtpConfig(env: NodeJS.ProcessEnv = process.env): SmtpConfig | null {
  const parsed = SmtpEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** SMTP_URL without its password, for log lines and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable SMTP_URL)";
  }
}

/** The Message-ID of a send: <send_id@domain>. */
export function messageId(sendId: string, domain: string): string {
  return `<${sendId}@${domain}>`;
}

/** What nodemailer puts on its errors (nodemailer's NodemailerError, read defensively). */
interface SmtpError {
  message: string;
  code?: string | undefined;
  command?: string | undefined;
  response?: string | undefined;
  responseCode?: number | undefined;
}

function asSmtpError(err: unknown): SmtpError {
  if (err instanceof Error) {
    const e = err as Error & Record<string, unknown>;
    return {
      message: e.message,
      code: typeof e.code === "string" ? e.code : undefined,
      command: typeof e.command === "string" ? e.command : undefined,
      response: typeof e.response === "string" ? e.response : undefined,
      responseCode: typeof e.responseCode === "number" ? e.responseCode : undefined,
    };
  }
  return { message: String(err) };
}

/** Turns a failed send into its outcome (see the table at the top). Pure, exported for tests. */
export function classify(err: SmtpError): Delivery {
  const detail: Record<string, unknown> = {
    smtp_code: err.code ?? null,
    smtp_command: err.command ?? null,
    smtp_response: err.response ?? null,
    smtp_response_code: err.responseCode ?? null,
  };
  const error = `smtp: ${err.message}`;
  const code = err.responseCode;
  if (code !== undefined && code >= 500 && code < 600) {
    const command = (err.command ?? "").toUpperCase();
    if (command.startsWith("RCPT")) return { outcome: "bounce", error, detail };
    if (command === "DATA" || command.startsWith("MESSAGE") || command === "BDAT") return { outcome: "rejected", error, detail };
    return { outcome: "retry", error, detail }; // MAIL FROM, AUTH, EHLO…: not the recipient's doing
  }
  if (code === undefined && err.code === "EENVELOPE") {
    // nodemailer refused the envelope before talking to the server (no usable recipient address).
    return { outcome: "rejected", error, detail };
  }
  return { outcome: "retry", error, detail }; // 4xx, ECONNECTION, ETIMEDOUT, ESOCKET, EAUTH without a code…
}

class SmtpSender implements Sender {
  readonly name = "smtp";
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer.createTransport({
      url: config.url,
      pool: true,
      maxConnections: config.maxConnections,
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async ready(): Promise<string | null> {
    try {
      await this.transport.verify();
      return null;
    } catch (err) {
      const e = asSmtpError(err);
      return `${redactUrl(this.config.url)}: ${e.message}`;
    }
  }

  async deliver(send: ClaimedSend): Promise<Delivery> {
    const detail = { smtp_code: null, smtp_command: null, smtp_response: null, smtp_response_code: null };
    if (send.channel !== "email" || !send.email_to) {
      return { outcome: "rejected", error: `smtp: send ${send.send_id} has no email address (channel ${send.channel})`, detail };
    }
    const listUnsubscribe = send.list_unsubscribe || (send.unsubscribe_url ? `<${send.unsubscribe_url}>` : null);
    if (!listUnsubscribe) {
      return { outcome: "rejected", error: `smtp: send ${send.send_id} came without an unsubscribe URL; not sent`, detail };
    }
    const id = messageId(send.send_id, this.config.messageIdDomain);
    try {
      const info = (await this.transport.sendMail({
        from: this.config.from,
        to: send.full_name ? { name: send.full_name, address: send.email_to } : send.email_to,
        envelope: { from: this.config.fromAddress, to: send.email_to },
        subject: send.subject ?? "",
        text: send.body ?? "",
        messageId: id,
        headers: {
          "List-Unsubscribe": listUnsubscribe,
          "List-Unsubscribe-Post": send.list_unsubscribe_post ?? "List-Unsubscribe=One-Click",
        },
      })) as { response?: unknown; accepted?: unknown[] };
      return {
        outcome: "sent",
        providerMessageId: id,
        sentAt: new Date(),
        detail: { smtp_response: typeof info.response === "string" ? info.response : null },
      };
    } catch (err) {
      return classify(asSmtpError(err));
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

export function createSmtpSender(config: SmtpConfig): Sender {
  return new SmtpSender(config);
}

export const smtpSender: SenderModule = {
  name: "smtp",
  fromEnv: (env) => {
    const config = loadSmtpConfig(env);
    return config ? createSmtpSender(config) : null;
  },
};
