/**
 * Generalized linear models by iteratively reweighted least squares: binomial (logit), Poisson
 * (log, with offset or exposure) and negative binomial NB2 (log, α estimated).
 *
 * @module
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import { householderQr, inverseGram, solveUpper } from "./_qr.ts";
import { checkCollinearity } from "./collinearity.ts";
import { buildDesign, cellNumber, type DataTable, type DesignSpec, MissingColumnError, toColumns } from "./design.ts";
import { critical, twoSidedP } from "./_distributions.ts";
import { covName, type CovSpec, meat, parseCov, sandwich } from "./_inference.ts";
import type { CoefficientRow } from "./summary.ts";
import { withDisplay } from "./ols.ts";

/** GLM families (each with its canonical link: logit for binomial, log for counts). */
export type GlmFamily = "binomial" | "poisson" | "negbin";

/** Options of {@link fitGlm}. */
export interface GlmOptions {
  family: GlmFamily;
  /** Binomial: column of trials (the response then counts successes); default 1 per row (0/1 response). */
  trials?: string;
  /** Column added to the linear predictor with coefficient 1 (e.g. log(offered)). */
  offset?: string;
  /** Column whose log is the offset (exposure, e.g. offered calls); not with `offset`. */
  exposure?: string;
  /** `nonrobust` (default), `HC0`, `HC1`, `HAC:<maxlags>`, `cluster:<column>`. */
  cov?: string;
  alpha?: number;
  /** Largest number of IRLS iterations (default 100). */
  max_iter?: number;
  /** Convergence: relative change of the deviance (default 1e-12). */
  tol?: number;
  drop_collinear?: boolean;
}

/** A fitted GLM: a plain, JSON-serialisable object (plus a notebook display method). */
export interface GlmModel {
  kind: "glm";
  family: GlmFamily;
  link: "logit" | "log";
  formula: string;
  n: number;
  k: number;
  df_model: number;
  df_resid: number;
  names: string[];
  params: number[];
  bse: number[];
  terms: CoefficientRow[];
  cov_type: string;
  distribution: "normal";
  alpha: number;
  cov_params: number[][];
  log_likelihood: number;
  /** AIC = −2LL + 2p, BIC = −2LL + p·ln n, p = k (+1 for NB2's α). */
  aic: number;
  bic: number;
  deviance: number;
  pearson_chi2: number;
  iterations: number;
  converged: boolean;
  /** NB2 dispersion α (Var = μ + αμ²) and its standard error; null for other families. */
  alpha_nb: number | null;
  alpha_nb_se: number | null;
  /** Fitted means μ (binomial: probabilities). */
  fitted: number[];
  clusters: number | null;
  dropped_rows: number;
  dropped_columns: string[];
  warnings: string[];
  spec: DesignSpec;
  offset_column: string | null;
  exposure_column: string | null;
  trials_column: string | null;
}

interface Core {
  params: Float64Array;
  mu: Float64Array;
  eta: Float64Array;
  w: Float64Array;
  bread: Float64Array;
  iterations: number;
  converged: boolean;
  deviance: number;
}

const clampP = (p: number) => Math.min(1 - 1e-15, Math.max(1e-15, p));
const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/** Mean, variance weight and deviance pieces of a family at linear predictor η. */
function family(fam: GlmFamily, alphaNb: number) {
  if (fam === "binomial") {
    return {
      mean: (eta: number) => clampP(1 / (1 + Math.exp(-eta))),
      link: (mu: number) => Math.log(mu / (1 - mu)),
      // Working weight m·μ(1−μ); dη/dμ = 1/(μ(1−μ)).
      weight: (mu: number, m: number) => m * mu * (1 - mu),
      detadmu: (mu: number) => 1 / (mu * (1 - mu)),
      deviance: (y: number, mu: number, m: number) => 2 * (xlogy(y * m, y / mu) + xlogy(m - y * m, (1 - y) / (1 - mu))),
      variance: (mu: number, m: number) => mu * (1 - mu) / m,
    };
  }
  return {
    mean: (eta: number) => Math.exp(eta),
    link: (mu: number) => Math.log(mu),
    weight: (mu: number) => mu / (1 + alphaNb * mu),
    detadmu: (mu: number) => 1 / mu,
    deviance: (y: number, mu: number) =>
      alphaNb > 0
        ? 2 * (xlogy(y, y / mu) - (y + 1 / alphaNb) * Math.log((1 + alphaNb * y) / (1 + alphaNb * mu)))
        : 2 * (xlogy(y, y / mu) - (y - mu)),
    variance: (mu: number) => mu + alphaNb * mu * mu,
  };
}

