import { pino, type Logger } from "pino";

/** One JSON line per event on stdout. */
export function makeLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { service: "outreach-hub" }, timestamp: pino.stdTimeFunctions.isoTime });
}

export const log: Logger = makeLogger();
export type { Logger };
