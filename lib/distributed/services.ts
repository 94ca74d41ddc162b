/**
 * Service (case) indicators on the ClickHouse cluster: counts, sums and sorted value lists per
 * group in ClickHouse SQL (18.16 dialect), merged and turned into rows by the same TypeScript as
 * DuckDB's (`serviceRowsFromPartials`: medians, rates, CSAT, cost per case).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { SERVICE_GROUPINGS, type ServiceKpiOptions, type ServiceKpiRow, serviceRowsFromPartials } from "../services/mod.ts";
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import type { ClickHouseQueries } from "./clickhouse.ts";
import { chString } from "./sql.ts";

const LISTS = ["fr_list", "fr_bh_list", "res_list", "res_bh_list"] as const;
/** Outputs named apart from the input columns in ClickHouse, and their names in `serviceKpis`' SQL. */
const RENAMED: Readonly<Record<string, string>> = { n_sla_breached: "sla_breached", n_reassigned: "reassigned", sum_cost: "cost" };
const renamed = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [RENAMED[k] ?? k, v]));

/**
 * The partial aggregates of one group (ClickHouse SQL; the names of `serviceKpis`' SQL, except
 * where an output would shadow an input column — aliases are global in ClickHouse — renamed back
 * by {@link RENAMED}).
 */
function partialsSql(table: string, key: string | null, where: string, open: string, target: number): string {
  const sorted = (x: string, c = `isNotNull(${x})`) => `arraySort(groupArrayIf(assumeNotNull(${x}), ${c}))`;
  const solved = "(isNotNull(solved_ms) OR is_done = 1)";
  return `SELECT ${key === null ? "" : `${key} AS k,`}
  count() AS cases, countIf(${solved}) AS solved, countIf(${open}) AS open_n,
  countIf(ifNull(reopens, 0) >= 1 AND is_done = 1) AS reopened_solved, countIf(is_done = 1) AS solved_or_closed, count(reopens) AS reopens_known,
  count(sla_breached) AS sla_measured, countIf(ifNull(sla_breached, 0) = 1) AS n_sla_breached,
  count(reassigned) AS reassign_known, countIf(ifNull(reassigned, 0) = 1) AS n_reassigned,
  ${sorted("first_reply_min")} AS fr_list, ${sorted("first_reply_bh_min")} AS fr_bh_list,
  countIf(ifNull(first_reply_min <= ${target}, 0)) AS fr_cal_within, countIf(ifNull(first_reply_bh_min <= ${target}, 0)) AS fr_bh_within,
  countIf(isNotNull(first_reply_min) OR isNotNull(first_reply_bh_min)) AS fr_cases,
  ${sorted("resolution_min", `${solved} AND isNotNull(resolution_min)`)} AS res_list,
  ${sorted("resolution_bh_min", `${solved} AND isNotNull(resolution_bh_min)`)} AS res_bh_list,
  sum(csat_good) AS good, sum(csat_bad) AS bad, sum(ifNull(csat_score, 0)) AS csat_sum, count(csat_score) AS csat_n,
  sum(ifNull(cost, 0)) AS sum_cost, count(cost) AS cost_n
FROM ${table} WHERE ${where}${key === null ? "" : " GROUP BY k"}`;
}

/** Sums the counts and merges the sorted lists of partial rows that fall into one group (agents into teams). */
function mergePartials(rows: readonly Record<string, unknown>[], k: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { k };
  for (const r of rows) {
    for (const [c, v] of Object.entries(r)) {
      if (c === "k") continue;
      if ((LISTS as readonly string[]).includes(c)) out[c] = [...((out[c] as number[]) ?? []), ...(v as unknown[]).map(Number)];
      else out[c] = Number(out[c] ?? 0) + Number(v);
    }
  }
  for (const c of LISTS) (out[c] as number[] | undefined)?.sort((a, b) => a - b);
  return out;
}

/** Keys in DuckDB's `ORDER BY k NULLS LAST` (byte order of UTF-8). */
const byKey = (a: unknown, b: unknown): number => {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
};

