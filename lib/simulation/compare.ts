/**
 * Baseline against proposals by simulation with common random numbers: each variant is the base
 * scenario with changes applied, run with the same seed, so replication r of every variant sees
 * the same callers (arrival times, patience and talk times per call); the difference of a KPI is
 * estimated from the per-replication differences (paired), which is far more precise than the
 * difference of two independent means (shown beside it).
 *
 * @module
 */
import { critical } from "../models/_distributions.ts";
import { applyChanges, type Change } from "./changes.ts";
import { parseScenario, type Scenario, type ScenarioInput } from "./config.ts";
import { KPI_NAMES, type KpiName, replicationKpis, type ReplicationKpis, runReplications, type SimulationResult, summarize } from "./run.ts";

/** A difference (variant − baseline) of one KPI across replications. */
export interface PairedDifference {
  baseline: number | null;
  variant: number | null;
  /** Mean of the per-replication differences (null when no replication defines both). */
  mean: number | null;
  /** Paired t-interval (common random numbers). */
  ci_low: number | null;
  ci_high: number | null;
  se: number | null;
  /** Replications defining both. */
  n: number;
  /** Welch interval of the difference of the two means, as if the runs were independent. */
  unpaired_ci_low: number | null;
  unpaired_ci_high: number | null;
}

/** Differences of every compared KPI, for one queue or the whole center. */
export type Differences = Record<KpiName, PairedDifference>;

/** One variant against the baseline. */
export interface VariantComparison {
  name: string;
  changes: Change[];
  /** What each change did (agents added, breaks moved …). */
  notes: string[];
  /** Per replication: labour cost and agent-hours of added agents (hourly_cost × shift hours). */
  added_labour_cost: number;
  added_agent_hours: number;
  result: SimulationResult;
  differences: {
    all: Differences;
    queues: ({ queue: string } & Differences)[];
    occupancy: PairedDifference;
    on_call_cost: PairedDifference;
  };
}

/** Result of {@link compareScenarios}. */
export interface Comparison {
  replications: number;
  seed: number;
  confidence: number;
  baseline: SimulationResult;
  variants: VariantComparison[];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[], m: number) => v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);

/**
 * The paired difference of two series (replication by replication) and the Welch interval of
 * the difference of their means. Non-finite values are left out (pairwise for the paired one).
 *
 * @param base values of the baseline, one per replication
 * @param variant values of the variant, same length and order
 * @param alpha 1 − confidence (default 0.05)
 * Source: Law (2015) §10.2.1 (paired-t confidence interval; common random numbers §11.2) and
 *   Welch (1947) for the unpaired interval.
 */
export function pairedDifference(base: readonly number[], variant: readonly number[], alpha = 0.05): PairedDifference {
  const b = base.filter(Number.isFinite), v = variant.filter(Number.isFinite);
  const d: number[] = [];
  for (let i = 0; i < Math.min(base.length, variant.length); i++) if (Number.isFinite(base[i]!) && Number.isFinite(variant[i]!)) d.push(variant[i]! - base[i]!);
  const out: PairedDifference = {
    baseline: b.length ? mean(b) : null, variant: v.length ? mean(v) : null, mean: d.length ? mean(d) : null,
    ci_low: null, ci_high: null, se: null, n: d.length, unpaired_ci_low: null, unpaired_ci_high: null,
  };
  if (d.length >= 2) {
    const se = Math.sqrt(variance(d, out.mean!) / d.length);
    const h = critical(alpha, d.length - 1) * se;
    Object.assign(out, { se, ci_low: out.mean! - h, ci_high: out.mean! + h });
  }
  if (b.length >= 2 && v.length >= 2) {
    const sb = variance(b, out.baseline!) / b.length, sv = variance(v, out.variant!) / v.length;
    const se = Math.sqrt(sb + sv);
    const df = se === 0 ? Infinity : (sb + sv) ** 2 / (sb ** 2 / (b.length - 1) + sv ** 2 / (v.length - 1));
    const h = critical(alpha, df) * se;
    const diff = out.variant! - out.baseline!;
    Object.assign(out, { unpaired_ci_low: diff - h, unpaired_ci_high: diff + h });
  }
  return out;
}

function differences(base: ReplicationKpis[], variant: ReplicationKpis[], pick: (k: ReplicationKpis) => Record<KpiName, number>, alpha: number): Differences {
  return Object.fromEntries(KPI_NAMES.map((k) => [k, pairedDifference(base.map((r) => pick(r)[k]), variant.map((r) => pick(r)[k]), alpha)])) as Differences;
}

/**
 * Simulates a baseline and each variant (the baseline with changes) with common random numbers,
 * and returns every KPI's paired difference with its interval.
 *
 * @param input the base scenario (its seed and replications are used for every variant)
 * @param variants names and changes ({@link parseChanges})
 * @param options `confidence` of the intervals (default 0.95); `on_progress(done, total)` after
 *   the baseline and after each variant (total = variants + 1)
 * @throws {TypeError} for an invalid scenario or a change that makes it invalid
 * Source: Law (2015) §11.2 (common random numbers) and §10.2.1 (paired-t).
 * @example
 * ```ts
 * compareScenarios(base, [{ name: "+2 agents", changes: [{ kind: "add_agents", count: 2, skills: { q: 1 } }] }])
 *   .variants[0].differences.all.p_abandon; // mean, ci_low, ci_high (paired) and the unpaired interval
 * ```
 */
export function compareScenarios(
  input: ScenarioInput | Scenario,
  variants: readonly { name: string; changes: readonly Change[] }[],
  options: { confidence?: number; on_progress?: (done: number, total: number) => void } = {},
): Comparison {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`Cannot compare: confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  const s = parseScenario(input);
  const baseReps = runReplications(s);
  const baseK = baseReps.map(replicationKpis);
  options.on_progress?.(1, variants.length + 1);
  return {
    replications: s.replications, seed: s.seed, confidence, baseline: summarize(s, baseReps, alpha),
    variants: variants.map((v) => {
      const changed = applyChanges(s, v.changes);
      for (const q of s.queues) {
        if (!changed.scenario.queues.some((x) => x.name === q.name)) throw new TypeError(`Invalid change: queue '${q.name}' is gone`);
      }
      const reps = runReplications(changed.scenario);
      const k = reps.map(replicationKpis);
      options.on_progress?.(variants.indexOf(v) + 2, variants.length + 1);
      return {
        name: v.name, changes: [...v.changes], notes: changed.notes, added_labour_cost: changed.added_labour_cost, added_agent_hours: changed.added_agent_hours,
        result: summarize(changed.scenario, reps, alpha),
        differences: {
          all: differences(baseK, k, (r) => r.all, alpha),
          queues: s.queues.map((q, i) => ({ queue: q.name, ...differences(baseK, k, (r) => r.queues[i]!, alpha) })),
          occupancy: pairedDifference(baseK.map((r) => r.occupancy), k.map((r) => r.occupancy), alpha),
          on_call_cost: pairedDifference(baseK.map((r) => r.on_call_cost), k.map((r) => r.on_call_cost), alpha),
        },
      };
    }),
  };
}
