/**
 * Candidate interventions for the weak spots found (OPERATIONS.md §6): staggered breaks for a
 * break collision; added agents and an on-call pool for a queue missing its target in a window;
 * cross-skilling for a thin skill. Each is written as scenario changes, so the simulator can run
 * it, with readable parameters.
 *
 * @module
 */
import type { Change } from "../simulation/mod.ts";
import { localToInstant } from "../time/mod.ts";
import type { WeakSpot } from "./weak_spots.ts";

/** A proposal before evaluation. */
export interface Proposal {
  kind: "move_breaks" | "add_agents" | "on_call_pool" | "priority" | "callbacks";
  /** One line a manager reads, e.g. `Stagger the breaks starting 10:00–10:30 in 4 groups 15 min apart`. */
  title: string;
  /** The weak spots it answers (`kind queue when`). */
  addresses: string[];
  /** Its parameters, readable (the changes hold the same in simulation terms). */
  parameters: Record<string, unknown>;
  changes: Change[];
}

/** Costs used by proposals and their evaluation (currency of the roster). */
export interface ImprovementCosts {
  /** Loaded cost per hour of an added agent (default: the roster's median hourly cost). */
  added_agent_hourly: number;
  /** Standby cost per hour logged in, and per call-in, of an on-call agent. */
  on_call_hourly: number;
  call_in: number;
  /** Value of one avoided abandon (for ROI); null: not given (OPERATIONS.md §6: no unsourced figures). */
  value_per_avoided_abandon: number | null;
}

/** The label of a weak spot, as proposals cite it. */
export const spotLabel = (w: WeakSpot) => [w.kind, w.queue ?? w.agent ?? "", w.when ?? ""].filter(Boolean).join(" ");

/**
 * Sim-time windows [start_s, end_s) of a local HH:MM–HH:MM window on the given local days.
 *
 * @param days local dates YYYY-MM-DD
 */
export function localWindows(days: readonly string[], from: string, to: string, zone: string, start_epoch_s: number, horizon_s: number): { start_s: number; end_s: number }[] {
  const minutes = (x: string) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3, 5));
  const f = minutes(from), t = minutes(to) || 1440;
  return days.map((d) => {
    const midnight = Date.parse(`${d}T00:00:00Z`);
    const a = (localToInstant(midnight + f * 60_000, zone) / 1000) - start_epoch_s, b = (localToInstant(midnight + t * 60_000, zone) / 1000) - start_epoch_s;
    return { start_s: Math.max(0, a), end_s: Math.min(horizon_s, b) };
  }).filter((w) => w.end_s > w.start_s);
}

/** The local HH:MM bounds of a weak spot's `when` (`10:00–10:30 (Zone)`). */
export function bounds(when: string): [string, string] {
  const m = /^(\d\d:\d\d)–(\d\d:\d\d)/.exec(when);
  if (!m) throw new RangeError(`Cannot read the window '${when}'`);
  return [m[1]!, m[2]!];
}

/** Options of {@link proposeFor}. */
export interface ProposeOptions {
  timeZone: string;
  start_epoch_s: number;
  horizon_s: number;
  costs: ImprovementCosts;
  /** The local days a queue had calls in a local window (for the shifts of added agents and standby windows). */
  days_for: (queue: string, from: string, to: string) => string[];
  /** Agents to add for a target miss, per queue (the evaluator's Erlang A count), default 2. */
  agents_needed?: ReadonlyMap<string, number>;
  /** The scenario's standby policy, kept by a proposed pool (its trigger and delay apply to every standby agent). */
  on_call?: { queue_threshold?: number; oldest_wait_s?: number; activation_delay_s: number; min_active_s: number } | null;
  /** At most this many target misses and thin skills proposed for (default 2; every break collision is: moving breaks is free). */
  per_kind?: number;
}

/**
 * Proposals for the weak spots, in the spots' order: for each break collision,
 * its breaks staggered in 4 groups 15 minutes apart; for each of the biggest target misses, the
 * agents needed added over its window on the days with calls, and an on-call pool of the same
 * size for the same window (under the center's standby policy, else called in at 6 waiting
 * calls with 10 minutes to log in); for a thin
 * skill, the agents without it given it at priority 3; callbacks offered after 60 s (37 %
 * accepting, OPERATIONS.md §6) on the queues missing their abandonment target.
 *
 * Source: OPERATIONS.md §6 (the interventions and their parameters).
 */
