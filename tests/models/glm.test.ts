import { describe, expect, it } from "vitest";
import { fitGlm, fitOls } from "../../lib/mod.ts";
import { lre, referenceCsv } from "./_reference.ts";
import { exactLeastSquares } from "./_exact.ts";

const RAND = "mdvis ~ lncoins + idp + lpi + fmde + physlm + disea + hlthg + hlthf + hlthp";

describe("fitGlm() Poisson on RandHIE (Stata 11 reference, ../shared/data/README.md)", () => {
  const rows = referenceCsv("randhie");
  const m = fitGlm(rows, RAND, { family: "poisson" });
  const names = ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp", "const"];
  const stataCoef = [-0.052535114675, -0.247086797633, 0.035290201794, -0.03457750643, 0.271713973711, 0.033941474461, -0.012635035534, 0.054056326828, 0.206115121809, 0.700352877227];
  const stataSe = [0.00288398915279, 0.01061725196728, 0.00182833684966, 0.00161284852954, 0.01223913844387, 0.00056476496963, 0.00925061122826, 0.01530987068312, 0.02627928267502, 0.01116266712362];

  it("matches Stata's coefficients and standard errors to Stata's own convergence (7 digits)", () => {
    names.forEach((name, i) => {
      const j = m.names.indexOf(name);
      expect(lre(m.params[j]!, stataCoef[i]!), `${name} coef`).toBeGreaterThanOrEqual(7);
      expect(lre(m.bse[j]!, stataSe[i]!), `${name} se`).toBeGreaterThanOrEqual(7);
    });
    expect(lre(m.log_likelihood, -62419.588535018)).toBeGreaterThanOrEqual(9);
  });

  it("is closer to the maximum than the reference: its score Xᵀ(y − μ) is smaller", () => {
    // Independent check of convergence: the Poisson score at our estimate and at Stata's.
    const score = (beta: number[]) => {
      const g = new Array(names.length).fill(0);
      for (const r of rows) {
        const x = names.map((nm) => (nm === "const" ? 1 : Number(r[nm])));
        const mu = Math.exp(x.reduce((s, v, i) => s + v * beta[i]!, 0));
        x.forEach((v, i) => (g[i] += v * (Number(r.mdvis) - mu)));
      }
      return Math.hypot(...g);
    };
    const ours = names.map((nm) => m.params[m.names.indexOf(nm)]!);
    expect(score(ours)).toBeLessThan(score(stataCoef));
    expect(m.converged).toBe(true);
  });

  it("gives the same fit with exposure as with the equivalent log offset", () => {
    const small = rows.slice(0, 400).map((r, i) => ({ ...r, hours: 1 + (i % 4), log_hours: Math.log(1 + (i % 4)) }));
    const a = fitGlm(small, "mdvis ~ lncoins + idp", { family: "poisson", exposure: "hours" });
    const b = fitGlm(small, "mdvis ~ lncoins + idp", { family: "poisson", offset: "log_hours" });
    a.params.forEach((v, j) => expect(v).toBeCloseTo(b.params[j]!, 10));
  });
});

describe("fitGlm() binomial logit", () => {
  // Saturated two-group logit, hand-computed: group A 30 of 100, group B 45 of 90.
  // β0 = ln(30/70), β1 = ln(45/45) − ln(30/70); SE(β0) = √(1/30 + 1/70), SE(β1) = √(1/30 + 1/70 + 1/45 + 1/45).
  const grouped = [{ s: 30, m: 100, b: 0 }, { s: 45, m: 90, b: 1 }];
  it("matches the closed form on grouped successes / trials", () => {
    const g = fitGlm(grouped, "s ~ b", { family: "binomial", trials: "m" });
    expect(g.params[0]).toBeCloseTo(Math.log(30 / 70), 10);
    expect(g.params[1]).toBeCloseTo(0 - Math.log(30 / 70), 10);
    expect(g.bse[0]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70), 10);
    expect(g.bse[1]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70 + 2 / 45), 10);
  });

  it("gives the same estimates and log-likelihood kernel from 0/1 rows", () => {
    const rows = grouped.flatMap(({ s, m, b }) => Array.from({ length: m }, (_, i) => ({ y: i < s ? 1 : 0, b })));
    const r = fitGlm(rows, "y ~ b", { family: "binomial" });
    const g = fitGlm(grouped, "s ~ b", { family: "binomial", trials: "m" });
    r.params.forEach((v, j) => expect(v).toBeCloseTo(g.params[j]!, 10));
    r.bse.forEach((v, j) => expect(v).toBeCloseTo(g.bse[j]!, 10));
    // The grouped log-likelihood adds ln C(m, s) for each group.
    const lnC = (n: number, k: number) => { let s = 0; for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i); return s; };
    expect(g.log_likelihood - r.log_likelihood).toBeCloseTo(lnC(100, 30) + lnC(90, 45), 8);
  });

  it("rejects successes above trials", () => {
    expect(() => fitGlm([{ s: 5, m: 3, b: 0 }, { s: 1, m: 3, b: 1 }], "s ~ b", { family: "binomial", trials: "m" })).toThrow("must be in [0, 3], got 5");
  });
});

