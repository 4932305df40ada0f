/** `npm run migrate`: apply all migrations and sql/ to DATABASE_URL, then exit 0. */
import { loadConfig } from "./config.ts";
import { migrate } from "./migrate.ts";

const config = loadConfig();
if (!config.DATABASE_URL) {
  console.error("npm run migrate needs DATABASE_URL (npm start migrates the embedded database by itself)");
  process.exit(2);
}
try {
  const out = await migrate(config.DATABASE_URL);
  if (out) console.log(out);
  console.log("migrate: done");
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