function irls(
  X: Float64Array, y: Float64Array, m: Float64Array, offset: Float64Array, n: number, k: number,
  fam: GlmFamily, alphaNb: number, maxIter: number, tol: number, start?: Float64Array,
): Core {
  const f = family(fam, alphaNb);
  const mu = new Float64Array(n), eta = new Float64Array(n), w = new Float64Array(n);
  if (start) {
    for (let i = 0; i < n; i++) {
      let e = offset[i]!;
      for (let j = 0; j < k; j++) e += X[j * n + i]! * start[j]!;
      eta[i] = e;
      mu[i] = f.mean(e);
    }
  } else {
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += y[i]!;
    ybar /= n;
    for (let i = 0; i < n; i++) {
      mu[i] = fam === "binomial" ? (m[i]! * y[i]! + 0.5) / (m[i]! + 1) : (y[i]! + ybar) / 2 || 0.5;
      eta[i] = f.link(mu[i]!);
    }
  }
  let params = start ? Float64Array.from(start) : new Float64Array(k);
  let dev = Infinity;
  let converged = false;
  let it = 0;
  for (; it < maxIter; it++) {
    const Xw = new Float64Array(n * k), zw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      w[i] = f.weight(mu[i]!, m[i]!);
      const s = Math.sqrt(w[i]!);
      const z = eta[i]! - offset[i]! + (y[i]! - mu[i]!) * f.detadmu(mu[i]!);
      zw[i] = z * s;
      for (let j = 0; j < k; j++) Xw[j * n + i] = X[j * n + i]! * s;
    }
    const { qr, qty } = householderQr(Xw, n, k, [zw]);
    const previous = params;
    params = Float64Array.from(solveUpper(qr.R, k, qty[0]!), (b, j) => b / qr.scale[j]!);
    let newDev = 0;
    for (let i = 0; i < n; i++) {
      let e = offset[i]!;
      for (let j = 0; j < k; j++) e += X[j * n + i]! * params[j]!;
      eta[i] = e;
      mu[i] = f.mean(e);
      newDev += f.deviance(y[i]!, mu[i]!, m[i]!);
    }
    if (!Number.isFinite(newDev)) break;
    let step = 0;
    for (let j = 0; j < k; j++) step = Math.max(step, Math.abs(params[j]! - previous[j]!) / (Math.abs(params[j]!) + 1e-8));
    if (Math.abs(newDev - dev) <= tol * (Math.abs(newDev) + 0.1) && step < 1e-10) {
      dev = newDev;
      converged = true;
      it++;
      break;
    }
    dev = newDev;
  }
  // Bread (XᵀWX)⁻¹ at the final μ.
  for (let i = 0; i < n; i++) w[i] = f.weight(mu[i]!, m[i]!);
  const Xw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(w[i]!);
    for (let j = 0; j < k; j++) Xw[j * n + i] = X[j * n + i]! * s;
  }
  const fin = householderQr(Xw, n, k).qr;
  const Gs = inverseGram(fin.R, k);
  const bread = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) bread[a * k + b] = Gs[a * k + b]! / (fin.scale[a]! * fin.scale[b]!);
  return { params, mu, eta, w, bread, iterations: it, converged, deviance: dev };
}

