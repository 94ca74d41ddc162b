/**
 * The improvement workflow (issue 13): weak spots from the loaded data, targets and schedules;
 * proposals for them; each quantified three ways (Erlang A, regression, simulation with common
 * random numbers) with its cost, cost per avoided abandon and ROI, and ranked.
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { queueKpis, serviceLevel } from "../indicators/mod.ts";
import type { OperatorKpiRow } from "../operators/mod.ts";
import { estimatePatience } from "../queueing/mod.ts";
import { applyChanges, compareScenarios, parseScenario, type Scenario } from "../simulation/mod.ts";
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { availabilityChange, scheduledAvailability } from "./availability.ts";
import { erlangAEstimate, erlangAt, fitStaffingRegressions, type MethodEstimate, type QueueParameters, regressionEstimate, simulationEstimate } from "./estimates.ts";
import { type ImprovementCosts, type Proposal, proposeFor } from "./proposals.ts";
import { rankProposals } from "./rank.ts";
import { centerObservations, intervalObservations, slotProfiles } from "./slots.ts";
import { breakCollisions, type WeakSpot } from "./weak_spots.ts";
import { onCallTiming, operatorSpots, targetMisses, thinSkills } from "./weak_spots_more.ts";

/** A proposal with its three estimates, cost and rank (the `qb improve --json` contract). */
export interface EvaluatedProposal extends Proposal {
  /** 1 = do first. */
  rank: number;
  /** Cost over the period (labour of added agents, standby and call-ins), null when unknown. */
  cost: number | null;
  cost_note: string;
  /** (avoided abandons × value − cost) / cost on the proposal's marginal agents; null without a value per abandon or a cost. */
  roi: number | null;
  /** cost / avoided abandons (the break-even value of an abandon); null when it avoids none. */
  cost_per_avoided_abandon: number | null;
  erlang_a: MethodEstimate | null;
  regression: MethodEstimate | null;
  simulation: MethodEstimate | null;
  /** Why null estimates are null, and where the methods disagree and why. */
  notes: string[];
  /** Per local slot: the mean change in scheduled available agents per day (empty for routing changes). */
  slot_change: { slot: string; delta_available: number }[];
  /** Simulation per queue: SL and abandonment base → proposal, Δ abandoned with its paired interval. */
  simulation_by_queue: { queue: string; service_level_base: number | null; service_level: number | null; abandon_rate_base: number | null; abandon_rate: number | null; asa_s_base: number | null; asa_s: number | null; delta_abandoned: number | null; ci_low: number | null; ci_high: number | null }[];
}

/** Options of {@link improve}. */
export interface ImproveOptions {
  timeZone?: string;
  interval_minutes?: number;
  threshold_s?: number;
  targets?: readonly Target[];
  /** The center as a simulation scenario (from `qb demo`, or built from the data); null: no simulation. */
  scenario?: Scenario | null;
  replications?: number;
  costs: ImprovementCosts;
  /** Operator KPI rows by agent, for the operator weak spots (none when absent). */
  operators?: readonly OperatorKpiRow[];
  /** Proposals to evaluate beside the generated ones (a manager's own idea, or a control). */
  extra_proposals?: readonly Proposal[];
  /** Called as the simulation runs: scenarios done (baseline first) out of proposals + 1. */
  on_progress?: (done: number, total: number) => void;
}

/** Result of {@link improve}. */
export interface ImprovementResult {
  weak_spots: WeakSpot[];
  proposals: EvaluatedProposal[];
  /** The data's period totals the estimates change. */
  baseline: { offered: number; abandoned: number; service_level: number | null; abandon_rate: number | null; intervals: number; first_day: string | null; last_day: string | null };
  /** Per queue (at its SL target's threshold) and the center (`(all)`, at T), per local slot: the observed profile the weak spots come from. */
  slots: ReturnType<typeof slotProfiles>;
  /** Each queue's service-level threshold T (s): its SL target's own, else the run's. */
  sl_thresholds: Record<string, number>;
  /** Per queue: AHT and patience used by Erlang A. */
  queue_parameters: Record<string, QueueParameters>;
  replications: number | null;
  assumptions: string[];
}

