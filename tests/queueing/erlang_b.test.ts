import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { erlangB, requiredLines } from "../../lib/mod.ts";

// Published vectors: ../shared/data/README.md, "Erlang C / B", case E5 (standard Erlang B tables,
// e.g. ITU-T E.521 / Cooper 1981, table of B(N, A)).
describe("erlangB()", () => {
  it("gives B(1,1) = 0.5 and B(2,1) = 0.2 (E5)", () => {
    expect(erlangB(1, 1)).toBe(0.5);
    expect(erlangB(1, 2)).toBeCloseTo(0.2, 15);
  });

  it("gives B(16,10) = 0.022302 and B(17,10) = 0.012949 (E5)", () => {
    expect(erlangB(10, 16)).toBeCloseTo(0.022302, 6);
    expect(erlangB(10, 17)).toBeCloseTo(0.012949, 6);
  });

  it("needs 17 lines for 10 Erlangs at ≤ 2 % blocking (E5)", () => {
    expect(requiredLines(10, 0.02)).toBe(17);
  });

  it("equals the closed form (A^N/N!) / Σ A^k/k! for small N", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 30, noNaN: true }), fc.integer({ min: 0, max: 20 }), (A, N) => {
      let term = 1, sum = 1;
      for (let k = 1; k <= N; k++) {
        term *= A / k;
        sum += term;
      }
      const closed = term / sum;
      expect(Math.abs(erlangB(A, N) - closed)).toBeLessThanOrEqual(1e-12 * Math.max(closed, 1e-300) + 1e-300);
    }), { seed: 20261129 });
  });

  it("stays finite for thousands of lines where factorials overflow", () => {
    const b = erlangB(5000, 5100);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(0.01);
  });

  it("rejects a negative load and non-integer lines with RangeErrors stating value and range", () => {
    expect(() => erlangB(-1, 3)).toThrow("Cannot compute Erlang B: load_erlangs must be a finite number ≥ 0 Erlangs, got -1");
    expect(() => erlangB(2, 2.5)).toThrow("Cannot compute Erlang B: agents must be a whole number from 0 to 10,000,000, got 2.5");
    expect(() => erlangB(NaN, 2)).toThrow(RangeError);
  });
});
