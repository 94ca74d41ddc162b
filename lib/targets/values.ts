/**
 * The value of a target's KPI for one scope and period, from the historical indicator functions
 * (`queueKpis` for queue and center indicators, `operatorKpisBy` for agent, team, department
 * and center time indicators, `serviceKpis` for case indicators), cached per period and
 * service-level threshold.
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { type KpiOptions, queueKpis, type QueueKpiRow } from "../indicators/mod.ts";
import { type OperatorKpiOptions, type OperatorKpiRow, operatorKpisBy } from "../operators/mod.ts";
import type { Store } from "../store/mod.ts";
import type { EvalPeriod } from "./periods.ts";
import { SERVICE_KPIS, ServiceValues } from "./service_values.ts";

/** Indicators of a queue (and of the center) by their `queueKpis` names. */
export const QUEUE_KPIS: readonly string[] = [
  "offered", "answered", "abandoned", "short_abandoned", "timeouts", "answered_within", "abandoned_within", "open",
  "service_level", "service_level_v1", "service_level_v2", "service_level_v3", "service_level_v4", "service_level_v5", "service_level_v6", "service_level_v7",
  "abandon_rate", "abandon_rate_excl_short", "asa_s", "avg_wait_s", "max_wait_s", "aht_s", "talk_s", "handled",
];
/** Indicators of an agent, team, department (and of the center) by their `operatorKpis` names. */
export const OPERATOR_KPIS: readonly string[] = [
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "agents", "calls_presented", "calls_answered",
  "ring_no_answer", "ring_canceled", "occupancy", "utilization", "longest_idle_s", "idle_before_call_s", "idle_before_call_incl_s", "calls_per_hour",
  "scheduled_s", "adherence", "conformance", "shrinkage", "shrinkage_planned", "shrinkage_unplanned", "paid_s", "cost", "cost_per_answered_call",
];

/** A KPI's value, or why there is none. */
export type ValueOrReason = { value: number; reason: null } | { value: null; reason: string };

interface QueueSet {
  by_queue: Map<string, QueueKpiRow>;
  center: QueueKpiRow | undefined;
}
interface OperatorSet {
  agent: OperatorKpiRow[];
  team: Map<string, OperatorKpiRow>;
  department: Map<string, OperatorKpiRow>;
  center: OperatorKpiRow | undefined;
}

/**
 * Values of targets' KPIs per period, each indicator function called once per period (and
 * threshold); per-interval values come from one call grouped by interval over the window.
 */
export class TargetValues {
  readonly #queue = new Map<string, Promise<QueueSet>>();
  readonly #operator = new Map<string, Promise<OperatorSet>>();
  readonly #queueIntervals = new Map<string, Promise<Map<string, QueueSet>>>();
  #operatorIntervals: Promise<Map<string, OperatorSet>> | null = null;
  readonly #services: ServiceValues;

  /**
   * @param kpi the queue indicator options (zone, SL variant and threshold, short abandon, interval length)
   * @param operator the operator indicator options (wrap-up, adherence rule, …); agent states must be built
   * @param window `[from_ms, to_ms)` read at once for per-interval values
   */
  constructor(readonly store: Store, readonly kpi: KpiOptions, readonly operator: OperatorKpiOptions, readonly window: { from_ms: number; to_ms: number } | null = null) {
    this.#services = new ServiceValues(store, kpi.timeZone ?? "UTC");
  }

