/**
 * The three estimates of a proposal's effect over the data's period (issue 13): Erlang A per
 * queue and interval, the regression of abandons and service level on available agents fitted
 * on the history (delta method), and the simulation of the whole center with common random
 * numbers. Each says what it is worth: `valid` and a `note`.
 *
 * @module
 */
import { serviceLevel } from "../indicators/mod.ts";
import { effectOfChange, fitOls, type OlsModel } from "../models/mod.ts";
import { erlangA } from "../queueing/mod.ts";
import type { VariantComparison } from "../simulation/mod.ts";
import type { AvailabilityByInterval } from "./availability.ts";
import { centerObservations, type IntervalObservation } from "./slots.ts";

/** One method's estimate of a proposal (the `qb improve --json` contract). */
export interface MethodEstimate {
  /** Service level (V2) over the period with the proposal. */
  service_level: number | null;
  /** Abandoned / offered over the period with the proposal. */
  abandon_rate: number | null;
  /** Change in abandoned calls over the period (negative = fewer). */
  delta_abandoned: number | null;
  /** Interval of delta_abandoned (null where the method gives none). */
  ci_low: number | null;
  ci_high: number | null;
  /** Whether the method can judge this proposal (its assumptions hold well enough). */
  valid: boolean;
  note: string;
  /** The simulation only: the baseline's SL and abandon rate, ASA (s) and agents' occupancy with the proposal and in the baseline. */
  service_level_base?: number | null;
  abandon_rate_base?: number | null;
  /** Erlang A only: per queue and local slot the proposal changes, the mean per day of calls, and SL and P(abandon) base → proposal. */
  by_slot?: { queue: string; slot: string; days: number; offered_mean: number; service_level_base: number; service_level: number; abandon_rate_base: number; abandon_rate: number }[];
  asa_s?: number | null;
  asa_s_base?: number | null;
  occupancy?: number | null;
  occupancy_base?: number | null;
}

/** Per-queue inputs of the Erlang A path: mean handling and patience, s. */
export interface QueueParameters {
  aht_s: number;
  patience_s: number;
}

/** Erlang A at a fractional number of agents: linear between the two whole numbers around it (P(abandon), SL V2). */
export function erlangAt(calls: number, period_s: number, p: QueueParameters, agents: number, threshold_s: number) {
  const n = Math.max(0, agents), lo = Math.floor(n), w = n - lo;
  const at = (k: number) => (calls > 0 ? erlangA({ calls, period_s, aht_s: p.aht_s, patience_s: p.patience_s, agents: k, threshold_s }) : null);
  const a = at(lo), b = w > 0 ? at(lo + 1) : a;
  if (!a || !b) return { p_abandon: 0, sl: 1 };
  const sl = (m: typeof a) => m.service_levels.answered_within_over_offered_less_short_abandons;
  return { p_abandon: a.p_abandon * (1 - w) + b.p_abandon * w, sl: sl(a) * (1 - w) + sl(b) * w };
}

/**
 * Erlang A, queue by queue and interval by interval: the observed available agents shared among
 * the queues in proportion to their workload (offered × AHT), the proposal's scheduled change
 * added to the queues it staffs; Δ abandoned = Σ offered × (P_ab(N + Δ) − P_ab(N)).
 *
 * @param obs interval observations of the data
 * @param change the proposal's availability change (null: the method cannot see the proposal)
 * @param params per queue AHT and patience
 * Source: OPERATIONS.md §6 (Erlang A per interval, stationary); Garnett, Mandelbaum & Reiman (2002).
 */
