/**
 * Options shared by every indicator query, with their defaults and validation.
 *
 * @module
 */
import { sqlString } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { SL_DEFAULTS, SL_VARIANTS, type SlVariant } from "./service_level.ts";

/** Indicator options. Every field is optional; see {@link resolveKpiOptions} for defaults. */
export interface KpiOptions {
  /** IANA time zone for intervals and days (default `"UTC"`). */
  timeZone?: string;
  /** Interval length in minutes: 5, 10, 15, 20, 30 or 60 (default 30). */
  interval_minutes?: number;
  /** Service-level threshold T in seconds; "within" means wait ≤ T (default 20). */
  sl_threshold_s?: number;
  /** Short-abandon threshold S in seconds; abandons with wait ≤ S (default 5). */
  short_abandon_s?: number;
  /** Service-level variant reported as `service_level` (default `"V2"`). */
  sl_variant?: SlVariant;
  /** Interval attribution: by entry time (`"entered"`, default) or completion time (`"ended"`). */
  attribution?: "entered" | "ended";
  /** Only stints from these sources (file names); default all. */
  sources?: readonly string[] | null;
  /** Window start, inclusive (epoch ms; stints by their attribution instant, agent events by theirs); default none. */
  from_ms?: number | null;
  /** Window end, exclusive (epoch ms); default none. */
  to_ms?: number | null;
}

/** {@link KpiOptions} with every default filled in. */
export type ResolvedKpiOptions = Required<Omit<KpiOptions, "sources" | "from_ms" | "to_ms">> & {
  sources: readonly string[] | null;
  from_ms: number | null;
  to_ms: number | null;
};

/** Allowed interval lengths (minutes): divisors of 60. */
export const INTERVAL_MINUTES = [5, 10, 15, 20, 30, 60] as const;

/**
 * Fills defaults and validates indicator options.
 *
 * @throws {RangeError} for an unknown time zone, an interval length not in 5/10/15/20/30/60
 *   minutes, a negative or non-finite threshold, or an unknown SL variant
 */
export function resolveKpiOptions(options: KpiOptions = {}): ResolvedKpiOptions {
  const r: ResolvedKpiOptions = {
    timeZone: options.timeZone ?? "UTC",
    interval_minutes: options.interval_minutes ?? 30,
    sl_threshold_s: options.sl_threshold_s ?? SL_DEFAULTS.threshold_s,
    short_abandon_s: options.short_abandon_s ?? SL_DEFAULTS.short_abandon_s,
    sl_variant: options.sl_variant ?? SL_DEFAULTS.variant,
    attribution: options.attribution ?? "entered",
    sources: options.sources ?? null,
    from_ms: options.from_ms ?? null,
    to_ms: options.to_ms ?? null,
  };
  for (const k of ["from_ms", "to_ms"] as const) {
    if (r[k] !== null && !Number.isFinite(r[k])) throw new RangeError(`Cannot compute indicators: ${k} must be an instant in epoch milliseconds, got ${r[k]}`);
  }
  if (r.from_ms !== null && r.to_ms !== null && !(r.to_ms > r.from_ms)) throw new RangeError("Cannot compute indicators: the window ends before it starts (to_ms ≤ from_ms)");
  ianaZone(r.timeZone);
  if (!(INTERVAL_MINUTES as readonly number[]).includes(r.interval_minutes)) {
    throw new RangeError(
      `Cannot bucket intervals: interval_minutes must be one of ${INTERVAL_MINUTES.join(", ")}, got ${r.interval_minutes}`,
    );
  }
  for (const k of ["sl_threshold_s", "short_abandon_s"] as const) {
    if (!(r[k] >= 0 && Number.isFinite(r[k]))) {
      throw new RangeError(`Cannot compute indicators: ${k} must be a finite number of seconds ≥ 0, got ${r[k]}`);
    }
  }
  if (!(r.sl_variant in SL_VARIANTS)) {
    throw new RangeError(`Cannot compute service level: variant must be one of V1–V7, got '${r.sl_variant}'`);
  }
  if (r.attribution !== "entered" && r.attribution !== "ended") {
    throw new RangeError(`Cannot attribute intervals: attribution must be 'entered' or 'ended', got '${r.attribution}'`);
  }
  return r;
}

export { sqlString };

/**
 * SQL filter of the options' scope: sources, and the window `[from_ms, to_ms)` on stints'
 * attribution instant (entry, or completion with `attribution: "ended"`) or agent events' instant.
 *
 * @param on which table the filter is for
 */
export function scopeFilter(o: ResolvedKpiOptions, on: "call_stints" | "agent_events" = "call_stints"): string {
  const at = on === "agent_events" ? '"at"' : o.attribution === "ended" ? "coalesce(ended_at, entered_at)" : "entered_at";
  let f = sourceFilter(o);
  if (o.from_ms !== null) f += ` AND ${at} >= make_timestamptz(${Math.round(o.from_ms) * 1000})`;
  if (o.to_ms !== null) f += ` AND ${at} < make_timestamptz(${Math.round(o.to_ms) * 1000})`;
  return f;
}

/** SQL `AND source IN (…)` filter for the options' sources, or an empty string. */
export function sourceFilter(o: ResolvedKpiOptions, column = "source"): string {
  return o.sources ? ` AND ${column} IN (${o.sources.map(sqlString).join(", ") || "NULL"})` : "";
}

/**
 * SQL expressions for the local day and the interval start of an instant column, in the
 * options' time zone. The interval start is an epoch-millisecond UTC instant computed from the
 * wall clock and the offset in force at that instant, so the repeated hour of a DST fall-back
 * gives two distinct intervals and the skipped hour of a spring-forward none.
 */
export function bucketSql(column: string, o: ResolvedKpiOptions): { day: string; interval_start_ms: string } {
  const tz = sqlString(o.timeZone);
  const local = `timezone(${tz}, ${column})`;
  const width = o.interval_minutes * 60;
  const offset = `(epoch(${local}) - epoch(${column}))`;
  return {
    day: `strftime(${local}, '%Y-%m-%d')`,
    interval_start_ms: `CAST(round((floor(epoch(${local}) / ${width}) * ${width} - ${offset}) * 1000) AS BIGINT)`,
  };
}
