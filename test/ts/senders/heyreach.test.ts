import { describe, expect, it } from "vitest";
import { isHubEvent, type HubEvent } from "../../../src/senders/common.ts";
import {
  buildHeyReachPushes,
  HEYREACH_MAX_LEADS_PER_REQUEST,
  HEYREACH_RATE_LIMITS,
  heyreachEventName,
  heyreachOutboxRequest,
  heyreachTokenMatches,
  mapHeyReachEvent,
  normaliseLinkedInUrl,
  parseHeyReachPushResponse,
} from "../../../src/senders/heyreach.ts";
import { claimedRows, fixture, fixtureNames } from "./helpers.ts";

const PROFILE = "https://linkedin.com/in/ann-smith-12345";

/** fixture → [hub event type, event_ts] or "ignored". */
const expected: Record<string, [HubEvent["event_type"], string] | "ignored"> = {
  CONNECTION_REQUEST_SENT: ["linkedin_connect_sent", "2026-11-30T16:00:00.000Z"],
  CONNECTION_REQUEST_ACCEPTED_camel_case: ["linkedin_connect_accepted", "2026-12-01T11:00:00.000Z"],
  MESSAGE_SENT: ["linkedin_message_sent", "2026-12-02T16:00:00.000Z"],
  INMAIL_SENT: ["linkedin_message_sent", "2026-12-02T16:05:00.000Z"],
  MESSAGE_REPLY_RECEIVED: ["linkedin_reply", "2026-12-03T08:30:00.000Z"],
  EVERY_MESSAGE_REPLY_RECEIVED_body_wrapper: ["linkedin_reply", "2026-12-03T08:30:00.000Z"],
  INMAIL_REPLY_RECEIVED: ["linkedin_reply", "2026-12-03T08:30:00.000Z"],
  VIEWED_PROFILE: ["linkedin_touch", "2026-11-29T12:00:00.000Z"],
  LIKED_POST: ["linkedin_touch", "2026-11-29T12:05:00.000Z"],
  FOLLOW_SENT: ["linkedin_touch", "2026-11-29T12:10:00.000Z"],
  CAMPAIGN_COMPLETED: "ignored",
  LEAD_TAG_UPDATED: "ignored",
};