export function proposeFor(spots: readonly WeakSpot[], o: ProposeOptions): Proposal[] {
  const out: Proposal[] = [];
  const per = o.per_kind ?? 2;
  const take = (kind: WeakSpot["kind"]) => spots.filter((s) => s.kind === kind).slice(0, kind === "break_collision" ? Infinity : per);
  for (const s of take("break_collision")) {
    const [from, to] = bounds(s.when!);
    out.push({
      kind: "move_breaks", title: `Stagger the breaks starting ${from}–${to} in 4 groups 15 min apart`, addresses: [spotLabel(s)],
      parameters: { from, to, time_zone: o.timeZone, groups: 4, step_min: 15, breaks_on_average: s.size },
      changes: [{ kind: "move_breaks", from, to, time_zone: o.timeZone, shift_s: 0, stagger: { groups: 4, step_s: 900 } }],
    });
  }
  for (const s of take("target_miss")) {
    const [from, to] = bounds(s.when!);
    const q = s.queue!;
    const days = o.days_for(q, from, to);
    const windows = localWindows(days, from, to, o.timeZone, o.start_epoch_s, o.horizon_s);
    if (!windows.length) continue;
    const k = o.agents_needed?.get(q) ?? 2;
    const hours = windows.reduce((x, w) => x + (w.end_s - w.start_s), 0) / 3600;
    out.push({
      kind: "add_agents", title: `Add ${k} agent${k > 1 ? "s" : ""} on ${q} ${from}–${to} on the ${days.length} days with calls`, addresses: [spotLabel(s)],
      parameters: { queue: q, count: k, from, to, time_zone: o.timeZone, days: days.length, agent_hours: k * hours, hourly_cost: o.costs.added_agent_hourly },
      changes: [{ kind: "add_agents", count: k, skills: { [q]: 1 }, shifts: windows, answer_probability: 1, hourly_cost: o.costs.added_agent_hourly }],
    });
    // A center with a standby pool keeps its policy (one trigger for every standby agent); else called in at 6 waiting, 10 min to log in.
    const policy = o.on_call ?? { queue_threshold: 6, activation_delay_s: 600, min_active_s: 1800 };
    const trigger = [policy.queue_threshold !== undefined ? `at ${policy.queue_threshold} waiting` : "", policy.oldest_wait_s !== undefined ? `after a ${policy.oldest_wait_s} s wait` : ""].filter(Boolean).join(" or ");
    out.push({
      kind: "on_call_pool", title: `On-call pool of ${k} more for ${q} ${from}–${to} (called in ${trigger}, ${Math.round(policy.activation_delay_s / 60)} min to log in)`, addresses: [spotLabel(s)],
      parameters: {
        queue: q, size: k, from, to, time_zone: o.timeZone, queue_threshold: policy.queue_threshold ?? null, oldest_wait_s: policy.oldest_wait_s ?? null,
        activation_delay_min: policy.activation_delay_s / 60, min_active_min: policy.min_active_s / 60, standby_hourly_cost: o.costs.on_call_hourly, call_in_cost: o.costs.call_in,
      },
      changes: [{
        kind: "on_call_pool", size: k, skills: { [q]: 1 }, windows, queue_threshold: policy.queue_threshold, oldest_wait_s: policy.oldest_wait_s,
        activation_delay_s: policy.activation_delay_s, min_active_s: policy.min_active_s, cost_per_activation: o.costs.call_in, cost_per_hour: o.costs.on_call_hourly,
      }],
    });
  }
  // Callbacks for the queues whose abandonment misses its target the most (at most `per` of them).
  const abandonMisses = spots.filter((s) => s.kind === "target_miss" && s.evidence.abandon_rate_target !== null && (s.evidence.abandon_rate as number) > (s.evidence.abandon_rate_target as number));
  for (const q of [...new Set(abandonMisses.map((s) => s.queue!))].slice(0, per)) {
    out.push({
      kind: "callbacks", title: `Offer callbacks on ${q} after 60 s of wait (37 % accept)`, addresses: abandonMisses.filter((s) => s.queue === q).map(spotLabel),
      parameters: { queue: q, offer_after_s: 60, acceptance: 0.37 },
      changes: [{ kind: "callbacks", queues: [q], offer_after_s: 60, acceptance: 0.37 }],
    });
  }
  for (const s of take("thin_skill")) {
    out.push({
      kind: "priority", title: `Cross-skill the agents without ${s.queue} onto it at priority 3`, addresses: [spotLabel(s)],
      parameters: { queue: s.queue, priority: 3 },
      changes: [{ kind: "priority", agents: "all", skills: { [s.queue!]: 3 }, if_missing: true }],
    });
  }
  return out;
}
