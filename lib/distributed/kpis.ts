/**
 * Queue and agent indicators computed on the ClickHouse cluster with the one KPI definition:
 * the servers send the additive partial aggregates (counts, sums, maxima) and the ratios are
 * taken by the same TypeScript as DuckDB's (`queueRowsFromCounts`, `agentRowsFromCounts`).
 *
 * @module
 */
import {
  type AgentKpiRow, agentRowsFromCounts, type KpiOptions, type QueueDimension, type QueueKpiRow, queueRowsFromCounts, resolveKpiOptions,
} from "../indicators/mod.ts";
import type { ClickHouseQueries } from "./clickhouse.ts";
import { agentCountsRows, chAgentEventCountsSql, chAgentStintCountsSql, chQueueCountsSql, queueCountsRow } from "./sql.ts";

/**
 * {@link queueKpis} on the cluster's `call_stints`: the same rows, key for key.
 *
 * @param ch an open backend (see `openClickHouse`), loaded (see `loadIntoClickHouse`)
 * @param by grouping dimensions (default `["queue"]`)
 * @param options as for `queueKpis` (time zone, interval, T, S, variant, window, sources)
 * @param center only this center's rows (default: every center's)
 * @throws {RangeError} for invalid options
 * Source: DESIGN.md "Service level"; SCALE.md "Dialect rules".
 */
export async function queueKpisOnCluster(ch: ClickHouseQueries, by: readonly QueueDimension[] = ["queue"], options: KpiOptions = {}, center: string | null = null): Promise<QueueKpiRow[]> {
  const o = resolveKpiOptions(options);
  for (const d of by) {
    if (d !== "queue" && d !== "day" && d !== "interval") throw new RangeError(`Cannot group queue indicators: dimension must be queue, day or interval, got '${d}'`);
  }
  const rows = await ch.query(chQueueCountsSql(ch.table("call_stints"), by, o, center));
  return queueRowsFromCounts(rows.map(queueCountsRow), by, o);
}

/**
 * {@link agentKpis} on the cluster's `call_stints` and `agent_events`: the same rows, key for key.
 *
 * @param center only this center's rows (default: every center's)
 */
export async function agentKpisOnCluster(ch: ClickHouseQueries, options: KpiOptions = {}, center: string | null = null): Promise<AgentKpiRow[]> {
  const o = resolveKpiOptions(options);
  const stints = await ch.query(chAgentStintCountsSql(ch.table("call_stints"), o, center));
  const events = await ch.query(chAgentEventCountsSql(ch.table("agent_events"), o, center));
  return agentRowsFromCounts(agentCountsRows(stints, events));
}
