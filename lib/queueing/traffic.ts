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
 * @throws {RangeError} when calls < 0, period_s ≤ 0 or aht_s ≤ 0 (or any is NaN / infinite)
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
  return (t.calls / t.period_s) * t.aht_s;
}
