/**
 * Predictions with confidence and prediction intervals.
 *
 * @module
 */
import { critical } from "./_distributions.ts";
import { buildDesign, type DataTable } from "./design.ts";
import type { OlsModel } from "./ols.ts";

/** One prediction. */
export interface Prediction {
  /** Fitted mean x₀ᵀβ. */
  mean: number;
  /** Standard error of the mean, √(x₀ᵀ V x₀) with the model's covariance. */
  mean_se: number;
  mean_ci_low: number;
  mean_ci_high: number;
  /** Prediction interval for a new observation: √(mean_se² + σ̂²). */
  obs_ci_low: number;
  obs_ci_high: number;
}

/**
 * Predicts a linear model on new rows, with the confidence interval of the mean and the
 * prediction interval of a new observation (statsmodels `get_prediction().summary_frame()`).
 *
 * @param model a fitted {@link OlsModel}
 * @param data rows holding the formula's right-hand-side columns (the response is not needed)
 * @param options `alpha` (default the model's)
 * @returns one {@link Prediction} per row with complete values (rows with missing values are left out)
 * @throws {RangeError} for a categorical level unseen when fitting
 * Source: Greene (2018) §4.8; statsmodels `RegressionResults.get_prediction`.
 * @example
 * ```ts
 * predict(model, [{ x: 2 }])[0].mean;
 * ```
 */
export function predict(model: OlsModel, data: DataTable, options: { alpha?: number } = {}): Prediction[] {
  const design = buildDesign(data, model.spec.formula, model.spec, { response: false });
  const cols = model.names.map((name) => {
    const j = design.names.indexOf(name);
    if (j < 0) throw new RangeError(`Cannot predict: column '${name}' of the model is missing from the new data's design`);
    return j;
  });
  const k = model.k;
  const crit = critical(options.alpha ?? model.alpha, model.distribution === "t" ? model.df_resid : Infinity);
  const sigma2 = model.sigma ** 2;
  const out: Prediction[] = [];
  for (let r = 0; r < design.n; r++) {
    const x = cols.map((j) => design.X[j * design.n + r]!);
    let mean = 0;
    for (let a = 0; a < k; a++) mean += x[a]! * model.params[a]!;
    let v = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += x[a]! * model.cov_params[a]![b]! * x[b]!;
    const se = Math.sqrt(v);
    const obs = Math.sqrt(v + sigma2);
    out.push({ mean, mean_se: se, mean_ci_low: mean - crit * se, mean_ci_high: mean + crit * se, obs_ci_low: mean - crit * obs, obs_ci_high: mean + crit * obs });
  }
  return out;
}
