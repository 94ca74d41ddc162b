/**
 * Replications and confidence intervals.
 *
 * @module
 */
import { serviceLevel, SL_DEFAULTS, type SlVariant } from "../indicators/service_level.ts";
import { critical } from "../models/_distributions.ts";
import { parseScenario, type Scenario, type ScenarioInput } from "./config.ts";
import { type QueueTally, type Replication, simulateReplication } from "./engine.ts";
import { createRng } from "./rng.ts";

/** A KPI estimate across replications: mean and confidence interval (t with R − 1 df; 95 % by default). */
export interface Estimate {
  /** Null when no replication defines the KPI (e.g. a rate of a queue that offered no call). */
  mean: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Standard error of the mean across replications (null with fewer than 2 defined values). */
  se: number | null;
  /** Replications in which the KPI is defined. */
  n: number;
}

/** KPIs of one queue, each with its interval. Rates are fractions of offered calls. */
export interface SimulatedQueueKpis {
  queue: string;
  offered: Estimate;
  answered: Estimate;
  abandoned: Estimate;
  timeouts: Estimate;
  /** Calls still waiting or talking at the horizon (not offered yet). */
  open: Estimate;
  /** Offered calls that were redials after an abandon. */
  redials: Estimate;
  /** Callers who took a callback (not in offered), callbacks made by the horizon, and their mean delay (s). */
  callbacks: Estimate;
  callbacks_served: Estimate;
  callback_delay_s: Estimate;
  /** Service level V2 (the default of every command): answered within T / (offered − abandoned within S). */
  service_level: Estimate;
  /** Service level V1: answered within T / offered. */
  service_level_v1: Estimate;
  /** Calls that queued (no agent free on arrival; ring time aside) / offered: Erlang's P(wait). */
  p_wait: Estimate;
  /** Abandoned / offered. */
  p_abandon: Estimate;
  asa_s: Estimate;
  /** Mean wait of all offered calls, seconds. */
  avg_wait_s: Estimate;
  aht_s: Estimate;
}

/** Result of {@link simulate}. */
export interface SimulationResult {
  replications: number;
  seed: number;
  threshold_s: number;
  /** Short-abandon threshold S of V2, seconds. */
  short_abandon_s: number;
  /** The variant of every queue's `service_level` (`"V2"`). */
  sl_variant: SlVariant;
  queues: SimulatedQueueKpis[];
  /** Talking + wrap / (talking + wrap + idle + ringing), across all agents. */
  occupancy: Estimate;
  /** On-call pool: activations, agent-hours logged in and cost per replication (zero without a policy). */
  on_call: { activations: Estimate; agent_hours: Estimate; cost: Estimate };
  /** Per-replication tallies, for further analysis. */
  tallies: QueueTally[][];
}

/**
 * Mean and t-interval of values (one per replication; NaN = undefined in that replication),
 * the interval clipped to `bounds` (e.g. [0, 1] for fractions, [0, ∞) for counts and times).
 */
