/**
 * Operator indicators per agent, team or department, per interval, day, week or the whole
 * window (OPERATIONS.md §2): time in each state, calls, occupancy, utilization, idle,
 * adherence, conformance, shrinkage, paid time and cost.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import type { AdherenceRule } from "./adherence.ts";
import type { AgentStateOptions } from "./agent_states.ts";
import type { AgentTimeSeconds, TimeAttribution } from "./accumulate.ts";
import { withAgentPeriodSums } from "./sums_sql.ts";
import { type PeriodKind, periodOf, PeriodSplitter } from "./periods.ts";
import { rollUp } from "./roll_up.ts";
import { buildAgentStatesInStore } from "./states_store.ts";

/** Options of {@link operatorKpis}; every field optional. */
export interface OperatorKpiOptions extends AgentStateOptions {
  /** Grouping: `agent` (default), `team` or `department` (from the roster), or `center` (one row). */
  by?: "agent" | "team" | "department" | "center";
  /** Time grouping: `period` (the whole window, default), `interval`, `day` or `week` (ISO, Monday). */
  period?: PeriodKind;
  /** Window start, inclusive (epoch ms); default and at the earliest: the start of the local day of the first state (nothing is measured before the data). A window outside the data gives no rows. */
  from_ms?: number | null;
  /** Window end, exclusive (epoch ms); default and at most: the end of the data (nothing is measured beyond it). */
  to_ms?: number | null;
  /** IANA zone of intervals, days and weeks (default `"UTC"`). */
  timeZone?: string;
  /** Interval length in minutes (default 30). */
  interval_minutes?: number;
  /** Attribution of agent time to periods: `split` (default) or `call_end` (see `TimeAttribution`). */
  time_attribution?: TimeAttribution;
  /** Count ring time as handling in occupancy and utilization (default false). */
  occupancy_includes_ring?: boolean;
  /** Adherence exception rule (default `"raw"`) and its threshold T (default 60 s). */
  adherence_rule?: AdherenceRule;
  adherence_threshold_s?: number;
  /** Pause reason → schedule category, for adherence (default: by activity name, else unplanned). */
  pause_categories?: Readonly<Record<string, string>>;
  /** Paid time: scheduled time where the agent has a schedule in the period, else logged-in (default), or always logged-in. */
  paid_time?: "scheduled_else_logged_in" | "logged_in";
  /** Skip rebuilding `agent_states` (already built with these wrap-up options). */
  states_built?: boolean;
  /** Segments summed per pass of agents (default 600,000: bounds DuckDB's memory; for tests and tuning). */
  segments_per_pass?: number;
}

/** One row of {@link operatorKpis}: seconds, counts, and ratios (null where the data cannot give one). */
export interface OperatorKpiRow extends AgentTimeSeconds {
  agent?: string;
  name?: string | null;
  team?: string | null;
  department?: string | null;
  interval_start?: string;
  day?: string;
  week?: string;
  agents: number;
  calls_presented: number;
  calls_answered: number;
  ring_no_answer: number;
  /** Presentations the caller ended while it rang (RINGCANCELED): presented = answered + ring_no_answer + ring_canceled. */
  ring_canceled: number;
  occupancy: number | null;
  utilization: number | null;
  longest_idle_s: number | null;
  /** Mean idle before a call: available-idle time since the previous call or the login (pauses and wrap-up excluded). */
  idle_before_call_s: number | null;
  /** The same with pauses and wrap-up included (time since the previous call ended or the login). */
  idle_before_call_incl_s: number | null;
  calls_per_hour: number | null;
  scheduled_s: number;
  adherence: number | null;
  conformance: number | null;
  shrinkage: number | null;
  shrinkage_planned: number | null;
  shrinkage_unplanned: number | null;
  paid_s: number;
  cost: number | null;
  cost_per_answered_call: number | null;
  /** Outbound calls the agent placed in the window (queue_log outbound verbs, CDRs), by their start. */
  outbound_calls: number;
  /** Of them, answered by the other party. */
  outbound_connected: number;
  /**
   * Cases (services) the agent handled with a handling time, credited to the period where the
   * work ended (solved, else closed; an unsolved case at its last update, else its opening).
   */
  cases_handled: number;
  /** Their handling time, s: the agent's "other work" beside calls (not placed in the state timeline). */
  case_work_s: number;
  /** Hourly cost × case work; null without cases or when an agent with cases has no hourly cost. */
  case_cost: number | null;
  /** case_cost / cases_handled. */
  cost_per_handled_case: number | null;
}

const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

