/**
 * Private: the "Targets" section of the reports — one row per target evaluated over the report's
 * window, its status as a coloured word (green / amber / red / n/a with the reason).
 *
 * @module
 */
import { isRateKpi } from "../ingest/mod.ts";
import type { TargetEvaluation } from "../targets/mod.ts";
import { escapeHtml, isolate } from "./html.ts";

/** A value in its KPI's unit: a rate as %, seconds, minutes and hours with one decimal, money-like costs with two. */
function value(kpi: string, x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  const grouped = (digits: number) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (isRateKpi(kpi)) return `${(100 * x).toFixed(1)} %`;
  if (/_s$/.test(kpi)) return `${grouped(1)} s`;
  if (/_min$/.test(kpi)) return `${grouped(1)} min`;
  if (/_h$/.test(kpi)) return `${grouped(1)} h`;
  if (/cost/.test(kpi)) return grouped(2);
  return Number.isInteger(x) ? grouped(0) : String(Number(x.toPrecision(6)));
}

/** CSS of the status words (added to the report's stylesheet). */
export const TARGET_CSS = `
.status { font-weight: 600; padding: 1px 6px; border-radius: 8px; white-space: nowrap; }
.status-green { background: #dff3e6; color: #1b6e3c; } .status-amber { background: #fff1cc; color: #8a5a00; }
.status-red { background: #fde7e4; color: #b3261e; } .status-not_evaluable { background: #eef1f4; color: #616e7c; }
table.targets .reason { color: #616e7c; font-size: 11px; }
table.targets td:first-child { max-width: 240px; overflow-wrap: anywhere; }
table.targets td:nth-child(2), table.targets td:nth-child(3) { white-space: nowrap; }
`;

/**
 * The section: a sentence counting targets met and missed, then the table (escaped, names isolated).
 *
 * @param rows from `evaluateTargets` (one per target and period)
 * @param what which targets the report judges, for the sentence ("queue and center call targets")
 */
export function targetsSection(rows: readonly TargetEvaluation[], what: string): string {
  if (rows.length === 0) return "";
  const n = (s: string) => rows.filter((r) => r.status === s).length;
  const head = ["Scope", "KPI", "Period", "Value", "Target", "Gap", "Attainment", "Status", "Trend", "Periods met"]
    .map((h, i) => `<th${i >= 3 && i !== 7 && i !== 8 ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => {
    const kpi = r.kpi + (r.kpi.startsWith("service_level") && r.threshold_s !== null ? ` (${r.threshold_s} s, ${r.sl_variant})` : "");
    const status = r.status === "not_evaluable" ? "n/a" : r.status;
    const reason = r.status === "not_evaluable" ? ` <span class="reason">${escapeHtml(r.reason ?? "")}</span>` : "";
    const cells = [
      `<td>${isolate(`${r.scope_type} ${r.scope}`)}</td>`, `<td>${isolate(kpi)}</td>`, `<td>${escapeHtml(r.period === "all" ? "window" : r.period_start)}</td>`,
      `<td class="num">${escapeHtml(value(r.kpi, r.value))}</td>`,
      `<td class="num">${escapeHtml(`${r.direction === "at_least" ? "≥" : "≤"} ${value(r.kpi, r.target)}${r.amber ? ` (amber ${value(r.kpi, r.amber)})` : ""}`)}</td>`,
      `<td class="num">${escapeHtml(r.gap === null ? "n/a" : (r.gap >= 0 ? "+" : "−") + (isRateKpi(r.kpi) ? `${(100 * Math.abs(r.gap)).toFixed(1)} pts` : value(r.kpi, Math.abs(r.gap))))}</td>`,
      `<td class="num">${escapeHtml(r.attainment === null ? "n/a" : `${(100 * r.attainment).toFixed(1)} %`)}</td>`,
      `<td><span class="status status-${escapeHtml(r.status)}">${escapeHtml(status)}</span>${reason}</td>`,
      `<td>${escapeHtml(r.trend ?? (r.status === "not_evaluable" ? "" : "n/a"))}</td>`, `<td class="num">${escapeHtml(r.periods_evaluated ? `${r.periods_met} / ${r.periods_evaluated}` : "n/a")}</td>`,
    ];
    return `<tr>${cells.join("")}</tr>`;
  }).join("\n");
  return `<section><h2>Targets</h2><p>${escapeHtml(`${what}: ${rows.length} evaluated, ${n("green")} met, ${n("amber")} amber, ${n("red")} missed, ${n("not_evaluable")} not evaluable ` +
    "(gap = value − target, in points for rates; attainment = value / target, or target / value for an at-most target; trend against the window of equal length before; n/a when the data has no earlier period).")}</p>` +
    `<div class="table-wrap"><table class="data targets"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div></section>`;
}