describe("fitGlm() negative binomial NB2", () => {
  const rows = referenceCsv("randhie").slice(0, 3000);
  const nb = fitGlm(rows, RAND, { family: "negbin" });
  const po = fitGlm(rows, RAND, { family: "poisson" });

  it("estimates α at the maximum of the profile likelihood", () => {
    const a = nb.alpha_nb!;
    // Profile log-likelihood at fixed α, β re-estimated by an independent Newton solver below.
    const at = (alpha: number) => profileLL(rows, alpha);
    expect(at(a)).toBeGreaterThanOrEqual(at(a * 1.05));
    expect(at(a)).toBeGreaterThanOrEqual(at(a / 1.05));
    expect(nb.alpha_nb_se).toBeGreaterThan(0);
  });

  it("fits overdispersed visit counts better than Poisson (likelihood and AIC)", () => {
    expect(nb.log_likelihood).toBeGreaterThan(po.log_likelihood);
    expect(nb.aic).toBeLessThan(po.aic);
    expect(nb.aic).toBeCloseTo(-2 * nb.log_likelihood + 2 * (nb.k + 1), 8);
  });
});

/** NB2 log-likelihood at fixed α with β by Newton steps from the Poisson fit (test-only). */
function profileLL(rows: Record<string, number | string>[], alpha: number): number {
  const names = ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"];
  const X = rows.map((r) => [1, ...names.map((nm) => Number(r[nm]))]);
  const y = rows.map((r) => Number(r.mdvis));
  const k = X[0]!.length;
  let beta = new Array(k).fill(0);
  beta[0] = Math.log(y.reduce((a, b) => a + b, 0) / y.length);
  for (let it = 0; it < 50; it++) {
    const g = new Array(k).fill(0);
    const H = Array.from({ length: k }, () => new Array(k).fill(0));
    X.forEach((x, i) => {
      const mu = Math.exp(x.reduce((s, v, j) => s + v * beta[j]!, 0));
      const w = mu / (1 + alpha * mu);
      const e = (y[i]! - mu) / (1 + alpha * mu);
      x.forEach((v, a) => {
        g[a] += v * e;
        x.forEach((u, b) => (H[a]![b] += v * u * w));
      });
    });
    // Solve H·d = g by Gaussian elimination.
    const A = H.map((row, a) => [...row, g[a]]);
    for (let c = 0; c < k; c++) {
      for (let r = c + 1; r < k; r++) {
        const f = A[r]![c]! / A[c]![c]!;
        for (let j = c; j <= k; j++) A[r]![j] -= f * A[c]![j]!;
      }
    }
    const d = new Array(k).fill(0);
    for (let r = k - 1; r >= 0; r--) d[r] = (A[r]![k]! - A[r]!.slice(r + 1, k).reduce((s, v, j) => s + v * d[r + 1 + j]!, 0)) / A[r]![r]!;
    beta = beta.map((b, j) => b + d[j]!);
    if (Math.max(...d.map(Math.abs)) < 1e-12) break;
  }
  const lg = (z: number) => { // Stirling series for lnΓ, z > 0 (shifted for accuracy)
    let s = 0;
    while (z < 10) { s -= Math.log(z); z += 1; }
    return s + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5);
  };
  const r = 1 / alpha;
  return X.reduce((ll, x, i) => {
    const mu = Math.exp(x.reduce((s, v, j) => s + v * beta[j]!, 0));
    const yi = y[i]!;
    return ll + lg(yi + r) - lg(r) - lg(yi + 1) + (yi > 0 ? yi * Math.log((alpha * mu) / (1 + alpha * mu)) : 0) - r * Math.log(1 + alpha * mu);
  }, 0);
}

describe("fitOls() cluster-robust errors on Grunfeld (Stata vce(cluster), ../shared/data/README.md)", () => {
  it("matches the CRV1 coefficients and standard errors (first 200 rows, cluster = firm)", () => {
    const rows = referenceCsv("grunfeld").slice(0, 200);
    const m = fitOls(rows, "invest ~ value + capital", { cov: "cluster:firm" });
    const want = { value: [0.11556215606596, 0.01589433647768], capital: [0.23067848754982, 0.08496711097464], const: [-42.714369016733, 20.425202580078] };
    // The published values agree with exact rational least squares on this CSV to ~8.5 digits
    // only (they were computed on data with slightly different rounding), so: ≥ 8 digits against
    // them, and ≥ 12 against the exact solution.
    for (const [name, [coef, se]] of Object.entries(want)) {
      const j = m.names.indexOf(name);
      expect(lre(m.params[j]!, coef!)).toBeGreaterThanOrEqual(8);
      expect(lre(m.bse[j]!, se!)).toBeGreaterThanOrEqual(7);
    }
    const exact = exactLeastSquares(rows.map((r) => ["1", String(r.value), String(r.capital)]), rows.map((r) => String(r.invest)));
    ["const", "value", "capital"].forEach((name, i) => expect(lre(m.params[m.names.indexOf(name)]!, exact[i]!)).toBeGreaterThanOrEqual(12));
    expect(m.clusters).toBe(10);
  });
});