/**
 * {@link serviceKpis} on the cluster's `services` of one center: the same rows, key for key.
 * Grouping by team takes the roster (`agents`) of `store` (the cluster holds no roster): each
 * team's partials are its agents' merged.
 *
 * @param ch a loaded backend
 * @param store the store the roster comes from (`by: "team"` only)
 * @param options as for `serviceKpis`
 * @param center only this center's cases (default: every center's)
 * @throws {RangeError} for invalid options
 */
export async function serviceKpisOnCluster(ch: ClickHouseQueries, store: Store, options: ServiceKpiOptions = {}, center: string | null = null): Promise<ServiceKpiRow[]> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const target = options.first_reply_target_min ?? 480;
  if (!(target > 0) || !Number.isFinite(target)) throw new RangeError(`Cannot compute service indicators: first_reply_target_min must be > 0, got ${target}`);
  if (options.by !== undefined && !(SERVICE_GROUPINGS as readonly string[]).includes(options.by)) {
    throw new RangeError(`Cannot group service indicators: by must be one of ${SERVICE_GROUPINGS.join(", ")}, got '${options.by}'`);
  }
  const table = ch.table("services");
  const mine = center === null ? "1" : `center = ${chString(center)}`;
  const [b] = await ch.query<{ latest: number | null; n: number }>(`SELECT max(latest_ms) AS latest, count(latest_ms) AS n FROM ${table} WHERE ${mine}`);
  const latest = b && Number(b.n) > 0 ? Number(b.latest) : null;
  const at = options.at_ms ?? latest;
  const byStatus = at !== null && latest !== null && at >= latest;
  const open = byStatus ? "is_open = 1" : at === null ? "0" : `opened_ms <= ${Math.round(at)} AND (isNull(solved_ms) OR solved_ms > ${Math.round(at)})`;
  const where = [mine, options.from_ms != null ? `opened_ms >= ${Math.round(options.from_ms)}` : "1", options.to_ms != null ? `opened_ms < ${Math.round(options.to_ms)}` : "1"].join(" AND ");
  const key = options.by === undefined ? null
    : options.by === "month" ? `substring(toString(opened_at, ${chString(zone)}), 1, 7)`
    : options.by === "team" ? "agent" : `\`${options.by}\``;
  let rows = (await ch.query(partialsSql(table, key, where, open, target))).map(renamed);
  let openRows = (await ch.query<{ k: unknown; status: string; n: number }>(
    `SELECT ${key === null ? "NULL" : key} AS k, status, count() AS n FROM ${table} WHERE ${where} AND ${open} GROUP BY k, status`,
  )).map((r) => ({ ...r, n: Number(r.n) }));
  if (options.by === "team") {
    const roster = new Map((await store.query<{ agent: string; team: string | null }>("SELECT agent, team FROM agents")).map((r) => [r.agent, r.team]));
    const teamOf = (agent: unknown) => (agent === null || agent === undefined ? null : roster.get(String(agent)) ?? null);
    const groups = new Map<unknown, Record<string, unknown>[]>();
    for (const r of rows) groups.set(teamOf(r.k), [...(groups.get(teamOf(r.k)) ?? []), r]);
    rows = [...groups].map(([team, rs]) => mergePartials(rs, team));
    const open = new Map<string, { k: unknown; status: string; n: number }>();
    for (const r of openRows) {
      const id = `${teamOf(r.k)}\u0000${r.status}`;
      open.set(id, { k: teamOf(r.k), status: r.status, n: (open.get(id)?.n ?? 0) + r.n });
    }
    openRows = [...open.values()];
  }
  if (key !== null) rows = [...rows].sort((a, b) => byKey(a.k, b.k));
  openRows.sort((a, b) => b.n - a.n || byKey(a.status, b.status));
  return serviceRowsFromPartials(rows, openRows, { by: options.by, at_ms: at, timeZone: zone, first_reply_target_min: target });
}
