import { z } from "zod";
import { checkKillSwitches } from "../src/runner/db.ts";
import { defineTask } from "../src/runner/task.ts";

/** Trips what crossed its threshold and records it; the board decides, not this file. */
export default defineTask("check_kill_switches", z.object({}), async (_p, correlationId, { sql }) => {
  const board = await checkKillSwitches(sql, correlationId);
  return { tripped: board.filter((r) => r.tripped).map((r) => r.switch) };
});
