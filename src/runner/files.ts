import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Every file under dir (recursively) whose name ends with suffix, unsorted; [] if dir is absent. */
export function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
