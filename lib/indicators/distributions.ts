/**
 * Distributions of calls: waits (binned and cumulative, answered and abandoned in the same bins)
 * and offered calls by local hour of day × day of week (OPERATIONS.md §5).
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type KpiOptions, resolveKpiOptions, scopeFilter, sqlString } from "./options.ts";

/** One wait bin `[from_s, to_s)` (the last is open-ended: `to_s` null). */
export interface WaitBin {
  from_s: number;
  to_s: number | null;
  answered: number;
  abandoned: number;
  /** Timeouts and other exits (flow-outs). */
  other: number;
  /** Offered stints whose wait is in the bin. */
  offered: number;
  /** Answered with wait ≤ the bin's upper edge, over offered (the cumulative share: SL V1 at that T). */
  answered_within_share: number | null;
}

/** Default bin edges, seconds. */
export const WAIT_BIN_EDGES_S: readonly number[] = [0, 10, 20, 30, 60, 120, 180, 300, 600];

/**
 * The wait distribution of offered inbound stints (answered, abandoned, flow-outs; open stints
 * excluded, as for the service level). Bins are `[edge_i, edge_{i+1})` — a wait of exactly 20 s
 * falls in `[20, 30)` — and the cumulative share uses "wait ≤ upper edge" like the service level
 * (a wait of exactly 20 s is within 20 s). Denominator: offered stints in the window.
 *
 * @param edges ascending bin edges in seconds starting at 0 (default {@link WAIT_BIN_EDGES_S})
 * @throws {RangeError} for edges that are not ascending from 0
 * Source: OPERATIONS.md §5 (distributions with the edge rule and denominator printed).
 */
export async function waitDistribution(store: Store, options: KpiOptions & { queue?: string } = {}, edges: readonly number[] = WAIT_BIN_EDGES_S): Promise<WaitBin[]> {
  if (edges[0] !== 0 || edges.some((e, i) => i > 0 && !(e > edges[i - 1]!)) || edges.some((e) => !Number.isFinite(e))) {
    throw new RangeError(`Cannot bin waits: edges must ascend from 0, got ${edges.join(", ")}`);
  }
  const o = resolveKpiOptions(options);
  const where = `direction = 'inbound' AND outcome <> 'open' AND wait_s IS NOT NULL ${scopeFilter(o)}${options.queue !== undefined ? ` AND queue = ${sqlString(options.queue)}` : ""}`;
  const cases = edges.map((e, i) => `WHEN wait_s >= ${e}${i + 1 < edges.length ? ` AND wait_s < ${edges[i + 1]}` : ""} THEN ${i}`).join(" ");
  const rows = await store.query<{ b: number; answered: number; abandoned: number; other: number }>(`
    SELECT CASE ${cases} END AS b,
      count(*) FILTER (answered_at IS NOT NULL) AS answered, count(*) FILTER (outcome = 'abandoned') AS abandoned,
      count(*) FILTER (answered_at IS NULL AND outcome <> 'abandoned') AS other
    FROM call_stints WHERE ${where} GROUP BY b`);
  const within = await store.query<Record<string, number>>(`
    SELECT count(*) AS offered, ${edges.slice(1).map((e, i) => `count(*) FILTER (answered_at IS NOT NULL AND wait_s <= ${e}) AS w${i}`).join(", ") || "0 AS w_none"}
    FROM call_stints WHERE ${where}`);
  const total = Number(within[0]?.offered ?? 0);
  const allAnswered = rows.reduce((s, x) => s + Number(x.answered), 0);
  return edges.map((e, i) => {
    const r = rows.find((x) => Number(x.b) === i);
    const [answered, abandoned, other] = [Number(r?.answered ?? 0), Number(r?.abandoned ?? 0), Number(r?.other ?? 0)];
    const upper = i + 1 < edges.length ? edges[i + 1]! : null;
    return {
      from_s: e, to_s: upper, answered, abandoned, other, offered: answered + abandoned + other,
      answered_within_share: total === 0 ? null : upper === null ? allAnswered / total : Number(within[0]![`w${i}`]) / total,
    };
  });
}

/** Offered calls of one local hour of one weekday. */
export interface HourWeekdayCell {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local hour 0–23. */
  hour: number;
  offered: number;
  /** Distinct local dates with this weekday in the window's data (for a mean per day). */
  days: number;
}

