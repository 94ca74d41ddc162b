import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { erlangC } from "../../lib/mod.ts";

// Published vectors: ../shared/data/README.md, "Erlang C / B" cases E1, E3, E4 (Erlang C tables
// as in Koole, "Call Center Optimization" ch. 5; SL = 1 − C·exp(−(N − A)·T/AHT)).
const E1 = { calls: 100, period_s: 1800, aht_s: 180, threshold_s: 20 };

describe("erlangC()", () => {
  it.each([
    [11, 0.6821182, 0.3896138, 122.78, 2],
    [12, 0.4493882, 0.640158, 40.44, 2],
    [13, 0.2852705, 0.7955948, 17.12, 2],
    [14, 0.1741319, 0.88835, 7.836, 3],
  ])("E1, A = 10, N = %i: P(wait) %f, SL %f, ASA %f s", (N, pWait, sl, asa, asaDigits) => {
    const m = erlangC({ ...E1, agents: N });
    expect(m.offered_load_erlangs).toBe(10);
    expect(m.p_wait).toBeCloseTo(pWait, 7);
    expect(m.service_level).toBeCloseTo(sl, String(sl).split(".")[1]!.length);
    expect(m.asa_s).toBeCloseTo(asa, asaDigits);
    expect(m.occupancy).toBeCloseTo(10 / N, 15);
  });

  it("E3, 20 Erlangs, 25 agents, T = 60 s: C 0.209103, SL 0.960506, ASA 7.528 s", () => {
    const m = erlangC({ calls: 200, period_s: 1800, aht_s: 180, agents: 25, threshold_s: 60 });
    expect(m.p_wait).toBeCloseTo(0.209103, 6);
    expect(m.service_level).toBeCloseTo(0.960506, 6);
    expect(m.asa_s).toBeCloseTo(7.528, 3);
  });

  it("E4, 342 calls / 1800 s, AHT 430 s: SL 0.7680 with 89 agents, 0.8145 with 90", () => {
    const at = (N: number) => erlangC({ calls: 342, period_s: 1800, aht_s: 430, agents: N }).service_level;
    expect(at(89)).toBeCloseTo(0.7680, 4);
    expect(at(90)).toBeCloseTo(0.8145, 4);
  });

  it("reports N ≤ A as unstable: infinite wait, SL 0, never negative or NaN", () => {
    for (const N of [0, 5, 10]) {
      const m = erlangC({ ...E1, agents: N });
      expect(m).toMatchObject({ stable: false, p_wait: 1, service_level: 0, asa_s: Infinity, occupancy: 1 });
    }
  });

  it("gives SL 1 and no wait when no call is offered", () => {
    expect(erlangC({ ...E1, calls: 0, agents: 1 })).toMatchObject({ stable: true, p_wait: 0, service_level: 1, asa_s: 0 });
  });

  it("has SL increasing and P(wait) decreasing in N (property)", () => {
    fc.assert(fc.property(
      fc.double({ min: 0.1, max: 400, noNaN: true }), fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 120, noNaN: true }),
      (A, extra, T) => {
        const N = Math.floor(A) + extra;
        const input = { calls: A, period_s: 100, aht_s: 100, threshold_s: T };
        const a = erlangC({ ...input, agents: N });
        const b = erlangC({ ...input, agents: N + 1 });
        expect(b.service_level).toBeGreaterThanOrEqual(a.service_level - 1e-12);
        expect(b.p_wait).toBeLessThanOrEqual(a.p_wait + 1e-12);
        expect(a.p_wait).toBeGreaterThanOrEqual(0);
        expect(a.p_wait).toBeLessThanOrEqual(1);
      },
    ), { seed: 20261129 });
  });

  it("rejects invalid inputs with RangeErrors stating value, range and unit", () => {
    expect(() => erlangC({ ...E1, agents: 12.5 })).toThrow("Cannot compute Erlang C: agents must be a whole number from 0 to 10,000,000, got 12.5");
    expect(() => erlangC({ ...E1, aht_s: 0, agents: 12 })).toThrow("Cannot compute Erlang C: aht_s must be a finite number > 0 seconds, got 0");
    expect(() => erlangC({ ...E1, calls: -3, agents: 12 })).toThrow("Cannot compute Erlang C: calls must be a finite number ≥ 0, got -3");
    expect(() => erlangC({ ...E1, threshold_s: NaN, agents: 12 })).toThrow(RangeError);
  });
});