export function estimate(values: readonly number[], alpha = 0.05, bounds: [number, number] = [-Infinity, Infinity]): Estimate {
  const v = values.filter((x) => Number.isFinite(x));
  const r = v.length;
  if (r === 0) return { mean: null, ci_low: null, ci_high: null, se: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / r;
  if (r === 1) return { mean, ci_low: null, ci_high: null, se: null, n: 1 };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (r - 1));
  const se = sd / Math.sqrt(r);
  const h = critical(alpha, r - 1) * se;
  return { mean, ci_low: Math.max(bounds[0], mean - h), ci_high: Math.min(bounds[1], mean + h), se, n: r };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
/** A replication's service level in `variant`, by the data KPIs' own function (NaN when empty). */
const slOfTally = (x: QueueTally, variant: SlVariant) =>
  serviceLevel({
    offered: x.offered, answered: x.answered, abandoned: x.abandoned, short_abandoned: x.short_abandoned, timeouts: x.timeouts,
    answered_within: x.answered_within, abandoned_within: x.abandoned_within,
  }, variant) ?? NaN;
const FRACTION: [number, number] = [0, 1];
const NONNEGATIVE: [number, number] = [0, Infinity];

/**
 * Simulates a scenario: `replications` independent runs from one seed (each replication uses its
 * own forked stream, so results are reproducible on every machine), and returns every KPI with a
 * 95 % confidence interval across replications.
 *
 * @param input a scenario (validated by `parseScenario`; unknown keys are errors)
 * @param options `keep`: also return replication 1's queue_log and calls; `confidence`: level of
 *   the intervals (default 0.95)
 * @returns {@link SimulationResult} (and `first` when `keep`)
 * @throws {TypeError} for an invalid scenario (every problem listed with its path)
 * Source: Law (2015) §9.4 (independent replications, t confidence intervals).
 * @example
 * ```ts
 * simulate({ horizon_s: 36000, queues: [{ name: "q", arrivals: { rate_per_hour: 200 }, aht_s: 180 }],
 *   agents: Array.from({ length: 12 }, (_, i) => ({ id: `${i}`, skills: { q: 1 } })) }).queues[0].service_level.mean;
 * ```
 */
export function simulate(input: ScenarioInput | Scenario, options: { keep?: boolean; confidence?: number } = {}): SimulationResult & { first?: Replication } {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`Cannot simulate: confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  const s = parseScenario(input);
  const reps = runReplications(s, options.keep ?? false);
  return { ...summarize(s, reps, alpha), ...(options.keep ? { first: reps[0] } : {}) };
}

/**
 * The replications of a validated scenario: replication r runs on the r-th fork of the scenario's
 * seed, so two scenarios with the same seed share their random numbers replication by replication
 * (common random numbers; the engine keeps separate streams for arrivals, patience and talk times).
 */
export function runReplications(s: Scenario, keepFirst = false): Replication[] {
  const root = createRng(s.seed);
  const reps: Replication[] = [];
  for (let r = 0; r < s.replications; r++) reps.push(simulateReplication(s, root.fork(), { queue_log: keepFirst && r === 0, calls: keepFirst && r === 0 }));
  return reps;
}

/** A replication's KPIs: per queue (by index) and for the whole center (`all`); NaN where undefined. */
export interface ReplicationKpis {
  queues: Record<KpiName, number>[];
  all: Record<KpiName, number>;
  occupancy: number;
  on_call_cost: number;
}

/** The KPIs compared between scenarios. */
export const KPI_NAMES = ["offered", "answered", "abandoned", "timeouts", "callbacks", "service_level", "p_abandon", "p_wait", "asa_s", "avg_wait_s"] as const;
export type KpiName = typeof KPI_NAMES[number];

function kpisOfTally(x: QueueTally): Record<KpiName, number> {
  return {
    offered: x.offered, answered: x.answered, abandoned: x.abandoned, timeouts: x.timeouts, callbacks: x.callbacks,
    service_level: slOfTally(x, SL_DEFAULTS.variant), p_abandon: ratio(x.abandoned, x.offered), p_wait: ratio(x.waited, x.offered),
    asa_s: ratio(x.wait_answered_s, x.answered), avg_wait_s: ratio(x.wait_all_s, x.offered),
  };
}

/** The KPIs of one replication, per queue and summed over the center (its tallies added up). */
export function replicationKpis(rep: Replication): ReplicationKpis {
  const sum = { ...rep.queues[0]!, queue: "all" };
  for (const t of rep.queues.slice(1)) {
    for (const k of Object.keys(sum) as (keyof QueueTally)[]) if (k !== "queue") (sum[k] as number) += t[k] as number;
  }
  const a = rep.agent_time_s;
  return {
    queues: rep.queues.map(kpisOfTally), all: kpisOfTally(sum),
    occupancy: ratio(a.talking + a.wrap, a.talking + a.wrap + a.idle + a.ringing), on_call_cost: rep.on_call.cost,
  };
}

/** Every KPI of a scenario's replications with its interval (the body of {@link simulate}). */
export function summarize(s: Scenario, reps: Replication[], alpha = 0.05): SimulationResult {
  const queues = s.queues.map((q, i) => {
    const t = reps.map((rep) => rep.queues[i]!);
    const e = (f: (x: QueueTally) => number, bounds = NONNEGATIVE) => estimate(t.map(f), alpha, bounds);
    return {
      queue: q.name,
      offered: e((x) => x.offered),
      answered: e((x) => x.answered),
      abandoned: e((x) => x.abandoned),
      timeouts: e((x) => x.timeouts),
      open: e((x) => x.open),
      redials: e((x) => x.redials),
      callbacks: e((x) => x.callbacks),
      callbacks_served: e((x) => x.callbacks_served),
      callback_delay_s: e((x) => ratio(x.callback_delay_s, x.callbacks_served)),
      service_level: e((x) => slOfTally(x, SL_DEFAULTS.variant), FRACTION),
      service_level_v1: e((x) => slOfTally(x, "V1"), FRACTION),
      p_wait: e((x) => ratio(x.waited, x.offered), FRACTION),
      p_abandon: e((x) => ratio(x.abandoned, x.offered), FRACTION),
      asa_s: e((x) => ratio(x.wait_answered_s, x.answered)),
      avg_wait_s: e((x) => ratio(x.wait_all_s, x.offered)),
      aht_s: e((x) => ratio(x.talk_s, x.answered - x.answered_talk_open)),
    };
  });
  const occupancy = estimate(reps.map((r) => {
    const a = r.agent_time_s;
    return ratio(a.talking + a.wrap, a.talking + a.wrap + a.idle + a.ringing);
  }), alpha, FRACTION);
  const on_call = {
    activations: estimate(reps.map((r) => r.on_call.activations), alpha, NONNEGATIVE),
    agent_hours: estimate(reps.map((r) => r.on_call.active_s / 3600), alpha, NONNEGATIVE),
    cost: estimate(reps.map((r) => r.on_call.cost), alpha, NONNEGATIVE),
  };
  return {
    replications: s.replications, seed: s.seed, threshold_s: s.threshold_s, short_abandon_s: s.short_abandon_s, sl_variant: SL_DEFAULTS.variant, queues, occupancy, on_call,
    tallies: reps.map((r) => r.queues),
  };
}
