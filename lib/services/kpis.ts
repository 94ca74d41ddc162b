/**
 * Service (ticket) indicators of OPERATIONS.md §4 from `services`, per group, channel, agent,
 * team (from the roster), month of creation, or in total: volume, solved, backlog at a snapshot,
 * reopen rate, reassignment, first reply and resolution times (calendar and business hours side
 * by side, as the export gives them), CSAT, cost.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { ianaZone, isoInZone } from "../time/mod.ts";

/** Groupings of {@link serviceKpis}. */
export const SERVICE_GROUPINGS = ["group", "channel", "agent", "team", "month"] as const;
/** One of {@link SERVICE_GROUPINGS}. */
export type ServiceGrouping = (typeof SERVICE_GROUPINGS)[number];

/** Options of {@link serviceKpis}. */
export interface ServiceKpiOptions {
  /** Grouping (default: one row of totals). */
  by?: ServiceGrouping;
  /** Backlog snapshot instant (epoch ms; default the latest instant in the data: the export's). */
  at_ms?: number | null;
  /** First-reply target in minutes (default 480: one 8-hour business day). */
  first_reply_target_min?: number;
  /** Zone of months (default UTC). */
  timeZone?: string;
  /** Cases created in `[from_ms, to_ms)` only (default all). */
  from_ms?: number | null;
  to_ms?: number | null;
}

/** One row of {@link serviceKpis} (the `qb services --json` contract: keys are stable). */
export interface ServiceKpiRow {
  group?: string | null;
  channel?: string | null;
  agent?: string | null;
  team?: string | null;
  month?: string;
  cases: number;
  /** Cases with a solve (solved or closed). */
  solved: number;
  /** Open at the snapshot: at the export's instant by status (new, open, pending, hold); before it, created and not yet solved. */
  open_at_snapshot: number;
  /** The snapshot instant (ISO). */
  snapshot_at: string | null;
  open_by_status: Record<string, number>;
  /** Cases reopened at least once / solved or closed cases (null when the export has no reopen count). */
  reopen_rate: number | null;
  /** Breached / measured cases (null when the source has no SLA field). */
  sla_breach_rate: number | null;
  /** Cases whose assignee changed after the first assignment (null when the source cannot tell). */
  reassigned_cases: number | null;
  first_reply_median_min: number | null;
  first_reply_median_bh_min: number | null;
  /** Cases with a first reply (of either basis). */
  first_reply_cases: number;
  /** Share of replied cases whose first reply came within the target: calendar minutes where the source gives them, else business minutes (`first_reply_basis`). */
  first_reply_within_target: number | null;
  first_reply_basis: "calendar" | "business_hours" | null;
  first_reply_target_min: number;
  /** Median full resolution time of solved cases, calendar hours. */
  resolution_median_h: number | null;
  resolution_median_bh_h: number | null;
  /** Satisfied / answered surveys: good, or 4–5 on a 1–5 scale, over good + bad (1–3); "offered" surveys without an answer excluded. */
  csat: number | null;
  /** Mean score of the answered 1–5 surveys (null without any). */
  csat_mean_score: number | null;
  cost: number | null;
  cost_per_solved_case: number | null;
}

/** Open statuses (Zendesk: new, open, pending, hold; ServiceNow: new, active, awaiting …; GLPI: new, processing …, pending, and in French; the demo: open). */
export const OPEN_STATUS_SQL = "(lower(status) IN ('new', 'open', 'pending', 'hold', 'on-hold', 'on hold', 'active', 'in progress', 'nouveau', 'en attente') " +
  "OR lower(status) LIKE 'awaiting%' OR lower(status) LIKE 'processing%' OR lower(status) LIKE 'en cours%')";
/** Done statuses: solved, closed, resolved (GLPI in French: résolu, clos). */
export const DONE_STATUS_SQL = "lower(status) IN ('solved', 'closed', 'resolved', 'résolu', 'clos')";
const OPEN = OPEN_STATUS_SQL;
const DONE = DONE_STATUS_SQL;
const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

/**
 * Service indicators from `services`.
 *
 * Medians are the middle value (the mean of the two middle values for an even count), of the
 * cases that have the duration. Backlog: at the latest `updated_at` in the data (the export's
 * instant) the cases whose status is open ({@link OPEN_STATUS_SQL}); at an earlier snapshot the
 * cases created by then and not solved by then (`solved_at` is the latest solve: a case reopened
 * and solved again counts as open until its last solve).
 *
 * @throws {RangeError} for a bad grouping, zone or target
 * Source: OPERATIONS.md §4.
 */
