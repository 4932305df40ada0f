import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isHubEvent, type HubEvent } from "../../../src/senders/common.ts";
import {
  buildSmartleadPushes,
  mapSmartleadEvent,
  parseSmartleadLeadLookup,
  parseSmartleadPushResponse,
  SMARTLEAD_MAX_LEADS_PER_REQUEST,
  SMARTLEAD_RATE_LIMITS,
  smartleadLeadLookup,
  smartleadOutboxRequest,
  smartleadSecretMatches,
  verifySmartleadSignature,
} from "../../../src/senders/smartlead.ts";
import { claimedRows, fixture, fixtureNames } from "./helpers.ts";

const STATS = "a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b";

/** fixture → [hub event type, step, event_ts] or "ignored". */
const expected: Record<string, [HubEvent["event_type"], number | null, string] | "ignored"> = {
  EMAIL_SENT: ["email_sent", 1, "2026-11-30T14:05:09.000Z"],
  EMAIL_OPEN: ["email_open", 1, "2026-11-30T15:10:00.000Z"],
  EMAIL_OPENED: ["email_open", 1, "2026-11-30T15:10:00.000Z"],
  EMAIL_LINK_CLICK: ["email_click", 1, "2026-11-30T15:11:00.000Z"],
  EMAIL_LINK_CLICKED: ["email_click", 1, "2026-11-30T15:11:00.000Z"],
  EMAIL_REPLY: ["email_reply", 2, "2026-12-01T09:00:00.000Z"],
  EMAIL_REPLIED: ["email_reply", 2, "2026-12-01T09:00:00.000Z"],
  EMAIL_BOUNCE: ["email_bounce", 1, "2026-11-30T14:06:00.000Z"],
  EMAIL_BOUNCED: ["email_bounce", 1, "2026-11-30T14:06:00.000Z"],
  LEAD_UNSUBSCRIBED: ["unsubscribe", null, "2026-12-02T10:00:00.000Z"],
  LEAD_CATEGORY_UPDATED_out_of_office: ["email_auto_reply", null, "2026-12-01T09:01:00.000Z"],
  LEAD_CATEGORY_UPDATED_interested: "ignored",
  EMAIL_ACCOUNT_DISCONNECTED: "ignored",
};

