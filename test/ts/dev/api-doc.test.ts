import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiReferencePath, renderApiReference } from "../../../src/dev/api-doc.ts";
import { freshDatabase, type TestDatabase } from "../helpers.ts";

describe("docs/api-reference.md", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("is what the catalog says (run `npm run docs:api` after changing a function, a view or a comment)", async () => {
    const generated = await renderApiReference(db.url);
    expect(readFileSync(apiReferencePath, "utf8")).toBe(generated);
  });

  it("lists every SPEC §4 function with its comment", async () => {
    const page = await renderApiReference(db.url);
    for (const fn of ["init_outreach", "init_pending", "candidates", "primary_contact", "cooling_off", "match_campaign",
      "promote", "record_event", "kill_switches", "check_kill_switches", "clear_kill_switch", "calendar_link",
      "verify_calendar_link", "record_meeting_booked"]) {
      expect(page).toMatch(new RegExp(`\\| \`outreach\\.${fn}\\([^|]*\\)\` \\| [^|]+ \\| \\S`));
    }
  });
});
