/**
 * Traffic inputs shared by the Erlang models.
 *
 * @module
 */
import { requireNonNegative, requirePositive } from "./_validate.ts";

/** Calls offered in a period and their mean handling time. */
export interface Traffic {
  /** Calls arriving in the period (a mean rate, need not be whole). */
  calls: number;
  /** Length of the period in seconds (e.g. 1800 for a 30-minute interval). */
  period_s: number;
  /** Average handling time (talk + hold + wrap) in seconds. */
  aht_s: number;
}

/**
 * Offered load in Erlangs: A = λ · AHT = calls / period_s · aht_s.
 *
 * @throws {RangeError} when calls < 0, period_s or aht_s below 1e-6 s (or any is NaN / infinite),
 *   or the load exceeds 1e6 Erlangs
 * Source: A. K. Erlang (1917); ITU-T E.600 (traffic intensity).
 * @example
 * ```ts
 * offeredLoad({ calls: 100, period_s: 1800, aht_s: 180 }); // 10
 * ```
 */
export function offeredLoad(t: Traffic, action = "the offered load"): number {
  requireNonNegative("calls", t.calls, "", action);
  requirePositive("period_s", t.period_s, "seconds", action);
  requirePositive("aht_s", t.aht_s, "seconds", action);
  for (const [what, v] of [["period_s", t.period_s], ["aht_s", t.aht_s]] as const) {
    if (v < MIN_SECONDS) throw new RangeError(`Cannot compute ${action}: ${what} must be at least ${MIN_SECONDS} seconds, got ${v}`);
  }
  const A = (t.calls / t.period_s) * t.aht_s;
  if (!(A <= MAX_LOAD_ERLANGS)) {
    throw new RangeError(`Cannot compute ${action}: the offered load ${A.toExponential(2)} Erlangs is above the supported ${MAX_LOAD_ERLANGS.toExponential(0)} Erlangs`);
  }
  return A;
}

/** Largest offered load the models accept, Erlangs (far beyond any contact center). */
export const MAX_LOAD_ERLANGS = 1e6;
/** Shortest period, handling time or patience accepted, seconds. */
export const MIN_SECONDS = 1e-6;
