/**
 * Targets from a CSV file (OPERATIONS.md §3), validated row by row (zod): a bad row is a reject
 * naming file, line and field.
 *
 * @module
 */
import { z } from "zod";
import { physicalLines, readTableFile, type TableFile, tableHeader } from "./_table_file.ts";
import { optionalNonNegative } from "./_fields.ts";

/** Scopes a target applies to. */
export const TARGET_SCOPES = ["center", "department", "team", "operator", "queue"] as const;
/** One of {@link TARGET_SCOPES}. */
export type TargetScope = (typeof TARGET_SCOPES)[number];

/** One target row. */
export interface Target {
  /** Indicator by its snake_case name (`service_level`, `asa_s`, `abandon_rate`, …). */
  kpi: string;
  scope_type: TargetScope;
  /** The queue, team, department or operator; `all` for the center. */
  scope: string;
  /** `at_least` (higher is better) or `at_most`. */
  direction: "at_least" | "at_most";
  target: number;
  /** A service-level target's own threshold T (seconds); null: the report's. */
  threshold_s: number | null;
  /** `interval`, `day`, `week`, `month` or empty (every period). */
  period: string | null;
  /** Relative weight of the target in a score (optional). */
  weight?: number | null;
  /** Amber band in the KPI's unit: missed by at most this is amber, not red (optional). */
  amber?: number | null;
}

const DIRECTIONS: Record<string, "at_least" | "at_most"> = { ">=": "at_least", "≥": "at_least", at_least: "at_least", "<=": "at_most", "≤": "at_most", at_most: "at_most" };
const SCOPE_WORDS: Record<string, TargetScope> = { center: "center", centre: "center", all: "center", department: "department", team: "team", operator: "operator", agent: "operator", queue: "queue" };
const decimal = (name: string, min = -Infinity) =>
  z.string().transform((s, ctx) => {
    const x = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!(x >= min) || !Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ""}, got '${s.slice(0, 40)}'` });
    return x;
  });

const targetSchema = z.object({
  kpi: z.string().regex(/^[a-z][a-z0-9_]*$/, "kpi must be an indicator's snake_case name such as service_level"),
  scope_type: z.string().transform((s, ctx) => {
    const t = SCOPE_WORDS[s.toLowerCase()];
    if (!t) ctx.addIssue({ code: "custom", message: `scope_type must be one of ${TARGET_SCOPES.join(", ")}, got '${s.slice(0, 40)}'` });
    return t!;
  }),
  scope: z.string().optional().default(""),
  direction: z.string().transform((s, ctx) => {
    const d = DIRECTIONS[s.toLowerCase()];
    if (!d) ctx.addIssue({ code: "custom", message: `direction must be at_least (>=) or at_most (<=), got '${s.slice(0, 40)}'` });
    return d!;
  }),
  target: decimal("target", 0),
  threshold_s: z.string().optional().default("").pipe(z.string()).transform((s, ctx) => {
    if (s === "") return null;
    const x = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `threshold_s must be seconds ≥ 0, got '${s.slice(0, 40)}'` });
    return x;
  }),
  period: z.string().optional().default("").transform((s, ctx) => {
    if (s === "") return null;
    const p = s.toLowerCase();
    if (!["interval", "day", "week", "month", "all"].includes(p)) ctx.addIssue({ code: "custom", message: `period must be interval, day, week, month or all, got '${s.slice(0, 40)}'` });
    return p;
  }),
  weight: optionalNonNegative("weight"),
  amber: z.string().optional().default("").transform((s, ctx) => {
    if (s === "") return null;
    const x = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `amber must be a band ≥ 0 in the KPI's unit (0.05 for 5 points of a rate), got '${s.slice(0, 40)}'` });
    return x;
  }),
}).transform((t, ctx) => {
  if (isRateKpi(t.kpi) && t.target > 1) {
    // A value from 2 to 100 is most likely a percentage: say what to write.
    const hint = t.target >= 2 && t.target <= 100 ? ` (write ${Number((t.target / 100).toPrecision(6))})` : "";
    ctx.addIssue({ code: "custom", path: ["target"], message: `${t.kpi} is a rate written as a fraction (0.8 for 80 %), got ${t.target}${hint}` });
  }
  if (isRateKpi(t.kpi) && t.amber != null && t.amber > 1) {
    ctx.addIssue({ code: "custom", path: ["amber"], message: `amber is a band in ${t.kpi}'s unit, a fraction (0.05 for 5 points), got ${t.amber}` });
  }
  if (t.threshold_s !== null && !t.kpi.startsWith("service_level")) {
    ctx.addIssue({ code: "custom", path: ["threshold_s"], message: `threshold_s applies to service-level targets only (${t.kpi} has none): leave it empty` });
  }
  if (t.scope_type === "center" && t.scope !== "" && t.scope.toLowerCase() !== "all") {
    ctx.addIssue({ code: "custom", path: ["scope"], message: `a center target has no scope value (leave it empty or write all), got '${t.scope.slice(0, 40)}'` });
  }
  return { ...t, scope: t.scope_type === "center" ? "all" : t.scope };
}) as unknown as z.ZodType<Target>;

