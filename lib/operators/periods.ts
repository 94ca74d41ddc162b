/**
 * Reporting periods of agent time in a time zone: intervals of N minutes, local days, ISO weeks
 * (Monday), or the whole window; and the split of a time span across them (interval attribution
 * by activity, OPERATIONS.md §2: a segment counts in every period it spans, pro rata).
 *
 * @module
 */
import { DateTime } from "luxon";
import { ianaZone } from "../time/mod.ts";

/** How agent time is grouped in time. */
export type PeriodKind = "interval" | "day" | "week" | "period";

/** A period: its key (local ISO start, or `"all"`) and its instants `[start_ms, end_ms)`. */
export interface Period {
  key: string;
  start_ms: number;
  end_ms: number;
}

/**
 * The period of `kind` containing instant `ms` in `zone`.
 *
 * @param interval_minutes the interval length (a divisor of 60) for `"interval"`
 * @returns keys: `"2026-10-05T09:30:00+02:00"` (interval start, local with its offset), `"2026-10-05"` (day or the
 *   Monday of the ISO week), `"all"` (period, bounds ±∞)
 */
export function periodOf(kind: PeriodKind, ms: number, zone: string, interval_minutes = 30): Period {
  if (kind === "period") return { key: "all", start_ms: -Infinity, end_ms: Infinity };
  const t = DateTime.fromMillis(ms, { zone: ianaZone(zone) });
  if (kind === "interval") {
    const hour = t.startOf("hour");
    const start = hour.plus({ minutes: Math.floor(t.minute / interval_minutes) * interval_minutes });
    const end = start.plus({ minutes: interval_minutes });
    // With the offset, as queueKpis' interval_start: the repeated hour of a DST fall-back is two intervals.
    return { key: start.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"), start_ms: start.toMillis(), end_ms: end.toMillis() };
  }
  const start = kind === "day" ? t.startOf("day") : t.startOf("week");
  const end = kind === "day" ? start.plus({ days: 1 }) : start.plus({ weeks: 1 });
  return { key: start.toFormat("yyyy-MM-dd"), start_ms: start.toMillis(), end_ms: end.toMillis() };
}

/**
 * Splits `[from, to)` at the boundaries of the periods of `kind` and calls `each` with every
 * piece and its period. A cache of the last period keeps the common case (many short pieces in
 * one period) free of time-zone arithmetic.
 */
export class PeriodSplitter {
  private last: Period | null = null;
  constructor(readonly kind: PeriodKind, readonly zone: string, readonly interval_minutes = 30) {
    ianaZone(zone);
  }

  /**
   * Periods by 5-minute UTC bucket: every period boundary falls on one (intervals are whole
   * multiples of 5 minutes, zone offsets and DST steps whole multiples of 15), so a bucket lies
   * in one period and each is looked up in the zone once (luxon costs ~50 µs a call).
   */
  private readonly byBucket = new Map<number, Period>();

  /** The period containing `ms`. */
  at(ms: number): Period {
    const l = this.last;
    if (l && ms >= l.start_ms && ms < l.end_ms) return l;
    const bucket = Math.floor(ms / 300_000);
    let p = this.byBucket.get(bucket);
    if (!p) this.byBucket.set(bucket, (p = periodOf(this.kind, ms, this.zone, this.interval_minutes)));
    return (this.last = p);
  }

  /** Calls `each(piece_from, piece_to, period)` for each period `[from, to)` spans. */
  split(from: number, to: number, each: (a: number, b: number, p: Period) => void): void {
    let a = from;
    while (a < to) {
      const p = this.at(a);
      const b = Math.min(to, p.end_ms);
      each(a, b, p);
      a = b;
    }
  }
}