describe("Smartlead webhooks", () => {
  it("has an expectation for every fixture", () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames("smartlead"));
  });

  it.each(Object.entries(expected))("%s maps as documented", (name, want) => {
    const result = mapSmartleadEvent(fixture("smartlead", name).json);
    if (want === "ignored") {
      expect(result).toHaveProperty("ignored");
      return;
    }
    if (!isHubEvent(result)) throw new Error(`expected an event, got ${JSON.stringify(result)}`);
    const [type, step, ts] = want;
    expect(result).toMatchObject({ provider: "smartlead", provider_campaign_id: "1029384", lead_key: "john.roe@example.org", event_type: type, step, event_ts: ts });
    expect(result.provider_lead_id).toBe("1893372");
    const hasStats = !name.startsWith("LEAD_");
    expect(result.dedup_key).toBe(hasStats ? ["smartlead", STATS, type, ts].join("|") : ["smartlead", "1029384", "john.roe@example.org", type, step ?? "", ts].join("|"));
  });

  it.each([
    ["EMAIL_OPEN", "EMAIL_OPENED"],
    ["EMAIL_LINK_CLICK", "EMAIL_LINK_CLICKED"],
    ["EMAIL_REPLY", "EMAIL_REPLIED"],
    ["EMAIL_BOUNCE", "EMAIL_BOUNCED"],
  ])("%s and %s are the same event (one dedup key)", (a, b) => {
    const x = mapSmartleadEvent(fixture("smartlead", a).json);
    const y = mapSmartleadEvent(fixture("smartlead", b).json);
    expect(isHubEvent(x) && isHubEvent(y) && x.dedup_key === y.dedup_key).toBe(true);
  });

  it("reads the enrolment from lead_data.custom_fields, the only payload documented to carry them", () => {
    const r = mapSmartleadEvent(fixture("smartlead", "LEAD_CATEGORY_UPDATED_out_of_office").json);
    expect(isHubEvent(r) && r.enrolment_id).toBe("5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170");
    const s = mapSmartleadEvent(fixture("smartlead", "EMAIL_SENT").json);
    expect(isHubEvent(s) && s.enrolment_id).toBe(null);
  });

  it("keeps message ids, link details and the reply preview in metadata", () => {
    const click = mapSmartleadEvent(fixture("smartlead", "EMAIL_LINK_CLICK").json);
    expect(isHubEvent(click) && click.metadata.link_details).toEqual(["https://example.com/pricing"]);
    const reply = mapSmartleadEvent(fixture("smartlead", "EMAIL_REPLY").json);
    expect(isHubEvent(reply) && reply.metadata).toMatchObject({ message_id: "<reply-9z@example.org>", preview_text: "Sure, Tuesday?", stats_id: STATS });
  });

  it("takes the newer pages' `event` key and a nested lead", () => {
    const r = mapSmartleadEvent({ event: "email_opened", event_timestamp: "2026-11-30T15:10:00Z", campaign_id: "77", lead: { email: "X@Y.io" }, sequence_number: "3" });
    expect(r).toMatchObject({ event_type: "email_open", provider_campaign_id: "77", lead_key: "x@y.io", step: 3 });
  });

  it("uses the receiver's clock only when the payload has no time at all, and says so", () => {
    const { event_timestamp: _drop, ...body } = fixture("smartlead", "LEAD_UNSUBSCRIBED").json as Record<string, unknown>;
    expect(mapSmartleadEvent(body)).toHaveProperty("unknown");
    expect(mapSmartleadEvent(body, { receivedAt: new Date("2026-12-02T10:00:03Z") })).toMatchObject({
      event_type: "unsubscribe",
      lead_key: "john.roe@example.org",
      event_ts: "2026-12-02T10:00:03.000Z",
      metadata: { event_ts_source: "received" },
    });
    expect(mapSmartleadEvent({ ...body, event_timestamp: "later" }, { receivedAt: new Date() })).toHaveProperty("unknown");
  });

  it("reads an event_timestamp without an offset as UTC", () => {
    const r = mapSmartleadEvent({ event_type: "EMAIL_SENT", event_timestamp: "2026-11-30 14:05:09", campaign_id: 1, to_email: "a@b.co" });
    expect(isHubEvent(r) && r.event_ts).toBe("2026-11-30T14:05:09.000Z");
  });

  it.each([
    ["an array", []],
    ["no event_type", { campaign_id: 1, to_email: "a@b.co", event_timestamp: "2026-11-30T14:05:09Z" }],
    ["an unrecognised type", { event_type: "EMAIL_TELEPORTED", campaign_id: 1, to_email: "a@b.co", event_timestamp: "2026-11-30T14:05:09Z" }],
    ["no campaign", { event_type: "EMAIL_SENT", to_email: "a@b.co", event_timestamp: "2026-11-30T14:05:09Z" }],
    ["no lead", { event_type: "EMAIL_SENT", campaign_id: 1, event_timestamp: "2026-11-30T14:05:09Z" }],
    ["no timestamp", { event_type: "EMAIL_SENT", campaign_id: 1, to_email: "a@b.co" }],
    ["a campaign object", { event_type: "EMAIL_SENT", campaign_id: { id: 1 }, to_email: "a@b.co", event_timestamp: "2026-11-30T14:05:09Z" }],
  ])("an unknown shape (%s) is returned as unknown, never thrown", (_label, body) => {
    expect(mapSmartleadEvent(body)).toHaveProperty("unknown");
  });

  it("checks the body secret and the optional signature header in constant time", () => {
    const { raw, json } = fixture("smartlead", "EMAIL_SENT");
    expect(smartleadSecretMatches(json, "test-secret-not-real")).toBe(true);
    expect(smartleadSecretMatches(json, "test-secret-not-realX")).toBe(false);
    expect(smartleadSecretMatches({}, "test-secret-not-real")).toBe(false);
    const sig = createHmac("sha256", "signing").update(raw).digest("hex");
    expect(verifySmartleadSignature(`sha256=${sig}`, raw, "signing")).toBe(true);
    expect(verifySmartleadSignature(sig, raw, "signing")).toBe(true);
    expect(verifySmartleadSignature(`sha256=${sig}`, `${raw} `, "signing")).toBe(false);
    expect(verifySmartleadSignature(`sha256=${sig}`, raw, "other")).toBe(false);
    expect(verifySmartleadSignature(undefined, raw, "signing")).toBe(false);
  });
});

