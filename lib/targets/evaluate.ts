/**
 * Targets evaluated per scope and period (OPERATIONS.md §3): value, gap, attainment, status
 * (green / amber / red / not_evaluable), periods met out of evaluated, and the trend against the
 * previous period.
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { type KpiOptions, resolveKpiOptions, type SlVariant } from "../indicators/mod.ts";
import { buildAgentStatesInStore, type OperatorKpiOptions } from "../operators/mod.ts";
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { type EvalPeriod, periodsWithBaseline, type TargetPeriod } from "./periods.ts";
import { TargetValues, type ValueOrReason } from "./values.ts";

/** Options of {@link evaluateTargets}. */
export interface EvaluateTargetsOptions extends KpiOptions {
  /** Periods of targets that do not name their own (default `all`: the whole window once). */
  period?: TargetPeriod;
  /** Operator indicator options (wrap-up, adherence rule, paid time, …). */
  operator?: Omit<OperatorKpiOptions, "from_ms" | "to_ms" | "period" | "by" | "timeZone">;
  /** Agent states are already built with the operator options (skip the rebuild). */
  states_built?: boolean;
}

/** One target in one period (the `qb targets --json` contract: keys are stable). */
export interface TargetEvaluation {
  scope_type: string;
  scope: string;
  kpi: string;
  /** `all`, `interval`, `day`, `week` or `month`. */
  period: TargetPeriod;
  /** The period's start (local date, or the window's start as ISO with offset for `all`). */
  period_start: string;
  /** The period's end, exclusive (ISO with offset). */
  period_end: string;
  value: number | null;
  target: number;
  direction: "at_least" | "at_most";
  /** value − target (in the KPI's unit; negative is short of an at-least target). */
  gap: number | null;
  /** value / target (at least) or target / value (at most): 1 = exactly on target; null when the ratio is undefined. */
  attainment: number | null;
  status: "green" | "amber" | "red" | "not_evaluable";
  met: boolean | null;
  /** A service-level target's own threshold, else the report's for service levels, else null. */
  threshold_s: number | null;
  /** The SL variant used (service-level KPIs), else null. */
  sl_variant: SlVariant | null;
  /** Amber band (in the KPI's unit): missed by at most this is amber, not red; null: none. */
  amber: number | null;
  weight: number | null;
  /** Why the value could not be computed (not_evaluable), else null. */
  reason: string | null;
  /** The previous period's value (the window of equal length before, for `all`), null if none. */
  previous_value: number | null;
  /** `better`, `worse` or `same` against the previous period (in the target's direction), null without both values. */
  trend: "better" | "worse" | "same" | null;
  /** Over the window: periods whose value met the target, and periods with a value. */
  periods_met: number;
  periods_evaluated: number;
}

/** Relative tolerance of "exactly on target" (a rate computed as 0.8000000000000002 meets 0.8). */
const EPS = 1e-9;

/** Whether `value` meets `t` (at least: ≥, at most: ≤, within {@link EPS}). */
export function meets(t: Pick<Target, "direction" | "target">, value: number): boolean {
  const tol = EPS * Math.max(1, Math.abs(t.target));
  return t.direction === "at_least" ? value >= t.target - tol : value <= t.target + tol;
}

/** The status of a value against a target with an optional amber band. */
export function statusOf(t: Pick<Target, "direction" | "target"> & { amber?: number | null }, value: number): "green" | "amber" | "red" {
  if (meets(t, value)) return "green";
  const band = t.amber ?? 0;
  if (band > 0 && meets({ direction: t.direction, target: t.direction === "at_least" ? t.target - band : t.target + band }, value)) return "amber";
  return "red";
}

/** value / target (at least) or target / value (at most), null when undefined (a zero divisor). */
export function attainmentOf(t: Pick<Target, "direction" | "target">, value: number): number | null {
  const [num, den] = t.direction === "at_least" ? [value, t.target] : [t.target, value];
  return den === 0 ? null : num / den;
}

/**
 * Evaluates targets over a window: per target, one row per period of its own `period` (else
 * `options.period`, default `all`), with the KPI computed by the historical indicator functions
 * for the target's scope (queue and center: `queueKpis`, a service-level target at its own
 * `threshold_s`; agent, team, department and center time indicators: `operatorKpis`; case
 * indicators of center, queue (case group), operator and team: `serviceKpis`, cases created in
 * the period, backlog at its end). A KPI the
 * data cannot give (unknown name, a scope not in the data, nothing to divide by) is
 * `not_evaluable` with the reason, never met.
 *
 * @param targets from `readTargets`
 * @param options `from_ms`/`to_ms` (default: the data's first and last instants, services'
 *   included), zone, SL options, period
 * @returns rows by target (file order), then period
 * @throws {RangeError} for invalid indicator options or an empty window
 * Source: OPERATIONS.md §3.
 */
