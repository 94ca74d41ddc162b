/**
 * Econometric models: formulas and design matrices, OLS/WLS with robust, HAC and clustered
 * errors, GLMs (logit, Poisson, negative binomial) by IRLS, predictions, summaries, staffing
 * effects and ROI/ROAS.
 *
 * @module
 */
export { type Factor, type Formula, FormulaError, parseFormula, type Term, type Transform } from "./formula.ts";
export { buildDesign, type DataTable, type Design, type DesignSpec, MissingColumnError } from "./design.ts";
export { CollinearityError, CONDITION_LIMIT, checkCollinearity, RANK_TOLERANCE } from "./collinearity.ts";
export { fitDesign, fitOls, type OlsModel, type OlsOptions } from "./ols.ts";
export { predict, type Prediction } from "./predict.ts";
export { fitGlm, type GlmFamily, type GlmModel, type GlmOptions } from "./glm.ts";
export { type CoefficientRow, renderSummary, type SummaryFields } from "./summary.ts";
export { parseCov, type CovSpec } from "./_inference.ts";
export { type Effect, effectOfChange, roas, roi, roiOfEffect, staffingMargin } from "./effects.ts";
