/**
 * Interval staffing plans: required and scheduled agents per (queue, interval) row.
 *
 * @module
 */
import { requiredAgents, type StaffingTargets } from "./required_agents.ts";
import { DEFAULT_ERLANG_SL_VARIANT, type ErlangSlVariant, erlangSlVariant } from "./sl_variants.ts";

/** One row of demand: a queue's calls and handling time in one interval. */
export interface DemandRow {
  queue: string;
  /** Interval start as given (ISO 8601 recommended). */
  interval_start: string;
  /** Calls offered (historical or forecast) in the interval. */
  calls: number;
  /** Average handling time, seconds. */
  aht_s: number;
  /** Mean patience in seconds (Erlang A); falls back to the plan's `patience_s`. */
  patience_s?: number | null;
  /** Interval length in seconds; falls back to the plan's `interval_minutes`. */
  period_s?: number | null;
}

/** Options of {@link staffingPlan}: targets (see `requiredAgents`) plus model and defaults. */
export interface StaffingPlanOptions extends StaffingTargets {
  /** `"c"` (default) or `"a"`. */
  model?: "c" | "a";
  /** Service-level threshold T in seconds (default 20). */
  threshold_s?: number;
  /** Short-abandon threshold S of V2 in seconds (default 5). */
  short_abandon_s?: number;
  /** Shrinkage in [0, 1) (default 0). */
  shrinkage?: number;
  /** Interval length for rows without `period_s` (default 30 minutes). */
  interval_minutes?: number;
  /** Patience for rows without one (Erlang A). */
  patience_s?: number;
}

/** A planned row: the demand plus requirement and achieved performance. */
export interface StaffingPlanRow extends DemandRow {
  period_s: number;
  patience_s: number | null;
  offered_load_erlangs: number;
  required_agents: number;
  required_agents_fractional: number;
  scheduled_agents: number;
  scheduled_agents_fractional: number;
  /** Service level achieved, in the variant `sl_variant` (the target's; V2 by default). */
  service_level: number;
  /** The service-level variant of `service_level`. */
  sl_variant: ErlangSlVariant;
  asa_s: number;
  p_abandon: number;
  occupancy: number;
  /** Targets that one agent fewer would miss, joined by "+". */
  binding: string;
}

/**
 * Staffs every (queue, interval) row: the smallest agents meeting every target, the fractional
 * requirement, scheduled agents after shrinkage, and the SL / ASA / abandonment / occupancy
 * achieved. Rows with no calls need 0 agents (their inputs are still validated).
 *
 * @param rows demand rows (calls, AHT and optional patience per interval)
 * @param options model, targets, threshold (20 s), shrinkage (0), interval (30 min), patience
 * @returns one {@link StaffingPlanRow} per input row, in input order
 * @throws {RangeError} as `requiredAgents` does, prefixed with the row's queue and interval
 * Source: interval staffing with Erlang C / A as in Koole (2013) ch. 5 and Gans, Koole &
 *   Mandelbaum (2003), "Telephone call centers: tutorial, review, and research prospects".
 * @example
 * ```ts
 * staffingPlan([{ queue: "q", interval_start: "2024-01-01T09:00", calls: 100, aht_s: 180 }], { target_sl: 0.8 })[0].required_agents;
 * // 14 (30-minute interval: 10 Erlangs)
 * ```
 */
export function staffingPlan(rows: readonly DemandRow[], options: StaffingPlanOptions): StaffingPlanRow[] {
  const defaultPeriod = (options.interval_minutes ?? 30) * 60;
  const sl_variant = erlangSlVariant(options.sl_variant ?? DEFAULT_ERLANG_SL_VARIANT);
  return rows.map((row) => {
    const period_s = row.period_s ?? defaultPeriod;
    const patience_s = row.patience_s ?? options.patience_s ?? null;
    try {
      const r = requiredAgents({
        calls: row.calls, period_s, aht_s: row.aht_s, model: options.model, patience_s: patience_s ?? undefined,
        threshold_s: options.threshold_s, short_abandon_s: options.short_abandon_s, shrinkage: options.shrinkage, target_sl: options.target_sl,
        sl_variant, target_asa_s: options.target_asa_s, target_abandon: options.target_abandon,
        max_occupancy: options.max_occupancy,
      });
      return {
        ...row, period_s, patience_s,
        offered_load_erlangs: r.achieved.offered_load_erlangs,
        required_agents: r.required_agents,
        required_agents_fractional: r.required_agents_fractional,
        scheduled_agents: r.scheduled_agents,
        scheduled_agents_fractional: r.scheduled_agents_fractional,
        service_level: r.service_level,
        sl_variant,
        asa_s: r.achieved.asa_s,
        p_abandon: r.achieved.p_abandon,
        occupancy: r.achieved.occupancy,
        binding: r.binding.join("+"),
      };
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(`Row ${row.queue} ${row.interval_start}: ${err.message}`);
      throw err;
    }
  });
}

/** Totals of a plan per group, rounded only at the end. */
export interface StaffingTotal {
  key: string;
  intervals: number;
  calls: number;
  /** Σ required_agents_fractional × interval hours. */
  required_agent_hours: number;
  /** Σ scheduled_agents_fractional × interval hours. */
  scheduled_agent_hours: number;
  /**
   * The scheduled agent-hours rounded once, at the end: Σ fractional agents × interval, rounded
   * up to whole agent-intervals (of the group's shortest interval) — never more than
   * {@link StaffingTotal.scheduled_agent_hours_per_interval_rounding}.
   */
  scheduled_agent_hours_rounded: number;
  /** Σ scheduled_agents (whole agents per interval) × hours, for comparison. */
  scheduled_agent_hours_per_interval_rounding: number;
}

/**
 * Adds a plan up per group (e.g. per queue, or per day with `key: (r) => r.interval_start.slice(0, 10)`),
 * summing fractional requirements and rounding once at the end, to whole agent-intervals (an
 * agent for one interval is the unit a schedule can add).
 *
 * @param plan rows from {@link staffingPlan}
 * @param key grouping function (default: the queue)
 * @returns one total per key, sorted by key
 */
export function sumStaffing(plan: readonly StaffingPlanRow[], key: (r: StaffingPlanRow) => string = (r) => r.queue): StaffingTotal[] {
  const totals = new Map<string, StaffingTotal>();
  const unit = new Map<string, number>(); // the group's shortest interval, hours
  for (const r of plan) {
    const k = key(r);
    const t = totals.get(k) ?? {
      key: k, intervals: 0, calls: 0, required_agent_hours: 0, scheduled_agent_hours: 0,
      scheduled_agent_hours_rounded: 0, scheduled_agent_hours_per_interval_rounding: 0,
    };
    const hours = r.period_s / 3600;
    unit.set(k, Math.min(unit.get(k) ?? Infinity, hours));
    t.intervals++;
    t.calls += r.calls;
    t.required_agent_hours += r.required_agents_fractional * hours;
    t.scheduled_agent_hours += r.scheduled_agents_fractional * hours;
    t.scheduled_agent_hours_per_interval_rounding += r.scheduled_agents * hours;
    totals.set(k, t);
  }
  return [...totals.values()]
    .map((t) => {
      const u = unit.get(t.key)!;
      return { ...t, scheduled_agent_hours_rounded: Math.ceil(t.scheduled_agent_hours / u - 1e-9) * u };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