/**
 * Offered inbound stints by local hour × weekday of entry, in the report zone (DST-safe: the
 * local wall clock). Every one of the 7 × 24 cells is returned (0 where no call).
 *
 * @throws {RangeError} for invalid options
 */
export async function offeredByHourWeekday(store: Store, options: KpiOptions = {}): Promise<HourWeekdayCell[]> {
  const o = resolveKpiOptions(options);
  const local = `timezone(${sqlString(o.timeZone)}, entered_at)`;
  const rows = await store.query<{ weekday: number; hour: number; offered: number }>(`
    SELECT isodow(${local}) AS weekday, hour(${local}) AS hour, count(*) AS offered
    FROM call_stints WHERE direction = 'inbound' AND outcome <> 'open' ${scopeFilter(o)} GROUP BY ALL`);
  const days = await store.query<{ weekday: number; days: number }>(`
    SELECT isodow(d) AS weekday, count(*) AS days FROM (SELECT DISTINCT CAST(${local} AS DATE) AS d FROM call_stints WHERE direction = 'inbound' ${scopeFilter(o)}) GROUP BY ALL`);
  const out: HourWeekdayCell[] = [];
  for (let w = 1; w <= 7; w++) {
    for (let h = 0; h < 24; h++) {
      const r = rows.find((x) => Number(x.weekday) === w && Number(x.hour) === h);
      out.push({ weekday: w, hour: h, offered: Number(r?.offered ?? 0), days: Number(days.find((x) => Number(x.weekday) === w)?.days ?? 0) });
    }
  }
  return out;
}

/** Calls (not stints) and how they went through the queues: attempts, transfers, final outcomes. */
export interface CallFlow {
  /** Inbound calls (distinct call ids per source). */
  calls: number;
  /** Calls by number of queue stints: 1, 2, 3 or more. */
  one_stint: number;
  two_stints: number;
  three_or_more_stints: number;
  /** Stints that ended in a transfer (blind, attended or plain). */
  transferred_stints: number;
  /** Calls whose first stint left the queue unanswered (timeout, exit) and a later one was answered. */
  answered_after_requeue: number;
  /** Calls by the outcome of their last stint (answered, abandoned, timeout, …, open). */
  final_outcome: Record<string, number>;
}

/**
 * Calls and their queue attempts from `call_stints` (the `calls` view's grouping: source and
 * call id): stints per call, transfers, answered after a re-queue, the last stint's outcome.
 *
 * @throws {RangeError} for invalid options
 * Source: OPERATIONS.md §5 (transfers and multi-stint attempts); DESIGN.md (multi-stint calls).
 */
export async function callFlow(store: Store, options: KpiOptions = {}): Promise<CallFlow> {
  const o = resolveKpiOptions(options);
  const [r] = await store.query<Record<string, number>>(`
    WITH c AS (
      SELECT source, call_id, count(*) AS stints, count(*) FILTER (outcome = 'transferred') AS transfers,
        arg_max(outcome, stint_no) AS last_outcome,
        bool_or(answered_at IS NOT NULL AND stint_no > 1) AS later_answered,
        arg_min(answered_at IS NULL AND outcome NOT IN ('abandoned', 'open'), stint_no) AS first_left
      FROM call_stints WHERE direction = 'inbound' ${scopeFilter(o)} GROUP BY source, call_id
    )
    SELECT count(*) AS calls, count(*) FILTER (stints = 1) AS one, count(*) FILTER (stints = 2) AS two, count(*) FILTER (stints >= 3) AS more,
      coalesce(sum(transfers), 0) AS transfers, count(*) FILTER (first_left AND later_answered) AS requeued
    FROM c`);
  const outcomes = await store.query<{ outcome: string; n: number }>(`
    SELECT last_outcome AS outcome, count(*) AS n FROM (
      SELECT arg_max(outcome, stint_no) AS last_outcome FROM call_stints WHERE direction = 'inbound' ${scopeFilter(o)} GROUP BY source, call_id
    ) GROUP BY ALL ORDER BY n DESC, outcome`);
  return {
    calls: Number(r?.calls ?? 0), one_stint: Number(r?.one ?? 0), two_stints: Number(r?.two ?? 0), three_or_more_stints: Number(r?.more ?? 0),
    transferred_stints: Number(r?.transfers ?? 0), answered_after_requeue: Number(r?.requeued ?? 0),
    final_outcome: Object.fromEntries(outcomes.map((x) => [x.outcome, Number(x.n)])),
  };
}

