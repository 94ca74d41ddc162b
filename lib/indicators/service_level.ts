/**
 * Service level and its variants, from the counts of one group of calls.
 *
 * @module
 */

/** Counts a service level is computed from. All are numbers of queue stints (calls). */
export interface ServiceLevelCounts {
  /** Off = answered + abandoned + flow-outs (open stints excluded). */
  offered: number;
  /** Ans. */
  answered: number;
  /** Ab: caller hung up while queued. */
  abandoned: number;
  /** AbS: abandoned with wait ≤ the short-abandon threshold S. */
  short_abandoned: number;
  /** FO: timeouts, exit-empty, exit-with-key and withdrawn stints. */
  timeouts: number;
  /** AnsT: answered with wait ≤ T. */
  answered_within: number;
  /** AbT: abandoned with wait ≤ T. */
  abandoned_within: number;
}

/** The service-level variants of DESIGN.md, by id, with their names. */
export const SL_VARIANTS = {
  V1: "answered_within_over_offered",
  V2: "answered_within_over_offered_less_short_abandons",
  V3: "answered_within_over_answered",
  V4: "answered_or_abandoned_within_over_offered",
  V5: "answered_within_over_offered_less_abandoned_within",
  V6: "answered_within_or_short_abandoned_over_offered",
  V7: "answered_within_over_offered_less_flowouts",
} as const;

/** A service-level variant id. */
export type SlVariant = keyof typeof SL_VARIANTS;

/**
 * The defaults of every command and function that reports a service level — data KPIs, reports,
 * the live monitor, `erlang`, `staffing` and `simulate` (DESIGN.md "Service level"): variant V2,
 * threshold T = 20 s, short abandons S = 5 s.
 */
export const SL_DEFAULTS = { variant: "V2", threshold_s: 20, short_abandon_s: 5 } as const satisfies {
  variant: SlVariant; threshold_s: number; short_abandon_s: number;
};

/** Formula of each variant, as printed on reports. */
export const SL_FORMULAS: Record<SlVariant, string> = {
  V1: "AnsT / Off",
  V2: "AnsT / (Off − AbS)",
  V3: "AnsT / Ans",
  V4: "(AnsT + AbT) / Off",
  V5: "AnsT / (Off − AbT)",
  V6: "(AnsT + AbS) / Off",
  V7: "AnsT / (Off − FO)",
};

/** Divides, returning `null` when the denominator is not positive (empty). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/**
 * Computes a service level as a fraction in [0, 1].
 *
 * | id | formula |
 * |---|---|
 * | V1 | AnsT / Off |
 * | V2 (default) | AnsT / (Off − AbS) |
 * | V3 | AnsT / Ans |
 * | V4 | (AnsT + AbT) / Off |
 * | V5 | AnsT / (Off − AbT) |
 * | V6 | (AnsT + AbS) / Off |
 * | V7 | AnsT / (Off − FO) |
 *
 * @param counts the group's counts (see {@link ServiceLevelCounts})
 * @param variant `"V1"` … `"V7"` (default `"V2"`)
 * @returns the fraction, or `null` when the denominator is 0
 * @throws {RangeError} for an unknown variant
 * Source: DESIGN.md "Service level"; V3/V4 are Asterisk's `servicelevel` and SL2 (app_queue.c);
 *   variants discussed in ICMI, "Service level and how to calculate it".
 * @example
 * ```ts
 * serviceLevel({ offered: 1060, answered: 1000, abandoned: 60, short_abandoned: 10, timeouts: 0,
 *   answered_within: 860, abandoned_within: 20 }, "V2"); // 860 / 1050 = 0.8190…
 * ```
 */
export function serviceLevel(counts: ServiceLevelCounts, variant: SlVariant = SL_DEFAULTS.variant): number | null {
  const { offered: off, answered: ans, short_abandoned: abS, timeouts: fo, answered_within: ansT, abandoned_within: abT } =
    counts;
  switch (variant) {
    case "V1":
      return ratio(ansT, off);
    case "V2":
      return ratio(ansT, off - abS);
    case "V3":
      return ratio(ansT, ans);
    case "V4":
      return ratio(ansT + abT, off);
    case "V5":
      return ratio(ansT, off - abT);
    case "V6":
      return ratio(ansT + abS, off);
    case "V7":
      return ratio(ansT, off - fo);
    default:
      throw new RangeError(`Cannot compute service level: variant must be one of V1–V7, got '${String(variant)}'`);
  }
}
