/**
 * The Erlang A path of the improvement evaluator: the effect of a staffing change on one queue in
 * one interval, stationary (OPERATIONS.md §6) — added agents, an on-call pool with an activation
 * delay, a break moved from a peak to a trough, callbacks offered, pooling two queues — and the
 * cost of the marginal agents against the abandons they avoid.
 *
 * Valid for one queue with a stationary load in the interval (exponential handling and patience):
 * skills, transients (a synchronized break, a surge's build-up) and redials need the simulator.
 *
 * @module
 */
import { DEFAULT_ERLANG_SL_VARIANT, erlangA, type ErlangSlVariant, requiredAgents, slOf } from "../queueing/mod.ts";

/** One queue's load in one interval (Erlang A inputs). */
export interface IntervalLoad {
  /** Calls offered in the interval (a mean, need not be whole). */
  calls: number;
  /** Interval length, s (e.g. 1800). */
  period_s: number;
  /** Mean handling time, s. */
  aht_s: number;
  /** Mean patience, s (exponential). */
  patience_s: number;
  /** Service-level threshold T, s (default 20). */
  threshold_s?: number;
  /** Service-level variant (default the product's, V2; OPERATIONS.md §6 quotes V1). */
  sl_variant?: ErlangSlVariant;
}

/** Performance of one staffing in one interval. */
export interface IntervalOutcome {
  agents: number;
  /** Service level in the variant of the load. */
  service_level: number;
  /** P(abandon). */
  abandon_rate: number;
  /** Expected abandoned calls in the interval (calls × P(abandon)). */
  abandoned: number;
}

/** A change against a baseline: both outcomes and the change in abandoned calls (negative: fewer). */
export interface StaffingEffect {
  before: IntervalOutcome;
  after: IntervalOutcome;
  delta_abandoned: number;
}

/** The outcome of `agents` on `load` (Erlang A). @throws {RangeError} as `erlangA` for bad inputs */
export function intervalOutcome(load: IntervalLoad, agents: number): IntervalOutcome {
  const m = erlangA({ calls: load.calls, period_s: load.period_s, aht_s: load.aht_s, agents, patience_s: load.patience_s, threshold_s: load.threshold_s ?? 20 });
  const sl = slOf(m, load.sl_variant ?? DEFAULT_ERLANG_SL_VARIANT);
  return { agents, service_level: sl, abandon_rate: m.p_abandon, abandoned: load.calls * m.p_abandon };
}

function effect(before: IntervalOutcome, after: IntervalOutcome): StaffingEffect {
  return { before, after, delta_abandoned: after.abandoned - before.abandoned };
}

/**
 * Agents added (or removed) for the whole interval.
 *
 * Source: OPERATIONS.md §6 (N 12 → 14 at 120 calls / 30 min: SL 53.08 → 76.56 %, P(Ab) 10.00 → 4.25 %).
 */
export function addAgentsEffect(load: IntervalLoad, agents: number, added: number): StaffingEffect {
  return effect(intervalOutcome(load, agents), intervalOutcome(load, agents + added));
}

/**
 * An on-call pool of `pool` agents called in at the interval's start and working after
 * `activation_delay_s`: the interval is the time-weighted mix of the stationary outcomes with and
 * without them (an approximation: the queue built up during the delay drains over minutes).
 *
 * Source: OPERATIONS.md §6 (2 on call after 15 of 30 minutes ≈ 64.8 % / 7.1 %).
 * @throws {RangeError} when the delay is negative or longer than the interval
 */
export function onCallEffect(load: IntervalLoad, agents: number, pool: number, activation_delay_s: number): StaffingEffect {
  if (!(activation_delay_s >= 0 && activation_delay_s <= load.period_s)) {
    throw new RangeError(`Cannot evaluate an on-call pool: the activation delay must be 0–${load.period_s} s, got ${activation_delay_s}`);
  }
  const without = intervalOutcome(load, agents), full = intervalOutcome(load, agents + pool);
  const w = activation_delay_s / load.period_s;
  const mix = (a: number, b: number) => w * a + (1 - w) * b;
  const after = { agents: agents + pool * (1 - w), service_level: mix(without.service_level, full.service_level), abandon_rate: mix(without.abandon_rate, full.abandon_rate), abandoned: mix(without.abandoned, full.abandoned) };
  return effect(without, after);
}

