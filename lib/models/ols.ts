/**
 * Ordinary and weighted least squares with full inference.
 *
 * @module
 */
import { accurateResidual, inverseGram, type QrFactor, solveUpper } from "./_qr.ts";
import { checkCollinearity, CollinearityError, conditionOfR } from "./collinearity.ts";
import { buildDesign, cellNumber, type DataTable, type Design, type DesignSpec, MissingColumnError, toColumns } from "./design.ts";
import { chisqSurvival, critical, fSurvival, twoSidedP } from "./_distributions.ts";
import { covName, type CovSpec, meat, parseCov, sandwich, wald } from "./_inference.ts";
import { type CoefficientRow, renderSummary } from "./summary.ts";

/** Options of {@link fitOls}. */
export interface OlsOptions {
  /** Weights column (WLS with weights ∝ 1/variance), or an array aligned with the data rows. */
  weights?: string | readonly number[];
  /** `nonrobust` (default), `HC0`…`HC3`, `HAC:<maxlags>`, `cluster:<column>`. */
  cov?: string;
  /** Use the t distribution for p-values and intervals (default: true for nonrobust, false otherwise, as statsmodels). */
  use_t?: boolean;
  /** 1 − confidence level (default 0.05). */
  alpha?: number;
  /** Drop collinear columns with a warning instead of failing (default false). */
  drop_collinear?: boolean;
}

/** A fitted linear model: a plain, JSON-serialisable object (plus a notebook display method). */
export interface OlsModel {
  kind: "ols" | "wls";
  formula: string;
  n: number;
  /** Number of coefficients (constant included). */
  k: number;
  df_model: number;
  df_resid: number;
  has_constant: boolean;
  names: string[];
  params: number[];
  bse: number[];
  terms: CoefficientRow[];
  cov_type: string;
  /** Distribution of the tests: `t` (df_resid) or `normal`. */
  distribution: "t" | "normal";
  alpha: number;
  /** Covariance of the coefficients (k×k) under `cov_type`. */
  cov_params: number[][];
  /** σ̂²·(XᵀWX)⁻¹, the classical covariance (used by prediction intervals). */
  cov_params_nonrobust: number[][];
  ssr: number;
  /** Residual standard error σ̂ = √(SSR/df_resid). */
  sigma: number;
  /** Centered with a constant, uncentered without (statsmodels convention). */
  r_squared: number;
  adj_r_squared: number;
  f_stat: number;
  f_pvalue: number;
  log_likelihood: number;
  aic: number;
  bic: number;
  durbin_watson: number;
  jarque_bera: number;
  jb_pvalue: number;
  skew: number;
  kurtosis: number;
  /** Condition number of the unscaled design (σmax/σmin of X), as statsmodels reports it. */
  condition_number: number;
  /** Condition number of the column-scaled design (what accuracy depends on). */
  condition_number_scaled: number;
  /** Variance inflation factor of each non-constant column (null for very large problems). */
  vif: Record<string, number> | null;
  clusters: number | null;
  fitted: number[];
  residuals: number[];
  dropped_rows: number;
  dropped_columns: string[];
  warnings: string[];
  spec: DesignSpec;
  weights_column: string | null;
}

const GEMM_VIF_LIMIT = 5e8;
/** Ill-conditioned designs (scaled condition number above this) get iterative refinement. */
const REFINE_ABOVE = 1e4;
/** Digits every coefficient must reach (relative to |β| plus 1e-3 of its standard error). */
const REQUIRED_RELATIVE_ACCURACY = 1e-7;

/**
 * Iterative refinement by the corrected semi-normal equations with double-double residuals:
 * β ← β + R̃⁻¹R̃⁻ᵀX̃ᵀr until the corrections stop shrinking. QR alone is accurate normwise; on
 * ill-conditioned designs a small coefficient next to large ones can still be wrong in its
 * leading digits. If a coefficient's last correction is still above 1e-7 of
 * |β| + 0.001·SE, its digits cannot be certified and a CollinearityError is raised.
 * Source: Björck (1996) §6.6 (CSNE and refinement); Higham, "Accuracy and Stability of Numerical
 *   Algorithms" (2002) ch. 12 and 20.
 */