/** Costs of one queue's calls (or of all, `queue` absent). */
export interface CallCostRow {
  queue?: string;
  /** Answered stints with a handling time. */
  handled: number;
  /** Σ (talk + hold + wrap) of handled stints, hours. */
  handling_h: number;
  /** Σ handling hours × the agent's hourly cost (roster); null when no handled stint's agent has a cost. */
  agent_cost: number | null;
  /** Handled stints whose agent has no hourly cost in the roster (left out of agent_cost). */
  uncosted_stints: number;
  /** Σ line time (entry to end) of ended stints, minutes. */
  line_min: number;
  /** line_min × the trunk cost per minute; null without a rate. */
  trunk_cost: number | null;
  /** agent_cost + trunk_cost (a missing part counts 0; null when both are missing). */
  cost: number | null;
  cost_per_answered_call: number | null;
}

/**
 * Call costs per queue and in total: agent cost of the handling time (talk + hold + wrap-up of
 * answered stints × the answering agent's `hourly_cost` from the roster) and, with a rate, trunk
 * cost of the line time (entry to end of every ended stint × `trunk_cost_per_min`).
 *
 * @param options indicator window and zone, `trunk_cost_per_min` (default none)
 * @returns rows per queue, then the total row (no `queue` key)
 * Source: OPERATIONS.md §5 (calls report: costs).
 */
export async function callCosts(store: Store, options: KpiOptions & { trunk_cost_per_min?: number | null } = {}): Promise<CallCostRow[]> {
  const o = resolveKpiOptions(options);
  const rate = options.trunk_cost_per_min ?? null;
  if (rate !== null && !(rate >= 0)) throw new RangeError(`Cannot cost calls: trunk_cost_per_min must be ≥ 0, got ${rate}`);
  const select = (group: boolean) => `
    SELECT ${group ? "coalesce(queue, '(none)') AS queue," : ""}
      count(*) FILTER (h IS NOT NULL) AS handled, coalesce(sum(h), 0) / 3600.0 AS handling_h,
      sum(h / 3600.0 * cost) AS agent_cost, count(*) FILTER (h IS NOT NULL AND cost IS NULL) AS uncosted,
      coalesce(sum(line_s), 0) / 60.0 AS line_min, count(*) FILTER (answered) AS answered
    FROM (
      SELECT s.queue, s.answered_at IS NOT NULL AS answered,
        CASE WHEN s.answered_at IS NOT NULL AND s.talk_s IS NOT NULL THEN s.talk_s + coalesce(s.hold_s, 0) + coalesce(s.wrap_s, 0) END AS h,
        CASE WHEN s.ended_at IS NOT NULL THEN epoch(s.ended_at) - epoch(s.entered_at) END AS line_s, a.hourly_cost AS cost
      FROM (SELECT * FROM call_stints WHERE direction = 'inbound' AND outcome <> 'open' ${scopeFilter(o)}) s
        LEFT JOIN (SELECT agent, any_value(hourly_cost) AS hourly_cost FROM agents GROUP BY agent) a ON a.agent = s.agent
    ) ${group ? "GROUP BY ALL ORDER BY queue" : ""}`;
  const rows = [...await store.query<Record<string, number | string | null>>(select(true)), ...await store.query<Record<string, number | string | null>>(select(false))];
  return rows.map((r) => {
    const agent = r.agent_cost === null ? null : Number(r.agent_cost);
    const trunk = rate === null ? null : Number(r.line_min) * rate;
    const cost = agent === null && trunk === null ? null : (agent ?? 0) + (trunk ?? 0);
    return {
      ...(r.queue !== undefined ? { queue: String(r.queue) } : {}),
      handled: Number(r.handled), handling_h: Number(r.handling_h), agent_cost: agent, uncosted_stints: Number(r.uncosted),
      line_min: Number(r.line_min), trunk_cost: trunk, cost, cost_per_answered_call: cost === null || !Number(r.answered) ? null : cost / Number(r.answered),
    };
  });
}
