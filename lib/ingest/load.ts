/**
 * Loading log files into a queuebook store.
 *
 * @module
 */
import { CALLS_SQL, type Store } from "../store/mod.ts";
import { parseLogFile, type ParseLogOptions } from "./parse_log.ts";
import type { IngestCounts, ParsedLog } from "./types.ts";

/**
 * Writes one parsed log into the store's `call_stints`, `agent_events`, `rejects` and
 * `ingest_runs` tables (and rebuilds `calls`). Rows of a source loaded before (same `source`
 * name) are replaced, so loading a file twice does not double its calls.
 *
 * @param store an open store
 * @param parsed the output of a parser
 * @returns the parsed log's counts
 */
export async function storeParsedLog(store: Store, parsed: ParsedLog): Promise<IngestCounts> {
  // Loading a source again replaces its rows: loads are idempotent.
  for (const table of ["call_stints", "agent_events", "rejects", "ingest_runs"]) {
    await store.exec(`DELETE FROM ${table} WHERE source = $1`, [parsed.counts.source]);
  }
  await store.insert("call_stints", parsed.stints as unknown as Record<string, unknown>[]);
  await store.insert("agent_events", parsed.agent_events as unknown as Record<string, unknown>[]);
  await store.insert("rejects", parsed.rejects as unknown as Record<string, unknown>[]);
  const c = parsed.counts;
  await store.insert("ingest_runs", [{
    source: c.source, format: c.format, lines_read: c.lines_read, used: c.used, ignored: c.ignored,
    rejected: c.rejected, ignored_by_rule: JSON.stringify({ ...c.ignored_by_rule, notes: c.notes }),
  }]);
  await store.exec(CALLS_SQL);
  return c;
}

/**
 * Parses log files (format detected per file unless given) and loads them into the store.
 *
 * A malformed line never stops the run unless `strict` is set: it lands in `rejects` with
 * source, line, raw text and reason, and each file's counts reconcile
 * (`lines_read = used + ignored + rejected`).
 *
 * @param store an open store (see `openStore`)
 * @param paths log files: Asterisk `queue_log` (native or table export), PBXware export,
 *   Technion Anonymous Bank (plain or gzip)
 * @param options format (default `"auto"`), source time zone, strict mode
 * @returns one {@link IngestCounts} per file, in input order
 * @throws {TypeError} when a file's format cannot be detected
 * @throws {LogParseError} in strict mode, at the first bad line (file, line and field named)
 * @throws {Error} when a file cannot be read
 * Source: DESIGN.md "Data model" and "Domain semantics".
 * @example
 * ```ts
 * const store = await openStore();
 * const [counts] = await loadLogs(store, ["data/pbxware_queue_log.csv"]);
 * counts.lines_read === counts.used + counts.ignored + counts.rejected; // true
 * ```
 */
export async function loadLogs(store: Store, paths: readonly string[], options: ParseLogOptions = {}): Promise<IngestCounts[]> {
  const out: IngestCounts[] = [];
  for (const path of paths) out.push(await storeParsedLog(store, parseLogFile(path, options)));
  return out;
}
