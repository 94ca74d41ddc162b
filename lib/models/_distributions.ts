/**
 * Private: the distribution functions inference needs (well-kept @stdlib implementations).
 *
 * @module
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import fCdf from "@stdlib/stats-base-dists-f-cdf";
import chisqCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/** Two-sided p-value of a t statistic with `df` degrees of freedom (normal when df is Infinity). */
export function twoSidedP(stat: number, df: number): number {
  if (!Number.isFinite(stat)) return Number.isNaN(stat) ? NaN : 0;
  const tail = df === Infinity ? normalCdf(-Math.abs(stat), 0, 1) : tCdf(-Math.abs(stat), df);
  return Math.min(1, 2 * tail);
}

/** Critical value for a two-sided (1 − alpha) interval. */
export function critical(alpha: number, df: number): number {
  return df === Infinity ? normalQuantile(1 - alpha / 2, 0, 1) : tQuantile(1 - alpha / 2, df);
}

/** Upper-tail probability of F(d1, d2). */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return NaN;
  return Number.isFinite(f) ? 1 - fCdf(f, d1, d2) : 0;
}

/** Upper-tail probability of χ²(df). */
export function chisqSurvival(x: number, df: number): number {
  return 1 - chisqCdf(x, df);
}
