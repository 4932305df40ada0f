/**
 * Reading a webhook's JSON body: the content type is checked from the header,
 * the nesting depth from the raw bytes, and only then is the body parsed. A body
 * nested thousands deep is refused here (400, with a reason), before JSON.parse,
 * zod or PostgreSQL's json input can run out of stack on it (which answered 503,
 * so a sender retried it forever).
 */

/** Deepest nesting of arrays and objects a webhook body may have (the top level is 1). */
export const MAX_JSON_DEPTH = 64;

/** True for application/json and application/<anything>+json, any case, with or without parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const type = header.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * True when the JSON text nests arrays and objects deeper than max. One pass over
 * the bytes, skipping strings; it does not validate (JSON.parse does that next).
 */
export function nestedDeeperThan(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: "too_deep" | "invalid_json"; reason: string };

/** The body as JSON, or why not: too deep (checked first), or not valid JSON. */
export function parseJsonBody(raw: Buffer, maxDepth: number = MAX_JSON_DEPTH): ParsedJson {
  if (nestedDeeperThan(raw, maxDepth)) {
    return { ok: false, error: "too_deep", reason: `body is nested deeper than ${maxDepth} levels of arrays and objects` };
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) as unknown };
  } catch (err) {
    return { ok: false, error: "invalid_json", reason: `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}