export function erlangAEstimate(obs: readonly IntervalObservation[], change: AvailabilityByInterval | null, params: ReadonlyMap<string, QueueParameters>, options: { interval_minutes?: number; threshold_s?: number; note?: string } = {}): MethodEstimate | null {
  if (change === null) return null;
  const period_s = (options.interval_minutes ?? 30) * 60, T = options.threshold_s ?? 20;
  const byStart = new Map<number, IntervalObservation[]>();
  for (const o of obs) (byStart.get(o.start_ms) ?? byStart.set(o.start_ms, []).get(o.start_ms)!).push(o);
  let offered = 0, base = 0, changed = 0, slWeighted = 0, observedAbandoned = 0;
  const slots = new Map<string, { queue: string; slot: string; days: number; calls: number; slB: number; slC: number; abB: number; abC: number }>();
  for (const [start, list] of byStart) {
    const work = list.map((o) => o.counts.offered * (params.get(o.queue)?.aht_s ?? 0));
    const total = work.reduce((a, b) => a + b, 0);
    const d = change.get(start);
    list.forEach((o, i) => {
      const p = params.get(o.queue);
      const calls = o.counts.offered;
      offered += calls;
      observedAbandoned += o.counts.abandoned;
      if (!p || calls === 0) {
        slWeighted += calls * (serviceLevel(o.counts) ?? 0);
        return;
      }
      const n = total > 0 ? o.available_agents * (work[i]! / total) : 0;
      // The change: agents of this queue's own, plus a workload share of those without one here (none today: changes name queues).
      const dn = d?.get(o.queue) ?? 0;
      const b = erlangAt(calls, period_s, p, n, T), c = dn === 0 ? b : erlangAt(calls, period_s, p, n + dn, T);
      base += calls * b.p_abandon;
      changed += calls * c.p_abandon;
      slWeighted += calls * c.sl;
      if (dn !== 0) {
        const k = `${o.queue}\u0000${o.slot}`;
        const e = slots.get(k) ?? slots.set(k, { queue: o.queue, slot: o.slot, days: 0, calls: 0, slB: 0, slC: 0, abB: 0, abC: 0 }).get(k)!;
        e.days++;
        e.calls += calls;
        e.slB += calls * b.sl;
        e.slC += calls * c.sl;
        e.abB += calls * b.p_abandon;
        e.abC += calls * c.p_abandon;
      }
    });
  }
  const by_slot = [...slots.values()].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.slot < b.slot ? -1 : 1)).map((e) => ({
    queue: e.queue, slot: e.slot, days: e.days, offered_mean: e.calls / e.days, service_level_base: e.slB / e.calls, service_level: e.slC / e.calls,
    abandon_rate_base: e.abB / e.calls, abandon_rate: e.abC / e.calls,
  }));
  const delta = changed - base;
  return {
    service_level: offered > 0 ? slWeighted / offered : null, abandon_rate: offered > 0 ? (observedAbandoned + delta) / offered : null,
    delta_abandoned: delta, ci_low: null, ci_high: null, valid: true, by_slot,
    note: options.note ?? "Erlang A per queue and 30-minute interval, stationary, exponential talk and patience; queues share the available agents in proportion to their workload; redials and the build-up after a peak are not seen; a formula: no sampling interval",
  };
}

/** The center's regressions of abandons and service level on the agents available, per interval. */
export interface StaffingRegressions {
  abandoned: OlsModel;
  service_level: OlsModel;
  n: number;
}

/**
 * Fits, on the center's intervals with calls, `abandoned ~ offered + available_agents` and
 * `service_level ~ offered + available_agents` (OLS with HC3 errors).
 *
 * @returns the two models, or null with fewer than 10 intervals
 * Source: Greene (2018) ch. 4 (OLS), MacKinnon & White (1985) (HC3).
 */
export function fitStaffingRegressions(obs: readonly IntervalObservation[]): StaffingRegressions | null {
  const rows = centerObservations(obs).filter((o) => o.counts.offered > 0).map((o) => ({
    abandoned: o.counts.abandoned, offered: o.counts.offered, available_agents: o.available_agents, service_level: serviceLevel(o.counts),
  }));
  const sl = rows.filter((r) => r.service_level !== null);
  if (rows.length < 10 || sl.length < 10) return null;
  return {
    abandoned: fitOls(rows, "abandoned ~ offered + available_agents", { cov: "HC3" }),
    service_level: fitOls(sl, "service_level ~ offered + available_agents", { cov: "HC3" }),
    n: rows.length,
  };
}