function refine(X: Float64Array, y: Float64Array, n: number, k: number, qr: QrFactor, params: number[], G: Float64Array, names: string[], formula: string): void {
  let last = new Float64Array(k);
  let previousSize = Infinity;
  for (let it = 0; it < 20; it++) {
    const r = accurateResidual(X, n, k, y, params);
    const g = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[j * n + i]! * r[i]!;
      g[j] = s / qr.scale[j]!;
    }
    // δ̃ = R̃⁻¹ R̃⁻ᵀ g
    const z = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let s = g[i]!;
      for (let m = 0; m < i; m++) s -= qr.R[m * k + i]! * z[m]!;
      z[i] = s / qr.R[i * k + i]!;
    }
    const d = solveUpper(qr.R, k, z);
    let size = 0;
    for (let j = 0; j < k; j++) {
      const delta = d[j]! / qr.scale[j]!;
      params[j]! += delta;
      last[j] = Math.abs(delta);
      size = Math.max(size, Math.abs(d[j]!));
    }
    if (size === 0 || size >= previousSize * 0.5) break;
    previousSize = size;
  }
  let ssr = 0;
  const r = accurateResidual(X, n, k, y, params);
  for (let i = 0; i < n; i++) ssr += r[i]! * r[i]!;
  const sigma2 = n > k ? ssr / (n - k) : 0;
  const bad = names.filter((_, j) => last[j]! > REQUIRED_RELATIVE_ACCURACY * (Math.abs(params[j]!) + 1e-3 * Math.sqrt(sigma2 * G[j * k + j]!)));
  if (bad.length > 0) {
    throw new CollinearityError(
      `Cannot fit '${formula}': the design is numerically collinear; the coefficients of ${bad.map((s) => `'${s}'`).join(", ")} cannot be computed to 6 correct digits in double precision`,
      bad,
    );
  }
  last = new Float64Array(0);
}

/** Weighted sum and helpers. */
function mean(values: Float64Array, w: Float64Array | null): number {
  let s = 0, sw = 0;
  for (let i = 0; i < values.length; i++) {
    const wi = w ? w[i]! : 1;
    s += wi * values[i]!;
    sw += wi;
  }
  return s / sw;
}

/**
 * Fits a linear model by least squares (OLS, or WLS with weights), by Householder QR on
 * unit-norm scaled columns with a relative rank check, and computes the inference a
 * statsmodels user expects.
 *
 * Conventions (statsmodels): R² is centered with a constant and uncentered without;
 * adj. R² = 1 − (n − c)/df_resid·(1 − R²); F is the Wald test of all non-constant
 * coefficients under the chosen covariance; log-likelihood
 * −n/2·(ln 2π + ln(SSR/n) + 1) + ½Σ ln wᵢ; AIC = −2LL + 2k, BIC = −2LL + k·ln n (k counts the
 * coefficients, not σ); Durbin–Watson and Jarque–Bera on the (weighted) residuals; condition
 * number of the unscaled X. Covariances: nonrobust σ̂²(XᵀX)⁻¹, HC0–HC3, HAC (Bartlett,
 * maxlags, ×n/(n−k)), cluster CRV1 (×G/(G−1)·(n−1)/(n−k)).
 *
 * @param data a table (columns by name, or row objects)
 * @param formula e.g. `"y ~ x + C(dow) - 1"` (see `parseFormula`)
 * @param options weights, covariance, use_t, alpha (0.05), drop_collinear (false)
 * @returns an {@link OlsModel}
 * @throws {CollinearityError} (a RangeError) when the design is exactly or numerically collinear,
 *   naming the columns (unless `drop_collinear`)
 * @throws {TypeError} / {RangeError} for missing columns, non-numeric values, bad weights or
 *   covariance names
 * Source: Golub & Van Loan §5.3; Greene, "Econometric Analysis" (8th ed.) ch. 4–5, 9; statsmodels
 *   `RegressionResults`; NIST StRD for accuracy.
 * @example
 * ```ts
 * fitOls({ y: [1, 3, 5, 7.1], x: [0, 1, 2, 3] }, "y ~ x").params; // ≈ [0.97, 2.03]
 * ```
 */
export function fitOls(data: DataTable, formula: string, options: OlsOptions = {}): OlsModel {
  const design = buildDesign(data, formula);
  return fitDesign(design, data, options);
}