describe("HeyReach webhooks", () => {
  it("has an expectation for every fixture", () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames("heyreach"));
  });

  it.each(Object.entries(expected))("%s maps as SPEC §12 says", (name, want) => {
    const result = mapHeyReachEvent(fixture("heyreach", name).json);
    if (want === "ignored") {
      expect(result).toHaveProperty("ignored");
      return;
    }
    if (!isHubEvent(result)) throw new Error(`expected an event, got ${JSON.stringify(result)}`);
    expect(result).toMatchObject({
      provider: "heyreach",
      provider_campaign_id: "235",
      lead_key: PROFILE,
      provider_lead_id: "ld_90210",
      step: null,
      enrolment_id: null,
      event_type: want[0],
      event_ts: want[1],
    });
    expect(result.metadata.lead_email).toBe("ann.smith@example.net");
  });

  it("MESSAGE_REPLY_RECEIVED and EVERY_MESSAGE_REPLY_RECEIVED for one reply share a dedup key; InMail replies do not", () => {
    const keyOf = (name: string): string => {
      const r = mapHeyReachEvent(fixture("heyreach", name).json);
      if (!isHubEvent(r)) throw new Error("not an event");
      return r.dedup_key;
    };
    expect(keyOf("MESSAGE_REPLY_RECEIVED")).toBe(keyOf("EVERY_MESSAGE_REPLY_RECEIVED_body_wrapper"));
    expect(keyOf("INMAIL_REPLY_RECEIVED")).not.toBe(keyOf("MESSAGE_REPLY_RECEIVED"));
  });

  it("keeps the conversation, the sender and their correlation id apart from ours", () => {
    const r = mapHeyReachEvent(fixture("heyreach", "MESSAGE_REPLY_RECEIVED").json);
    expect(isHubEvent(r) && r.metadata).toMatchObject({
      conversation_id: "2-ZTk0Yjc=",
      sender_id: "7001",
      provider_correlation_id: "c0ffee00-1111-4222-8333-444455556666",
      is_inmail: false,
    });
  });

  it("names our own touches", () => {
    const r = mapHeyReachEvent(fixture("heyreach", "LIKED_POST").json);
    expect(isHubEvent(r) && r.metadata.touch).toBe("liked_post");
  });

  it.each([
    ["CONNECTION_REQUEST_SENT", "CONNECTION_REQUEST_SENT"],
    ["connection_request_sent", "CONNECTION_REQUEST_SENT"],
    ["ConnectionRequestSent", "CONNECTION_REQUEST_SENT"],
    ["connectionRequestAccepted", "CONNECTION_REQUEST_ACCEPTED"],
    ["inmail-reply-received", "INMAIL_REPLY_RECEIVED"],
  ])("event name %s reads as %s", (raw, name) => {
    expect(heyreachEventName(raw)).toBe(name);
  });

  it("uses the receiver's clock only when the payload has no timestamp, and says so", () => {
    const body = { event_type: "MESSAGE_SENT", lead: { profile_url: "linkedin.com/in/x" }, campaign: { id: 1 } };
    expect(mapHeyReachEvent(body)).toHaveProperty("unknown");
    const r = mapHeyReachEvent(body, { receivedAt: new Date("2026-12-01T00:00:00Z") });
    expect(r).toMatchObject({ event_ts: "2026-12-01T00:00:00.000Z", metadata: { event_ts_source: "received" } });
    expect(mapHeyReachEvent({ ...body, timestamp: "soon" }, { receivedAt: new Date() })).toHaveProperty("unknown");
  });

  it.each([
    ["a string", "CONNECTION_REQUEST_SENT"],
    ["no event type", { timestamp: "2026-11-30T16:00:00Z", lead: { profile_url: "https://linkedin.com/in/x" }, campaign: { id: 1 } }],
    ["an unrecognised type", { event_type: "PROFILE_TELEPORTED", timestamp: "2026-11-30T16:00:00Z", lead: { profile_url: "https://linkedin.com/in/x" }, campaign: { id: 1 } }],
    ["no profile url", { event_type: "MESSAGE_SENT", timestamp: "2026-11-30T16:00:00Z", lead: { id: 1 }, campaign: { id: 1 } }],
    ["no campaign", { event_type: "MESSAGE_SENT", timestamp: "2026-11-30T16:00:00Z", lead: { profile_url: "https://linkedin.com/in/x" } }],
    ["lead of the wrong type", { event_type: "MESSAGE_SENT", timestamp: "2026-11-30T16:00:00Z", lead: "x", campaign: { id: 1 } }],
    ["an empty body wrapper", { body: {} }],
  ])("an unknown shape (%s) is returned as unknown, never thrown", (_label, body) => {
    expect(mapHeyReachEvent(body)).toHaveProperty("unknown");
  });

  it("compares the path token in constant time", () => {
    expect(heyreachTokenMatches("path-token-0123456789", "path-token-0123456789")).toBe(true);
    expect(heyreachTokenMatches("path-token-012345678", "path-token-0123456789")).toBe(false);
    expect(heyreachTokenMatches(undefined, "path-token-0123456789")).toBe(false);
    expect(heyreachTokenMatches("", "")).toBe(false);
  });
});

describe("LinkedIn URL normalisation (SPEC §12)", () => {
  it.each([
    ["https://www.linkedin.com/in/Ann-Smith/", "https://linkedin.com/in/ann-smith"],
    ["https://www.linkedin.com/in/ann-smith?trk=public_profile", "https://linkedin.com/in/ann-smith"],
    ["https://www.linkedin.com/in/ann-smith/?utm_source=x#about", "https://linkedin.com/in/ann-smith"],
    ["  HTTPS://WWW.LINKEDIN.COM/IN/ANN-SMITH//  ", "https://linkedin.com/in/ann-smith"],
    ["https://linkedin.com/in/ann-smith", "https://linkedin.com/in/ann-smith"],
    ["www.linkedin.com/in/ann-smith/", "linkedin.com/in/ann-smith"],
    ["http://www.linkedin.com/in/ann-smith", "http://linkedin.com/in/ann-smith"],
    ["https://uk.linkedin.com/in/ann-smith", "https://uk.linkedin.com/in/ann-smith"],
    ["https://www.linkedin.com/in/j%C3%B6rg-m", "https://linkedin.com/in/j%c3%b6rg-m"],
    ["https://www.linkedin.com/in/wwwbob", "https://linkedin.com/in/wwwbob"],
  ])("%s → %s", (raw, key) => {
    expect(normaliseLinkedInUrl(raw)).toBe(key);
  });

  it("is idempotent and NULL for blanks", () => {
    const once = normaliseLinkedInUrl("https://www.linkedin.com/in/Ann/?x=1");
    expect(normaliseLinkedInUrl(once)).toBe(once);
    expect(normaliseLinkedInUrl("   ")).toBeNull();
    expect(normaliseLinkedInUrl(null)).toBeNull();
  });
});