function logLikelihood(fam: GlmFamily, y: Float64Array, mu: Float64Array, m: Float64Array, alphaNb: number): number {
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!, mi = mu[i]!;
    if (fam === "poisson") ll += xlogy(yi, mi) - mi - gammaln(yi + 1);
    else if (fam === "binomial") {
      const s = yi * m[i]!, t = m[i]!;
      ll += gammaln(t + 1) - gammaln(s + 1) - gammaln(t - s + 1) + xlogy(s, mi) + xlogy(t - s, 1 - mi);
    } else {
      const r = 1 / alphaNb;
      ll += gammaln(yi + r) - gammaln(r) - gammaln(yi + 1) + xlogy(yi, (alphaNb * mi) / (1 + alphaNb * mi)) - r * Math.log(1 + alphaNb * mi);
    }
  }
  return ll;
}

/**
 * Fits a GLM by IRLS (Fisher scoring; canonical links, so observed = expected information).
 *
 * - `binomial` (logit): a 0/1 response, or successes with a `trials` column (grouped data);
 * - `poisson` (log): counts, with `offset` (added to η) or `exposure` (log taken);
 * - `negbin` (NB2, log): Var = μ + αμ²; α by maximizing the profile log-likelihood
 *   (golden-section search on ln α, IRLS for β at each α); SE of α from the profile curvature.
 *
 * Standard errors from (XᵀWX)⁻¹ (nonrobust), or sandwiches with scores xᵢ·(yᵢ − μᵢ)·wᵢ·dη/dμ
 * (HC0, HC1, HAC, cluster as for OLS). Inference uses the normal distribution (statsmodels and
 * Stata for GLMs). Log-likelihoods are the full ones (with the lnΓ constants), as Stata/statsmodels.
 *
 * @param data a table
 * @param formula e.g. `"abandoned ~ agents + C(hour)"`
 * @param options family (required), trials, offset / exposure, cov, alpha, max_iter, tol
 * @returns a {@link GlmModel}
 * @throws {CollinearityError} for a collinear design (unless `drop_collinear`)
 * @throws {RangeError} for responses outside the family's support (negative counts, successes
 *   above trials), non-positive exposure, or both offset and exposure
 * Source: McCullagh & Nelder, "Generalized Linear Models" (2nd ed., 1989) ch. 2, 4, 6, 11;
 *   Cameron & Trivedi, "Regression Analysis of Count Data" (2013) §3.3 (NB2); statsmodels GLM.
 * @example
 * ```ts
 * fitGlm(rows, "mdvis ~ lncoins + idp", { family: "poisson" }).params;
 * ```
 */
