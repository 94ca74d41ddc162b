/**
 * queuebook: contact-center analytics over DuckDB.
 *
 * @module
 */

// Storage: DuckDB tables of the data model.
export * from "./store/mod.ts";

// Ingest: logs → tables, with rejects and reconciled counts.
export * from "./ingest/mod.ts";

// Archives: the derived tables as day-partitioned Parquet, and back.
export * from "./parquet/mod.ts";

// Indicators: service level, abandonment, ASA, AHT, agent KPIs.
export * from "./indicators/mod.ts";

// Distributed backend: the same indicators on a ClickHouse cluster.
export * from "./distributed/mod.ts";

// Operators: agent states, operator indicators, adherence, cost.
export * from "./operators/mod.ts";

// Services: ticket indicators (volume, backlog, first reply, resolution, reopen rate, CSAT, cost).
export * from "./services/mod.ts";

// Targets: a targets file evaluated per scope and period.
export * from "./targets/mod.ts";

// Reports: HTML calls report, Plot charts.
export * from "./reports/mod.ts";

// Queueing: Erlang B, C, A and staffing.
export * from "./queueing/mod.ts";

// Models: OLS/WLS, GLMs, inference, ROI.
export * from "./models/mod.ts";

// Simulation: discrete-event simulator and demo center.
export * from "./simulation/mod.ts";

// Improvements: effects of staffing changes (Erlang A path so far).
export * from "./improvements/mod.ts";

// Live monitor: follow a queue_log, serve a wallboard.
export * from "./monitor/mod.ts";

// Time zones.
export * from "./time/mod.ts";

// Notebook helpers: show HTML in a Jupyter cell.
export * from "./notebook/mod.ts";
