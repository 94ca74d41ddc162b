/**
 * Private: what the archive writer and reader share — names, formats, the manifest's shapes, checks.
 *
 * @module
 */
import { existsSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { TABLES } from "../store/mod.ts";

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
export function checkCenter(center: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(center) || center === "." || center === "..") {
    throw new RangeError(`Cannot use '${center.slice(0, 100)}' as a center name: letters, digits, '.', '_' and '-' only (at most 100)`);
  }
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** True when `dir` holds a group's manifest (one archive per center). */
export function isCenters(dir: string): boolean {
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
export function plainLink(target: string, scratch: string, name: string): string {
  const link = join(scratch, name);
  symlinkSync(target, link);
  return link;
}

/** The quoted column list of a store table (`*` for the `calls` view). */
export const columnsOf = (table: string): string => {
  const cols = table === "calls" ? null : TABLES[table as keyof typeof TABLES];
  return cols ? cols.map((c) => `"${c.name}"`).join(", ") : "*";
};

