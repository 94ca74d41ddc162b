/**
 * Effects of a change in the regressors (e.g. one more agent), with delta-method intervals;
 * staffing margin; ROI and ROAS.
 *
 * @module
 */
import { critical } from "./_distributions.ts";
import { buildDesign } from "./design.ts";
import type { GlmModel } from "./glm.ts";
import type { OlsModel } from "./ols.ts";

/** The effect of moving from a base row to a changed row, on the mean response. */
export interface Effect {
  base_mean: number;
  changed_mean: number;
  /** changed_mean − base_mean. */
  effect: number;
  /** Delta-method standard error of the effect under the model's covariance. */
  se: number;
  ci_low: number;
  ci_high: number;
}

function meanAndGradient(model: OlsModel | GlmModel, x: number[], offset: number) {
  let eta = offset;
  for (let j = 0; j < model.k; j++) eta += x[j]! * model.params[j]!;
  if (model.kind !== "glm") return { mean: eta, grad: x };
  if (model.link === "logit") {
    const mu = 1 / (1 + Math.exp(-eta));
    return { mean: mu, grad: x.map((v) => v * mu * (1 - mu)) };
  }
  const mu = Math.exp(eta);
  return { mean: mu, grad: x.map((v) => v * mu) };
}

function designRow(model: OlsModel | GlmModel, row: Record<string, unknown>): { x: number[]; offset: number } {
  const d = buildDesign([row], model.spec.formula, model.spec, { response: false });
  if (d.n !== 1) throw new RangeError(`Cannot compute an effect: the row lacks a value the formula '${model.spec.formula}' needs`);
  const x = model.names.map((name) => {
    const j = d.names.indexOf(name);
    if (j < 0) throw new RangeError(`Cannot compute an effect: column '${name}' is missing from the row's design`);
    return d.X[j]!;
  });
  let offset = 0;
  if (model.kind === "glm") {
    if (model.offset_column) offset = Number(row[model.offset_column]);
    if (model.exposure_column) offset = Math.log(Number(row[model.exposure_column]));
    if (!Number.isFinite(offset)) throw new RangeError("Cannot compute an effect: the row needs the model's offset or exposure");
  }
  return { x, offset };
}

/**
 * Effect on the mean response of changing a row (e.g. `agents: 12` → `13`), for OLS/WLS (the
 * linear predictor) and GLMs (the mean μ: probability for logit, count for Poisson/NB2, using
 * the row's offset/exposure), with a delta-method interval:
 * effect = h(x₁ᵀβ) − h(x₀ᵀβ), Var = gᵀVg with g = h′(η₁)x₁ − h′(η₀)x₀.
 *
 * @param model a fitted model
 * @param base the base row (all regressors the formula uses; offset/exposure for GLMs)
 * @param changed the changed row
 * @param options `alpha` (default the model's)
 * @returns {@link Effect}; the interval uses the model's distribution (t or normal)
 * @throws {RangeError} when a row lacks a needed value or has an unseen category
 * Source: Greene (2018) §D.2.7 (delta method); Cameron & Trivedi (2005) §14.2 (marginal effects
 *   in non-linear models).
 * @example
 * ```ts
 * effectOfChange(model, { agents: 12, hour: 10 }, { agents: 13, hour: 10 }).effect;
 * ```
 */
export function effectOfChange(model: OlsModel | GlmModel, base: Record<string, unknown>, changed: Record<string, unknown>, options: { alpha?: number } = {}): Effect {
  const b = designRow(model, base), c = designRow(model, changed);
  const m0 = meanAndGradient(model, b.x, b.offset), m1 = meanAndGradient(model, c.x, c.offset);
  const g = m1.grad.map((v, j) => v - m0.grad[j]!);
  let v = 0;
  for (let i = 0; i < model.k; i++) for (let j = 0; j < model.k; j++) v += g[i]! * model.cov_params[i]![j]! * g[j]!;
  const se = Math.sqrt(Math.max(0, v));
  const df = model.kind !== "glm" && model.distribution === "t" ? model.df_resid : Infinity;
  const crit = critical(options.alpha ?? model.alpha, df);
  const effect = m1.mean - m0.mean;
  return { base_mean: m0.mean, changed_mean: m1.mean, effect, se, ci_low: effect - crit * se, ci_high: effect + crit * se };
}

/**
 * Staffing margin in units of √A: (N − A)/√A — the square-root-staffing β of Halfin & Whitt.
 *
 * @throws {RangeError} when the load is not > 0
 * Source: Halfin & Whitt (1981), Operations Research 29(3).
 * @example
 * ```ts
 * staffingMargin(14, 10); // (14 − 10)/√10 = 1.2649…
 * ```
 */
export function staffingMargin(agents: number, load_erlangs: number): number {
  if (!(load_erlangs > 0)) throw new RangeError(`Cannot compute the staffing margin: load must be > 0 Erlangs, got ${load_erlangs}`);
  return (agents - load_erlangs) / Math.sqrt(load_erlangs);
}

/**
 * Return on investment: (benefit − cost) / cost. "Average" when both are totals of an
 * intervention; "marginal" when they are the increments of one more unit (e.g. one more agent
 * in an interval) — say which in reports.
 *
 * @throws {RangeError} when cost is not > 0 or benefit is not finite
 * Source: standard definition (e.g. Phillips, "Return on Investment in Training" 1997).
 * @example
 * ```ts
 * roi(1500, 1000); // 0.5
 * ```
 */
export function roi(benefit: number, cost: number): number {
  if (!(cost > 0)) throw new RangeError(`Cannot compute ROI: cost must be > 0, got ${cost}`);
  if (!Number.isFinite(benefit)) throw new RangeError(`Cannot compute ROI: benefit must be finite, got ${benefit}`);
  return (benefit - cost) / cost;
}

/**
 * Return on ad (or intervention) spend: attributed revenue / spend.
 *
 * @throws {RangeError} when spend is not > 0 or revenue is not finite
 * @example
 * ```ts
 * roas(4000, 1000); // 4
 * ```
 */
export function roas(attributed_revenue: number, spend: number): number {
  if (!(spend > 0)) throw new RangeError(`Cannot compute ROAS: spend must be > 0, got ${spend}`);
  if (!Number.isFinite(attributed_revenue)) throw new RangeError(`Cannot compute ROAS: revenue must be finite, got ${attributed_revenue}`);
  return attributed_revenue / spend;
}

/**
 * ROI of an estimated effect with its interval: benefit = effect × value per unit of the
 * response (e.g. value of an abandon avoided, negative effects being gains when `value` is
 * negative), ROI = (benefit − cost)/cost at the estimate and at both interval ends.
 *
 * @param effect an {@link Effect}
 * @param options `value_per_unit` (currency per unit of the response), `cost` (> 0), `kind`
 *   ("marginal" or "average", printed with the result)
 */
export function roiOfEffect(effect: Effect, options: { value_per_unit: number; cost: number; kind: "marginal" | "average" }): {
  kind: "marginal" | "average"; benefit: number; roi: number; roi_low: number; roi_high: number;
} {
  const ends = [effect.ci_low, effect.ci_high].map((e) => roi(e * options.value_per_unit, options.cost));
  return {
    kind: options.kind,
    benefit: effect.effect * options.value_per_unit,
    roi: roi(effect.effect * options.value_per_unit, options.cost),
    roi_low: Math.min(...ends),
    roi_high: Math.max(...ends),
  };
}
