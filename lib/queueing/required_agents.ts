/**
 * Required agents: the smallest N meeting every staffing target, with a fractional requirement
 * and shrinkage.
 *
 * @module
 */
import { requireFraction, requireNonNegative, requirePositive } from "./_validate.ts";
import { type ErlangAMetrics, type ErlangAServiceLevels, type ErlangAStage, erlangAStage } from "./erlang_a.ts";
import { erlangC, type QueueMetrics } from "./erlang_c.ts";
import { DEFAULT_ERLANG_SL_VARIANT, erlangSlKey, type ErlangSlVariant, erlangSlVariant, slOf } from "./sl_variants.ts";
import { offeredLoad, type Traffic } from "./traffic.ts";

/** Staffing targets; give at least one. */
export interface StaffingTargets {
  /** Minimum service level (fraction in [0, 1)) for threshold `threshold_s`. */
  target_sl?: number;
  /**
   * Service-level variant the target applies to: an id of `ERLANG_SL_VARIANTS` (`"V2"`, the
   * default of every command) or `virtual_wait_within`; a long Erlang A key is accepted too.
   */
  sl_variant?: ErlangSlVariant | keyof ErlangAServiceLevels;
  /** Maximum ASA of answered calls, seconds (> 0). */
  target_asa_s?: number;
  /** Maximum probability of abandonment (fraction in (0, 1]); Erlang A only meaningfully. */
  target_abandon?: number;
  /** Maximum occupancy (fraction in (0, 1]). */
  max_occupancy?: number;
}

/** Inputs of {@link requiredAgents}. */
export interface RequiredAgentsInput extends Traffic, StaffingTargets {
  /** `"c"` (Erlang C, default) or `"a"` (Erlang A, needs `patience_s`). */
  model?: "c" | "a";
  /** Mean patience in seconds (Erlang A). */
  patience_s?: number;
  /** Service-level threshold T in seconds (default 20). */
  threshold_s?: number;
  /** Short-abandon threshold S of V2 in seconds (default 5). */
  short_abandon_s?: number;
  /** Shrinkage s in [0, 1): scheduled = required / (1 − s) (default 0). */
  shrinkage?: number;
}

/** Result of {@link requiredAgents}. */
export interface RequiredAgentsResult {
  /** Smallest whole N meeting every target. */
  required_agents: number;
  /** Interpolated requirement in (N − 1, N]: the largest over binding targets of the linear interpolation of each metric between N − 1 and N. */
  required_agents_fractional: number;
  /** ceil(required / (1 − shrinkage)). */
  scheduled_agents: number;
  /** required_agents_fractional / (1 − shrinkage), unrounded. */
  scheduled_agents_fractional: number;
  /** Targets not met with one agent fewer. */
  binding: string[];
  /** Performance with `required_agents` (its `service_level` is V1; see `service_level`). */
  achieved: QueueMetrics | ErlangAMetrics;
  /** Service level achieved with `required_agents`, in the variant `sl_variant` the target applies to. */
  service_level: number;
  /** The service-level variant of `service_level` (V2 unless asked otherwise). */
  sl_variant: ErlangSlVariant;
  /** Model evaluations the search used. */
  evaluations: number;
}

const EPS = 1e-9;

interface Target {
  name: string;
  goal: number;
  /** The metric, oriented so that larger is better. */
  metric: (m: QueueMetrics | ErlangAMetrics) => number;
}

/**
 * Finds the smallest number of agents meeting every target given (service level, ASA,
 * abandonment, occupancy cap), then applies shrinkage.
 *
 * Every metric is monotone in N, so the search gallops from a square-root-staffing guess
 * (N₀ = A + √A, or the occupancy floor A/ρ_max) and bisects: O(log N) model evaluations.
 * The fractional requirement interpolates linearly between N − 1 and N for the targets that
 * N − 1 misses (an occupancy cap is solved exactly: carried load / cap), so that fractional requirements can be added over intervals or queues and
 * rounded only at the end.
 *
 * @param input traffic, model (`"c"` default, `"a"` with `patience_s`), targets, threshold
 *   (default 20 s), shrinkage (default 0)
 * @returns {@link RequiredAgentsResult}
 * @throws {RangeError} when no target is given, a target is out of range (SL in [0, 1), ASA > 0,
 *   abandonment in (0, 1], occupancy in (0, 1]), shrinkage is not in [0, 1), Erlang A lacks
 *   `patience_s`, or no N up to 100·A + 1,000 meets the targets
 * Source: Erlang C/A as in {@link erlangC} / {@link erlangA}; square-root staffing (Halfin &
 *   Whitt 1981) for the starting point; shrinkage as in ICMI, "Call Center Management on Fast
 *   Forward" (Cleveland 2012).
 * @example
 * ```ts
 * requiredAgents({ calls: 100, period_s: 1800, aht_s: 180, target_sl: 0.8, shrinkage: 0.3 });
 * // { required_agents: 14, scheduled_agents: 20, … }
 * ```
 */
