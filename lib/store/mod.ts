/**
 * Storage: a DuckDB database (file or `:memory:`) holding `call_stints`, `calls`,
 * `agent_events`, `rejects` and `ingest_runs`.
 *
 * @module
 */
export { JS_WHITESPACE, openStore, type Row, type SqlParam, sqlString, type Store, StoreInUseError, StoreOpenError } from "./store.ts";
export { CALLS_SELECT_SQL, CALLS_SQL, type ColumnSpec, type ColumnType, schemaSql, TABLES, type TableName } from "./schema.ts";
export { makeScratchDir, processScratchPath, removeStaleScratch } from "./scratch.ts";
