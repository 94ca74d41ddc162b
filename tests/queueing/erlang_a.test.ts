import { describe, expect, it } from "vitest";
import fc from "fast-check";
import gammainc from "@stdlib/math-base-special-gammainc";
import gammaln from "@stdlib/math-base-special-gammaln";
import { erlangA, erlangB, erlangC } from "../../lib/mod.ts";
import { referenceServiceLevels } from "./_uniformization.ts";

// Published vectors: ../shared/data/README.md, "Erlang A" (100 calls / 30 min, AHT 180 s,
// mean patience 300 s, T = 20 s; SL = answered within T / offered).
const BASE = { calls: 100, period_s: 1800, aht_s: 180, patience_s: 300, threshold_s: 20 };

/**
 * Independent closed forms (Mandelbaum & Zeltyn 2007, "Service engineering in action: the
 * Palm/Erlang-A queue", §5) with A(x, y) = x·e^y·y^(−x)·γ(x, y), γ the lower incomplete gamma
 * (from @stdlib, not from lib/): P(W > 0) = A·E / (1 + (A − 1)·E), E = Erlang B(N, λ/μ);
 * P(Ab | W > 0) = 1/(ρ·A) + 1 − 1/ρ with ρ = λ/(N·μ).
 */
function closedForm(calls: number, period_s: number, aht_s: number, patience_s: number, N: number) {
  const lambda = calls / period_s, mu = 1 / aht_s, theta = 1 / patience_s;
  const x = (N * mu) / theta, y = lambda / theta;
  const A = Math.exp(Math.log(x) + y - x * Math.log(y) + gammaln(x) + Math.log(gammainc(y, x)));
  const E = erlangB(lambda / mu, N);
  const pWait = (A * E) / (1 + (A - 1) * E);
  const rho = lambda / (N * mu);
  return { pWait, pAbandon: (1 / (rho * A) + 1 - 1 / rho) * pWait };
}

