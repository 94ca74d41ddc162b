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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import process from "node:process";
import { basename, dirname, join, resolve } from "node:path";
import { makeScratchDir, sqlString, type Store, TABLES } from "../store/mod.ts";

/** The manifest's file name inside an archive folder. */
export const ARCHIVE_MANIFEST = "queuebook-archive.json";
/** The manifest's `format` value. */
export const ARCHIVE_FORMAT = "queuebook-parquet-1";
/** The `format` of a group's manifest: a folder of one archive per center (`center=NAME/`). */
export const CENTERS_FORMAT = "queuebook-parquet-centers-1";

/** The manifest of a group of centers' archives. */
export interface CentersManifest {
  format: typeof CENTERS_FORMAT;
  /** The centers, each an archive in `center=NAME/`, sorted. */
  centers: string[];
}

/** A center's name as it may appear in a folder name. @throws {RangeError} */
function checkCenter(center: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(center) || center === "." || center === "..") {
    throw new RangeError(`Cannot use '${center.slice(0, 100)}' as a center name: letters, digits, '.', '_' and '-' only (at most 100)`);
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** True when `dir` holds a group's manifest (one archive per center). */
function isCenters(dir: string): boolean {
  return (readJson(join(dir, ARCHIVE_MANIFEST)) as { format?: string } | null)?.format === CENTERS_FORMAT;
}

/** The partitioned tables and the instant column that gives each row's day. */
export const PARTITIONED = { call_stints: "entered_at", calls: "entered_at", agent_states: "started_at", agent_events: "at", services: "opened_at" } as const;
/** The small tables, written whole. */
export const WHOLE = ["agents", "schedules", "ingest_runs"] as const;

/** One table of an archive. */
export interface ArchiveTable {
  rows: number;
  /** The instant column of the day partitions, or null for a table written whole. */
  partitioned_on: string | null;
  /** The days present (`YYYY-MM-DD`, or `none`), sorted. */
  days: string[];
}

/** The manifest of an archive (`queuebook-archive.json`). */
export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  written_at: string;
  tables: Record<string, ArchiveTable>;
  /** What the derived rows were built with (e.g. the wrap-up of `agent_states`), as given by the writer. */
  options: Record<string, unknown>;
}

/** An archive that cannot be read. */
export class ArchiveError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "ArchiveError";
  }
}

/** True when `path` is a folder holding an archive manifest (one archive, or a group of centers'). */
export function isArchive(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, ARCHIVE_MANIFEST));
  } catch {
    return false;
  }
}

/** DuckDB takes `*`, `?`, `[` and `{` in a path as a glob: it reads and writes through a plain-named link. */
function plainLink(target: string, scratch: string, name: string): string {
  const link = join(scratch, name);
  symlinkSync(target, link);
  return link;
}

const columnsOf = (table: string): string => {
  const cols = table === "calls" ? null : TABLES[table as keyof typeof TABLES];
  return cols ? cols.map((c) => `"${c.name}"`).join(", ") : "*";
};

/**
 * Writes the store's derived tables into `dir` as day-partitioned Parquet, atomically: into a
 * temporary folder beside `dir`, renamed into place at the end (an archive already at `dir` is
 * replaced; anything else there is refused).
 *
 * @param store an open store whose `call_stints` (and, if built, `agent_states`), `services`,
 *   `agents`, `schedules` and `ingest_runs` are to be archived
 * @param dir the archive folder to create or replace
 * @param options recorded in the manifest (say how `agent_states` was built: its wrap-up)
 * @param center write the archive as this center's, in `dir/center=NAME/` beside the other
 *   centers' (replacing only this center's), with a group manifest in `dir` listing them all
 * @returns the manifest written (the center's, with a center)
 * @throws {ArchiveError} when `dir` exists and is not an empty folder or an archive (with a
 *   center: a group of centers' archives)
 * @throws {RangeError} for a center name that cannot be a folder name
 * Source: SCALE.md "Parquet"; DuckDB `COPY … (FORMAT parquet, PARTITION_BY …)`.
 * @example
 * ```ts
 * await exportArchive(store, "out/archive");
 * // out/archive/call_stints/day=2026-10-01/data_0.parquet, …
 * ```
 */
