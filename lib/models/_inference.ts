/**
 * Private: covariance estimators and Wald tests shared by OLS/WLS and GLMs.
 *
 * Source: statsmodels `sandwich_covariance` conventions — HC0–HC3 (White 1980; MacKinnon &
 * White 1985), HAC with Bartlett kernel (Newey & West 1987) and small-sample correction
 * n/(n − k), cluster-robust CRV1 with G/(G − 1)·(N − 1)/(N − K) (Stata `vce(cluster)`).
 *
 * @module
 */

/** Covariance type: nonrobust, HC0–HC3, `HAC:<maxlags>` or `cluster:<column>`. */
export type CovSpec = { kind: "nonrobust" } | { kind: "HC"; variant: 0 | 1 | 2 | 3 } | { kind: "HAC"; maxlags: number } | { kind: "cluster"; column: string };

/**
 * Parses a covariance name: `nonrobust`, `HC0`…`HC3`, `HAC:4`, `cluster:firm`.
 * @throws {RangeError} for anything else
 */
export function parseCov(text: string | undefined): CovSpec {
  const t = (text ?? "nonrobust").trim();
  if (t === "nonrobust") return { kind: "nonrobust" };
  const hc = /^HC([0-3])$/i.exec(t);
  if (hc) return { kind: "HC", variant: Number(hc[1]) as 0 | 1 | 2 | 3 };
  const hac = /^HAC:(\d+)$/i.exec(t);
  if (hac) return { kind: "HAC", maxlags: Number(hac[1]) };
  const cl = /^cluster:(.+)$/i.exec(t);
  if (cl) return { kind: "cluster", column: cl[1]!.trim() };
  throw new RangeError(`Cannot use covariance '${t}': use nonrobust, HC0, HC1, HC2, HC3, HAC:<maxlags> or cluster:<column>`);
}

/** Name of a covariance spec as printed (`HAC(maxlags=4)`, `cluster(firm)`). */
export function covName(c: CovSpec): string {
  switch (c.kind) {
    case "nonrobust":
      return "nonrobust";
    case "HC":
      return `HC${c.variant}`;
    case "HAC":
      return `HAC(maxlags=${c.maxlags})`;
    case "cluster":
      return `cluster(${c.column})`;
  }
}

/** Product A·B of k×k row-major matrices. */
function matmul(A: Float64Array, B: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += A[i * k + m]! * B[m * k + j]!;
      out[i * k + j] = s;
    }
  }
  return out;
}

/** k×k row-major product A·B·A for symmetric A (the "bread·meat·bread" sandwich). */
export function sandwich(bread: Float64Array, meat: Float64Array, k: number): Float64Array {
  return matmul(matmul(bread, meat, k), bread, k);
}

/**
 * The "meat" of a sandwich from scores uᵢ = xᵢ·eᵢ (X column-major n×k, `e` per row):
 * - HC: Σ wᵢ·uᵢuᵢᵀ with wᵢ = 1, n/(n−k) (HC1), 1/(1−hᵢ) (HC2), 1/(1−hᵢ)² (HC3);
 * - HAC: Σ uᵢuᵢᵀ + Σₗ (1 − l/(L+1)) Σᵢ (uᵢuᵢ₋ₗᵀ + uᵢ₋ₗuᵢᵀ), times n/(n−k);
 * - cluster: Σ_g (Σ_{i∈g} uᵢ)(Σ_{i∈g} uᵢ)ᵀ, times G/(G−1)·(n−1)/(n−k).
 */