/**
 * Runs the diagnosis and evaluates the proposals. The store must hold calls, agent states
 * (built), the roster and schedules as loaded.
 *
 * @throws {RangeError} for an invalid zone or interval
 * Source: OPERATIONS.md §6; Law (2015) §11.2 (common random numbers).
 */
export async function improve(store: Store, options: ImproveOptions): Promise<ImprovementResult> {
  const zone = options.timeZone ?? "UTC", minutes = options.interval_minutes ?? 30, T = options.threshold_s ?? 20;
  const obs = await intervalObservations(store, { timeZone: zone, interval_minutes: minutes, sl_threshold_s: T });
  const profiles = slotProfiles(obs);
  const targets = options.targets ?? [];
  const queues = [...new Set(obs.map((o) => o.queue))];
  // Each queue's SL target is judged at its own threshold (80 % within 60 s is its own target).
  const byThreshold = new Map([[T, profiles]]);
  for (const t of targets) {
    if (t.kpi !== "service_level" || t.threshold_s === null || byThreshold.has(t.threshold_s)) continue;
    byThreshold.set(t.threshold_s, slotProfiles(await intervalObservations(store, { timeZone: zone, interval_minutes: minutes, sl_threshold_s: t.threshold_s })));
  }
  const misses = targetMisses(byThreshold, targets, { timeZone: zone, interval_minutes: minutes, threshold_s: T });
  const weak_spots: WeakSpot[] = [
    ...misses,
    ...(await breakCollisions(store, { timeZone: zone, interval_minutes: minutes })),
    ...(await thinSkills(store, queues, new Set(misses.map((m) => m.queue!)))),
    ...(await onCallTiming(store, obs, { interval_minutes: minutes })),
    ...operatorSpots(options.operators ?? [], targets),
  ];
  const params = await queueParameters(store, zone);
  const center = centerObservations(obs);
  const totals = center.reduce((c, o) => {
    for (const k of Object.keys(c) as (keyof typeof c)[]) c[k] += o.counts[k];
    return c;
  }, { offered: 0, answered: 0, abandoned: 0, short_abandoned: 0, timeouts: 0, answered_within: 0, abandoned_within: 0 });
  const scenario = options.scenario ? parseScenario({ ...options.scenario, replications: options.replications ?? 20 }) : null;
  // The local days a queue had calls in a window's slots (a Saturday closing at 14:00 has no 15:00 window).
  const daysFor = (queue: string, from: string, to: string) =>
    [...new Set(obs.filter((o) => o.queue === queue && o.counts.offered > 0 && o.slot >= from && (to === "00:00" || o.slot < to)).map((o) => o.day))].sort();
  const proposals = [
    ...(scenario ? proposeFor(weak_spots, { timeZone: zone, start_epoch_s: scenario.start_epoch_s, horizon_s: scenario.horizon_s, costs: options.costs, days_for: daysFor, on_call: scenario.on_call ?? null, agents_needed: agentsNeeded(weak_spots, profiles, params, minutes, T) }) : []),
    ...(options.extra_proposals ?? []),
  ];
  const evaluated = await evaluateProposals(store, proposals, { ...options, scenario }, { obs, params });
  return {
    weak_spots, proposals: evaluated,
    baseline: { offered: totals.offered, abandoned: totals.abandoned, service_level: serviceLevel(totals), abandon_rate: totals.offered ? totals.abandoned / totals.offered : null, intervals: center.length,
      first_day: obs.length ? obs.reduce((a, o) => (o.day < a ? o.day : a), obs[0]!.day) : null, last_day: obs.length ? obs.reduce((a, o) => (o.day > a ? o.day : a), obs[0]!.day) : null },
    slots: profilesAtTargets(byThreshold, targets, T),
    sl_thresholds: Object.fromEntries(queues.map((q) => [q, targets.find((t) => t.kpi === "service_level" && t.scope_type === "queue" && t.scope === q)?.threshold_s ?? T])),
    queue_parameters: Object.fromEntries(params), replications: scenario?.replications ?? null,
    assumptions: [
      `Service level V2 with T = ${T} s over ${minutes}-minute intervals in ${zone}; Δ abandoned is over the data's whole period (${center.length} intervals with calls).`,
      "Erlang A: per queue and interval, stationary, exponential talk and patience; the observed available agents are shared among queues by workload.",
      "Regression: OLS with HC3 errors of abandons and service level on offered calls and available agents per interval; an association, not a controlled effect.",
      scenario ? `Simulation: the whole center (skills, priorities, breaks, on-call pool, redials), ${scenario.replications} replications, common random numbers (same callers in baseline and proposal); 95 % paired intervals.` : "Simulation: no scenario of the center was given, so no simulation.",
      options.costs.value_per_avoided_abandon === null ? "ROI: no value per avoided abandon was given (--costs value_per_avoided_abandon), so ROI is n/a; the cost per avoided abandon is its break-even value." : `ROI: ${options.costs.value_per_avoided_abandon} per avoided abandon, as given.`,
    ],
  };
}

