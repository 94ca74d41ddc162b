import { describe, expect, it } from "vitest";
import { effectOfChange, fitGlm, fitOls, renderSummary, roas, roi, roiOfEffect, staffingMargin } from "../../lib/mod.ts";

describe("effectOfChange()", () => {
  it("in a linear model, one more unit of x moves the mean by βx with SE(βx)", () => {
    const data = { y: [3, 5, 4, 8, 9, 12, 11, 15], x: [1, 2, 2, 4, 5, 6, 6, 8], h: [0, 1, 0, 1, 0, 1, 0, 1] };
    const m = fitOls(data, "y ~ x + h");
    const e = effectOfChange(m, { x: 4, h: 1 }, { x: 5, h: 1 });
    const j = m.names.indexOf("x");
    expect(e.effect).toBeCloseTo(m.params[j]!, 12);
    expect(e.se).toBeCloseTo(m.bse[j]!, 12);
  });

  it("in a saturated logit, the change of group is the difference of proportions with binomial SEs", () => {
    // 30/100 vs 45/90: effect 0.5 − 0.3 = 0.2, SE = √(0.3·0.7/100 + 0.5·0.5/90) by the delta method.
    const g = fitGlm([{ s: 30, m: 100, b: 0 }, { s: 45, m: 90, b: 1 }], "s ~ b", { family: "binomial", trials: "m" });
    const e = effectOfChange(g, { b: 0 }, { b: 1 });
    expect(e.base_mean).toBeCloseTo(0.3, 10);
    expect(e.effect).toBeCloseTo(0.2, 10);
    expect(e.se).toBeCloseTo(Math.sqrt(0.21 / 100 + 0.25 / 90), 10);
  });

  it("uses the row's exposure for a Poisson rate model", () => {
    const rows = [{ c: 10, off: 100, x: 0 }, { c: 30, off: 150, x: 1 }];
    const p = fitGlm(rows, "c ~ x", { family: "poisson", exposure: "off" });
    // Saturated: rate 0.1 at x = 0 and 0.2 at x = 1; at exposure 50: 5 → 10 calls.
    const e = effectOfChange(p, { x: 0, off: 50 }, { x: 1, off: 50 });
    expect(e.effect).toBeCloseTo(5, 9);
  });
});

describe("staffingMargin(), roi(), roas(), roiOfEffect()", () => {
  it("computes the textbook definitions", () => {
    expect(staffingMargin(14, 10)).toBeCloseTo(4 / Math.sqrt(10), 15);
    expect(roi(1500, 1000)).toBe(0.5);
    expect(roas(4000, 1000)).toBe(4);
    // An extra agent costs 25 per interval and avoids 0.8 abandons (CI 0.5–1.1) worth 40 each.
    const r = roiOfEffect({ base_mean: 3, changed_mean: 2.2, effect: -0.8, se: 0.15, ci_low: -1.1, ci_high: -0.5 }, { value_per_unit: -40, cost: 25, kind: "marginal" });
    expect(r).toEqual({ kind: "marginal", benefit: 32, roi: (32 - 25) / 25, roi_low: (20 - 25) / 25, roi_high: (44 - 25) / 25 });
  });

  it("rejects a zero cost or spend", () => {
    expect(() => roi(10, 0)).toThrow("Cannot compute ROI: cost must be > 0, got 0");
    expect(() => roas(10, -1)).toThrow(RangeError);
  });
});

describe("renderSummary()", () => {
  it("renders the coefficient table with escaped names and the statsmodels layout", () => {
    const m = fitOls({ y: [1, 2, 4, 3, 6], "<b>x</b>": [1, 2, 3, 4, 5] }, "y ~ `<b>x</b>`");
    const html = renderSummary(m);
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).not.toContain("<b>x</b>");
    for (const h of ["coef", "std err", "P&gt;|t|", "[95 %", "R² / adj. R²", "Durbin–Watson"]) expect(html).toContain(h);
    const display = (m as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(display["text/html"]).toBe(html);
    expect(JSON.parse(JSON.stringify(m)).params).toEqual(m.params);
  });
});