export async function serviceKpis(store: Store, options: ServiceKpiOptions = {}): Promise<ServiceKpiRow[]> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const target = options.first_reply_target_min ?? 480;
  if (!(target > 0)) throw new RangeError(`Cannot compute service indicators: first_reply_target_min must be > 0, got ${target}`);
  if (options.by !== undefined && !(SERVICE_GROUPINGS as readonly string[]).includes(options.by)) {
    throw new RangeError(`Cannot group service indicators: by must be one of ${SERVICE_GROUPINGS.join(", ")}, got '${options.by}'`);
  }
  const [bounds] = await store.query<{ latest: number | null }>(`SELECT epoch_ms(greatest(max(updated_at), max(opened_at), max(solved_at), max(closed_at))) AS latest FROM services`);
  const latest = num(bounds?.latest);
  const at = options.at_ms ?? latest;
  const byStatus = at !== null && latest !== null && at >= latest;
  const atSql = at === null ? "NULL" : `make_timestamptz(${Math.round(at) * 1000})`;
  const where = [
    options.from_ms != null ? `opened_at >= make_timestamptz(${Math.round(options.from_ms) * 1000})` : "true",
    options.to_ms != null ? `opened_at < make_timestamptz(${Math.round(options.to_ms) * 1000})` : "true",
  ].join(" AND ");
  const key = options.by === undefined ? null
    : options.by === "month" ? `strftime(timezone('${zone}', opened_at), '%Y-%m')`
    : options.by === "team" ? "a.team" : `s."${options.by}"`;
  const open = byStatus ? OPEN : `opened_at <= ${atSql} AND (solved_at IS NULL OR solved_at > ${atSql})`;
  const rows = await store.query<Record<string, unknown>>(`
    SELECT ${key === null ? "" : `${key} AS k,`}
      count(*) AS cases,
      count(*) FILTER (solved_at IS NOT NULL OR ${DONE}) AS solved,
      count(*) FILTER (${open}) AS open_n,
      count(*) FILTER (coalesce(reopens, 0) >= 1 AND ${DONE}) AS reopened_solved,
      count(*) FILTER (${DONE}) AS solved_or_closed,
      count(reopens) AS reopens_known,
      count(sla_breached) AS sla_measured, count(*) FILTER (sla_breached) AS sla_breached,
      count(reassigned) AS reassign_known, count(*) FILTER (reassigned) AS reassigned,
      list(first_reply_min ORDER BY first_reply_min) FILTER (first_reply_min IS NOT NULL) AS fr_list,
      list(first_reply_bh_min ORDER BY first_reply_bh_min) FILTER (first_reply_bh_min IS NOT NULL) AS fr_bh_list,
      count(*) FILTER (first_reply_min <= ${target}) AS fr_cal_within, count(*) FILTER (first_reply_bh_min <= ${target}) AS fr_bh_within,
      count(*) FILTER (first_reply_min IS NOT NULL OR first_reply_bh_min IS NOT NULL) AS fr_cases,
      list(resolution_min ORDER BY resolution_min) FILTER ((solved_at IS NOT NULL OR ${DONE}) AND resolution_min IS NOT NULL) AS res_list,
      list(resolution_bh_min ORDER BY resolution_bh_min) FILTER ((solved_at IS NOT NULL OR ${DONE}) AND resolution_bh_min IS NOT NULL) AS res_bh_list,
      count(*) FILTER (csat = 'good' OR TRY_CAST(csat AS INTEGER) IN (4, 5)) AS good,
      count(*) FILTER (csat = 'bad' OR TRY_CAST(csat AS INTEGER) IN (1, 2, 3)) AS bad,
      coalesce(sum(TRY_CAST(csat AS INTEGER)) FILTER (TRY_CAST(csat AS INTEGER) BETWEEN 1 AND 5), 0) AS csat_sum,
      count(*) FILTER (TRY_CAST(csat AS INTEGER) BETWEEN 1 AND 5) AS csat_n,
      coalesce(sum(cost), 0) AS cost, count(cost) AS cost_n
    FROM services s ${options.by === "team" ? "LEFT JOIN agents a ON a.agent = s.agent" : ""}
    WHERE ${where}
    ${key === null ? "" : "GROUP BY k ORDER BY k NULLS LAST"}`);
  const from = `FROM services s ${options.by === "team" ? "LEFT JOIN agents a ON a.agent = s.agent" : ""} WHERE ${where}`;
  const openRows = await store.query<{ k: unknown; status: string; n: number }>(
    `SELECT ${key === null ? "NULL" : key} AS k, status, count(*) AS n ${from} AND ${open} GROUP BY ALL ORDER BY n DESC, status`,
  );
  return serviceRowsFromPartials(rows, openRows, { by: options.by, at_ms: at, timeZone: zone, first_reply_target_min: target });
}

