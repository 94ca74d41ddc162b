/**
 * Replaying a recorded `queue_log` into a file at a chosen speed, for watching the monitor on
 * recorded or simulated data (the demo center's log).
 *
 * @module
 */
import { appendFileSync, writeFileSync } from "node:fs";

/** Options of {@link replayLog}. */
export interface ReplayOptions {
  /** Seconds of log per second of replay (default 60). */
  speed?: number;
  /** Lines before this instant (epoch ms) are written at once; pacing starts there (default: the first line). */
  start_at_ms?: number | null;
  /** Append to `out` instead of starting it empty (default false). */
  append?: boolean;
  /** Called after each write with the lines written so far and the log instant reached (epoch ms). */
  onProgress?: (written: number, at_ms: number) => void;
  /** Stops the replay when it returns true (checked between writes). */
  stop?: () => boolean;
  /** Milliseconds between writes (default 100). */
  tick_ms?: number;
}

/**
 * Writes `lines` (native queue_log lines, in time order) to `out`, each when its time comes:
 * a line stamped `t` is written `(t − t0) / speed` seconds after the start, `t0` being
 * `start_at_ms` or the first line's time. A line whose time cannot be read is written with the
 * line before it (the monitor rejects it, as the historical load would).
 *
 * @returns the number of lines written
 * @throws {RangeError} when `speed` is not a positive number
 */
export async function replayLog(lines: readonly string[], out: string, options: ReplayOptions = {}): Promise<number> {
  const speed = options.speed ?? 60;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`Cannot replay: speed must be a positive number, got ${speed}`);
  const tick = options.tick_ms ?? 100;
  const times: number[] = [];
  let prev = -Infinity;
  for (const l of lines) {
    const t = Number(l.slice(0, l.indexOf("|"))) * 1000;
    prev = Number.isFinite(t) && l.indexOf("|") > 0 ? Math.max(prev, t) : prev;
    times.push(prev);
  }
  const t0 = options.start_at_ms ?? times.find((t) => Number.isFinite(t)) ?? 0;
  if (!options.append) writeFileSync(out, "");
  const w0 = Date.now();
  let i = 0;
  while (i < lines.length) {
    if (options.stop?.()) break;
    const due = t0 + (Date.now() - w0) * speed;
    let j = i;
    while (j < lines.length && !(times[j]! > due)) j++;
    if (j > i) {
      appendFileSync(out, lines.slice(i, j).join("\n") + "\n");
      i = j;
      options.onProgress?.(i, Math.max(t0, times[i - 1]!));
    }
    if (i < lines.length) await new Promise((r) => setTimeout(r, tick));
  }
  return i;
}