describe("HeyReach pushes", () => {
  it("documents its rate limit", () => {
    expect(HEYREACH_RATE_LIMITS).toEqual([{ requests: 300, windowMs: 60000 }]);
  });

  it.each([
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])("%i rows make batches of %j", (n, sizes) => {
    const { batches } = buildHeyReachPushes(claimedRows(n, { provider_campaign_id: "235" }));
    expect(batches.map((b) => b.rows.length)).toEqual(sizes);
    expect(() => buildHeyReachPushes([], { batchSize: HEYREACH_MAX_LEADS_PER_REQUEST + 1 })).toThrow(RangeError);
  });

  it("builds accountLeadPairs with the hub's ids as customUserFields", () => {
    const [row] = claimedRows(1, { provider_campaign_id: "235", email_to: null });
    const { batches } = buildHeyReachPushes([row!], { linkedInAccountId: 123 });
    expect(batches[0]!.request).toMatchObject({ method: "POST", path: "/api/public/campaign/AddLeadsToCampaignV2" });
    const body = batches[0]!.request.body as { campaignId: number; accountLeadPairs: { linkedInAccountId: number; lead: Record<string, unknown> }[] };
    expect(body.campaignId).toBe(235);
    const pair = body.accountLeadPairs[0]!;
    expect(pair.linkedInAccountId).toBe(123);
    expect(pair.lead).toMatchObject({ firstName: "Person", lastName: "0 Example", profileUrl: "https://www.linkedin.com/in/person-0/", companyName: "Company 0" });
    expect(pair.lead).not.toHaveProperty("emailAddress");
    expect(pair.lead.customUserFields).toContainEqual({ name: "hub_enrollment_id", value: row!.enrolment_id });
    expect(pair.lead.customUserFields).toContainEqual({ name: "hub_step_2_body", value: "B2 for 0" });
  });

  it("rejects rows without a profile and campaigns whose id is not an integer", () => {
    const rows = [...claimedRows(1, { provider_campaign_id: "235", linkedin_url: " " }), ...claimedRows(1, { provider_campaign_id: "abc" }, 1)];
    const { batches, rejected } = buildHeyReachPushes(rows);
    expect(batches).toEqual([]);
    expect(rejected.map((r) => r.send_id)).toEqual([rows[0]!.send_id, rows[1]!.send_id]);
  });

  it("reads the counts of the response", () => {
    const { batches } = buildHeyReachPushes(claimedRows(2, { provider_campaign_id: "235" }));
    const ok = parseHeyReachPushResponse(batches[0]!, { addedLeadsCount: 2, updatedLeadsCount: 0, failedLeadsCount: 0 });
    expect(ok).toMatchObject({ all_accepted: true, counts: { addedLeadsCount: 2, failedLeadsCount: 0 } });
    expect("lead_keys" in ok && ok.lead_keys.map((l) => l.lead_key)).toEqual(["https://linkedin.com/in/person-0", "https://linkedin.com/in/person-1"]);
    expect(parseHeyReachPushResponse(batches[0]!, { addedLeadsCount: 1, failedLeadsCount: 1 })).toMatchObject({ all_accepted: false });
    expect(parseHeyReachPushResponse(batches[0]!, { failedLeadsCount: "one" })).toHaveProperty("unknown");
  });
});

describe("HeyReach outbox", () => {
  it("builds each kind's request", () => {
    expect(heyreachOutboxRequest({ kind: "stop_lead", provider_campaign_id: "235", lead_key: "https://www.linkedin.com/in/Ann/" })).toEqual({
      request: { method: "POST", path: "/api/public/campaign/StopLeadInCampaign", body: { campaignId: 235, leadUrl: "https://linkedin.com/in/ann" } },
    });
    expect(heyreachOutboxRequest({ kind: "pause_campaign", provider_campaign_id: "235" })).toEqual({
      request: { method: "POST", path: "/api/public/campaign/Pause", query: { campaignId: "235" } },
    });
    expect(heyreachOutboxRequest({ kind: "resume_campaign", provider_campaign_id: "235" })).toEqual({
      request: { method: "POST", path: "/api/public/campaign/Resume", query: { campaignId: "235" } },
    });
    expect(heyreachOutboxRequest({ kind: "block_email", pattern: "a@b.co" })).toHaveProperty("unsupported");
    expect(heyreachOutboxRequest({ kind: "block_domain", pattern: "b.co" })).toHaveProperty("unsupported");
    expect(heyreachOutboxRequest({ kind: "stop_lead", provider_campaign_id: "235" })).toHaveProperty("unsupported");
    expect(heyreachOutboxRequest({ kind: "pause_campaign", provider_campaign_id: "x1" })).toHaveProperty("unsupported");
  });
});