export function meat(
  X: Float64Array, e: Float64Array, n: number, k: number, cov: CovSpec,
  extra: { leverage?: Float64Array; groups?: readonly unknown[] },
): { meat: Float64Array; groups?: number } {
  const M = new Float64Array(k * k);
  const u = (i: number, j: number) => X[j * n + i]! * e[i]!;
  if (cov.kind === "HC") {
    for (let i = 0; i < n; i++) {
      let w = 1;
      if (cov.variant === 2) w = 1 / (1 - extra.leverage![i]!);
      if (cov.variant === 3) w = 1 / (1 - extra.leverage![i]!) ** 2;
      for (let a = 0; a < k; a++) {
        const ua = u(i, a) * w;
        if (ua === 0) continue;
        for (let b = a; b < k; b++) M[a * k + b]! += ua * u(i, b);
      }
    }
    if (cov.variant === 1) for (let a = 0; a < k * k; a++) M[a]! *= n / (n - k);
  } else if (cov.kind === "HAC") {
    if (!(cov.maxlags < n)) throw new RangeError(`Cannot compute HAC errors: maxlags must be less than the ${n} observations, got ${cov.maxlags}`);
    for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) for (let b = a; b < k; b++) M[a * k + b]! += u(i, a) * u(i, b);
    for (let l = 1; l <= cov.maxlags; l++) {
      const w = 1 - l / (cov.maxlags + 1);
      for (let i = l; i < n; i++) {
        for (let a = 0; a < k; a++) {
          for (let b = a; b < k; b++) M[a * k + b]! += w * (u(i, a) * u(i - l, b) + u(i - l, a) * u(i, b));
        }
      }
    }
    for (let a = 0; a < k * k; a++) M[a]! *= n / (n - k);
  } else if (cov.kind === "cluster") {
    const sums = new Map<string, Float64Array>();
    for (let i = 0; i < n; i++) {
      const raw = extra.groups![i];
      if (raw === null || raw === undefined || raw === "") throw new RangeError(`Cannot compute cluster-robust errors: the cluster of observation ${i + 1} is missing`);
      const g = String(raw);
      let s = sums.get(g);
      if (!s) sums.set(g, (s = new Float64Array(k)));
      for (let a = 0; a < k; a++) s[a]! += u(i, a);
    }
    for (const s of sums.values()) for (let a = 0; a < k; a++) for (let b = a; b < k; b++) M[a * k + b]! += s[a]! * s[b]!;
    const G = sums.size;
    if (G < 2) throw new RangeError(`Cannot compute cluster-robust errors: need at least 2 clusters, got ${G}`);
    const c = (G / (G - 1)) * ((n - 1) / (n - k));
    for (let a = 0; a < k * k; a++) M[a]! *= c;
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) M[a * k + b] = M[b * k + a]!;
    return { meat: M, groups: G };
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) M[a * k + b] = M[b * k + a]!;
  return { meat: M };
}

/** Solves the symmetric positive-definite system A·x = b (k×k row-major) by Cholesky. */
export function solveSpd(A: Float64Array, k: number, b: Float64Array): Float64Array {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j]!;
      for (let m = 0; m < j; m++) s -= L[i * k + m]! * L[j * k + m]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError("Cannot compute a Wald test: the covariance of the tested coefficients is not positive definite");
        L[i * k + i] = Math.sqrt(s);
      } else {
        L[i * k + j] = s / L[j * k + j]!;
      }
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= L[i * k + m]! * z[m]!;
    z[i] = s / L[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let m = i + 1; m < k; m++) s -= L[m * k + i]! * x[m]!;
    x[i] = s / L[i * k + i]!;
  }
  return x;
}

/** Wald statistic bᵀV⁻¹b for the coefficients `idx` (V the k×k covariance). */
export function wald(params: ArrayLike<number>, cov: Float64Array, k: number, idx: number[]): number {
  const q = idx.length;
  if (q === 0) return NaN;
  const V = new Float64Array(q * q);
  const b = new Float64Array(q);
  idx.forEach((a, i) => {
    b[i] = params[a]!;
    idx.forEach((c, j) => (V[i * q + j] = cov[a * k + c]!));
  });
  const x = solveSpd(V, q, b);
  let s = 0;
  for (let i = 0; i < q; i++) s += b[i]! * x[i]!;
  return s;
}
