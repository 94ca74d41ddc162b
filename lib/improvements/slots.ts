/**
 * The observations the improvement evaluator stands on: per queue and interval, the calls (the
 * queue KPIs' own counts) beside the agents available (logged in and not paused, a time average
 * over the interval from `agent_states`), and their profile per local time slot over the days.
 *
 * @module
 */
import { queueKpis, type QueueKpiRow, serviceLevel } from "../indicators/mod.ts";
import type { Store } from "../store/mod.ts";

/** One queue in one interval. */
export interface IntervalObservation {
  queue: string;
  /** Local day (YYYY-MM-DD) and local slot start (HH:MM) of the interval. */
  day: string;
  slot: string;
  /** Interval start, epoch ms. */
  start_ms: number;
  counts: Pick<QueueKpiRow, "offered" | "answered" | "abandoned" | "short_abandoned" | "timeouts" | "answered_within" | "abandoned_within">;
  talk_s: number;
  handled: number;
  /** Agents available in the interval, all queues (time average of logged-in, not paused). */
  available_agents: number;
}

/** A queue's (or the center's, queue `(all)`) profile in one local slot, pooled over the days. */
export interface SlotProfile {
  queue: string;
  slot: string;
  /** Days with calls in the slot. */
  days: number;
  offered_mean: number;
  abandoned_mean: number;
  /** Pooled over the days (V2, the product's default); null when no call counts. */
  service_level: number | null;
  abandon_rate: number | null;
  /** Mean available agents (all queues) in the slot over those days. */
  available_mean: number;
}

/**
 * Interval observations of the loaded data: queue KPI counts by queue and interval, joined with
 * the available agents of the same interval (agent states must be built).
 *
 * @param store a store with calls and agent states
 * @param options zone (default UTC), interval (default 30 min), window and SL options as the KPIs
 * @returns one row per queue and interval with calls, ordered by queue then time
 * Source: queue KPI definitions (DESIGN.md); available = OPERATIONS.md §1 (session logged in,
 *   availability available).
 */
export async function intervalObservations(store: Store, options: Parameters<typeof queueKpis>[2] = {}): Promise<IntervalObservation[]> {
  const minutes = options.interval_minutes ?? 30;
  const P = minutes * 60_000;
  const rows = await queueKpis(store, ["queue", "interval"], { ...options, interval_minutes: minutes });
  const avail = await store.query<{ b: number; available: number }>(`
    WITH seg AS (
      SELECT epoch_ms(started_at) AS s, epoch_ms(ended_at) AS e FROM agent_states
      WHERE session = 'logged_in' AND availability = 'available' AND ended_at > started_at
    ), cut AS (SELECT s, e, unnest(generate_series(s // ${P} * ${P}, (e - 1) // ${P} * ${P}, ${P})) AS b FROM seg)
    SELECT b, sum(least(e, b + ${P}) - greatest(s, b)) / ${P} AS available FROM cut GROUP BY b`);
  const byStart = new Map(avail.map((r) => [Number(r.b), Number(r.available)]));
  return rows.filter((r) => r.interval_start).map((r) => {
    const start_ms = Date.parse(r.interval_start!);
    return {
      queue: r.queue ?? "(none)", day: r.interval_start!.slice(0, 10), slot: r.interval_start!.slice(11, 16), start_ms,
      counts: {
        offered: r.offered, answered: r.answered, abandoned: r.abandoned, short_abandoned: r.short_abandoned, timeouts: r.timeouts,
        answered_within: r.answered_within, abandoned_within: r.abandoned_within,
      },
      talk_s: r.talk_s, handled: r.handled, available_agents: byStart.get(start_ms) ?? 0,
    };
  });
}

/** Adds two count sets. */
function add(a: IntervalObservation["counts"], b: IntervalObservation["counts"]): IntervalObservation["counts"] {
  return {
    offered: a.offered + b.offered, answered: a.answered + b.answered, abandoned: a.abandoned + b.abandoned, short_abandoned: a.short_abandoned + b.short_abandoned,
    timeouts: a.timeouts + b.timeouts, answered_within: a.answered_within + b.answered_within, abandoned_within: a.abandoned_within + b.abandoned_within,
  };
}
const ZERO = { offered: 0, answered: 0, abandoned: 0, short_abandoned: 0, timeouts: 0, answered_within: 0, abandoned_within: 0 };

/** The center's observations: every queue's counts of an interval added (queue `(all)`). */
export function centerObservations(obs: readonly IntervalObservation[]): IntervalObservation[] {
  const m = new Map<number, IntervalObservation>();
  for (const o of obs) {
    const c = m.get(o.start_ms);
    if (!c) m.set(o.start_ms, { ...o, queue: "(all)", counts: { ...o.counts } });
    else {
      c.counts = add(c.counts, o.counts);
      c.talk_s += o.talk_s;
      c.handled += o.handled;
    }
  }
  return [...m.values()].sort((a, b) => a.start_ms - b.start_ms);
}

/**
 * Profiles per queue and local slot (and the center's, queue `(all)`), pooled over the days.
 *
 * @returns rows ordered by queue (the center last) then slot
 */
export function slotProfiles(obs: readonly IntervalObservation[]): SlotProfile[] {
  const groups = new Map<string, IntervalObservation[]>();
  for (const o of [...obs, ...centerObservations(obs)]) {
    const k = `${o.queue}\u0000${o.slot}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(o);
  }
  const out: SlotProfile[] = [];
  for (const list of groups.values()) {
    const c = list.reduce((x, o) => add(x, o.counts), ZERO);
    const n = list.length;
    out.push({
      queue: list[0]!.queue, slot: list[0]!.slot, days: n, offered_mean: c.offered / n, abandoned_mean: c.abandoned / n,
      service_level: serviceLevel(c), abandon_rate: c.offered > 0 ? c.abandoned / c.offered : null,
      available_mean: list.reduce((x, o) => x + o.available_agents, 0) / n,
    });
  }
  const rank = (q: string) => (q === "(all)" ? 1 : 0);
  return out.sort((a, b) => rank(a.queue) - rank(b.queue) || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0) || (a.slot < b.slot ? -1 : 1));
}
