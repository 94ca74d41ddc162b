/**
 * `qb targets`: a targets file evaluated against the loaded logs (and roster, schedules, services) per scope
 * and period — a table, or the JSON contract with `--json`.
 *
 * @module
 */
import { type Command, Option } from "commander";
import process from "node:process";
import { evaluateTargets, SERVICE_KPIS, TARGET_PERIODS, type TargetEvaluation, type TargetPeriod } from "../targets/mod.ts";
import { isRateKpi, loadServices } from "../ingest/mod.ts";
import { checkInputFile } from "./_output.ts";
import { jsonText, kpiOptions, withCommonOptions } from "./_common.ts";
import { targetsOption } from "./_targets.ts";
import { renderTable } from "./_table.ts";
import { type IndicatorCliOptions, loadOperatorInputs, operatorOptions, tableReport, withIndicatorOptions, withOperatorInputs } from "./operators.ts";

interface TargetsCliOptions extends IndicatorCliOptions {
  targets: string;
  services?: string;
  period: TargetPeriod;
  json: boolean;
}

/** A value in its KPI's unit for the table: a rate as %, seconds with one decimal, else a number. */
function shown(kpi: string, x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  if (isRateKpi(kpi)) return `${(100 * x).toFixed(1)} %`;
  if (/_s$/.test(kpi)) return `${x.toFixed(1)} s`;
  if (/_h$/.test(kpi)) return `${x.toFixed(1)} h`;
  if (/_min$/.test(kpi)) return `${x.toFixed(1)} min`;
  if (/cost/.test(kpi)) return x.toFixed(2);
  return String(Number(x.toPrecision(6)));
}

/** Adds `targets` to the program. */
export function addTargetCommands(program: Command): void {
  withIndicatorOptions(withOperatorInputs(withCommonOptions(program.command("targets").description("evaluate a targets file per scope and period: value, gap, attainment, status, trend"))))
    .requiredOption("--targets <file>", "targets CSV: kpi (or indicator), scope_type, scope, direction (or comparison), target, threshold_s, period, weight, amber")
    .addOption(new Option("--period <p>", "periods of targets that do not name their own: the whole window once, or per local day, ISO week or month").choices([...TARGET_PERIODS]).default("all"))
    .option("--services <file>", `services export (the demo's services.csv, Zendesk, ServiceNow, GLPI) for case targets: ${SERVICE_KPIS.join(", ")}`)
    .option("--json", "print the JSON array (one row per target and period)", false)
    .action(async (o: TargetsCliOptions) => {
      const k = kpiOptions(o);
      const targets = targetsOption(o.targets, o);
      if (o.services) checkInputFile("--services", o.services);
      const store = await loadOperatorInputs(o);
      try {
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        const { from_ms, to_ms, timeZone: _z, interval_minutes: _i, ...operator } = operatorOptions(o);
        const rows = await evaluateTargets(store, targets, { ...k, period: o.period, operator, states_built: true, from_ms, to_ms });
        process.stdout.write(o.json ? jsonText(rows) : table(rows, o));
      } finally {
        store.close();
      }
    });
}

function table(rows: TargetEvaluation[], o: TargetsCliOptions): string {
  // Reasons of n/a under the table, numbered (in a cell they made the table hundreds of characters wide, cut).
  const reasons = [...new Set(rows.filter((r) => r.status === "not_evaluable").map((r) => r.reason ?? ""))];
  const readable = rows.map((r) => ({
    scope: `${r.scope_type} ${r.scope}`, kpi: r.kpi + (r.threshold_s !== null && r.kpi.startsWith("service_level") ? ` (${r.threshold_s} s, ${r.sl_variant})` : ""),
    period: r.period === "all" ? "window" : r.period_start, value: shown(r.kpi, r.value),
    target: `${r.direction === "at_least" ? "≥" : "≤"} ${shown(r.kpi, r.target)}`, status: r.status === "not_evaluable" ? `n/a (${reasons.indexOf(r.reason ?? "") + 1})` : r.status,
    trend: r.trend ?? "", met: r.periods_evaluated ? `${r.periods_met}/${r.periods_evaluated}` : "",
  }));
  const cols = ["scope", "kpi", "period", "value", "target", "status", "trend", "met"].map((key) => ({ key, header: key === "met" ? "periods met" : key, format: "text" as const }));
  const missed = rows.filter((r) => r.status === "red" || r.status === "amber").length;
  return renderTable(readable, cols) + reasons.map((r, i) => `n/a (${i + 1}): ${r}\n`).join("") +
    `${rows.length} evaluation(s): ${rows.filter((r) => r.status === "green").length} green, ${missed} missed, ${rows.filter((r) => r.status === "not_evaluable").length} not evaluable; ` +
    `periods: ${o.period === "all" ? "the whole window" : o.period} (a target's own period wins); trend against the previous period; times in ${o.tz}\n`;
}
