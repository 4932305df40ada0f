/**
 * The smtp sender against a real SMTP server in another process (src/dev/mail-sink.ts):
 * what goes on the wire, and how each server answer becomes an outcome.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersOf } from "../../../src/dev/mail-sink.ts";
import type { ClaimedSend } from "../../../src/senders/sender.ts";
import { classify, createSmtpSender, loadSmtpConfig, parseFrom, redactUrl } from "../../../src/senders/smtp.ts";
import { spawnMailSink, type SinkProcess } from "../mail-sink.ts";

function claimed(over: Partial<ClaimedSend> = {}): ClaimedSend {
  const sendId = randomUUID();
  const url = `https://hub.example.com/u/tok-${sendId}`;
  return {
    send_id: sendId,
    enrolment_id: randomUUID(),
    claim_token: randomUUID(),
    lease_until: new Date(Date.now() + 300_000),
    attempt: 1,
    channel: "email",
    email_to: "dana@customer.example",
    linkedin_url: null,
    full_name: "Dana Roe",
    company_name: "Customer Co",
    subject: "Benefits renewal at Customer Co",
    body: `Hello Dana,\n\nA line of text.\n\nUnsubscribe: ${url}\n`,
    proof_line: null,
    unsubscribe_url: url,
    list_unsubscribe: `<${url}>`,
    list_unsubscribe_post: "List-Unsubscribe=One-Click",
    calendar_link: null,
    campaign_id: randomUUID(),
    provider_campaign_id: null,
    sequence_step: 1,
    steps: null,
    send_correlation_id: randomUUID(),
    ...over,
  };
}

let sink: SinkProcess;

beforeAll(async () => {
  sink = await spawnMailSink(["--temp", "^temp-", "--hard", "^hard-", "--auth", "hub:s3cret"]);
});
afterAll(async () => {
  await sink.stop();
});

const senderFor = (url: string, from = "Outreach Hub <outreach@mail.hub.example>") => {
  const config = loadSmtpConfig({ SMTP_URL: url, SMTP_FROM: from, SMTP_TIMEOUT_MS: "5000" });
  if (!config) throw new Error("smtp config expected");
  return createSmtpSender(config);
};

describe("configuration", () => {
  it("is off without SMTP_URL", () => {
    expect(loadSmtpConfig({})).toBeNull();
    expect(loadSmtpConfig({ SMTP_URL: "  ", SMTP_FROM: "" })).toBeNull();
  });
  it("requires SMTP_FROM with SMTP_URL, and refuses other schemes and bad addresses", () => {
    expect(() => loadSmtpConfig({ SMTP_URL: "smtp://mail.example:25" })).toThrow(/SMTP_FROM: is required/);
    expect(() => loadSmtpConfig({ SMTP_URL: "http://mail.example", SMTP_FROM: "a@b.example" })).toThrow(/SMTP_URL/);
    expect(() => loadSmtpConfig({ SMTP_URL: "smtp://mail.example", SMTP_FROM: "not an address" })).toThrow(/SMTP_FROM/);
  });
  it("takes the Message-ID domain from SMTP_FROM, with or without a display name", () => {
    expect(parseFrom("Hub <Outreach@Mail.Hub.Example>")).toEqual({ address: "Outreach@Mail.Hub.Example", domain: "mail.hub.example" });
    expect(parseFrom("outreach@hub.example")?.domain).toBe("hub.example");
    expect(loadSmtpConfig({ SMTP_URL: "smtps://u:p@mail.example:465", SMTP_FROM: "x@y.example" })?.messageIdDomain).toBe("y.example");
  });
  it("never shows the password", () => {
    expect(redactUrl("smtp://hub:s3cret@mail.example:587")).toBe("smtp://hub:***@mail.example:587");
  });
});

describe("a message the server accepts", () => {
  it("carries Message-ID, List-Unsubscribe and List-Unsubscribe-Post, the rendered subject and text body, and is 'sent'", async () => {
    const sender = senderFor(`smtp://hub:s3cret@127.0.0.1:${sink.port}`);
    const send = claimed();
    try {
      expect(await sender.ready()).toBeNull();
      const d = await sender.deliver(send);
      expect(d.outcome).toBe("sent");
      if (d.outcome !== "sent") return;
      expect(d.providerMessageId).toBe(`<${send.send_id}@mail.hub.example>`);
      expect(d.sentAt).toBeInstanceOf(Date);
      expect(String(d.detail.smtp_response)).toMatch(/^250 /);
    } finally {
      await sender.close();
    }
    await sink.settle();
    const got = sink.messages.find((m) => m.raw.includes(send.send_id));
    expect(got).toBeDefined();
    expect(got!.to).toEqual(["dana@customer.example"]);
    expect(got!.from).toBe("outreach@mail.hub.example");
    expect(got!.user).toBe("hub");
    const h = headersOf(got!.raw);
    expect(h["message-id"]).toBe(`<${send.send_id}@mail.hub.example>`);
    expect(h["list-unsubscribe"]).toBe(`<${send.unsubscribe_url}>`);
    expect(h["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(h.subject).toBe("Benefits renewal at Customer Co");
    expect(h.to).toBe("Dana Roe <dana@customer.example>");
    expect(h["content-type"]).toMatch(/^text\/plain/);
    expect(got!.raw).toContain("A line of text.");
  });
});

describe("smtps://", () => {
  it("speaks TLS from the first byte (options such as tls.rejectUnauthorized ride in the URL's query)", async () => {
    const tls = await spawnMailSink(["--secure", "--auth", "hub:s3cret"]);
    const sender = senderFor(`smtps://hub:s3cret@127.0.0.1:${tls.port}/?tls.rejectUnauthorized=false`);
    const send = claimed();
    try {
      expect(await sender.ready()).toBeNull();
      expect((await sender.deliver(send)).outcome).toBe("sent");
      await tls.settle();
      expect(tls.messages.map((m) => headersOf(m.raw)["message-id"])).toEqual([`<${send.send_id}@mail.hub.example>`]);
    } finally {
      await sender.close();
      await tls.stop();
    }
  });
  it("refuses a server certificate it cannot verify, as a retry", async () => {
    const tls = await spawnMailSink(["--secure"]);
    const sender = senderFor(`smtps://127.0.0.1:${tls.port}`);
    try {
      expect(await sender.ready()).toMatch(/certificate/i);
      expect((await sender.deliver(claimed())).outcome).toBe("retry");
      await tls.settle();
      expect(tls.messages.length).toBe(0);
    } finally {
      await sender.close();
      await tls.stop();
    }
  });
});

describe("a message the server refuses", () => {
  it("4xx on RCPT TO is a retry", async () => {
    const sender = senderFor(`smtp://hub:s3cret@127.0.0.1:${sink.port}`);
    try {
      const d = await sender.deliver(claimed({ email_to: "temp-1@customer.example" }));
      expect(d.outcome).toBe("retry");
      expect(d.detail.smtp_response_code).toBe(451);
    } finally {
      await sender.close();
    }
  });
  it("5xx on RCPT TO is a bounce, with the server's answer", async () => {
    const sender = senderFor(`smtp://hub:s3cret@127.0.0.1:${sink.port}`);
    try {
      const d = await sender.deliver(claimed({ email_to: "hard-1@customer.example" }));
      expect(d.outcome).toBe("bounce");
      expect(d.detail.smtp_response_code).toBe(550);
      expect(d.detail.smtp_command).toBe("RCPT TO");
      expect(String(d.detail.smtp_response)).toContain("5.1.1");
    } finally {
      await sender.close();
    }
  });
  it("wrong credentials: not ready, and a send is a retry, not a bounce", async () => {
    const sender = senderFor(`smtp://hub:wrong@127.0.0.1:${sink.port}`);
    try {
      expect(await sender.ready()).toMatch(/535/);
      expect(await sender.ready()).not.toContain("wrong");
      expect((await sender.deliver(claimed())).outcome).toBe("retry");
    } finally {
      await sender.close();
    }
  });
  it("no server listening: not ready, and a send is a retry", async () => {
    const sender = senderFor("smtp://127.0.0.1:1");
    try {
      expect(await sender.ready()).toMatch(/ECONNREFUSED|connect/i);
      expect((await sender.deliver(claimed())).outcome).toBe("retry");
    } finally {
      await sender.close();
    }
  });
  it("a send without an address or an unsubscribe URL is rejected without touching the server", async () => {
    const sender = senderFor(`smtp://hub:s3cret@127.0.0.1:${sink.port}`);
    const before = sink.events.length;
    try {
      expect((await sender.deliver(claimed({ email_to: null, channel: "linkedin" }))).outcome).toBe("rejected");
      expect((await sender.deliver(claimed({ unsubscribe_url: "", list_unsubscribe: "" }))).outcome).toBe("rejected");
    } finally {
      await sender.close();
    }
    expect(sink.events.length).toBe(before);
  });
});

describe("classify", () => {
  it("maps server answers by code and command", () => {
    const e = (responseCode: number | undefined, command: string | undefined, code = "EPROTOCOL") => ({ message: "x", responseCode, command, code });
    expect(classify(e(550, "RCPT TO", "EENVELOPE")).outcome).toBe("bounce");
    expect(classify(e(554, "DATA", "EMESSAGE")).outcome).toBe("rejected");
    expect(classify(e(550, "MAIL FROM", "EENVELOPE")).outcome).toBe("retry");
    expect(classify(e(535, "AUTH PLAIN", "EAUTH")).outcome).toBe("retry");
    expect(classify(e(421, "RCPT TO", "EENVELOPE")).outcome).toBe("retry");
    expect(classify(e(undefined, "CONN", "ETIMEDOUT")).outcome).toBe("retry");
    expect(classify(e(undefined, "API", "EENVELOPE")).outcome).toBe("rejected");
  });
});