/** Each queue's profile at its SL target's own threshold (the center's at T): what the report charts against the targets. */
function profilesAtTargets(byThreshold: ReadonlyMap<number, ReturnType<typeof slotProfiles>>, targets: readonly Target[], T: number): ReturnType<typeof slotProfiles> {
  const at = new Map(targets.filter((t) => t.kpi === "service_level" && t.scope_type === "queue" && t.threshold_s !== null).map((t) => [t.scope, t.threshold_s!]));
  return byThreshold.get(T)!.map((p) => (at.has(p.queue) ? byThreshold.get(at.get(p.queue)!)!.find((x) => x.queue === p.queue && x.slot === p.slot) ?? p : p));
}

/**
 * Evaluates proposals three ways and ranks them — a manager's own, or one of {@link improve}'s
 * with a parameter changed (the what-if of the notebook). Same inputs and methods as `improve`.
 *
 * @param store a store with calls and agent states built
 * @param proposals proposals as {@link proposeFor} writes them (kind, title, parameters, changes)
 * @param options zone, interval, T, the scenario (without one, no estimate), replications, costs
 * @returns the proposals evaluated and ranked among themselves
 * Source: OPERATIONS.md §6; Law (2015) §11.2.
 */
export async function evaluateProposals(
  store: Store,
  proposals: readonly Proposal[],
  options: Pick<ImproveOptions, "timeZone" | "interval_minutes" | "threshold_s" | "scenario" | "replications" | "costs" | "on_progress">,
  known: { obs?: Awaited<ReturnType<typeof intervalObservations>>; params?: Map<string, QueueParameters> } = {},
): Promise<EvaluatedProposal[]> {
  const zone = options.timeZone ?? "UTC", minutes = options.interval_minutes ?? 30, T = options.threshold_s ?? 20;
  const obs = known.obs ?? await intervalObservations(store, { timeZone: zone, interval_minutes: minutes, sl_threshold_s: T });
  const params = known.params ?? await queueParameters(store, zone);
  const scenario = options.scenario ? parseScenario({ ...options.scenario, replications: options.replications ?? options.scenario.replications }) : null;
  const models = fitStaffingRegressions(obs);
  const comparison = scenario && proposals.length ? compareScenarios(scenario, proposals.map((p) => ({ name: p.title, changes: p.changes })), { on_progress: options.on_progress }) : null;
  return rankProposals(proposals.map((p, i) => evaluate(p, {
    obs, params, models, scenario, minutes, T, zone, variant: comparison?.variants[i] ?? null, costs: options.costs, replications: scenario?.replications ?? 0,
  })));
}

/** AHT per queue from the data, patience from its abandons (Little's law estimate); queues lacking one are left out. */
async function queueParameters(store: Store, zone: string): Promise<Map<string, QueueParameters>> {
  const kpis = await queueKpis(store, ["queue"], { timeZone: zone });
  const patience = new Map((await estimatePatience(store, { timeZone: zone })).map((p) => [p.queue, p.patience_s]));
  const out = new Map<string, QueueParameters>();
  for (const k of kpis) {
    const p = patience.get(k.queue ?? "");
    if (k.queue && k.aht_s && p) out.set(k.queue, { aht_s: k.aht_s, patience_s: p });
  }
  return out;
}

/**
 * Agents to add for each missed queue: the fewest (1–5) that bring its worst slot to the SL
 * target by Erlang A, the queue's agents being its workload share of the slot's available agents.
 */