/**
 * Operator indicators from the store (`agent_states`, rebuilt first unless `states_built`;
 * `call_stints`, `agent_events`, `agents`, `schedules`). Time is split across periods by
 * activity (a segment counts pro rata in every period it spans); calls count where they were
 * answered, ring-no-answers where they rang out.
 *
 * Definitions: occupancy = handling / (logged-in − paused), utilization = handling / logged-in,
 * handling = talk + hold + wrap-up + other calls (+ ring with `occupancy_includes_ring`);
 * adherence = 1 − counted out-of-adherence / scheduled; conformance = on-queue / scheduled
 * on-queue; shrinkage = (planned + unplanned) / scheduled; cost = hourly cost × paid hours;
 * case work = handling time of the cases (services) the agent handled, its cost = hourly cost ×
 * case work, per handled case (OPERATIONS.md §2 "cost per handled case", §4 "cost per case");
 * calls presented = answered + ring-no-answer + ring-canceled (as `agentKpis`).
 *
 * @returns rows sorted by the grouping keys
 * @throws {RangeError} for an unknown zone, a bad interval length or window
 * Source: OPERATIONS.md §2 and its worked examples 1–3.
 */
export async function operatorKpis(store: Store, options: OperatorKpiOptions = {}): Promise<OperatorKpiRow[]> {
  const by = options.by ?? "agent";
  return (await operatorKpisBy(store, options, [by]))[by];
}

/**
 * The window operator indicators measure (agent states built): at most from the start of the
 * local day of the first state (a shift scheduled before the first login that day counts as
 * missed) to the end of the data (schedules beyond it have no data yet). Before the data nothing
 * can be measured either: an earlier `from_ms` adds no number, only periods that would cost time
 * and memory.
 *
 * @returns epoch ms `from` (inclusive), `to` (exclusive unless it is the data's end `hi`), `hi` (null without states)
 */
export async function operatorWindow(store: Store, options: Pick<OperatorKpiOptions, "from_ms" | "to_ms" | "timeZone">): Promise<{ from: number; to: number; hi: number | null }> {
  const [bounds] = await store.query<{ lo: number | null; hi: number | null }>(
    `SELECT min(epoch_ms(started_at)) AS lo, max(epoch_ms(ended_at)) AS hi FROM agent_states`,
  );
  const lo = num(bounds?.lo);
  const first = lo === null ? 0 : periodOf("day", lo, options.timeZone ?? "UTC").start_ms;
  const hi = num(bounds?.hi);
  return { from: Math.max(options.from_ms ?? first, first), to: Math.min(options.to_ms ?? hi ?? 0, hi ?? Infinity), hi };
}

/** A grouping of {@link operatorKpis}. */
export type OperatorGrouping = NonNullable<OperatorKpiOptions["by"]>;

/**
 * {@link operatorKpis} for several groupings at once (`options.by` ignored): the per-agent sums
 * are computed once and rolled up each way — what a report with agent, team, department and
 * center tables needs.
 *
 * @returns rows by grouping, each as `operatorKpis` gives them
 * @throws {RangeError} as `operatorKpis`
 */
export async function operatorKpisBy<G extends OperatorGrouping>(
  store: Store, options: OperatorKpiOptions, groupings: readonly G[],
): Promise<Record<G, OperatorKpiRow[]>> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const minutes = options.interval_minutes ?? 30;
  if (![5, 10, 15, 20, 30, 60].includes(minutes)) throw new RangeError(`Cannot group agent time: interval_minutes must be 5, 10, 15, 20, 30 or 60, got ${minutes}`);
  if (!options.states_built) await buildAgentStatesInStore(store, options);
  if (options.from_ms != null && options.to_ms != null && !(options.to_ms > options.from_ms)) {
    throw new RangeError(`Cannot compute operator indicators: the window ends before it starts`);
  }
  const { from, to, hi } = await operatorWindow(store, options);
  const out = Object.fromEntries(groupings.map((g) => [g, [] as OperatorKpiRow[]])) as Record<G, OperatorKpiRow[]>;
  if (!(to > from)) return out; // a window outside the data
  const period = options.period ?? "period";
  const roll = { includeRing: options.occupancy_includes_ring ?? false, paidTime: options.paid_time ?? "scheduled_else_logged_in" } as const;
  const sums = { ...options, to_is_data_end: to === hi };
  return await withAgentPeriodSums(store, from, to, new PeriodSplitter(period, zone, minutes), sums, async (periods) => {
    for (const g of groupings) out[g] = await rollUp(store, periods, g, period, roll);
    return out;
  });
}