describe("Smartlead pushes", () => {
  it("documents its rate limits", () => {
    expect(SMARTLEAD_RATE_LIMITS).toContainEqual({ requests: 60, windowMs: 60000 });
  });

  it.each([
    [349, [349]],
    [350, [350]],
    [351, [350, 1]],
    [1000, [350, 350, 300]],
  ])("%i rows make batches of %j", (n, sizes) => {
    const { batches } = buildSmartleadPushes(claimedRows(n, { provider_campaign_id: "1029384" }));
    expect(batches.map((b) => b.rows.length)).toEqual(sizes);
    for (const b of batches) {
      expect(b.request).toMatchObject({ method: "POST", path: "/api/v1/campaigns/1029384/leads" });
      expect((b.request.body as { lead_list: unknown[] }).lead_list).toHaveLength(b.rows.length);
    }
  });

  it("refuses a batch size over 350", () => {
    expect(() => buildSmartleadPushes(claimedRows(1), SMARTLEAD_MAX_LEADS_PER_REQUEST + 1)).toThrow(RangeError);
  });

  it("sends the hub's ids and steps as custom_fields and keeps the provider's block lists", () => {
    const [row] = claimedRows(1, { provider_campaign_id: "1029384", steps: null, subject: "Only", body: "One", unsubscribe_url: "https://hub.example.com/u/t0k" });
    const { batches } = buildSmartleadPushes([row!]);
    const body = batches[0]!.request.body as { lead_list: Record<string, unknown>[]; settings: Record<string, boolean> };
    expect(body.lead_list[0]).toEqual({
      email: "person0@example.com",
      first_name: "Person",
      last_name: "0 Example",
      company_name: "Company 0",
      linkedin_profile: "https://www.linkedin.com/in/person-0/",
      custom_fields: {
        hub_enrollment_id: row!.enrolment_id,
        hub_send_id: row!.send_id,
        hub_step_count: "1",
        hub_step_1_subject: "Only",
        hub_step_1_body: "One",
        hub_unsubscribe_url: "https://hub.example.com/u/t0k",
      },
    });
    expect(Object.values(body.settings)).toEqual([false, false, false]);
  });

  it("reads the counts of the add response and resolves lead ids by lookup", () => {
    expect(parseSmartleadPushResponse({ ok: true, upload_count: 2, already_added_to_campaign: 1, note: "x" })).toEqual({
      counts: { ok: true, upload_count: 2, already_added_to_campaign: 1 },
    });
    expect(parseSmartleadPushResponse("fine")).toHaveProperty("unknown");
    expect(smartleadLeadLookup(" A@B.co ")).toEqual({ method: "GET", path: "/api/v1/leads/", query: { email: "a@b.co" } });
    expect(parseSmartleadLeadLookup({ id: 1893372, email: "a@b.co", lead_campaign_data: [{ campaign_id: 1029384, campaign_lead_map_id: 9 }] }, "1029384")).toEqual({
      provider_lead_id: "1893372",
      in_campaign: true,
    });
    expect(parseSmartleadLeadLookup({ id: 5, lead_campaign_data: [] }, "1029384")).toEqual({ provider_lead_id: "5", in_campaign: false });
    expect(parseSmartleadLeadLookup({}, "1029384")).toBeNull();
  });
});

describe("Smartlead outbox", () => {
  it("builds each kind's request", () => {
    expect(smartleadOutboxRequest({ kind: "stop_lead", provider_campaign_id: "1029384", provider_lead_id: "1893372" })).toEqual({
      request: { method: "POST", path: "/api/v1/campaigns/1029384/leads/1893372/pause" },
    });
    expect(smartleadOutboxRequest({ kind: "stop_lead", provider_campaign_id: "1029384", lead_key: "a@b.co" })).toHaveProperty("needs_lead_id");
    expect(smartleadOutboxRequest({ kind: "pause_campaign", provider_campaign_id: "1029384" })).toEqual({
      request: { method: "POST", path: "/api/v1/campaigns/1029384/status", body: { status: "PAUSED" } },
    });
    expect(smartleadOutboxRequest({ kind: "resume_campaign", provider_campaign_id: "1029384" })).toEqual({
      request: { method: "POST", path: "/api/v1/campaigns/1029384/status", body: { status: "START" } },
    });
    expect(smartleadOutboxRequest({ kind: "block_domain", pattern: "Rival.com" })).toEqual({
      request: { method: "POST", path: "/api/v1/leads/add-domain-block-list", body: { domain_block_list: ["rival.com"] } },
    });
    expect(smartleadOutboxRequest({ kind: "block_email", pattern: "ceo@rival.com" })).toEqual({
      request: { method: "POST", path: "/api/v1/leads/add-domain-block-list", body: { domain_block_list: ["ceo@rival.com"] } },
    });
    expect(smartleadOutboxRequest({ kind: "block_domain", pattern: "*" })).toHaveProperty("unsupported");
  });
});
