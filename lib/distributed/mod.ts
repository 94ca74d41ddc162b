/**
 * The distributed backend: the same queue and agent indicators on a ClickHouse cluster
 * (`Distributed` tables over per-shard `MergeTree`s), for a group of centers that outgrows one
 * machine: queue, agent and service (case) indicators. Only derived rows travel; one KPI definition (partial aggregates in SQL, ratios in
 * TypeScript). Source: SCALE.md.
 *
 * @module
 */
export { CH_TABLES, ClickHouseBackend, type ClickHouseOptions, type ClickHouseQueries, clickHouseRowsSql, DEFAULT_CENTER, loadIntoClickHouse, openClickHouse } from "./clickhouse.ts";
export { agentKpisOnCluster, queueKpisOnCluster } from "./kpis.ts";
export { serviceKpisOnCluster } from "./services.ts";
export { chBucket, chIdent, chString } from "./sql.ts";