/**
 * The regression path: Δ abandoned = β_available × Σ Δagents over the intervals (linear, so the
 * delta method gives se × |Σ Δ|); service level shifted by β × Σ offered·Δ / Σ offered.
 *
 * @param change the proposal's availability change (null: the method cannot see it)
 * Source: Greene (2018) §D.2.7 (delta method).
 */
export function regressionEstimate(obs: readonly IntervalObservation[], models: StaffingRegressions | null, change: AvailabilityByInterval | null, options: { linear_note?: string } = {}): MethodEstimate | null {
  if (change === null) return null;
  if (models === null) return { service_level: null, abandon_rate: null, delta_abandoned: null, ci_low: null, ci_high: null, valid: false, note: "fewer than 10 intervals with calls: no regression" };
  const center = centerObservations(obs);
  let sumD = 0, weighted = 0, offered = 0, abandoned = 0;
  const counts = { offered: 0, answered: 0, abandoned: 0, short_abandoned: 0, timeouts: 0, answered_within: 0, abandoned_within: 0 };
  for (const o of center) {
    let d = 0;
    for (const v of change.get(o.start_ms)?.values() ?? []) d += v;
    sumD += d;
    weighted += o.counts.offered * d;
    offered += o.counts.offered;
    abandoned += o.counts.abandoned;
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += o.counts[k];
  }
  // Rounding noise of a change that only moves agent-time (a moved break) is no change.
  if (Math.abs(sumD) < 1e-9) sumD = 0;
  const unit = (m: OlsModel) => effectOfChange(m, { offered: 0, available_agents: 0 }, { offered: 0, available_agents: 1 });
  const ab = unit(models.abandoned), sl = unit(models.service_level);
  if (sumD === 0) {
    // A linear model sees only the total agent-time; a change that keeps it (a moved break) has no estimate here, not a zero.
    return {
      service_level: null, abandon_rate: null, delta_abandoned: null, ci_low: null, ci_high: null, valid: false,
      note: `OLS over ${models.n} intervals of the center (${ab.effect.toFixed(3)} abandons per available agent per interval); ${options.linear_note ?? "the proposal does not change the total agent-time, which is all a linear model sees"}: no estimate`,
    };
  }
  const ends = [ab.ci_low * sumD, ab.ci_high * sumD].sort((a, b) => a - b);
  const baseSl = serviceLevel(counts);
  const wrongSign = ab.effect >= 0;
  return {
    service_level: baseSl === null || offered === 0 ? null : Math.min(1, Math.max(0, baseSl + sl.effect * weighted / offered)),
    abandon_rate: offered > 0 ? Math.max(0, (abandoned + ab.effect * sumD) / offered) : null,
    delta_abandoned: ab.effect * sumD + 0, ci_low: ends[0]! + 0, ci_high: ends[1]! + 0, // + 0: no −0 in the output
    valid: !wrongSign && Math.abs(sumD) > 1e-9,
    note: `OLS over ${models.n} intervals of the center: ${ab.effect.toFixed(3)} abandons per available agent per interval (HC3 95 % CI ${ab.ci_low.toFixed(3)} to ${ab.ci_high.toFixed(3)}); an association in this history, not a controlled effect` +
      (wrongSign ? "; its sign says more agents, more abandons (staffing follows load): not usable" : "") +
      (Math.abs(sumD) <= 1e-9 ? `; ${options.linear_note ?? "the proposal does not change the total agent-time, which is all a linear model sees"}` : ""),
  };
}

/** The simulation path from a comparison's variant. */
export function simulationEstimate(v: VariantComparison | null, note: string): MethodEstimate | null {
  if (v === null) return null;
  const d = v.differences.all;
  return {
    service_level: d.service_level.variant, abandon_rate: d.p_abandon.variant, delta_abandoned: d.abandoned.mean,
    ci_low: d.abandoned.ci_low, ci_high: d.abandoned.ci_high, valid: true, note,
    service_level_base: d.service_level.baseline, abandon_rate_base: d.p_abandon.baseline, asa_s: d.asa_s.variant, asa_s_base: d.asa_s.baseline, occupancy: v.differences.occupancy.variant, occupancy_base: v.differences.occupancy.baseline,
  };
}
