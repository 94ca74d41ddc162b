/**
 * `qb fit`: regression and GLMs on a CSV table.
 *
 * @module
 */
import { type Command, Option } from "commander";
import process from "node:process";
import { parseCsvLines } from "../ingest/_csv_table.ts";
import { readText, splitLines } from "../ingest/read_lines.ts";
import { fitGlm, fitOls, FormulaError, type GlmModel, MissingColumnError, type OlsModel } from "../models/mod.ts";
import { jsonText, UsageError } from "./_common.ts";
import { checkInputFile } from "./_output.ts";
import { renderPairs, renderTable } from "./_table.ts";

/**
 * Reads a CSV table into columns of strings (numbers are converted by the design builder).
 */
export function readCsvColumns(path: string): Record<string, string[]> {
  checkInputFile("--data", path);
  let text: string;
  try {
    text = readText(path).text;
  } catch (err) {
    throw new Error(`Cannot read data '${path}': ${(err as { code?: string }).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  const table = parseCsvLines(splitLines(text), path);
  if (table.errors.length > 0) throw table.errors[0]!.error;
  const columns: Record<string, string[]> = Object.create(null); // a column may be named `__proto__`
  const seen = new Set<string>();
  for (const name of table.header_original) {
    if (seen.has(name)) throw new TypeError(`Cannot read data '${path}': column '${name}' appears twice in the header`);
    seen.add(name);
  }
  table.header_original.forEach((name, i) => (columns[name] = table.records.map((r) => r.fields[i]!)));
  return columns;
}

/** The JSON contract of `qb fit`. */
export function fitJson(m: OlsModel | GlmModel): Record<string, unknown> {
  const ols = m.kind !== "glm" ? m : null;
  const glm = m.kind === "glm" ? m : null;
  return {
    model: m.kind, family: glm ? glm.family : "gaussian", formula: m.formula,
    n: m.n, df_model: m.df_model, df_resid: m.df_resid, cov_type: m.cov_type, distribution: m.distribution,
    terms: m.terms,
    r_squared: ols?.r_squared ?? null, adj_r_squared: ols?.adj_r_squared ?? null,
    f_stat: ols?.f_stat ?? null, f_pvalue: ols?.f_pvalue ?? null, sigma: ols?.sigma ?? null,
    log_likelihood: m.log_likelihood, aic: m.aic, bic: m.bic,
    durbin_watson: ols?.durbin_watson ?? null, condition_number: ols?.condition_number ?? null,
    jarque_bera: ols?.jarque_bera ?? null, jb_pvalue: ols?.jb_pvalue ?? null,
    vif: ols?.vif ?? null,
    deviance: glm?.deviance ?? null, pearson_chi2: glm?.pearson_chi2 ?? null,
    alpha_nb: glm?.alpha_nb ?? null, alpha_nb_se: glm?.alpha_nb_se ?? null,
    clusters: m.clusters, dropped_rows: m.dropped_rows, dropped_columns: m.dropped_columns, warnings: m.warnings,
  };
}

/** The readable `qb fit` output: model facts, fit statistics, the coefficient table, warnings. */
function fitText(m: OlsModel | GlmModel): string {
  const j = fitJson(m);
  const stat = m.distribution === "t" ? "t" : "z";
  const level = `${((1 - m.alpha) * 100).toFixed(0)} %`;
  const facts = renderPairs([
    ["model", `${m.kind}${m.kind === "glm" ? ` (${(m as GlmModel).family})` : ""}`, "text"], ["formula", m.formula, "text"],
    ["observations", m.n, "int"], ["df model / resid", `${m.df_model} / ${m.df_resid}`, "text"], ["covariance", m.cov_type, "text"],
    ["R² / adj. R²", j.r_squared === null ? null : `${(j.r_squared as number).toFixed(4)} / ${(j.adj_r_squared as number).toFixed(4)}`, "text"],
    ["F / Prob(F)", j.f_stat === null ? null : `${(j.f_stat as number).toFixed(4)} / ${(j.f_pvalue as number).toExponential(3)}`, "text"],
    ["log-likelihood", m.log_likelihood, "num"], ["AIC / BIC", `${m.aic.toFixed(2)} / ${m.bic.toFixed(2)}`, "text"],
    ["deviance", j.deviance, "num"],
  ].filter((p) => p[1] !== null) as [string, unknown, "text"][]);
  const terms = renderTable(m.terms as unknown as Record<string, unknown>[], [
    { key: "term", header: "term", format: "text" }, { key: "coef", header: "coef", format: "num" },
    { key: "se", header: "std err", format: "num" }, { key: "t", header: stat, format: "num" },
    { key: "p", header: `P>|${stat}|`, format: "num" }, { key: "ci_low", header: `[${level}`, format: "num" },
    { key: "ci_high", header: `${level}]`, format: "num" },
  ]);
  return facts + terms + m.warnings.map((w) => `warning: ${w}\n`).join("");
}

interface FitOptions {
  formula: string;
  family: string;
  weights?: string;
  trials?: string;
  offset?: string;
  exposure?: string;
  cov: string;
  dropCollinear: boolean;
  json: boolean;
}

/** Adds `fit` to the program. */
export function addModelCommands(program: Command): void {
  program.command("fit").description("fit OLS/WLS or a GLM on a CSV table and print the summary (JSON with --json)")
    .requiredOption("--data <file>", "CSV table (header line; `,` `;` tab or `|` delimited)")
    .requiredOption("--formula <formula>", "e.g. \"abandoned ~ agents + C(hour) + log(offered)\"")
    .addOption(new Option("--family <family>", "model family").choices(["gaussian", "binomial", "poisson", "negbin"]).default("gaussian"))
    .option("--weights <column>", "WLS weights column (gaussian)")
    .option("--trials <column>", "binomial trials column (response = successes)")
    .option("--offset <column>", "offset column (GLM)")
    .option("--exposure <column>", "exposure column, log taken (GLM)")
    .option("--cov <type>", "nonrobust | HC0 | HC1 | HC2 | HC3 | HAC:LAGS | cluster:COLUMN", "nonrobust")
    .option("--drop-collinear", "drop collinear columns with a warning instead of failing", false)
    .option("--json", "print one JSON object instead of the summary table", false)
    .action((o: FitOptions & { data: string }) => {
      const data = readCsvColumns(o.data);
      try {
        fitAndPrint(data, o);
      } catch (err) {
        // A formula that does not parse, or names a column the table lacks, is a usage error.
        if (err instanceof FormulaError || err instanceof MissingColumnError) throw new UsageError(err.message);
        throw err;
      }
    });
}

/** Fits the model `o` asks for on `data` and prints it. */
function fitAndPrint(data: Record<string, string[]>, o: FitOptions): void {
  if (o.family === "gaussian") {
    if (o.trials || o.offset || o.exposure) throw new UsageError("--trials, --offset and --exposure need a GLM family (binomial, poisson, negbin)");
    const m = fitOls(data, o.formula, { weights: o.weights, cov: o.cov, drop_collinear: o.dropCollinear });
    process.stdout.write(o.json ? jsonText(fitJson(m)) : fitText(m));
  } else {
    if (o.weights) throw new UsageError("--weights is for the gaussian family (WLS)");
    const m = fitGlm(data, o.formula, {
      family: o.family as "binomial", trials: o.trials, offset: o.offset, exposure: o.exposure, cov: o.cov, drop_collinear: o.dropCollinear,
    });
    process.stdout.write(o.json ? jsonText(fitJson(m)) : fitText(m));
  }
}