export function fitGlm(data: DataTable, formula: string, options: GlmOptions): GlmModel {
  const fam = options.family;
  if (fam !== "binomial" && fam !== "poisson" && fam !== "negbin") {
    throw new RangeError(`Cannot fit a GLM: family must be binomial, poisson or negbin, got '${String(fam)}'`);
  }
  if (options.offset && options.exposure) throw new RangeError("Cannot fit a GLM: give offset or exposure, not both");
  const cov: CovSpec = parseCov(options.cov);
  if (cov.kind === "HC" && cov.variant > 1) throw new RangeError(`Cannot fit a GLM with ${covName(cov)}: use nonrobust, HC0, HC1, HAC:<maxlags> or cluster:<column>`);
  const alpha = options.alpha ?? 0.05;
  const design = buildDesign(data, formula);
  const { columns } = toColumns(data);
  const warnings: string[] = [];
  if (design.dropped_rows > 0) warnings.push(`${design.dropped_rows} row(s) with missing values left out`);
  let { X, k, names } = design;
  const { n, y: yRaw } = design;
  const check = checkCollinearity(X, n, names, { drop: options.drop_collinear, action: `fit '${formula}'` });
  if (check.dropped.length > 0) {
    warnings.push(`collinear column(s) dropped: ${check.dropped.join(", ")}`);
    const Xk = new Float64Array(n * check.keep.length);
    check.keep.forEach((j, c) => Xk.set(X.subarray(j * n, (j + 1) * n), c * n));
    X = Xk;
    names = check.keep.map((j) => names[j]!);
    k = names.length;
  }
  const columnValues = (name: string, what: string, positive: boolean) => {
    const col = columns[name];
    if (!col) throw new MissingColumnError(`Cannot fit a GLM: no ${what} column '${name}'`, name);
    return Float64Array.from(design.rows, (i) => {
      const cell = col[i];
      if (cell === null || cell === undefined || cell === "") throw new RangeError(`Cannot fit a GLM: ${what} '${name}' is missing in row ${i + 1}`);
      const v = cellNumber(cell);
      if (!Number.isFinite(v) || (positive && !(v > 0))) throw new RangeError(`Cannot fit a GLM: ${what} '${name}' row ${i + 1} must be a finite number${positive ? " > 0" : ""}, got ${String(col[i])}`);
      return v;
    });
  };
  const m = options.trials ? columnValues(options.trials, "trials", true) : new Float64Array(n).fill(1);
  const offset = options.offset
    ? columnValues(options.offset, "offset", false)
    : options.exposure ? columnValues(options.exposure, "exposure", true).map(Math.log) : new Float64Array(n);
  // Response on the family's scale: binomial uses the proportion successes / trials.
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = yRaw[i]!;
    if (fam === "binomial") {
      if (!(v >= 0 && v <= m[i]!)) throw new RangeError(`Cannot fit a binomial GLM: response row ${design.rows[i]! + 1} must be in [0, ${m[i]}], got ${v}`);
      y[i] = v / m[i]!;
    } else {
      if (!(v >= 0)) throw new RangeError(`Cannot fit a ${fam} GLM: counts must be ≥ 0, row ${design.rows[i]! + 1} is ${v}`);
      y[i] = v;
    }
  }
  // n = k (a saturated model, e.g. one row per group of grouped data) is valid: the dispersion is fixed.
  if (n < k) throw new RangeError(`Cannot fit '${formula}': ${n} rows cannot identify ${k} coefficients`);
  if (fam !== "binomial" && y.every((v) => v === 0)) throw new RangeError(`Cannot fit a ${fam} GLM: every count is 0, so the coefficients are not identified`);
  if (fam === "binomial" && (y.every((v) => v === 0) || y.every((v) => v === 1))) {
    throw new RangeError("Cannot fit a binomial GLM: every response is a failure (or every one a success), so the coefficients are not identified");
  }
  if (check.condition_scaled > 1e6) warnings.push(`the scaled condition number is ${check.condition_scaled.toExponential(1)}: strong multicollinearity`);
  const maxIter = options.max_iter ?? 100;
  const tol = options.tol ?? 1e-12;

  let alphaNb = 0;
  let alphaSe: number | null = null;
  let core: Core;
  if (fam === "negbin") {
    let warm = irls(X, y, m, offset, n, k, "poisson", 0, maxIter, tol).params;
    const profile = (logA: number) => {
      const c = irls(X, y, m, offset, n, k, "negbin", Math.exp(logA), maxIter, tol, warm);
      warm = c.params;
      return { ll: logLikelihood("negbin", y, c.mu, m, Math.exp(logA)), core: c };
    };
    // Golden-section search for the maximum of the profile log-likelihood in ln α ∈ [−20, 8].
    let a = -20, b = 8;
    const g = (Math.sqrt(5) - 1) / 2;
    let c1 = b - g * (b - a), c2 = a + g * (b - a);
    let f1 = profile(c1).ll, f2 = profile(c2).ll;
    while (b - a > 1e-7) {
      if (f1 < f2) {
        a = c1;
        c1 = c2;
        f1 = f2;
        c2 = a + g * (b - a);
        f2 = profile(c2).ll;
      } else {
        b = c2;
        c2 = c1;
        f2 = f1;
        c1 = b - g * (b - a);
        f1 = profile(c1).ll;
      }
    }
    const logA = (a + b) / 2;
    alphaNb = Math.exp(logA);
    core = profile(logA).core;
    if (logA < -19) warnings.push("NB2 α is at the lower search bound: no overdispersion; Poisson fits as well");
    // SE of α from the curvature of the profile log-likelihood in α (central differences).
    const h = 1e-4 * alphaNb;
    const llAt = (al: number) => logLikelihood("negbin", y, irls(X, y, m, offset, n, k, "negbin", al, maxIter, tol, core.params).mu, m, al);
    const l0 = logLikelihood("negbin", y, core.mu, m, alphaNb);
    const second = (llAt(alphaNb + h) - 2 * l0 + llAt(alphaNb - h)) / (h * h);
    alphaSe = second < 0 ? Math.sqrt(-1 / second) : null;
  } else {
    core = irls(X, y, m, offset, n, k, fam, 0, maxIter, tol);
  }
  if (!core.converged) warnings.push(`IRLS did not converge in ${maxIter} iterations (perfect separation or a boundary estimate?): do not use these estimates`);
  if (core.params.some((b) => !Number.isFinite(b))) throw new RangeError(`Cannot fit '${formula}': IRLS diverged (non-finite coefficients); check for perfect separation or extreme values`);

  const f = family(fam, alphaNb);
  let V = core.bread;
  let clusters: number | null = null;
  if (cov.kind !== "nonrobust") {
    // Scores uᵢ = xᵢ·eᵢ with eᵢ = wᵢ·(yᵢ − μᵢ)·dη/dμ (binomial: per trial, times trials in wᵢ).
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) e[i] = core.w[i]! * (y[i]! - core.mu[i]!) * f.detadmu(core.mu[i]!);
    let groups: unknown[] | undefined;
    if (cov.kind === "cluster") {
      const col = columns[cov.column];
      if (!col) throw new MissingColumnError(`Cannot compute cluster-robust errors: no column '${cov.column}'`, cov.column);
      groups = Array.from(design.rows, (i) => col[i]);
    }
    const mt = meat(X, e, n, k, cov, { groups });
    clusters = mt.groups ?? null;
    V = sandwich(core.bread, mt.meat, k);
  }
  const crit = critical(alpha, Infinity);
  const params = Array.from(core.params);
  const bse = params.map((_, j) => Math.sqrt(V[j * k + j]!));
  const terms: CoefficientRow[] = params.map((b, j) => {
    const z = b / bse[j]!;
    return { term: names[j]!, coef: b, se: bse[j]!, t: z, p: twoSidedP(z, Infinity), ci_low: b - crit * bse[j]!, ci_high: b + crit * bse[j]! };
  });
  const ll = logLikelihood(fam, y, core.mu, m, alphaNb);
  let pearson = 0;
  for (let i = 0; i < n; i++) pearson += (y[i]! - core.mu[i]!) ** 2 / f.variance(core.mu[i]!, m[i]!);
  const p = k + (fam === "negbin" ? 1 : 0);
  const hasConst = names.includes("const");
  const model: GlmModel = {
    kind: "glm", family: fam, link: fam === "binomial" ? "logit" : "log", formula,
    n, k, df_model: k - (hasConst ? 1 : 0), df_resid: n - k, names, params, bse, terms,
    cov_type: covName(cov), distribution: "normal", alpha,
    cov_params: Array.from({ length: k }, (_, i) => Array.from(V.subarray(i * k, (i + 1) * k))),
    log_likelihood: ll, aic: -2 * ll + 2 * p, bic: -2 * ll + p * Math.log(n),
    deviance: core.deviance, pearson_chi2: pearson, iterations: core.iterations, converged: core.converged,
    alpha_nb: fam === "negbin" ? alphaNb : null, alpha_nb_se: fam === "negbin" ? alphaSe : null,
    fitted: Array.from(core.mu), clusters, dropped_rows: design.dropped_rows, dropped_columns: check.dropped, warnings,
    spec: { ...design.spec, names }, offset_column: options.offset ?? null, exposure_column: options.exposure ?? null,
    trials_column: options.trials ?? null,
  };
  return withDisplay(model);
}
