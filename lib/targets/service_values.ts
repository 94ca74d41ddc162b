/**
 * Private: the value of a service (ticket) target's KPI for one scope and period, from
 * `serviceKpis` (cases created in the period; backlog at the period's end).
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { type ServiceGrouping, serviceKpis, type ServiceKpiRow } from "../services/mod.ts";
import type { Store } from "../store/mod.ts";
import type { EvalPeriod } from "./periods.ts";

/**
 * Service indicators a target can name, by their `qb services --json` keys; `service_cost` is
 * the services' `cost` (the operators' `cost` is the paid time's).
 */
export const SERVICE_KPIS: readonly string[] = [
  "cases", "solved", "open_at_snapshot", "reopen_rate", "sla_breach_rate", "reassigned_cases", "first_reply_median_min",
  "first_reply_median_bh_min", "first_reply_within_target", "resolution_median_h", "resolution_median_bh_h", "csat", "csat_mean_score",
  "service_cost", "cost_per_solved_case",
];

/** Scope types of service targets and the grouping each reads (a queue of cases is its group). */
const GROUPING: Partial<Record<Target["scope_type"], ServiceGrouping | null>> = { center: null, queue: "group", operator: "agent", team: "team" };

/** Counts and sums: 0 in a period without cases (not n/a). */
const COUNTS = new Set(["cases", "solved", "open_at_snapshot", "reassigned_cases", "service_cost"]);

type Value = { value: number; reason: null } | { value: null; reason: string };

/** Values of service targets, `serviceKpis` called once per period and grouping. */
export class ServiceValues {
  readonly #cache = new Map<string, Promise<ServiceKpiRow[]>>();
  readonly #scopeSets = new Map<ServiceGrouping, Promise<Set<string>>>();
  #loaded: Promise<number> | null = null;

  constructor(readonly store: Store, readonly timeZone: string) {}

  /** The value of `t`'s KPI (one of {@link SERVICE_KPIS}) in `p`, or the reason it has none. */
  async valueOf(t: Target, p: EvalPeriod): Promise<Value> {
    this.#loaded ??= this.store.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM services").then((r) => r[0]!.n);
    if ((await this.#loaded) === 0) return { value: null, reason: `${t.kpi} is a service indicator and no case was loaded (give --services with a non-empty export)` };
    const by = GROUPING[t.scope_type];
    if (by === undefined) return { value: null, reason: `service indicators are per center, queue (the case group), operator or team, not per ${t.scope_type}` };
    if (by !== null && !(await this.#scopes(by)).has(t.scope)) {
      const roster = by === "team" ? " (teams come from the roster: is it loaded?)" : "";
      return { value: null, reason: `no case of ${t.scope_type} '${t.scope}' in the export${roster}` };
    }
    // The backlog is every case open at the period's end, whenever it was created; the other KPIs are of the cases created in the period.
    const backlog = t.kpi === "open_at_snapshot";
    const rows = await this.#rows(p, by, backlog);
    const row = by === null ? rows[0] : rows.find((r) => r[by] === t.scope);
    // No case in the period: counts and costs are 0, rates and medians have nothing to divide.
    if (!row || row.cases === 0) return COUNTS.has(t.kpi) ? { value: 0, reason: null } : { value: null, reason: "no case created in the period" };
    const x = row[(t.kpi === "service_cost" ? "cost" : t.kpi) as keyof ServiceKpiRow];
    if (typeof x === "number" && Number.isFinite(x)) return { value: x, reason: null };
    return { value: null, reason: `the data give no ${t.kpi} in the period (no case with the field it needs: a reply, a solve, a survey, an SLA or a cost)` };
  }

  /** The scopes of a grouping present in the whole export (a team: the roster's). */
  #scopes(by: ServiceGrouping): Promise<Set<string>> {
    let got = this.#scopeSets.get(by);
    if (!got) {
      got = serviceKpis(this.store, { by, timeZone: this.timeZone }).then((rows) => new Set(rows.map((r) => String(r[by] ?? "")).filter((x) => x !== "")));
      this.#scopeSets.set(by, got);
    }
    return got;
  }

  #rows(p: EvalPeriod, by: ServiceGrouping | null, backlog: boolean): Promise<ServiceKpiRow[]> {
    const key = `${p.start_ms}/${p.end_ms}/${by}/${backlog}`;
    let got = this.#cache.get(key);
    if (!got) {
      // Cases created in the period, or (backlog) every case created before its end; the snapshot at its end.
      got = serviceKpis(this.store, { by: by ?? undefined, from_ms: backlog ? null : p.start_ms, to_ms: p.end_ms, at_ms: p.end_ms - 1, timeZone: this.timeZone });
      this.#cache.set(key, got);
    }
    return got;
  }
}
