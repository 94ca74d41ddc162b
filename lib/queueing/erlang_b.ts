/**
 * Erlang B: blocking probability of a loss system (M/M/N/N).
 *
 * @module
 */
import { requireAgents, requireNonNegative } from "./_validate.ts";

/**
 * Erlang B blocking probability B(N, A) by the stable recursion
 * B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)) — no factorials or powers, so it neither
 * overflows nor loses digits for thousands of lines.
 *
 * @param load_erlangs offered load A in Erlangs (≥ 0)
 * @param lines number of lines / servers N (whole number ≥ 0)
 * @returns the fraction of calls blocked, in [0, 1]
 * @throws {RangeError} for a negative or non-finite load, or non-integer / negative lines
 * Source: A. K. Erlang (1917); recursion as in ITU-T E.521 and Cooper, "Introduction to
 *   Queueing Theory" (1981), §3.
 * @example
 * ```ts
 * erlangB(1, 1); // 0.5
 * erlangB(1, 2); // 0.2
 * ```
 */
export function erlangB(load_erlangs: number, lines: number): number {
  const action = "Erlang B";
  requireNonNegative("load_erlangs", load_erlangs, "Erlangs", action);
  requireAgents(lines, action);
  let b = 1;
  for (let k = 1; k <= lines && b > 0; k++) b = (load_erlangs * b) / (k + load_erlangs * b);
  return b;
}

/**
 * Smallest number of lines whose Erlang B blocking is at most `max_blocking`.
 *
 * @throws {RangeError} when max_blocking is not in (0, 1]
 * @example
 * ```ts
 * requiredLines(10, 0.02); // 17
 * ```
 */
export function requiredLines(load_erlangs: number, max_blocking: number): number {
  requireNonNegative("load_erlangs", load_erlangs, "Erlangs", "required lines");
  if (!(max_blocking > 0 && max_blocking <= 1)) {
    throw new RangeError(`Cannot compute required lines: max_blocking must be in (0, 1], got ${max_blocking}`);
  }
  let b = 1;
  let k = 0;
  while (b > max_blocking) {
    k++;
    b = (load_erlangs * b) / (k + load_erlangs * b);
  }
  return k;
}