/** Fits a prepared {@link Design} (see {@link fitOls}). */
export function fitDesign(design: Design, data: DataTable, options: OlsOptions = {}): OlsModel {
  try {
    return fitDesignOnce(design, data, options);
  } catch (err) {
    // With drop_collinear, a column whose digits cannot be certified is dropped like a dependent one.
    if (!(err instanceof CollinearityError) || !options.drop_collinear || err.columns.length === 0 || design.k <= 1) throw err;
    const drop = err.columns[err.columns.length - 1]!;
    const j = design.names.indexOf(drop);
    if (j < 0) throw err;
    const keep = design.names.map((_, c) => c).filter((c) => c !== j);
    const X = new Float64Array(design.n * keep.length);
    keep.forEach((c, i) => X.set(design.X.subarray(c * design.n, (c + 1) * design.n), i * design.n));
    const names = keep.map((c) => design.names[c]!);
    const m = fitDesign({ ...design, X, k: keep.length, names, spec: { ...design.spec, names } }, data, options);
    m.dropped_columns.unshift(drop);
    m.warnings.push(`column '${drop}' dropped: its coefficient could not be computed to 6 correct digits`);
    return m;
  }
}

function fitDesignOnce(design: Design, data: DataTable, options: OlsOptions): OlsModel {
  const cov: CovSpec = parseCov(options.cov);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Cannot fit: alpha must be in (0, 1), got ${alpha}`);
  const { columns } = toColumns(data);
  const warnings: string[] = [];
  let { X, y, n, k, names }: { X: Float64Array; y: Float64Array; n: number; k: number; names: string[] } = design;
  if (design.dropped_rows > 0) warnings.push(`${design.dropped_rows} row(s) with missing values left out`);

  // Weights: WLS is OLS on √w·X and √w·y.
  let w: Float64Array | null = null;
  let weightsColumn: string | null = null;
  if (options.weights !== undefined) {
    const raw = typeof options.weights === "string" ? columns[options.weights] : options.weights;
    if (!raw) throw new MissingColumnError(`Cannot fit WLS: no weights column '${String(options.weights)}'`, String(options.weights));
    weightsColumn = typeof options.weights === "string" ? options.weights : null;
    w = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const cell = raw[design.rows[r]!];
      const v = cellNumber(cell);
      if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`Cannot fit WLS: weight in row ${design.rows[r]! + 1} must be a finite number > 0, got ${JSON.stringify(cell) ?? String(cell)}`);
      w[r] = v;
    }
    const Xw = new Float64Array(n * k), yw = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const s = Math.sqrt(w[r]!);
      yw[r] = y[r]! * s;
      for (let j = 0; j < k; j++) Xw[j * n + r] = X[j * n + r]! * s;
    }
    X = Xw;
    y = yw;
  }

  const check = checkCollinearity(X, n, names, { drop: options.drop_collinear, action: `fit '${design.formula.text}'`, rhs: [y] });
  const dropped_columns = check.dropped;
  if (dropped_columns.length > 0) {
    warnings.push(`collinear column(s) dropped: ${dropped_columns.join(", ")}`);
    const keep = check.keep;
    const Xk = new Float64Array(n * keep.length);
    keep.forEach((j, c) => Xk.set(X.subarray(j * n, (j + 1) * n), c * n));
    X = Xk;
    names = keep.map((j) => names[j]!);
    k = keep.length;
  }
  const qr: QrFactor = check.qr;
  const qty = check.qty[0]!;
  const scaledParams = solveUpper(qr.R, k, qty);
  const params = Array.from(scaledParams, (b, j) => b / qr.scale[j]!);
  const Gs = inverseGram(qr.R, k);
  const G = new Float64Array(k * k); // (XᵀWX)⁻¹ in original units
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) G[a * k + b] = Gs[a * k + b]! / (qr.scale[a]! * qr.scale[b]!);
  if (check.condition_scaled > REFINE_ABOVE) refine(X, y, n, k, qr, params, G, names, design.formula.text);

  // Residuals of the (weighted) problem, and of the original scale.
  const e = new Float64Array(n);
  const fitted = new Array<number>(n);
  const residuals = new Array<number>(n);
  let ssr = 0;
  for (let r = 0; r < n; r++) {
    let f = 0;
    for (let j = 0; j < k; j++) f += X[j * n + r]! * params[j]!;
    e[r] = y[r]! - f;
    ssr += e[r]! * e[r]!;
    const s = w ? Math.sqrt(w[r]!) : 1;
    fitted[r] = f / s;
    residuals[r] = e[r]! / s;
  }
  const has_constant = names.includes("const") || hasConstantColumn(X, n, k);
  const df_resid = n - k;
  if (df_resid <= 0) throw new RangeError(`Cannot fit '${design.formula.text}': ${n} rows for ${k} coefficients leave no residual degrees of freedom`);
  const sigma2 = ssr / df_resid;
  const covNonrobust = G.map((g) => g * sigma2);

  // Covariance under the chosen estimator.
  let V: Float64Array = covNonrobust;
  let clusters: number | null = null;
  if (cov.kind !== "nonrobust") {
    let leverage: Float64Array | undefined;
    if (cov.kind === "HC" && cov.variant >= 2) leverage = leverages(X, n, k, qr);
    let groups: unknown[] | undefined;
    if (cov.kind === "cluster") {
      const col = columns[cov.column];
      if (!col) throw new MissingColumnError(`Cannot compute cluster-robust errors: no column '${cov.column}'`, cov.column);
      groups = Array.from(design.rows, (i) => col[i]);
      if (groups.some((g) => g === null || g === undefined || g === "")) throw new RangeError(`Cannot compute cluster-robust errors: column '${cov.column}' has missing values`);
    }
    const m = meat(X, e, n, k, cov, { leverage, groups });
    clusters = m.groups ?? null;
    V = sandwich(G, m.meat, k);
  }
  const use_t = options.use_t ?? cov.kind === "nonrobust";
  const dfTest = use_t ? df_resid : Infinity;
  const crit = critical(alpha, dfTest);
  const bse = params.map((_, j) => Math.sqrt(V[j * k + j]!));
  const terms: CoefficientRow[] = params.map((b, j) => {
    const t = b / bse[j]!;
    return { term: names[j]!, coef: b, se: bse[j]!, t, p: twoSidedP(t, dfTest), ci_low: b - crit * bse[j]!, ci_high: b + crit * bse[j]! };
  });

  if (ssr === 0) warnings.push("perfect fit: the residuals are zero, so standard errors are 0 and tests are undefined");
  if (bse.some((v) => !Number.isFinite(v))) warnings.push(`some standard errors are undefined under ${covName(cov)}${cov.kind === "HC" && cov.variant >= 2 ? " (an observation has leverage 1; use HC0 or HC1)" : ""}`);
  if (check.condition_scaled > 1e6) warnings.push(`the scaled condition number is ${check.condition_scaled.toExponential(1)}: strong multicollinearity; coefficients are computed accurately but are poorly determined by the data (see VIF)`);
  // Goodness of fit.
  const yRaw = design.y;
  let tss = 0;
  if (has_constant) {
    const ybar = mean(yRaw, w);
    for (let r = 0; r < n; r++) tss += (w ? w[r]! : 1) * (yRaw[r]! - ybar) ** 2;
  } else {
    for (let r = 0; r < n; r++) tss += (w ? w[r]! : 1) * yRaw[r]! ** 2;
  }
  const c = has_constant ? 1 : 0;
  if (!(tss > 0)) warnings.push("the response is constant: R² is undefined");
  const r_squared = 1 - ssr / tss;
  const adj_r_squared = 1 - ((n - c) / df_resid) * (1 - r_squared);
  const tested = names.map((_, j) => j).filter((j) => names[j] !== "const");
  const df_model = k - c;
  let f_stat = NaN;
  // A constant response leaves nothing to explain: F (and its p-value) is undefined, not infinite.
  if (tested.length > 0 && tss > 0) {
    if (ssr === 0) {
      f_stat = Infinity; // a perfect fit
    } else {
      try {
        f_stat = wald(params, V, k, tested) / tested.length;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        warnings.push(`F test not computed: ${err.message}`);
      }
    }
  }
  const f_pvalue = fSurvival(f_stat, df_model, df_resid);
  let sumLogW = 0;
  if (w) for (let r = 0; r < n; r++) sumLogW += Math.log(w[r]!);
  const log_likelihood = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1) + sumLogW / 2;
  let dwNum = 0;
  for (let r = 1; r < n; r++) dwNum += (e[r]! - e[r - 1]!) ** 2;
  let m2 = 0, m3 = 0, m4 = 0;
  const ebar = mean(e, null);
  for (let r = 0; r < n; r++) {
    const d = e[r]! - ebar;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skew = m3 / m2 ** 1.5;
  const kurtosis = m4 / (m2 * m2);
  const jarque_bera = (n / 6) * (skew * skew + ((kurtosis - 3) ** 2) / 4);
  const { condition: condition_number } = conditionOfR(qr.R, k, qr.scale);
  const vif = k >= 2 && n * k * k * k <= GEMM_VIF_LIMIT ? varianceInflation(X, n, k, names) : null;

  const model: OlsModel = {
    kind: w ? "wls" : "ols",
    formula: design.formula.text,
    n, k, df_model, df_resid, has_constant, names, params, bse, terms,
    cov_type: covName(cov), distribution: use_t ? "t" : "normal", alpha,
    cov_params: toRows(V, k), cov_params_nonrobust: toRows(covNonrobust, k),
    ssr, sigma: Math.sqrt(sigma2), r_squared, adj_r_squared, f_stat, f_pvalue,
    log_likelihood, aic: -2 * log_likelihood + 2 * k, bic: -2 * log_likelihood + k * Math.log(n),
    durbin_watson: dwNum / ssr, jarque_bera, jb_pvalue: chisqSurvival(jarque_bera, 2), skew, kurtosis,
    condition_number, condition_number_scaled: check.condition_scaled, vif, clusters,
    fitted, residuals, dropped_rows: design.dropped_rows, dropped_columns, warnings,
    spec: { ...design.spec, names }, weights_column: weightsColumn,
  };
  return withDisplay(model);
}

/** Adds the notebook display method (a symbol key: JSON.stringify ignores it). */
export function withDisplay<T extends object>(model: T): T {
  Object.defineProperty(model, Symbol.for("Jupyter.display"), {
    value: () => ({ "text/html": renderSummary(model as never) }),
    enumerable: false,
  });
  return model;
}

function toRows(M: Float64Array, k: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from(M.subarray(i * k, (i + 1) * k)));
}

function hasConstantColumn(X: Float64Array, n: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    const v = X[j * n]!;
    if (v === 0) continue;
    let constant = true;
    for (let r = 1; r < n && constant; r++) if (X[j * n + r] !== v) constant = false;
    if (constant) return true;
  }
  return false;
}

/** Leverages hᵢ = x̃ᵢᵀ(R̃ᵀR̃)⁻¹x̃ᵢ = ‖R̃⁻ᵀx̃ᵢ‖² on scaled columns. */
function leverages(X: Float64Array, n: number, k: number, qr: QrFactor): Float64Array {
  const h = new Float64Array(n);
  const z = new Float64Array(k);
  const R = qr.R;
  for (let r = 0; r < n; r++) {
    let s2 = 0;
    for (let i = 0; i < k; i++) {
      let s = X[i * n + r]! / qr.scale[i]!;
      for (let m = 0; m < i; m++) s -= R[m * k + i]! * z[m]!;
      z[i] = s / R[i * k + i]!;
      s2 += z[i]! * z[i]!;
    }
    h[r] = s2;
  }
  return h;
}

/**
 * Variance inflation factors: for each non-constant column j, 1/(1 − R²ⱼ) of the regression of
 * xⱼ on all other columns (statsmodels `variance_inflation_factor`).
 */
function varianceInflation(X: Float64Array, n: number, k: number, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let j = 0; j < k; j++) {
    if (names[j] === "const") continue;
    const others = new Float64Array(n * (k - 1));
    let c = 0;
    for (let m = 0; m < k; m++) if (m !== j) others.set(X.subarray(m * n, (m + 1) * n), (c++) * n);
    const xj = X.subarray(j * n, (j + 1) * n);
    const sub = fitDesignRaw(others, xj, n, k - 1);
    const hasConst = names.includes("const");
    let tss = 0;
    const xbar = hasConst ? mean(Float64Array.from(xj), null) : 0;
    for (let r = 0; r < n; r++) tss += (xj[r]! - xbar) ** 2;
    out[names[j]!] = 1 / (sub.ssr / tss);
  }
  return out;
}

/** Least squares without inference (for auxiliary regressions). */
function fitDesignRaw(X: Float64Array, y: ArrayLike<number>, n: number, k: number): { ssr: number } {
  const check = checkCollinearity(X, n, Array.from({ length: k }, (_, i) => `x${i}`), { rhs: [Float64Array.from(y)] });
  const b = solveUpper(check.qr.R, k, check.qty[0]!);
  let ssr = 0;
  for (let r = k; r < n; r++) ssr += check.qty[0]![r]! ** 2;
  void b;
  return { ssr };
}
