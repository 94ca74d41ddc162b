/**
 * Model summaries as HTML (the layout statsmodels users know) for notebooks and reports.
 *
 * @module
 */
import { escapeHtml } from "../reports/html.ts";

/** One coefficient of a summary table. */
export interface CoefficientRow {
  term: string;
  coef: number;
  se: number;
  /** t or z statistic. */
  t: number;
  p: number;
  ci_low: number;
  ci_high: number;
}

/** The fields a summary shows; every fitted model has them (some may be null). */
export interface SummaryFields {
  kind: string;
  formula: string;
  n: number;
  df_model: number;
  df_resid: number;
  terms: CoefficientRow[];
  cov_type: string;
  distribution: "t" | "normal";
  alpha: number;
  log_likelihood: number;
  aic: number;
  bic: number;
  r_squared?: number;
  adj_r_squared?: number;
  f_stat?: number;
  f_pvalue?: number;
  durbin_watson?: number;
  jarque_bera?: number;
  jb_pvalue?: number;
  condition_number?: number;
  family?: string;
  deviance?: number;
  pearson_chi2?: number;
  alpha_nb?: number | null;
  warnings: string[];
}

function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? x.toExponential(digits - 1) : x.toFixed(digits);
}

/**
 * Renders a fitted model as an HTML summary: model facts, fit statistics, the coefficient table
 * (coef, std err, t or z, P>|t|, confidence interval) and warnings. Every name is escaped.
 *
 * @param m a fitted OLS/WLS or GLM model
 * @returns an HTML fragment (a `<div>` with inline styles)
 */
export function renderSummary(m: SummaryFields): string {
  const stat = m.distribution === "t" ? "t" : "z";
  const level = `${((1 - m.alpha) * 100).toFixed(0)} %`;
  const facts: [string, string][] = [
    ["Model", m.kind.toUpperCase() + (m.family ? ` (${m.family})` : "")],
    ["Formula", m.formula],
    ["Observations", String(m.n)],
    ["Df model / resid", `${m.df_model} / ${m.df_resid}`],
    ["Covariance", m.cov_type],
    ["Log-likelihood", num(m.log_likelihood)],
    ["AIC / BIC", `${num(m.aic)} / ${num(m.bic)}`],
  ];
  if (m.r_squared !== undefined) facts.push(["R² / adj. R²", `${num(m.r_squared, 6)} / ${num(m.adj_r_squared, 6)}`]);
  if (m.f_stat !== undefined) facts.push(["F / Prob(F)", `${num(m.f_stat)} / ${num(m.f_pvalue)}`]);
  if (m.durbin_watson !== undefined) facts.push(["Durbin–Watson", num(m.durbin_watson)]);
  if (m.jarque_bera !== undefined) facts.push(["Jarque–Bera / Prob", `${num(m.jarque_bera)} / ${num(m.jb_pvalue)}`]);
  if (m.condition_number !== undefined) facts.push(["Cond. No.", num(m.condition_number, 3)]);
  if (m.deviance !== undefined) facts.push(["Deviance / Pearson χ²", `${num(m.deviance)} / ${num(m.pearson_chi2)}`]);
  if (m.alpha_nb !== undefined && m.alpha_nb !== null) facts.push(["NB2 α", num(m.alpha_nb)]);
  const cell = "padding:2px 8px;border-bottom:1px solid #e4e7eb;text-align:right;font-variant-numeric:tabular-nums";
  const head = ["", "coef", "std err", stat, `P>|${stat}|`, `[${level}`, "]"].map((h) => `<th style="${cell}">${escapeHtml(h)}</th>`).join("");
  const rows = m.terms.map((t) =>
    `<tr><td style="${cell};text-align:left">${escapeHtml(t.term)}</td>${[t.coef, t.se, t.t, t.p, t.ci_low, t.ci_high].map((v) => `<td style="${cell}">${escapeHtml(num(v))}</td>`).join("")}</tr>`
  ).join("");
  const factRows = facts.map(([k, v]) => `<tr><th style="${cell};text-align:left">${escapeHtml(k)}</th><td style="${cell};text-align:left">${escapeHtml(v)}</td></tr>`).join("");
  const warn = m.warnings.length ? `<p style="color:#b7410e">Warnings: ${m.warnings.map(escapeHtml).join("; ")}</p>` : "";
  return `<div style="font:13px system-ui,sans-serif"><table style="border-collapse:collapse;margin-bottom:8px">${factRows}</table><table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${warn}</div>`;
}