/**
 * The median of sorted values as DuckDB's `median` (`quantile_cont(0.5)`) gives it: the middle
 * value, or `lo + (hi − lo) × 0.5` of the two middle ones; null for none.
 * Source: DuckDB "Aggregate functions: quantile_cont" (linear interpolation between the closest ranks).
 */
export function medianOfSorted(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * 0.5;
  const lo = sorted[Math.floor(pos)]!, hi = sorted[Math.ceil(pos)]!;
  return lo === hi ? lo : lo + (hi - lo) * (pos - Math.floor(pos));
}

/**
 * The service indicator rows from their partial aggregates, one row per group: the one place
 * where every ratio and median is taken (DuckDB and the distributed backend send the same
 * counts, sums and sorted value lists, which add up across shards by summing and merging).
 *
 * @param rows per group: `k` (the group's key, absent for totals), the counts and sums of
 *   `serviceKpis`' SQL (`cases`, `solved`, `open_n`, …, `cost`, `cost_n`) and the sorted lists
 *   `fr_list`, `fr_bh_list`, `res_list`, `res_bh_list` (minutes)
 * @param openRows open cases at the snapshot per key and status (`k`, `status`, `n`)
 * @param o the grouping, snapshot instant, zone and first-reply target the partials were made with
 */
export function serviceRowsFromPartials(
  rows: readonly Record<string, unknown>[], openRows: readonly { k: unknown; status: string; n: number }[],
  o: { by?: ServiceGrouping; at_ms: number | null; timeZone: string; first_reply_target_min: number },
): ServiceKpiRow[] {
  const keyed = o.by !== undefined;
  return rows.map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    const list = (k: string) => ((r[k] as unknown[] | null) ?? []).map(Number);
    const openBy: Record<string, number> = {};
    for (const x of openRows) if (!keyed || String(x.k) === String(r.k)) openBy[x.status] = (openBy[x.status] ?? 0) + Number(x.n);
    const fr = list("fr_list"), frBh = list("fr_bh_list");
    const calendar = fr.length > 0;
    const res = medianOfSorted(list("res_list")), resBh = medianOfSorted(list("res_bh_list"));
    const row: ServiceKpiRow = {
      ...(keyed ? { [o.by!]: r.k === null || r.k === undefined ? null : String(r.k) } : {}),
      cases: n("cases"), solved: n("solved"), open_at_snapshot: n("open_n"), snapshot_at: o.at_ms === null ? null : isoInZone(o.at_ms, o.timeZone), open_by_status: openBy,
      // An export without a reopen count (the demo's) cannot give the rate: n/a, not 0.
      reopen_rate: n("solved_or_closed") && n("reopens_known") ? n("reopened_solved") / n("solved_or_closed") : null,
      sla_breach_rate: n("sla_measured") ? n("sla_breached") / n("sla_measured") : null,
      reassigned_cases: n("reassign_known") ? n("reassigned") : null,
      first_reply_median_min: medianOfSorted(fr), first_reply_median_bh_min: medianOfSorted(frBh), first_reply_cases: n("fr_cases"),
      first_reply_within_target: calendar ? n("fr_cal_within") / fr.length : frBh.length ? n("fr_bh_within") / frBh.length : null,
      first_reply_basis: calendar ? "calendar" : frBh.length ? "business_hours" : null, first_reply_target_min: o.first_reply_target_min,
      resolution_median_h: res === null ? null : res / 60, resolution_median_bh_h: resBh === null ? null : resBh / 60,
      csat: n("good") + n("bad") ? n("good") / (n("good") + n("bad")) : null, csat_mean_score: n("csat_n") ? n("csat_sum") / n("csat_n") : null,
      cost: n("cost_n") ? n("cost") : null, cost_per_solved_case: n("cost_n") && n("solved") ? n("cost") / n("solved") : null,
    };
    return row;
  });
}
