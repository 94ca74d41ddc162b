/**
 * Benchmark: OLS with HC3 standard errors on 1,000,000 rows × 20 columns (constant + 19
 * regressors), against forming and solving the normal equations (XᵀX)β = Xᵀy in the same run.
 *
 * Run: `deno task bench:ols` (or `deno run -A bench/ols_hc3.ts [rows]`). Prints times and the ratio.
 */
import { type Design, fitDesign } from "../lib/mod.ts";

const n = Number(Deno.args[0] ?? 1_000_000);
const k = 20;

// Deterministic data (mulberry32): y = Xβ + heteroscedastic noise.
let seed = 20261129;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const X = new Float64Array(n * k);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) X[i] = 1;
for (let j = 1; j < k; j++) for (let i = 0; i < n; i++) X[j * n + i] = rand() * 10 - 5 + (j % 3) * X[(j - 1) * n + i]! * 0.3;
for (let i = 0; i < n; i++) {
  let s = 0;
  for (let j = 0; j < k; j++) s += X[j * n + i]! * (j + 1) * 0.1;
  y[i] = s + (rand() - 0.5) * (1 + Math.abs(X[n + i]!));
}
const names = ["const", ...Array.from({ length: k - 1 }, (_, j) => `x${j + 1}`)];
const design: Design = {
  X, y, n, k, names, rows: Int32Array.from({ length: n }, (_, i) => i), dropped_rows: 0,
  spec: { formula: "y ~ x1 + … + x19", intercept: true, names, levels: {}, references: {} },
  formula: { text: "y ~ x1 + … + x19", response: { kind: "numeric", column: "y", transform: { kind: "identity" } }, intercept: true, terms: [] },
};

function normalEquations(): number[] {
  const A = new Float64Array(k * k), b = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const xa = X.subarray(a * n, (a + 1) * n);
    for (let c = a; c < k; c++) {
      const xc = X.subarray(c * n, (c + 1) * n);
      let s = 0;
      for (let i = 0; i < n; i++) s += xa[i]! * xc[i]!;
      A[a * k + c] = s;
      A[c * k + a] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += xa[i]! * y[i]!;
    b[a] = s;
  }
  // Cholesky solve.
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j]!;
      for (let m = 0; m < j; m++) s -= L[i * k + m]! * L[j * k + m]!;
      L[i * k + j] = i === j ? Math.sqrt(s) : s / L[j * k + j]!;
    }
  }
  const z = new Float64Array(k), x = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= L[i * k + m]! * z[m]!;
    z[i] = s / L[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let m = i + 1; m < k; m++) s -= L[m * k + i]! * x[m]!;
    x[i] = s / L[i * k + i]!;
  }
  return Array.from(x);
}

const t0 = performance.now();
const model = fitDesign(design, {}, { cov: "HC3" });
const t1 = performance.now();
const ne = normalEquations();
const t2 = performance.now();
const maxDiff = Math.max(...model.params.map((p, j) => Math.abs(p - ne[j]!) / Math.max(1e-12, Math.abs(p))));
console.log(`rows ${n.toLocaleString("en-US")} × ${k} columns; scaled condition number ${model.condition_number_scaled.toExponential(2)}`);
console.log(`fitOls (Householder QR + HC3 + diagnostics): ${(t1 - t0).toFixed(0)} ms`);
console.log(`baseline normal equations (XᵀX, Xᵀy, Cholesky): ${(t2 - t1).toFixed(0)} ms`);
console.log(`ratio fitOls / normal equations: ${((t1 - t0) / (t2 - t1)).toFixed(1)}×; max relative coefficient difference ${maxDiff.toExponential(1)}`);
