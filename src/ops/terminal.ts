/**
 * Data on an operator's terminal: names come from the database, and a campaign
 * named "\x1b[2J" must not clear the screen. Every string the report prints
 * passes through here first.
 */

/**
 * Escape and control sequences, whole: CSI (ESC [ or the 8-bit CSI 0x9B, then
 * parameters and one final byte), OSC, DCS, SOS, PM and APC strings (up to BEL
 * or ST), and any other two-byte ESC sequence.
 */
const SEQUENCES =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x7e]?/g;
/** Single control characters left over: C0, DEL and C1. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/** The string without terminal control sequences or characters; tabs and line breaks become spaces. */
export function stripControls(s: string): string {
  return s.replace(SEQUENCES, "").replace(/[\t\n\r]/g, " ").replace(CONTROLS, "");
}

/** A copy of value with every string in it (keys included) passed through stripControls. */
export function stripControlsDeep<T>(value: T): T {
  if (typeof value === "string") return stripControls(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => stripControlsDeep(v)) as T;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripControls(k), stripControlsDeep(v)])) as T;
  }
  return value;
}

/**
 * JSON for a terminal: JSON.stringify already escapes C0 (ESC included); DEL and
 * C1, which it leaves raw, are escaped too. The data is unchanged for a JSON reader.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
