/**
 * Day-partitioned Parquet archives of a store's derived tables: the archive and bulk-load
 * format for engines other than DuckDB (SCALE.md "Parquet"), read back by queuebook itself.
 *
 * Layout of an archive folder:
 * - `queuebook-archive.json`: the manifest ({@link ArchiveManifest}): format, tables, rows per
 *   table, the column each is partitioned on, and the options the derived rows were built with;
 * - `call_stints/day=YYYY-MM-DD/*.parquet`, `calls/…`, `agent_states/…`, `agent_events/…` (logins,
 *   pauses, ring-no-answer: the per-agent counts that are not in the states), `services/…`: one
 *   folder per UTC day of the row's instant (`entered_at`, `entered_at`, `started_at`, `at`,
 *   `opened_at`; a row without one goes to `day=none`), Hive-style, as DuckDB's `PARTITION_BY`
 *   writes them;
 * - `agents.parquet`, `schedules.parquet`, `ingest_runs.parquet`: the small tables, whole.
 *
 * Days are UTC days (instants are stored in UTC): a partition never depends on a report's time
 * zone and never splits or repeats across a DST change. A store holds one center: a group of
 * centers is a folder of one archive per center (`center=NAME/`, written with a center) and a
 * group manifest listing them, read back together.
 *
 * @module
 */
export { ARCHIVE_FORMAT, ARCHIVE_MANIFEST, ArchiveError, type ArchiveManifest, type ArchiveTable, CENTERS_FORMAT, type CentersManifest, isArchive, PARTITIONED, WHOLE } from "./_common.ts";
export { exportArchive } from "./export.ts";
export { importArchive, readManifest } from "./import.ts";