function agentsNeeded(spots: readonly WeakSpot[], profiles: ReturnType<typeof slotProfiles>, params: ReadonlyMap<string, QueueParameters>, minutes: number, T: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of spots) {
    if (s.kind !== "target_miss" || !s.queue || out.has(s.queue)) continue;
    const p = params.get(s.queue), target = s.evidence.service_level_target as number | null, slot = s.evidence.worst_slot as string;
    if (!p || target === null) continue;
    const inSlot = profiles.filter((x) => x.slot === slot && x.queue !== "(all)");
    const work = (q: string) => (inSlot.find((x) => x.queue === q)?.offered_mean ?? 0) * (params.get(q)?.aht_s ?? 0);
    const total = inSlot.reduce((x, y) => x + work(y.queue), 0);
    const calls = s.evidence.offered_mean as number, n = total > 0 ? (s.evidence.center_available_mean as number) * work(s.queue) / total : 0;
    let k = 1;
    const threshold = (s.evidence.threshold_s as number | null) ?? T;
    while (k < 5 && erlangAt(calls, minutes * 60, p, n + k, threshold).sl < target) k++;
    out.set(s.queue, k);
  }
  return out;
}

interface EvalContext {
  zone: string;
  obs: Awaited<ReturnType<typeof intervalObservations>>;
  params: Map<string, QueueParameters>;
  models: ReturnType<typeof fitStaffingRegressions>;
  scenario: Scenario | null;
  minutes: number;
  T: number;
  variant: Parameters<typeof simulationEstimate>[0];
  costs: ImprovementCosts;
  replications: number;
}

function evaluate(p: Proposal, c: EvalContext): Omit<EvaluatedProposal, "rank"> {
  const notes: string[] = [];
  let change = null;
  if (c.scenario && p.kind !== "priority" && p.kind !== "callbacks") {
    const changed = applyChanges(c.scenario, p.changes).scenario;
    // Standby agents count for Erlang A as if present through their windows after the delay: an upper bound.
    const asRostered = (s: Scenario) => ({ ...s, agents: s.agents.map((a) => ({ ...a, on_call: false })) });
    change = p.kind === "on_call_pool"
      ? scale(availabilityChange(scheduledAvailability(asRostered(c.scenario), c.minutes), scheduledAvailability(asRostered(changed), c.minutes)), c.scenario, changed, c.minutes)
      : availabilityChange(scheduledAvailability(c.scenario, c.minutes), scheduledAvailability(changed, c.minutes));
  }
  if (p.kind === "callbacks") notes.push("Erlang A gives callbacks only to first order (the calls deferred leave the interval, their later load is not seen: OPERATIONS.md §6) and the history has no callbacks to learn from; only the simulation can judge them.");
  if (p.kind === "priority") notes.push("Erlang A and the regression cannot judge a routing change: Erlang A sees each queue alone and the history has no routing variation to learn from; only the simulation can.");
  if (!c.scenario) notes.push("Without a scenario of the center, the proposal's staffing change cannot be laid on the intervals: no Erlang A, regression or simulation estimate.");
  const erlang_a = erlangAEstimate(c.obs, change, c.params, {
    interval_minutes: c.minutes, threshold_s: c.T,
    note: p.kind === "on_call_pool" ? "Erlang A with the pool present through its windows after the activation delay: an upper bound (the pool comes only when triggered)" : undefined,
  });
  const regression = regressionEstimate(c.obs, c.models, change);
  const simulation = simulationEstimate(c.variant, `simulation of the whole center, ${c.replications} replications with common random numbers; 95 % paired interval of Δ abandoned`);
  const primary = simulation ?? erlang_a ?? regression;
  const avoided = primary?.delta_abandoned === null || primary?.delta_abandoned === undefined ? null : -primary.delta_abandoned;
  const { cost, cost_note } = costOf(p, c);
  if (erlang_a && simulation && erlang_a.delta_abandoned !== null && simulation.delta_abandoned !== null && simulation.ci_low !== null) {
    const e = erlang_a.delta_abandoned;
    if (e < simulation.ci_low! || e > simulation.ci_high!) {
      notes.push(`Erlang A (${e.toFixed(0)}) falls outside the simulation's interval (${simulation.ci_low!.toFixed(0)} to ${simulation.ci_high!.toFixed(0)}): it sees each queue and interval alone, stationary, with no redials and no skills shared across queues, while the simulation follows the calls that wait across interval ends and the agents that serve several queues.`);
    }
  }
  if (regression?.valid && simulation && regression.delta_abandoned !== null && simulation.ci_low !== null && regression.ci_high !== null && (regression.ci_high < simulation.ci_low! || regression.ci_low! > simulation.ci_high!)) {
    notes.push(`The regression (${regression.delta_abandoned.toFixed(0)}) and the simulation (${simulation.ci_low!.toFixed(0)} to ${simulation.ci_high!.toFixed(0)}) do not overlap: the regression's slope is an association across this history's intervals (staffing follows load, busier intervals differ in more than agents), applied linearly to every interval; the simulation changes the agents alone.`);
  }
  const value = c.costs.value_per_avoided_abandon;
  const perSlot = new Map<string, { sum: number; days: Set<string> }>();
  for (const [start, m] of change ?? []) {
    const iso = isoInZone(start, c.zone);
    const e = perSlot.get(iso.slice(11, 16)) ?? perSlot.set(iso.slice(11, 16), { sum: 0, days: new Set() }).get(iso.slice(11, 16))!;
    for (const v of m.values()) e.sum += v;
    e.days.add(iso.slice(0, 10));
  }
  const slot_change = [...perSlot].map(([slot, e]) => ({ slot, delta_available: e.sum / Math.max(1, e.days.size) })).filter((x) => Math.abs(x.delta_available) > 1e-9).sort((a, b) => (a.slot < b.slot ? -1 : 1));
  const simulation_by_queue = (c.variant?.differences.queues ?? []).map((q) => ({
    queue: q.queue, service_level_base: q.service_level.baseline, service_level: q.service_level.variant, abandon_rate_base: q.p_abandon.baseline, abandon_rate: q.p_abandon.variant, asa_s_base: q.asa_s.baseline, asa_s: q.asa_s.variant,
    delta_abandoned: q.abandoned.mean, ci_low: q.abandoned.ci_low, ci_high: q.abandoned.ci_high,
  }));
  return {
    ...p, cost, cost_note, erlang_a, regression, simulation, notes, slot_change, simulation_by_queue,
    // A proposal that saves money (cost < 0) and avoids abandons costs nothing per avoided abandon.
    cost_per_avoided_abandon: cost !== null && avoided !== null && avoided > 0 ? Math.max(0, cost) / avoided : null,
    roi: cost !== null && cost > 0 && value !== null && avoided !== null ? (avoided * value - cost) / cost : null,
  };
}

