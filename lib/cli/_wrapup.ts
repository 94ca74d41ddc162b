/**
 * Private: the `--wrapup QUEUE=SECONDS` option shared by the operator commands and the monitor.
 *
 * @module
 */
import { safe, UsageError } from "./_common.ts";

/** `QUEUE=SECONDS` pairs → map. @throws {UsageError} */
export function wrapupMap(pairs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const p of pairs) {
    const m = /^(.+)=(\d+(?:\.\d+)?)$/.exec(p);
    if (!m) throw new UsageError(`--wrapup must be QUEUE=SECONDS (e.g. sales=30), got '${safe(p)}'`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