export function requiredAgents(input: RequiredAgentsInput): RequiredAgentsResult {
  const action = "required agents";
  const A = offeredLoad(input, action);
  const model = input.model ?? "c";
  if (model !== "c" && model !== "a") throw new RangeError(`Cannot compute ${action}: model must be 'c' or 'a', got '${model}'`);
  if (model === "a") requirePositive("patience_s", input.patience_s ?? NaN, "seconds", action);
  const shrinkage = input.shrinkage ?? 0;
  requireFraction("shrinkage", shrinkage, "[", ")", action);
  const T = input.threshold_s ?? 20;
  requireNonNegative("threshold_s", T, "seconds", action);
  const targets: Target[] = [];
  const variant = erlangSlVariant(input.sl_variant ?? DEFAULT_ERLANG_SL_VARIANT);
  if (input.target_sl !== undefined) {
    requireFraction("target_sl", input.target_sl, "[", ")", action);
    targets.push({ name: "service_level", goal: input.target_sl, metric: (m) => slOf(m, variant) });
  }
  if (input.target_asa_s !== undefined) {
    requirePositive("target_asa_s", input.target_asa_s, "seconds", action);
    targets.push({ name: "asa", goal: -input.target_asa_s, metric: (m) => -m.asa_s });
  }
  if (input.target_abandon !== undefined) {
    requireFraction("target_abandon", input.target_abandon, "(", "]", action);
    targets.push({ name: "abandon", goal: -input.target_abandon, metric: (m) => -m.p_abandon });
  }
  if (input.max_occupancy !== undefined) {
    requireFraction("max_occupancy", input.max_occupancy, "(", "]", action);
    targets.push({ name: "occupancy", goal: -input.max_occupancy, metric: (m) => -m.occupancy });
  }
  if (targets.length === 0) {
    throw new RangeError(`Cannot compute ${action}: give at least one of target_sl, target_asa_s, target_abandon, max_occupancy`);
  }

  // Erlang A is evaluated in stages: service levels only when every other target is met.
  const stages = new Map<number, ErlangAStage>();
  const metricsC = new Map<number, QueueMetrics>();
  const args = (N: number) => ({ calls: input.calls, period_s: input.period_s, aht_s: input.aht_s, agents: N, threshold_s: T, short_abandon_s: input.short_abandon_s });
  const stageOf = (N: number) => {
    let s = stages.get(N);
    if (!s) stages.set(N, (s = erlangAStage({ ...args(N), patience_s: input.patience_s! })));
    return s;
  };
  const evaluate = (N: number): QueueMetrics | ErlangAMetrics => {
    if (model === "a") return stageOf(N).full();
    let m = metricsC.get(N);
    if (!m) metricsC.set(N, (m = erlangC(args(N))));
    return m;
  };
  // Relative slack only (1e-9 of the goal): a target of 1e-12 must really be met.
  const ok = (t: Target, value: number) => value >= t.goal - EPS * Math.abs(t.goal);
  const meets = (N: number) => {
    if (model === "c") return targets.every((t) => ok(t, t.metric(evaluate(N))));
    let stage: ErlangAStage;
    try {
      stage = stageOf(N);
    } catch (err) {
      // Erlang A cannot be evaluated: an overloaded queue (N < A) with a patience so long that
      // astronomically many callers would wait. That is the regime of the fluid limit (Whitt 2006,
      // "Fluid models for multiserver queues with abandonments"): served callers wait about
      // w = patience · ln(A / N), P(abandon) → 1 − N/A, occupancy → 1. Say "not met" only when that
      // limit misses a target; else the minimum may lie here and it is an error, not a guess
      // (issue 9 item 10).
      if (!(err instanceof RangeError) || N >= A) throw err;
      const w = input.patience_s! * Math.log(A / N);
      const unreachable = (input.target_sl !== undefined && w > T) || (input.target_asa_s !== undefined && w > input.target_asa_s) ||
        (input.target_abandon !== undefined && 1 - N / A > input.target_abandon) ||
        (input.max_occupancy !== undefined && input.max_occupancy < 1);
      if (unreachable) return false;
      throw new RangeError(`Cannot compute ${action}: Erlang A cannot be evaluated with ${N} agents at ${A.toFixed(3)} Erlangs (${err.message}); the minimum may lie there`);
    }
    const partial = stage.metrics as unknown as QueueMetrics;
    for (const t of targets) if (t.name !== "service_level" && !ok(t, t.metric(partial))) return false;
    const sl = targets.find((t) => t.name === "service_level");
    return !sl || ok(sl, stage.serviceLevel(erlangSlKey(variant)));
  };

  const floor = A > 0 ? (model === "c" ? Math.floor(A) + 1 : 1) : 0;
  const ceiling = Math.ceil(100 * A) + 1000;
  let guess = Math.max(floor, Math.ceil(A + Math.sqrt(A)));
  if (input.max_occupancy !== undefined) guess = Math.max(guess, Math.ceil(A / input.max_occupancy - EPS));
  if (guess > ceiling) {
    throw new RangeError(`Cannot compute ${action}: the targets need more than ${ceiling} agents at ${A.toFixed(3)} Erlangs`);
  }
  // Gallop to bracket (lo fails, hi meets), then bisect.
  let lo: number, hi: number;
  if (meets(guess)) {
    hi = guess;
    let step = 1;
    lo = hi - step;
    while (lo >= floor && meets(lo)) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    lo = Math.max(lo, floor - 1);
  } else {
    lo = guess;
    let step = 1;
    hi = lo + step;
    while (!meets(hi)) {
      if (hi > ceiling) {
        throw new RangeError(
          `Cannot compute ${action}: no number of agents up to ${ceiling} meets the targets at ${A.toFixed(3)} Erlangs`,
        );
      }
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  let N = hi;
  // The metrics are monotone in N, but rounding can make a bracket end disagree with its
  // neighbour: make sure N − 1 really misses a target (the true minimum, never N − 1 meeting all).
  for (let k = 0; N > floor && meets(N - 1); k++) {
    if (k > 64) throw new RangeError(`Cannot compute ${action}: the targets are not monotone in the number of agents near ${N} at ${A.toFixed(3)} Erlangs`);
    N--;
  }
  const achieved = evaluate(N);
  let fractional = N === 0 ? 0 : N - 1;
  const binding: string[] = [];
  if (N > 0) {
    let below: QueueMetrics | ErlangAMetrics;
    try {
      below = evaluate(N - 1);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      below = { ...achieved, service_level: 0, asa_s: Infinity, p_abandon: 1, occupancy: 1 } as QueueMetrics;
    }
    for (const t of targets) {
      const prev = t.metric(below);
      if (prev >= t.goal - EPS * Math.abs(t.goal)) continue;
      binding.push(t.name);
      const cur = t.metric(achieved);
      // Occupancy = carried load / N: solve carried / N = cap exactly; others interpolate linearly.
      const f = t.name === "occupancy"
        ? (achieved.occupancy * N) / input.max_occupancy!
        : Number.isFinite(prev) && cur > prev ? N - 1 + (t.goal - prev) / (cur - prev) : N;
      fractional = Math.max(fractional, Math.min(N, f));
    }
  }
  return {
    required_agents: N,
    required_agents_fractional: fractional,
    scheduled_agents: Math.max(0, Math.ceil(N / (1 - shrinkage) - EPS)),
    scheduled_agents_fractional: fractional / (1 - shrinkage),
    binding,
    achieved,
    service_level: slOf(achieved, variant),
    sl_variant: variant,
    evaluations: model === "a" ? stages.size : metricsC.size,
  };
}
