/**
 * Private: per-agent sums rolled up to agents, teams or departments (Arquero, group by the
 * roster's keys), then every ratio computed once from the summed parts — never averaged.
 *
 * @module
 */
import * as aq from "arquero";
import type { AgentSums, OperatorKpiRow } from "./operator_kpis.ts";
import type { PeriodKind } from "./periods.ts";

const SUMMED = [
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "on_queue_scheduled_s", "scheduled_s",
  "scheduled_on_queue_s", "planned_shrinkage_s", "unplanned_shrinkage_s", "out_counted_s", "calls_answered", "ring_no_answer", "ring_canceled",
  "paid_s", "known_cost", "uncosted_paid_s", "ibc_n", "ibc_excl_s", "ibc_incl_s",
] as const;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const PERIOD_KEY: Record<PeriodKind, string | null> = { interval: "interval_start", day: "day", week: "week", period: null };

/**
 * Rolls agent sums up by `by` and period, and derives the indicators.
 *
 * @param includeRing count ring time as handling
 */
export function rollUp(agents: readonly AgentSums[], by: "agent" | "team" | "department" | "center", period: PeriodKind, includeRing: boolean): OperatorKpiRow[] {
  const periodKey = PERIOD_KEY[period];
  const groups = { agent: ["agent", "name", "team", "department"], team: ["team", "department"], department: ["department"], center: [] }[by];
  const keys = [...groups, ...(periodKey ? ["p"] : [])];
  const flat = agents.map((a) => ({
    ...Object.fromEntries(SUMMED.filter((k) => k in a).map((k) => [k, (a as unknown as Record<string, number>)[k]])),
    agent: a.agent, name: a.name, team: a.team, department: a.department, p: a.period.key, p_ms: a.period.start_ms,
    known_cost: a.hourly_cost === null ? 0 : a.hourly_cost * a.paid_s / 3600,
    uncosted_paid_s: a.hourly_cost === null ? a.paid_s : 0,
    longest_idle_s: a.longest_idle_s ?? -1,
  }));
  if (flat.length === 0) return [];
  const table = keys.length ? aq.from(flat).groupby(keys) : aq.from(flat);
  const sums = table.rollup({
    ...Object.fromEntries(SUMMED.map((k) => [k, aq.op.sum(k)])),
    agents: aq.op.distinct("agent"),
    longest_idle_s: aq.op.max("longest_idle_s"),
    p_ms: aq.op.min("p_ms"),
  }).orderby(...(keys.length ? [...groups, "p_ms"] : ["agents"])).objects() as Record<string, unknown>[]; // periods in time order (a DST fall-back repeats a key's wall clock)
  // Pause reasons are maps: merged per group in plain code.
  const reasons = new Map<string, Record<string, number>>();
  const groupOf = (r: Record<string, unknown>) => keys.map((k) => String(r[k] ?? "\u0000")).join("\u0001");
  for (const a of agents) {
    const g = groupOf({ ...a, p: a.period.key });
    const m = reasons.get(g) ?? reasons.set(g, {}).get(g)!;
    for (const [r, s] of Object.entries(a.paused_by_reason)) m[r] = (m[r] ?? 0) + s;
  }
  return sums.map((r) => derive(r, reasons.get(groupOf(r)) ?? {}, by, periodKey, includeRing));
}

function derive(r: Record<string, unknown>, reasons: Record<string, number>, by: string, periodKey: string | null, includeRing: boolean): OperatorKpiRow {
  const n = (k: string) => Number(r[k] ?? 0);
  const handling = n("talk_s") + n("hold_s") + n("wrap_s") + n("other_call_s") + (includeRing ? n("ring_s") : 0);
  const presented = n("calls_answered") + n("ring_no_answer") + n("ring_canceled");
  const scheduled = n("scheduled_s");
  const cost = n("uncosted_paid_s") > 0 ? null : n("known_cost");
  const keys: Record<string, unknown> = {};
  if (by === "agent") Object.assign(keys, { agent: r.agent, name: r.name ?? null });
  if (by === "agent" || by === "team") keys.team = r.team ?? null;
  if (by !== "center") keys.department = r.department ?? null;
  if (periodKey) keys[periodKey] = r.p;
  return {
    ...keys,
    agents: n("agents"),
    logged_in_s: n("logged_in_s"), available_idle_s: n("available_idle_s"), ring_s: n("ring_s"), talk_s: n("talk_s"), hold_s: n("hold_s"),
    wrap_s: n("wrap_s"), other_call_s: n("other_call_s"), paused_s: n("paused_s"), paused_by_reason: reasons,
    calls_presented: presented, calls_answered: n("calls_answered"), ring_no_answer: n("ring_no_answer"), ring_canceled: n("ring_canceled"),
    occupancy: ratio(handling, n("logged_in_s") - n("paused_s")),
    utilization: ratio(handling, n("logged_in_s")),
    longest_idle_s: n("longest_idle_s") >= 0 ? n("longest_idle_s") : null,
    idle_before_call_s: ratio(n("ibc_excl_s"), n("ibc_n")),
    idle_before_call_incl_s: ratio(n("ibc_incl_s"), n("ibc_n")),
    calls_per_hour: ratio(n("calls_answered"), n("logged_in_s") / 3600),
    scheduled_s: scheduled,
    adherence: scheduled > 0 ? 1 - n("out_counted_s") / scheduled : null,
    // Only agents with on-queue time scheduled: an unscheduled agent's time would inflate it.
    conformance: ratio(n("on_queue_scheduled_s"), n("scheduled_on_queue_s")),
    shrinkage: ratio(n("planned_shrinkage_s") + n("unplanned_shrinkage_s"), scheduled),
    shrinkage_planned: ratio(n("planned_shrinkage_s"), scheduled),
    shrinkage_unplanned: ratio(n("unplanned_shrinkage_s"), scheduled),
    paid_s: n("paid_s"),
    cost,
    cost_per_answered_call: cost === null ? null : ratio(cost, n("calls_answered")),
  } as OperatorKpiRow;
}