/**
 * Whether an indicator is a rate (a fraction from 0 to 1): service level, every `*_rate` (and
 * `*_rate_*` such as `abandon_rate_excl_short`), occupancy, utilization, adherence, conformance,
 * shrinkage, `*_share`, `*_within_target`, `fcr` and `csat`.
 */
export function isRateKpi(kpi: string): boolean {
  return /^(service_level(_.*)?|.*_rate(_.*)?|occupancy|utilization|adherence|conformance|shrinkage(_.*)?|.*_share|.*_within_target|fcr|csat)$/.test(kpi);
}

/**
 * Reads a targets CSV: columns `kpi` (or the demo's `indicator`), `scope_type`, `scope`,
 * `direction` (or the demo's `comparison`: `>=` / `<=`), `target`, optional `threshold_s`,
 * `period` (interval, day, week, month, all), `weight` and `amber` (band in the KPI's unit). Rates are fractions (0.8 for 80 %): a rate above 1 is a reject, and so is a negative
 * target or a second target for the same KPI, scope, period and threshold (`duplicate of line N`,
 * the first kept). A row with every field empty is ignored as blank.
 *
 * @param columns column map, logical name → the file's header name
 * @throws {InputError} when the file cannot be read or lacks a required column
 * Source: OPERATIONS.md §3.
 */
export function readTargets(path: string, columns: Readonly<Record<string, string>> = {}): TableFile<Target> {
  const names = new Set(tableHeader(path));
  const map: Record<string, string> = { ...columns };
  // The demo center's names for two columns, unless the file has the documented ones or a map says otherwise.
  if (!map.kpi && !names.has("kpi") && names.has("indicator")) map.kpi = "indicator";
  if (!map.direction && !names.has("direction") && names.has("comparison")) map.direction = "comparison";
  return dropDuplicates(readTableFile(path, "targets", targetSchema, ["kpi", "scope_type", "direction", "target"], map), path);
}

/** Moves a second target for one KPI, scope, period and threshold to the rejects (the first kept). */
function dropDuplicates(file: TableFile<Target>, path: string): TableFile<Target> {
  const first = new Map<string, number>();
  let lines: string[] | null = null;
  const rows: TableFile<Target>["rows"] = [];
  const rejects = [...file.rejects];
  const source = file.counts.source;
  for (const r of file.rows) {
    const key = JSON.stringify([r.kpi, r.scope_type, r.scope, r.period, r.threshold_s]);
    const line = first.get(key);
    if (line === undefined) {
      first.set(key, r.line);
      rows.push(r);
      continue;
    }
    const what = `${r.kpi} of ${r.scope_type} '${r.scope}'${r.period ? ` per ${r.period}` : ""}${r.threshold_s !== null ? ` at ${r.threshold_s} s` : ""}`;
    lines ??= physicalLines(path);
    rejects.push({ source, line: r.line, raw: lines[r.line - 1] ?? "", reason: `${source}:${r.line}: field 'kpi': duplicate of line ${line} (a second target for ${what.slice(0, 120)})` });
  }
  rejects.sort((a, b) => a.line - b.line);
  return { rows, rejects, counts: { ...file.counts, used: rows.length, rejected: rejects.length } };
}
