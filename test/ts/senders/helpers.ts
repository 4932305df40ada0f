import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ClaimedSend } from "../../../src/senders/outbound.ts";

const root = fileURLToPath(new URL("../../fixtures/providers/", import.meta.url));

/** A provider fixture: its raw bytes (for signatures) and its parsed JSON. */
export function fixture(provider: string, name: string): { raw: string; json: unknown } {
  const raw = readFileSync(`${root}${provider}/${name}.json`, "utf8");
  return { raw, json: JSON.parse(raw) as unknown };
}

/** Every fixture name of a provider (file names without .json). */
export function fixtureNames(provider: string): string[] {
  return readdirSync(`${root}${provider}`)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** A deterministic UUID v4-shaped id from a number. */
export function uuidFor(n: number, prefix = "a"): string {
  const hex = n.toString(16).padStart(12, "0");
  return `${prefix.repeat(8)}-0000-4000-8000-${hex}`;
}

/** `n` claimed rows of one provider campaign, as `claim_sends` returns them. */
export function claimedRows(n: number, over: Partial<ClaimedSend> = {}, start = 0): ClaimedSend[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return {
      send_id: uuidFor(i, "a"),
      enrolment_id: uuidFor(i, "b"),
      claim_token: uuidFor(i, "c"),
      email_to: `Person${i}@Example.com`,
      linkedin_url: `https://www.linkedin.com/in/person-${i}/`,
      full_name: `Person ${i} Example`,
      company_name: `Company ${i}`,
      subject: `Subject ${i}`,
      body: `Body ${i}`,
      provider_campaign_id: "8d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
      sequence_step: 1,
      steps: [
        { step: 1, subject: `S1 for ${i}`, body: `B1 for ${i}`, delay_days: 0, delay_hours: 0 },
        { step: 2, subject: `S2 for ${i}`, body: `B2 for ${i}`, delay_days: 3, delay_hours: 0 },
      ],
      ...over,
    };
  });
}
