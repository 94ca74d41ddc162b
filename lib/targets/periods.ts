/**
 * Evaluation periods of targets: local days, ISO weeks (Monday), calendar months, or the whole
 * window, in a time zone.
 *
 * @module
 */
import { DateTime } from "luxon";
import { ianaZone, isoInZone } from "../time/mod.ts";
import { periodOf } from "../operators/mod.ts";

/** How a target is evaluated in time: once over the window, or per interval, local day, ISO week or month. */
export type TargetPeriod = "all" | "interval" | "day" | "week" | "month";
/** The choices of {@link TargetPeriod}. */
export const TARGET_PERIODS: readonly TargetPeriod[] = ["all", "interval", "day", "week", "month"];

/** One evaluation period: `[start_ms, end_ms)` and its start as local ISO. */
export interface EvalPeriod {
  start_ms: number;
  end_ms: number;
  /** Local start: `2026-10-05` for a day, week or month; ISO with offset for an interval and for `all` (the window's start). */
  key: string;
}

/**
 * The periods of `kind` covering `[from_ms, to_ms)`, each whole (a day, week or month is never
 * cut at the window's edges: the window's first and last periods are the ones containing its
 * ends), preceded by the period just before the first (the baseline of its trend).
 *
 * @param interval_minutes the interval length of `interval` periods (a divisor of 60; default 30)
 * @returns periods in time order; element 0 is the baseline (for `all`: the window of equal length before)
 * @throws {RangeError} for a bad zone or an empty window
 */
export function periodsWithBaseline(kind: TargetPeriod, from_ms: number, to_ms: number, zone: string, interval_minutes = 30): EvalPeriod[] {
  const z = ianaZone(zone);
  if (!(to_ms > from_ms)) throw new RangeError("Cannot evaluate targets: the window ends before it starts");
  if (kind === "all") {
    const len = to_ms - from_ms;
    return [
      { start_ms: from_ms - len, end_ms: from_ms, key: isoInZone(from_ms - len, zone) },
      { start_ms: from_ms, end_ms: to_ms, key: isoInZone(from_ms, zone) },
    ];
  }
  const of = (ms: number): EvalPeriod => {
    if (kind === "month") {
      const start = DateTime.fromMillis(ms, { zone: z }).startOf("month");
      return { start_ms: start.toMillis(), end_ms: start.plus({ months: 1 }).toMillis(), key: start.toFormat("yyyy-MM-dd") };
    }
    const p = periodOf(kind, ms, zone, interval_minutes);
    return { start_ms: p.start_ms, end_ms: p.end_ms, key: p.key };
  };
  const first = of(from_ms);
  const out = [of(first.start_ms - 1), first];
  while (out[out.length - 1]!.end_ms < to_ms) out.push(of(out[out.length - 1]!.end_ms));
  return out;
}
