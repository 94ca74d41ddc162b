/**
 * Private: which targets the wallboard judges and how (the same `meets` rule as `qb targets`),
 * and the service level at targets' own thresholds.
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { type KpiOptions, queueKpis, resolveKpiOptions } from "../indicators/mod.ts";
import { meets } from "../targets/mod.ts";
import type { Store } from "../store/mod.ts";

/** The KPIs the wallboard judges against a queue or center target, and the alert each raises. */
export const LIVE_KPIS: Readonly<Record<string, string>> = { service_level: "service_level", asa_s: "asa", abandon_rate: "abandon_rate", aht_s: "aht" };

/** Whether the wallboard judges a target: a KPI it shows, for a queue or the center, over a day (or with no period). */
export function liveTarget(t: Target): boolean {
  return t.kpi in LIVE_KPIS && (t.scope_type === "queue" || t.scope_type === "center") && (t.period === null || t.period === "day" || t.period === "all");
}

/** The targets of `targets` the wallboard does not judge, each with why. */
export function notLive(targets: readonly Target[]): { kpi: string; scope_type: string; scope: string; reason: string }[] {
  return targets.filter((t) => !liveTarget(t)).map((t) => ({
    kpi: t.kpi, scope_type: t.scope_type, scope: t.scope,
    reason: !(t.kpi in LIVE_KPIS) ? `${t.kpi} is not on the wallboard (it judges ${Object.keys(LIVE_KPIS).join(", ")})`
      : t.scope_type !== "queue" && t.scope_type !== "center" ? `judged per queue and center only (this one is per ${t.scope_type})`
      : `its period is ${t.period}: the wallboard judges today's numbers`,
  }));
}

/** Whether a value misses its target (the rule of `qb targets`: `meets`, with its tolerance). */
export function missed(t: Target, value: number): boolean {
  return !meets(t, value);
}

/** Service level today per queue (and for the center) at each target's own threshold, keyed `queue\0threshold`. */
export async function slAtTargetThresholds(store: Store, targets: readonly Target[], k: KpiOptions, from_ms: number): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  const thresholds = new Set(targets.filter((t) => t.kpi === "service_level" && t.threshold_s !== null && t.threshold_s !== resolveKpiOptions(k).sl_threshold_s).map((t) => t.threshold_s!));
  for (const T of thresholds) {
    for (const r of await queueKpis(store, ["queue"], { ...k, sl_threshold_s: T, from_ms })) out.set(`${r.queue}\u0000${T}`, r.service_level);
    const [all] = await queueKpis(store, [], { ...k, sl_threshold_s: T, from_ms });
    out.set(`\u0000${T}`, all?.service_level ?? null);
  }
  return out;
}

