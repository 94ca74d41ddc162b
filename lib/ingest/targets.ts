/**
 * Targets from a CSV file (OPERATIONS.md §3), validated row by row (zod): a bad row is a reject
 * naming file, line and field.
 *
 * @module
 */
import { z } from "zod";
import { readTableFile, type TableFile } from "./_table_file.ts";
import { parseCsvLines } from "./_csv_table.ts";
import { readText, splitLines } from "./read_lines.ts";

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
}

const DIRECTIONS: Record<string, "at_least" | "at_most"> = { ">=": "at_least", "≥": "at_least", at_least: "at_least", "<=": "at_most", "≤": "at_most", at_most: "at_most" };
const SCOPE_WORDS: Record<string, TargetScope> = { center: "center", centre: "center", all: "center", department: "department", team: "team", operator: "operator", agent: "operator", queue: "queue" };
const decimal = (name: string, min = -Infinity) =>
  z.string().transform((s, ctx) => {
    const x = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!(x >= min)) ctx.addIssue({ code: "custom", message: `${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ""}, got '${s.slice(0, 40)}'` });
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
  target: decimal("target"),
  threshold_s: z.string().optional().default("").pipe(z.string()).transform((s, ctx) => {
    if (s === "") return null;
    const x = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) ctx.addIssue({ code: "custom", message: `threshold_s must be seconds ≥ 0, got '${s.slice(0, 40)}'` });
    return x;
  }),
  period: z.string().optional().default("").transform((s) => (s === "" ? null : s)),
}).transform((t) => ({ ...t, scope: t.scope_type === "center" && t.scope === "" ? "all" : t.scope })) as unknown as z.ZodType<Target>;

/**
 * Reads a targets CSV: columns `kpi` (or the demo's `indicator`), `scope_type`, `scope`,
 * `direction` (or the demo's `comparison`: `>=` / `<=`), `target`, optional `threshold_s` and
 * `period`. Rates are fractions (0.8 for 80 %).
 *
 * @param columns column map, logical name → the file's header name
 * @throws {InputError} when the file cannot be read or lacks a required column
 * Source: OPERATIONS.md §3.
 */
export function readTargets(path: string, columns: Readonly<Record<string, string>> = {}): TableFile<Target> {
  const names = new Set(headerOf(path));
  const map: Record<string, string> = { ...columns };
  // The demo center's names for two columns, unless the file has the documented ones or a map says otherwise.
  if (!map.kpi && !names.has("kpi") && names.has("indicator")) map.kpi = "indicator";
  if (!map.direction && !names.has("direction") && names.has("comparison")) map.direction = "comparison";
  return readTableFile(path, "targets", targetSchema, ["kpi", "scope_type", "direction", "target"], map);
}

/** The lower-cased header names of a CSV file ([] when it cannot be read: the reader says why). */
function headerOf(path: string): string[] {
  try {
    return parseCsvLines(splitLines(readText(path).text), path).header;
  } catch {
    return [];
  }
}