/** Scales the standby pool's availability by the share of an interval left after the activation delay. */
function scale(d: ReturnType<typeof availabilityChange>, _base: Scenario, changed: Scenario, minutes: number): ReturnType<typeof availabilityChange> {
  const f = Math.max(0, 1 - (changed.on_call?.activation_delay_s ?? 0) / (minutes * 60));
  for (const m of d.values()) for (const [q, v] of m) m.set(q, v * f);
  return d;
}

function costOf(p: Proposal, c: EvalContext): { cost: number | null; cost_note: string } {
  if (p.kind === "move_breaks") return { cost: 0, cost_note: "no cost: the same paid hours, breaks moved within their shifts" };
  if (p.kind === "priority") return { cost: 0, cost_note: "no labour cost in the period; training for the new skill is not counted" };
  if (p.kind === "callbacks") return { cost: 0, cost_note: "no added labour: the callbacks are made in the agents' paid time (the calls' telephony cost is not counted)" };
  if (p.kind === "add_agents") {
    const added = c.scenario ? applyChanges(c.scenario, p.changes) : null;
    return added ? { cost: added.added_labour_cost, cost_note: `${added.added_agent_hours.toFixed(1)} agent-hours × ${c.costs.added_agent_hourly.toFixed(2)} per hour` } : { cost: null, cost_note: "no scenario" };
  }
  const d = c.variant?.differences.on_call_cost;
  return d && d.mean !== null ? { cost: d.mean, cost_note: "simulated change in standby cost (hours logged in × hourly cost + call-ins × call-in cost), the whole pool" } : { cost: null, cost_note: "the standby cost needs the simulation" };
}