export async function exportArchive(store: Store, dir: string, options: Record<string, unknown> = {}, center: string | null = null): Promise<ArchiveManifest> {
  const target = resolve(dir);
  const empty = () => statSync(target).isDirectory() && readdirSync(target).length === 0;
  if (center !== null) {
    checkCenter(center);
    if (existsSync(target) && !(isCenters(target) || empty())) {
      throw new ArchiveError(dir, "exists and is not an empty folder or a group of centers' archives: give a new folder");
    }
    mkdirSync(target, { recursive: true });
    const manifest = await exportArchive(store, join(target, `center=${center}`), { ...options, center });
    const centers = readdirSync(target).filter((d) => d.startsWith("center=") && isArchive(join(target, d))).map((d) => d.slice(7)).sort();
    const tmp = join(target, `.${ARCHIVE_MANIFEST}.writing-${process.pid}`);
    writeFileSync(tmp, JSON.stringify({ format: CENTERS_FORMAT, centers } satisfies CentersManifest, null, 2) + "\n");
    renameSync(tmp, join(target, ARCHIVE_MANIFEST));
    return manifest;
  }
  if (existsSync(target) && isCenters(target)) throw new ArchiveError(dir, "holds one archive per center: give the center to write (--center NAME)");
  if (existsSync(target) && !(isArchive(target) || empty())) {
    throw new ArchiveError(dir, "exists and is not an empty folder or a queuebook archive: give a new folder");
  }
  mkdirSync(dirname(target), { recursive: true });
  const building = join(dirname(target), `.${basename(target)}.writing-${process.pid}-${Date.now()}`);
  mkdirSync(building);
  const scratch = makeScratchDir("queuebook-archive-");
  try {
    const out = plainLink(building, scratch, "archive");
    const tables: Record<string, ArchiveTable> = {};
    for (const [table, at] of Object.entries(PARTITIONED)) {
      const day = `coalesce(strftime(${at === "at" ? '"at"' : at} AT TIME ZONE 'UTC', '%Y-%m-%d'), 'none')`;
      const [{ rows }] = await store.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`) as [{ rows: number }];
      const days = (await store.query<{ day: string }>(`SELECT DISTINCT ${day} AS day FROM ${table} ORDER BY day`)).map((r) => r.day);
      if (Number(rows) > 0) {
        await store.exec(`COPY (SELECT ${columnsOf(table)}, ${day} AS day FROM ${table} ORDER BY ${at === "at" ? '"at"' : at}) TO ${sqlString(join(out, table))}
          (FORMAT parquet, PARTITION_BY (day), COMPRESSION zstd)`);
      }
      tables[table] = { rows: Number(rows), partitioned_on: at, days };
    }
    for (const table of WHOLE) {
      const [{ rows }] = await store.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`) as [{ rows: number }];
      await store.exec(`COPY (SELECT ${columnsOf(table)} FROM ${table}) TO ${sqlString(join(out, `${table}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
      tables[table] = { rows: Number(rows), partitioned_on: null, days: [] };
    }
    const manifest: ArchiveManifest = { format: ARCHIVE_FORMAT, written_at: new Date().toISOString(), tables, options };
    writeFileSync(join(building, ARCHIVE_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
    if (existsSync(target)) {
      const old = `${building}.old`;
      renameSync(target, old);
      renameSync(building, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(building, target);
    return manifest;
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Reads and checks an archive's manifest. @throws {ArchiveError} */
export function readManifest(dir: string): ArchiveManifest {
  let m: ArchiveManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, ARCHIVE_MANIFEST), "utf8")) as ArchiveManifest;
  } catch (err) {
    throw new ArchiveError(dir, `its ${ARCHIVE_MANIFEST} cannot be read (${(err as Error).message})`);
  }
  if (m?.format !== ARCHIVE_FORMAT || typeof m.tables !== "object" || m.tables === null) {
    throw new ArchiveError(dir, `its ${ARCHIVE_MANIFEST} is not a ${ARCHIVE_FORMAT} manifest`);
  }
  return m;
}

/** The Parquet files of one partitioned table (every `day=…` folder), relative to the archive folder, sorted. */
function partitionFiles(dir: string, table: string): string[] {
  const root = join(dir, table);
  if (!existsSync(root)) return [];
  const files: string[] = [];
  for (const day of readdirSync(root).sort()) {
    if (!/^day=(\d{4}-\d{2}-\d{2}|none)$/.test(day)) continue;
    for (const f of readdirSync(join(root, day)).sort()) if (f.endsWith(".parquet")) files.push(join(table, day, f));
  }
  return files;
}

/**
 * Loads an archive into a store: its tables replace the store's (`calls` is a view over
 * `call_stints` and is not read back). Row counts are checked against the manifest.
 *
 * @param store an open store (the tables of the archive are emptied first)
 * @param dir an archive folder written by {@link exportArchive}
 * @returns the manifest
 * @throws {ArchiveError} for a folder without a readable manifest, or rows that do not match it
 */
export async function importArchive(store: Store, dir: string): Promise<ArchiveManifest> {
  const group = readJson(join(dir, ARCHIVE_MANIFEST)) as CentersManifest | null;
  const parts = group?.format === CENTERS_FORMAT ? (Array.isArray(group.centers) ? group.centers : []).map((c) => join(dir, `center=${c}`)) : [dir];
  if (parts.length === 0) throw new ArchiveError(dir, "its group manifest lists no center");
  const manifests = parts.map(readManifest);
  const scratch = makeScratchDir("queuebook-archive-");
  try {
    await store.transaction(async () => {
      const tables = [...Object.keys(PARTITIONED).filter((t) => t !== "calls"), ...WHOLE];
      for (const table of tables) await store.exec(`DELETE FROM ${table}`);
      for (const [k, part] of parts.entries()) {
        const root = plainLink(resolve(part), scratch, `archive_${k}`);
        for (const table of tables) {
          const files = table in PARTITIONED
            ? partitionFiles(part, table).map((f) => join(root, f))
            : existsSync(join(part, `${table}.parquet`)) ? [join(root, `${table}.parquet`)] : [];
          const [{ before }] = await store.query<{ before: number }>(`SELECT count(*) AS before FROM ${table}`) as [{ before: number }];
          if (files.length) {
            await store.exec(`INSERT INTO ${table} (${columnsOf(table)}) SELECT ${columnsOf(table)} FROM read_parquet([${files.map(sqlString).join(", ")}], hive_partitioning = false)`);
          }
          const [{ rows }] = await store.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`) as [{ rows: number }];
          const expected = Number(manifests[k]!.tables[table]?.rows ?? 0);
          if (Number(rows) - Number(before) !== expected) {
            throw new ArchiveError(part, `${table} holds ${Number(rows) - Number(before)} rows, its manifest says ${expected} (a partition missing or added?)`);
          }
        }
      }
    });
    if (manifests.length === 1) return manifests[0]!;
    // A group: the tables' rows and days added up, the options per center.
    const tables: Record<string, ArchiveTable> = {};
    for (const m of manifests) {
      for (const [t, x] of Object.entries(m.tables)) {
        const acc = tables[t] ?? { rows: 0, partitioned_on: x.partitioned_on, days: [] };
        tables[t] = { rows: acc.rows + Number(x.rows), partitioned_on: x.partitioned_on, days: [...new Set([...acc.days, ...x.days])].sort() };
      }
    }
    return { format: ARCHIVE_FORMAT, written_at: manifests.map((m) => m.written_at).sort().at(-1)!, tables, options: { centers: manifests.map((m) => m.options) } };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
