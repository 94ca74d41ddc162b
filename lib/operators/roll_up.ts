/**
 * Private: per-agent sums rolled up to agents, teams, departments or the center in SQL (grouped
 * by the roster's keys), then every ratio computed once from the summed parts — never averaged.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import type { OperatorKpiRow } from "./operator_kpis.ts";
import type { Period, PeriodKind } from "./periods.ts";
import { ROSTER_SQL } from "./roster_sql.ts";

const SUMMED = [
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "on_queue_scheduled_s", "scheduled_s",
  "scheduled_on_queue_s", "planned_shrinkage_s", "unplanned_shrinkage_s", "out_counted_s", "calls_answered", "ring_no_answer", "ring_canceled",
  "paid_s", "known_cost", "uncosted_paid_s", "ibc_n", "ibc_excl_s", "ibc_incl_s", "cases_handled", "case_work_s", "case_known_cost", "uncosted_cases",
  "outbound_calls", "outbound_connected",
] as const;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const PERIOD_KEY: Record<PeriodKind, string | null> = { interval: "interval_start", day: "day", week: "week", period: null };

/** Options of {@link rollUp}. */
export interface RollUpOptions {
  /** Count ring time as handling. */
  includeRing: boolean;
  /** Paid time: scheduled where the agent has a schedule in the period, else logged-in; or always logged-in. */
  paidTime: "scheduled_else_logged_in" | "logged_in";
}

/**
 * Rolls the per-agent sums of `qo_sums` (see `withAgentPeriodSums`) up by `by` and period in
 * SQL, with the roster's keys and costs, and derives every ratio once from the summed parts —
 * never averaged. Seconds are rounded to the millisecond (the instants' resolution: what is left
 * is floating-point noise of the sums).
 *
 * @returns rows sorted by the grouping keys, periods in time order (a DST fall-back repeats a wall-clock key)
 */
export async function rollUp(
  store: Store, periods: readonly Period[], by: "agent" | "team" | "department" | "center", period: PeriodKind, o: RollUpOptions,
): Promise<OperatorKpiRow[]> {
  const periodKey = PERIOD_KEY[period];
  const groups = { agent: ["agent", "name", "team", "department"], team: ["team", "department"], department: ["department"], center: [] }[by];
  const keys = [...groups.map((g) => `"${g}"`), ...(periodKey ? ["pid"] : [])];
  const paid = o.paidTime === "scheduled_else_logged_in" ? "CASE WHEN scheduled_s > 0 THEN scheduled_s ELSE logged_in_s END" : "logged_in_s";
  const group = keys.length ? `GROUP BY ${keys.join(", ")}` : "";
  const rows = await store.query<Record<string, unknown>>(`
    WITH a AS (
      SELECT g.agent, r.name, r.team, r.department, r.hourly_cost,
        s.* EXCLUDE (aid) REPLACE (${[...NUMERIC_NULLABLE].map((k) => `coalesce(s.${k}, 0) AS ${k}`).join(", ")})
      FROM qo_sums s JOIN qo_agents g USING (aid) LEFT JOIN (${ROSTER_SQL}) r ON r.agent = g.agent
    ), p AS (
      SELECT *, ${paid} AS paid_s FROM a
    ), b AS (
      SELECT *, CASE WHEN scheduled_on_queue_s > 0 THEN on_queue_s ELSE 0 END AS on_queue_scheduled_s,
        coalesce(hourly_cost * paid_s / 3600, 0) AS known_cost, CASE WHEN hourly_cost IS NULL THEN paid_s ELSE 0 END AS uncosted_paid_s,
        coalesce(hourly_cost * case_work_s / 3600, 0) AS case_known_cost, CASE WHEN hourly_cost IS NULL THEN cases_handled ELSE 0 END AS uncosted_cases
      FROM p
    )
    SELECT ${[...keys, ...SUMMED.map((k) => (k.endsWith("_s") ? `round(sum(${k}), 3) AS ${k}` : `sum(${k}) AS ${k}`))].join(", ")}, count(DISTINCT agent) AS agents, coalesce(max(longest_idle_s), -1) AS longest_idle_s,
      min(p_start) AS p_ms
    FROM (SELECT b.*, p.p_start FROM b JOIN qo_periods p USING (pid)) ${group}
    ORDER BY ${[...groups.map((g) => `"${g}" NULLS LAST`), "p_ms"].join(", ")}`);
  // Pause reasons are maps: summed per group and reason.
  const reasonRows = await store.query<Record<string, unknown>>(`
    SELECT ${[...keys, "reason", "sum(d) AS s"].join(", ")} FROM (
      SELECT g.agent, r.name, r.team, r.department, pc.pid, pc.reason, pc.s AS d
      FROM qo_reasons pc JOIN qo_agents g ON g.aid = pc.aid LEFT JOIN (${ROSTER_SQL}) r ON r.agent = g.agent
    ) GROUP BY ${[...keys, "reason"].join(", ")}`);
  const groupOf = (r: Record<string, unknown>) => keys.map((k) => String(r[k.replaceAll('"', "")] ?? "\u0000")).join("\u0001");
  const reasons = new Map<string, Record<string, number>>();
  for (const r of reasonRows) {
    const m = reasons.get(groupOf(r)) ?? reasons.set(groupOf(r), {}).get(groupOf(r))!;
    m[String(r.reason)] = (m[String(r.reason)] ?? 0) + Number(r.s);
  }
  return rows.map((r) => derive({ ...r, p: periodKey ? periods[Number(r.pid)]!.key : undefined }, reasons.get(groupOf(r)) ?? {}, by, periodKey, o.includeRing));
}

/** Columns of `qo_sums` that are null where a row comes from calls only, or has no stretch or idle-before-call. */
const NUMERIC_NULLABLE = new Set([
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "on_queue_s", "scheduled_s",
  "scheduled_on_queue_s", "planned_shrinkage_s", "unplanned_shrinkage_s", "out_counted_s", "calls_answered", "ring_no_answer", "ring_canceled",
  "ibc_n", "ibc_excl_s", "ibc_incl_s", "cases_handled", "case_work_s", "outbound_calls", "outbound_connected",
]);

function derive(r: Record<string, unknown>, reasons: Record<string, number>, by: string, periodKey: string | null, includeRing: boolean): OperatorKpiRow {
  const n = (k: string) => Number(r[k] ?? 0);
  const handling = n("talk_s") + n("hold_s") + n("wrap_s") + n("other_call_s") + (includeRing ? n("ring_s") : 0);
  const presented = n("calls_answered") + n("ring_no_answer") + n("ring_canceled");
  const scheduled = n("scheduled_s");
  const cost = n("uncosted_paid_s") > 0 ? null : n("known_cost");
  const caseCost = n("uncosted_cases") > 0 ? null : n("case_known_cost");
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
    outbound_calls: n("outbound_calls"), outbound_connected: n("outbound_connected"),
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
    cases_handled: n("cases_handled"), case_work_s: n("case_work_s"),
    case_cost: n("cases_handled") > 0 ? caseCost : null,
    cost_per_handled_case: caseCost === null ? null : ratio(caseCost, n("cases_handled")),
  } as OperatorKpiRow;
}