/**
 * `moved` agents' break moved from a peak interval (where `rostered` agents minus the break
 * work) to a trough interval: the peak gains them, the trough loses them, at no cost.
 *
 * Source: OPERATIONS.md §6 (peak 100 calls 12 → 14, trough 60 calls 12 → 10: −2.41 abandoned calls).
 */
export function moveBreakEffect(
  peak: IntervalLoad & { working: number }, trough: IntervalLoad & { working: number }, moved: number,
): { peak: StaffingEffect; trough: StaffingEffect; delta_abandoned: number } {
  const p = addAgentsEffect(peak, peak.working, moved), t = addAgentsEffect(trough, trough.working, -moved);
  return { peak: p, trough: t, delta_abandoned: p.delta_abandoned + t.delta_abandoned };
}

/**
 * Callbacks offered to a share of callers, `acceptance` of whom take one: those calls leave the
 * live queue (served later, in a trough: not counted here).
 *
 * @param acceptance default 0.37 (Hathaway, Emadi & Deshpande, bank data; OPERATIONS.md §6)
 * @returns the effect on the live calls, and the callbacks deferred
 * Source: OPERATIONS.md §6 (N = 11, 100 calls: 65.69 % / 6.99 % → offered to 50 %: 85.99 % / 2.56 %).
 */
export function callbackEffect(load: IntervalLoad, agents: number, offered_share: number, acceptance = 0.37): StaffingEffect & { deferred_callbacks: number } {
  if (!(offered_share >= 0 && offered_share <= 1 && acceptance >= 0 && acceptance <= 1)) {
    throw new RangeError(`Cannot evaluate callbacks: the offered share and the acceptance must be in [0, 1], got ${offered_share} and ${acceptance}`);
  }
  const deferred = load.calls * offered_share * acceptance;
  return { ...effect(intervalOutcome(load, agents), intervalOutcome({ ...load, calls: load.calls - deferred }, agents)), deferred_callbacks: deferred };
}

/**
 * The cost of the marginal agents of an effect and what it buys: added agent-hours × hourly
 * cost, the abandons avoided (less those that would have redialled and been answered), and the
 * break-even value of one avoided abandon (cost / avoided; null when none is avoided).
 *
 * @param redial_share share of avoided abandons that would have redialled anyway (default 0)
 * Source: OPERATIONS.md §6 (N 12 → 14 for 30 min at 100 calls: 2.87 avoided, €30/h → €10.45 each; €20.90 if half redial).
 */
export function marginalCost(e: StaffingEffect, period_s: number, hourly_cost: number, redial_share = 0): { agent_hours: number; cost: number; avoided_abandons: number; break_even_per_avoided_abandon: number | null } {
  const agent_hours = ((e.after.agents - e.before.agents) * period_s) / 3600;
  const avoided = -e.delta_abandoned * (1 - redial_share);
  const cost = agent_hours * hourly_cost;
  return { agent_hours, cost, avoided_abandons: avoided, break_even_per_avoided_abandon: avoided > 0 ? cost / avoided : null };
}

/**
 * Agents two or more queues need apart against pooled into one (every agent taking every queue),
 * for a service-level target: Erlang C, as the classic pooling figures (no abandonment, which
 * only lowers both).
 *
 * Source: OPERATIONS.md §6 (two queues of 100 calls / 30 min at 80 % in 20 s: 14 + 14 = 28 apart, 24 pooled).
 */
export function poolingEffect(loads: readonly IntervalLoad[], target_sl: number): { apart: number[]; apart_total: number; pooled: number } {
  const need = (l: IntervalLoad) => requiredAgents({ calls: l.calls, period_s: l.period_s, aht_s: l.aht_s, model: "c", target_sl, threshold_s: l.threshold_s ?? 20, sl_variant: l.sl_variant ?? DEFAULT_ERLANG_SL_VARIANT }).required_agents;
  const apart = loads.map(need);
  const calls = loads.reduce((s, l) => s + l.calls, 0);
  // Pooled: the calls add up; the handling time is their call-weighted mean.
  const aht_s = loads.reduce((s, l) => s + l.calls * l.aht_s, 0) / calls;
  return { apart, apart_total: apart.reduce((a, b) => a + b, 0), pooled: need({ ...loads[0]!, calls, aht_s }) };
}