  /** The value of `t`'s KPI in `p` (an interval when `interval` is true), or the reason it has none. */
  async valueOf(t: Target, p: EvalPeriod, interval = false): Promise<ValueOrReason> {
    const inQueue = QUEUE_KPIS.includes(t.kpi), inOperator = OPERATOR_KPIS.includes(t.kpi);
    if (SERVICE_KPIS.includes(t.kpi)) return this.#services.valueOf(t, p);
    if (!inQueue && !inOperator) {
      return {
        value: null,
        reason: `'${t.kpi}' is not an indicator queuebook computes (queue: ${QUEUE_KPIS.join(", ")}; operator: ${OPERATOR_KPIS.join(", ")}; services: ${SERVICE_KPIS.join(", ")})`,
      };
    }
    if (t.scope_type === "queue" || (t.scope_type === "center" && inQueue)) {
      if (!inQueue) return { value: null, reason: `${t.kpi} is an operator indicator: set it for an operator, team, department or the center, not a queue` };
      const threshold = t.kpi.startsWith("service_level") ? t.threshold_s : null;
      const set = interval ? (await this.#queuesByInterval(threshold)).get(p.key) ?? EMPTY_QUEUES : await this.#queues(p, threshold);
      const row = t.scope_type === "center" ? set.center : set.by_queue.get(t.scope);
      if (!row) return { value: null, reason: t.scope_type === "center" ? "no calls in the period" : `no calls in queue '${t.scope}' in the period` };
      return present(row[t.kpi as keyof QueueKpiRow], t.kpi);
    }
    if (!inOperator) return { value: null, reason: `${t.kpi} is a queue indicator: set it for a queue or the center, not a ${t.scope_type}` };
    const set = interval ? (await this.#operatorsByInterval()).get(p.key) ?? EMPTY_OPERATORS : await this.#operators(p);
    let row: OperatorKpiRow | undefined;
    if (t.scope_type === "center") row = set.center;
    else if (t.scope_type === "operator") row = set.agent.find((r) => r.agent === t.scope) ?? set.agent.find((r) => r.name === t.scope);
    else row = set[t.scope_type].get(t.scope);
    if (!row) {
      const roster = t.scope_type === "team" || t.scope_type === "department" ? ` (${t.scope_type}s come from the roster: is it there, and loaded?)` : "";
      if (t.scope_type === "center") return { value: null, reason: "no agent time in the period" };
      return { value: null, reason: `no agent time of ${t.scope_type} '${t.scope}' in the period${roster}` };
    }
    return present(row[t.kpi as keyof OperatorKpiRow], t.kpi);
  }

  #queues(p: EvalPeriod, threshold_s: number | null): Promise<QueueSet> {
    // Keyed by both ends: a week, a month or the window can start at the same instant as a day.
    const key = `${p.start_ms}/${p.end_ms}/${threshold_s ?? ""}`;
    let got = this.#queue.get(key);
    if (!got) {
      const o: KpiOptions = { ...this.kpi, from_ms: p.start_ms, to_ms: p.end_ms, ...(threshold_s !== null ? { sl_threshold_s: threshold_s } : {}) };
      got = Promise.all([queueKpis(this.store, ["queue"], o), queueKpis(this.store, [], o)]).then(([rows, [center]]) => ({
        by_queue: new Map(rows.map((r) => [r.queue!, r])), center: center && center.offered + center.open > 0 ? center : undefined,
      }));
      this.#queue.set(key, got);
    }
    return got;
  }

  #queuesByInterval(threshold_s: number | null): Promise<Map<string, QueueSet>> {
    const key = String(threshold_s ?? "");
    let got = this.#queueIntervals.get(key);
    if (!got) {
      const o: KpiOptions = { ...this.kpi, from_ms: this.window?.from_ms, to_ms: this.window?.to_ms, ...(threshold_s !== null ? { sl_threshold_s: threshold_s } : {}) };
      got = Promise.all([queueKpis(this.store, ["queue", "interval"], o), queueKpis(this.store, ["interval"], o)]).then(([rows, centers]) => {
        const out = new Map<string, QueueSet>();
        const of = (k: string) => out.get(k) ?? (out.set(k, { by_queue: new Map(), center: undefined }), out.get(k)!);
        for (const r of rows) of(r.interval_start!).by_queue.set(r.queue!, r);
        for (const c of centers) if (c.offered + c.open > 0) of(c.interval_start!).center = c;
        return out;
      });
      this.#queueIntervals.set(key, got);
    }
    return got;
  }

  #operatorsByInterval(): Promise<Map<string, OperatorSet>> {
    this.#operatorIntervals ??= operatorKpisBy(this.store, {
      ...this.operator, from_ms: this.window?.from_ms, to_ms: this.window?.to_ms, period: "interval", interval_minutes: this.kpi.interval_minutes, states_built: true,
    }, ["agent", "team", "department", "center"]).then((r) => {
      const out = new Map<string, OperatorSet>();
      const of = (k: string) => out.get(k) ?? (out.set(k, { agent: [], team: new Map(), department: new Map(), center: undefined }), out.get(k)!);
      for (const x of r.agent) of(x.interval_start!).agent.push(x);
      for (const x of r.team) if (x.team != null) of(x.interval_start!).team.set(x.team, x);
      for (const x of r.department) if (x.department != null) of(x.interval_start!).department.set(x.department, x);
      for (const x of r.center) if (x.agents > 0) of(x.interval_start!).center = x;
      return out;
    });
    return this.#operatorIntervals;
  }

  #operators(p: EvalPeriod): Promise<OperatorSet> {
    const key = `${p.start_ms}/${p.end_ms}`;
    let got = this.#operator.get(key);
    if (!got) {
      got = operatorKpisBy(this.store, { ...this.operator, from_ms: p.start_ms, to_ms: p.end_ms, period: "period", states_built: true }, ["agent", "team", "department", "center"])
        .then((r) => ({
          agent: r.agent,
          team: new Map(r.team.filter((x) => x.team != null).map((x) => [x.team!, x])),
          department: new Map(r.department.filter((x) => x.department != null).map((x) => [x.department!, x])),
          // No agent time in the period: no center row (a 0 would read as a value, and as missed).
          center: r.center[0] && r.center[0].agents > 0 ? r.center[0] : undefined,
        }));
      this.#operator.set(key, got);
    }
    return got;
  }
}

const EMPTY_QUEUES: QueueSet = { by_queue: new Map(), center: undefined };
const EMPTY_OPERATORS: OperatorSet = { agent: [], team: new Map(), department: new Map(), center: undefined };

function present(x: unknown, kpi: string): ValueOrReason {
  if (typeof x === "number" && Number.isFinite(x)) return { value: x, reason: null };
  return { value: null, reason: `the data give no ${kpi} in the period (nothing to divide by: no calls offered, answered or scheduled)` };
}
