/**
 * Private: writing archives (see mod.ts for the layout).
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import process from "node:process";
import { basename, dirname, join, resolve } from "node:path";
import { makeScratchDir, sqlString, type Store } from "../store/mod.ts";
import {
  ARCHIVE_FORMAT, ARCHIVE_MANIFEST, ArchiveError, type ArchiveManifest, type ArchiveTable, CENTERS_FORMAT, type CentersManifest, checkCenter, columnsOf, isArchive,
  isCenters, PARTITIONED, plainLink, WHOLE,
} from "./_common.ts";

/** True while process `pid` runs (or runs as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/**
 * Clears what an earlier export of `target` killed midway left beside it (its process gone): a
 * half-written `.NAME.writing-PID-T` folder is removed; the previous archive moved aside as
 * `….old` just before the new one was renamed in is put back when `target` is missing (the
 * archive as it was before that export), else removed.
 */
function clearLeftovers(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const prefix = `.${basename(target)}.writing-`;
  for (const f of readdirSync(parent).sort()) {
    const m = f.startsWith(prefix) ? /^(\d+)-\d+(\.old)?$/.exec(f.slice(prefix.length)) : null;
    if (!m || alive(Number(m[1]))) continue;
    if (m[2] && !existsSync(target)) renameSync(join(parent, f), target);
    else rmSync(join(parent, f), { recursive: true, force: true });
  }
}
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
  clearLeftovers(target);
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