describe("erlangA()", () => {
  it.each([
    [11, 0.459775, 0.069945, 20.984, 0.845504, 0.656873],
    [12, 0.331802, 0.042711, 12.813, 0.797741, 0.772279],
    [13, 0.225797, 0.024963, 7.489, 0.750028, 0.858178],
    [14, 0.145260, 0.013984, 4.195, 0.704297, 0.916792],
    [15, 0.088547, 0.007514, 2.254, 0.661657, 0.953856],
    [16, 0.051251, 0.003876, 1.163, 0.622577, 0.975745],
  ])("N = %i matches the published P(W>0), P(abandon), E[W], occupancy and SL", (N, pWait, pAb, wait, occ, sl) => {
    const m = erlangA({ ...BASE, agents: N });
    expect(m.p_wait).toBeCloseTo(pWait, 6);
    expect(m.p_abandon).toBeCloseTo(pAb, 6);
    expect(m.avg_wait_s).toBeCloseTo(wait, 3);
    expect(m.occupancy).toBeCloseTo(occ, 6);
    expect(m.service_level).toBeCloseTo(sl, 6);
  });

  it("agrees with the incomplete-gamma closed forms to 1e-10", () => {
    for (const [calls, aht, patience] of [[100, 180, 300], [400, 240, 60], [30, 600, 1200], [900, 120, 45]] as const) {
      const A = (calls / 1800) * aht;
      for (const N of [Math.max(1, Math.floor(A * 0.8)), Math.ceil(A), Math.ceil(A + 2 * Math.sqrt(A))]) {
        const m = erlangA({ calls, period_s: 1800, aht_s: aht, patience_s: patience, agents: N });
        const c = closedForm(calls, 1800, aht, patience, N);
        expect(Math.abs(m.p_wait - c.pWait)).toBeLessThan(1e-10);
        expect(Math.abs(m.p_abandon - c.pAbandon)).toBeLessThan(1e-10);
      }
    }
  });

  it("keeps its internal identities: P(Ab) = θ·E[W], answered = 1 − abandoned", () => {
    const m = erlangA({ ...BASE, agents: 12 });
    expect(m.p_abandon).toBeCloseTo(m.avg_wait_s / BASE.patience_s, 12);
    expect(m.p_answered).toBeCloseTo(1 - m.p_abandon, 12);
  });

  it("orders its service-level variants as their definitions require (property)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300 }), fc.integer({ min: 60, max: 600 }), fc.integer({ min: 10, max: 900 }),
      fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }),
      (calls, aht, patience, N, T) => {
        const m = erlangA({ calls, period_s: 1800, aht_s: aht, patience_s: patience, agents: N, threshold_s: T });
        const s = m.service_levels;
        const tol = 1e-9;
        expect(s.virtual_wait_within).toBeGreaterThanOrEqual(s.answered_within_over_offered - tol);
        expect(s.answered_within_over_answered).toBeGreaterThanOrEqual(s.answered_within_over_offered - tol);
        expect(s.answered_or_abandoned_within_over_offered).toBeGreaterThanOrEqual(s.answered_within_over_offered - tol);
        expect(s.answered_within_over_offered).toBeLessThanOrEqual(m.p_answered + tol);
        // V2 takes short abandons out of the denominator only: never below V1.
        expect(s.answered_within_over_offered_less_short_abandons).toBeGreaterThanOrEqual(s.answered_within_over_offered - tol);
        for (const v of Object.values(s)) expect(v >= 0 && v <= 1).toBe(true);
      },
    ), { numRuns: 60, seed: 20261129 });
  });

  it("has SL increasing and P(wait) decreasing in N (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 10, max: 1200 }), fc.integer({ min: 0, max: 60 }), (calls, patience, N) => {
      const input = { calls, period_s: 1800, aht_s: 180, patience_s: patience };
      const a = erlangA({ ...input, agents: N });
      const b = erlangA({ ...input, agents: N + 1 });
      expect(b.service_level).toBeGreaterThanOrEqual(a.service_level - 1e-9);
      expect(b.p_wait).toBeLessThanOrEqual(a.p_wait + 1e-12);
      expect(b.p_abandon).toBeLessThanOrEqual(a.p_abandon + 1e-12);
    }), { numRuns: 60, seed: 20261129 });
  });

  it("tends to Erlang C as patience grows", () => {
    fc.assert(fc.property(fc.double({ min: 1, max: 50, noNaN: true }), fc.integer({ min: 1, max: 10 }), (A, extra) => {
      const N = Math.ceil(A) + extra; // at least one agent above the load, away from criticality
      const input = { calls: A, period_s: 180, aht_s: 180, agents: N };
      const c = erlangC(input);
      const far = erlangA({ ...input, patience_s: 1e9 });
      const near = erlangA({ ...input, patience_s: 1e5 });
      expect(Math.abs(far.p_wait - c.p_wait)).toBeLessThanOrEqual(Math.abs(near.p_wait - c.p_wait) + 1e-12);
      expect(Math.abs(far.p_wait - c.p_wait)).toBeLessThan(1e-4);
      expect(Math.abs(far.service_level - c.service_level)).toBeLessThan(1e-4);
    }), { numRuns: 40, seed: 20261129 });
  });

  it("handles 10,000 calls per hour with AHT 360 s (1,000 Erlangs) without overflow", () => {
    const m = erlangA({ calls: 10_000, period_s: 3600, aht_s: 360, patience_s: 180, agents: 1000 });
    for (const v of [m.p_wait, m.p_abandon, m.service_level, m.asa_s, m.occupancy]) expect(Number.isFinite(v)).toBe(true);
    expect(m.p_abandon).toBeGreaterThan(0);
    expect(m.p_abandon).toBeLessThan(0.1);
  });

  it("rejects a missing or non-positive patience", () => {
    expect(() => erlangA({ ...BASE, patience_s: 0, agents: 3 })).toThrow("Cannot compute Erlang A: patience_s must be a finite number > 0 seconds, got 0");
  });
});



describe("erlangA() service levels", () => {
  it("agree with a brute-force uniformization of the waiting caller's chain to 1e-9", () => {
    // The last column is the short-abandon threshold S of V2 (5 s by default, 12 s and 0 s too).
    for (const [calls, aht, patience, T, S] of [[100, 180, 300, 20, 5], [400, 240, 60, 30, 12], [30, 600, 1200, 10, 5], [900, 120, 45, 60, 0]] as const) {
      const A = (calls / 1800) * aht;
      for (const N of [Math.max(1, Math.floor(A * 0.8)), Math.ceil(A), Math.ceil(A + 2 * Math.sqrt(A))]) {
        const lib = erlangA({ calls, period_s: 1800, aht_s: aht, patience_s: patience, agents: N, threshold_s: T, short_abandon_s: S }).service_levels;
        const ref = referenceServiceLevels(calls, 1800, aht, patience, N, T, S);
        expect(Object.keys(lib).sort()).toEqual(Object.keys(ref).sort());
        for (const k of Object.keys(ref) as (keyof typeof ref)[]) expect(Math.abs(lib[k] - ref[k])).toBeLessThan(1e-9);
      }
    }
  });
});
