/**
 * Where the hub's database is: DATABASE_URL, or the embedded PostgreSQL kept
 * under OUTREACH_DATA_DIR (default .data/) between runs.
 */
import path from "node:path";
import type { Config } from "./config.ts";
import { startEmbedded } from "./embedded.ts";
import { createDatabase, withDatabase } from "./pgurl.ts";

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE = "outreach";

export async function openDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const server = await startEmbedded({ dir: path.join(config.OUTREACH_DATA_DIR, "pg"), persistent: true });
  try {
    await createDatabase(server.adminUrl, EMBEDDED_DATABASE);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: withDatabase(server.adminUrl, EMBEDDED_DATABASE), embedded: true, stop: () => server.stop() };
}