export async function evaluateTargets(store: Store, targets: readonly Target[], options: EvaluateTargetsOptions = {}): Promise<TargetEvaluation[]> {
  const k = resolveKpiOptions(options);
  const zone = k.timeZone;
  if (!options.states_built) await buildAgentStatesInStore(store, options.operator ?? {});
  const [b] = await store.query<{ lo: number | null; hi: number | null }>(`
    SELECT least((SELECT min(epoch_ms(entered_at)) FROM call_stints), (SELECT min(epoch_ms(started_at)) FROM agent_states),
        (SELECT min(epoch_ms(opened_at)) FROM services)) AS lo,
      greatest((SELECT max(epoch_ms(coalesce(ended_at, entered_at))) FROM call_stints), (SELECT max(epoch_ms(ended_at)) FROM agent_states),
        (SELECT max(epoch_ms(greatest(opened_at, updated_at, solved_at, closed_at))) FROM services)) AS hi`);
  const from = options.from_ms ?? (b?.lo === null || b?.lo === undefined ? null : Number(b.lo));
  const to = options.to_ms ?? (b?.hi === null || b?.hi === undefined ? null : Number(b.hi) + 1);
  if (from === null || to === null) return targets.map((t) => noData(t, options.period ?? "all", k.sl_threshold_s, k.sl_variant));
  // Per-interval values are read at once over the window and the interval before it (the first one's baseline).
  const window = { from_ms: from - k.interval_minutes * 60_000, to_ms: to };
  const values = new TargetValues(store, { ...options, timeZone: zone }, { ...(options.operator ?? {}), timeZone: zone }, window);
  const out: TargetEvaluation[] = [];
  // Two rows that are the same target once the defaults apply (no period = the default period;
  // no threshold = the report's) are evaluated once; the later one says so.
  const seen = new Map<string, number>();
  for (const [i, t] of targets.entries()) {
    const kind = targetPeriod(t, options.period ?? "all");
    const sl = t.kpi.startsWith("service_level");
    const key = JSON.stringify([t.kpi, t.scope_type, t.scope, kind, sl ? t.threshold_s ?? k.sl_threshold_s : null]);
    const first = seen.get(key);
    if (first !== undefined) {
      const line = (targets[first] as Target & { line?: number }).line;
      out.push({ ...noData(t, kind, k.sl_threshold_s, k.sl_variant), reason: `the same target as ${line ? `line ${line}` : `target ${first + 1}`} once the defaults apply (period ${kind}${sl ? `, threshold ${t.threshold_s ?? k.sl_threshold_s} s` : ""}): evaluated there` });
      continue;
    }
    seen.set(key, i);
    const periods = periodsWithBaseline(kind, from, to, zone, k.interval_minutes);
    const got: ValueOrReason[] = [];
    for (const p of periods) got.push(await values.valueOf(t, p, kind === "interval"));
    const rows = periods.slice(1).map((p, i) => row(t, kind, p, got[i + 1]!, got[i]!, zone, k.sl_threshold_s, k.sl_variant));
    const evaluated = rows.filter((r) => r.met !== null);
    for (const r of rows) Object.assign(r, { periods_met: evaluated.filter((x) => x.met).length, periods_evaluated: evaluated.length });
    out.push(...rows);
  }
  return out;
}

/** A target's period: its own, else the default. */
function targetPeriod(t: Target, fallback: TargetPeriod): TargetPeriod {
  const own = (t.period ?? "").toLowerCase();
  if (own === "interval" || own === "day" || own === "week" || own === "month" || own === "all") return own;
  return fallback;
}

function row(
  t: Target, kind: TargetPeriod, p: EvalPeriod, v: ValueOrReason, prev: ValueOrReason, zone: string, sl_threshold_s: number, sl_variant: SlVariant,
): TargetEvaluation {
  const sl = t.kpi.startsWith("service_level");
  const base = {
    scope_type: t.scope_type, scope: t.scope, kpi: t.kpi, period: kind, period_start: p.key, period_end: isoInZone(p.end_ms, zone),
    target: t.target, direction: t.direction, threshold_s: sl ? t.threshold_s ?? sl_threshold_s : t.threshold_s,
    sl_variant: sl ? sl_variant : null, amber: t.amber ?? null, weight: t.weight ?? null, previous_value: prev.value,
    periods_met: 0, periods_evaluated: 0,
  };
  if (v.value === null) return { ...base, value: null, gap: null, attainment: null, status: "not_evaluable", met: null, reason: v.reason, trend: null };
  const better = (a: number, b: number) => (t.direction === "at_least" ? a > b : a < b);
  const trend = prev.value === null ? null : better(v.value, prev.value) ? "better" : better(prev.value, v.value) ? "worse" : "same";
  return {
    ...base, value: v.value, gap: v.value - t.target, attainment: attainmentOf(t, v.value), status: statusOf(t, v.value), met: meets(t, v.value),
    reason: null, trend,
  };
}

function noData(t: Target, period: TargetPeriod, sl_threshold_s: number, sl_variant: SlVariant): TargetEvaluation {
  const sl = t.kpi.startsWith("service_level");
  return {
    scope_type: t.scope_type, scope: t.scope, kpi: t.kpi, period: targetPeriod(t, period), period_start: "", period_end: "", value: null, target: t.target,
    direction: t.direction, gap: null, attainment: null, status: "not_evaluable", met: null, threshold_s: sl ? t.threshold_s ?? sl_threshold_s : t.threshold_s,
    sl_variant: sl ? sl_variant : null, amber: t.amber ?? null, weight: t.weight ?? null, reason: "no data loaded", previous_value: null, trend: null,
    periods_met: 0, periods_evaluated: 0,
  };
}
