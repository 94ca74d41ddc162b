/**
 * Private: reading archives back (see mod.ts for the layout).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { makeScratchDir, sqlString, type Store } from "../store/mod.ts";
import {
  ARCHIVE_FORMAT, ARCHIVE_MANIFEST, ArchiveError, type ArchiveManifest, type ArchiveTable, CENTERS_FORMAT, type CentersManifest, checkCenter, columnsOf, PARTITIONED, plainLink, readJson,
  WHOLE,
} from "./_common.ts";
/**
 * The archive folders of a group: every name of the group manifest a valid center name, listed
 * once, and exactly the `center=NAME` folders present (none added or missing). @throws {ArchiveError}
 */
function groupParts(dir: string, group: CentersManifest): string[] {
  const listed = Array.isArray(group.centers) ? group.centers : [];
  if (listed.length === 0) throw new ArchiveError(dir, "its group manifest lists no center");
  for (const c of listed) {
    try {
      if (typeof c !== "string") throw new RangeError(`Cannot use ${JSON.stringify(c)} as a center name`);
      checkCenter(c);
    } catch (err) {
      throw new ArchiveError(dir, `its group manifest is damaged: ${(err as Error).message}`);
    }
  }
  if (new Set(listed).size !== listed.length) throw new ArchiveError(dir, "its group manifest lists a center twice");
  const present = readdirSync(dir).filter((d) => d.startsWith("center=")).map((d) => d.slice(7));
  const missing = listed.filter((c) => !present.includes(c)), extra = present.filter((c) => !listed.includes(c));
  if (missing.length) throw new ArchiveError(dir, `its group manifest lists center(s) with no folder: ${missing.map((c) => `center=${c}`).join(", ")}`);
  if (extra.length) throw new ArchiveError(dir, `holds center folder(s) its group manifest does not list: ${extra.map((c) => `center=${c}`).join(", ").slice(0, 300)}`);
  return listed.map((c) => join(dir, `center=${c}`));
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
  const bad = Object.entries(m.tables).find(([, t]) => typeof t !== "object" || t === null || !Number.isSafeInteger(t.rows) || t.rows < 0);
  if (bad) throw new ArchiveError(dir, `its ${ARCHIVE_MANIFEST} is damaged: table '${bad[0]}' has no whole row count`);
  if (typeof m.options !== "object" || m.options === null || Array.isArray(m.options)) {
    throw new ArchiveError(dir, `its ${ARCHIVE_MANIFEST} is damaged: 'options' is not an object`);
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
  const parts = group?.format === CENTERS_FORMAT ? groupParts(dir, group) : [dir];
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
            await store.exec(`INSERT INTO ${table} (${columnsOf(table)}) SELECT ${columnsOf(table)} FROM read_parquet([${files.map(sqlString).join(", ")}], hive_partitioning = false)`)
              .catch((err: Error) => {
                // DuckDB names the scratch link: name the user's folder, and only the first line.
                const why = String(err.message).split("\n")[0]!.replaceAll(root, part).replace(/^[A-Za-z ]+Error: /, "");
                throw new ArchiveError(part, `its ${table} files cannot be read (${why}): a file damaged or not written by queuebook?`);
              });
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
