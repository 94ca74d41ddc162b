/**
 * Loading log files into a queuebook store: the bulk path.
 *
 * Design (measured on 1M calls, see README "Ingest benchmark"): DuckDB reads each native
 * queue_log itself, one row per physical line, and the parse rules run as SQL (`parse_sql.ts`);
 * table exports and the Technion format are parsed in TypeScript. Three steps:
 * 1. stage (`load_stage.ts`): every line of every input becomes a row of the temporary
 *    `stage_events` with its status (or, for Technion, a stint);
 * 2. build (`load_build.ts`): agent events, duplicates and call stints into temporary tables —
 *    well-formed calls in SQL (`stints_sql.ts`), every other call by the reference state
 *    machine (`queue_log_stints.ts`), per call over every source of the database in event
 *    order, so a call split across rotated files is one call whatever the load order;
 * 3. apply (`load_apply.ts`): one short transaction replaces the run's sources by the staged
 *    rows in `events` (the source of truth), `agent_events`, `rejects`, `call_stints` and
 *    `ingest_runs`. Killed before or during it, the database stays as it was.
 *
 * @module
 */
import { rmSync } from "node:fs";
import { makeScratchDir, type Row, type Store } from "../store/mod.ts";
import { isStintFormat } from "./detect_format.ts";
import { InputError, inspectInput } from "./input_file.ts";
import { duplicateDependents } from "./_stint_duplicates.ts";
import { applyRun, countRun } from "./load_apply.ts";
import { buildScope, buildStintsOf, stageAgentEvents } from "./load_build.ts";
import { checkUsable, createStageTables, formatFor, inspectAll, STAGE_TABLES, stageInput, strictError } from "./load_stage.ts";
import type { ParseLogOptions } from "./parse_log.ts";
import { nullable } from "./queue_log_stints.ts";
import { emptyCounts, type IngestCounts, type ParsedLog } from "./types.ts";
import { insertStints } from "./stage_rows.ts";
import { ianaZone } from "../time/mod.ts";

/** Progress of a load, for a progress bar. */
export interface LoadProgress {
  /** The input being read. */
  source: string;
  /** Bytes of all inputs read so far (estimated while DuckDB reads) and in all. */
  bytes_done: number;
  bytes_total: number;
  /** What the load is doing: reading inputs, then the derived tables, in this order. */
  phase: LoadPhase;
}

/** The phases of a load, in order (a benchmark times them through `onProgress`). */
export const LOAD_PHASES = ["reading", "checking", "agent events", "visits", "stints", "irregular calls", "saving"] as const;
/** One of {@link LOAD_PHASES}. */
export type LoadPhase = typeof LOAD_PHASES[number];

/** Options of {@link loadLogs}. */
export interface LoadOptions extends ParseLogOptions {
  /** Called now and then while loading. */
  onProgress?: (p: LoadProgress) => void;
  /**
   * Call events aggregated per pass when stints are built (default 3,000,000): more events are
   * split into passes by a hash of the call id, bounding DuckDB's memory. For tests and tuning.
   */
  visitRowsPerPass?: number;
}

/** What {@link loadLogs} found besides the counts. */
export interface LoadNotices {
  /** Sources already in the database before this load and not loaded again by it. */
  earlier_sources: string[];
  /** Inputs given more than once (under one or several spellings of the same file). */
  duplicate_paths: string[];
  /**
   * Pairs `[kept, copy]` of different files with identical content (size and fingerprint), in
   * this run or between this run and an earlier source of the database: the copy's call events
   * are rejected as duplicates of the kept file's.
   */
  identical_content: [string, string][];
  /**
   * Pairs `[source, replaced]`: a stint-format source of the database read again by this load
   * because some of its stints were rejected as duplicates of `replaced`, which this load
   * replaces (the new `replaced` may no longer hold those calls).
   */
  reread_sources: [string, string][];
  /** Pairs `[source, replaced]` as above whose file is gone or changed: not read again (load it again yourself). */
  stale_duplicates: [string, string][];
}

/**
 * Parses log files (format detected per file unless given) and loads them into the store.
 *
 * A malformed line never stops the run unless `strict` is set: it lands in `rejects` with
 * source, line, raw text and reason, and each file's counts reconcile
 * (`lines_read = used + ignored + rejected`). A source is identified by its real path: a file
 * given twice, or under two spellings, is loaded once; loading a source again replaces its rows.
 * Everything is parsed and built in temporary tables first; the database changes in one short
 * transaction at the end (killed midway, it stays as it was).
 *
 * @param store an open store (see `openStore`)
 * @param paths log files: Asterisk `queue_log` (native or table export), PBXware export,
 *   Technion Anonymous Bank (plain or gzip)
 * @param options format (default `"auto"`), source time zone, strict mode, progress callback
 * @param notices filled with what the caller should tell the user (earlier sources, duplicates)
 * @returns one {@link IngestCounts} per distinct source, in input order; `source` is the real path
 * @throws {InputError} when a file is missing, not a regular file or UTF-16 (before anything is loaded)
 * @throws {TypeError} when a file's format cannot be detected, or a forced format fits no line
 * @throws {LogParseError} in strict mode, at the first bad line (file, line and field named)
 * Source: DESIGN.md "Data model" and "Domain semantics".
 * @example
 * ```ts
 * const store = await openStore();
 * const [counts] = await loadLogs(store, ["data/pbxware_queue_log.csv"]);
 * counts.lines_read === counts.used + counts.ignored + counts.rejected; // true
 * ```
 */
export async function loadLogs(store: Store, paths: readonly string[], options: LoadOptions = {}, notices?: LoadNotices): Promise<IngestCounts[]> {
  if (options.sourceTimeZone !== undefined) ianaZone(options.sourceTimeZone);
  let { inputs, duplicates, identical } = await inspectAll(paths);
  // Duplicates decided against a source this load replaces are decided again: their sources are read again too.
  const reread: [string, string][] = [], stale: [string, string][] = [];
  for (const d of await duplicateDependents(store, inputs.map((i) => i.real_path))) {
    if (reread.some(([s]) => s === d.source)) continue;
    const same = await inspectInput(d.source).then((i) => i.fingerprint === d.fingerprint, () => false);
    (same ? reread : stale).push([d.source, d.of]);
  }
  if (reread.length) ({ inputs, duplicates, identical } = await inspectAll([...paths, ...reread.map(([s]) => s)]));
  const formats = inputs.map((i) => formatFor(i, options));
  if (notices) {
    const before = await store.query<{ source: string }>("SELECT source FROM ingest_runs ORDER BY source");
    const now = new Set(inputs.map((i) => i.real_path));
    notices.earlier_sources = before.map((r) => r.source).filter((s) => !now.has(s));
    notices.duplicate_paths = duplicates;
    // Earlier sources of the database with the same content (a copy loaded on another day).
    const prints = await store.query<{ source: string; fingerprint: string }>("SELECT source, fingerprint FROM ingest_runs WHERE fingerprint IS NOT NULL");
    const earlier = prints.filter((r) => !now.has(r.source));
    for (const input of inputs) {
      // A stint-format copy loses to the source in the database (its stints are rejected), an event log to the path sorting first.
      const stints = isStintFormat(formatFor(input, options));
      for (const r of earlier.filter((e) => e.fingerprint === input.fingerprint)) identical.push(stints || r.source <= input.real_path ? [r.source, input.path] : [input.path, r.source]);
    }
    notices.identical_content = identical;
    notices.reread_sources = reread;
    notices.stale_duplicates = stale;
  }
  const bytes_total = inputs.reduce((n, i) => n + i.bytes, 0);
  const phase = (p: LoadPhase) => options.onProgress?.({ source: "", bytes_done: bytes_total, bytes_total, phase: p });
  const counts = inputs.map((input, k) => emptyCounts(input.real_path, formats[k]!));
  const tmp = makeScratchDir("queuebook-load-");
  try {
    await createStageTables(store, inputs);
    let before = 0;
    // Stint-format inputs (CDRs, Technion) after the others, in the order of their real paths: a
    // stint repeating one staged earlier is the copy's (dropRepeatedStints), as the warning says.
    const stintFirst = (k: number) => isStintFormat(formats[k]!) ? 1 : 0;
    const order = inputs.map((_, k) => k).sort((a, b) => stintFirst(a) - stintFirst(b) || (stintFirst(a) ? (inputs[a]!.real_path < inputs[b]!.real_path ? -1 : 1) : a - b));
    for (const k of order) {
      const input = inputs[k]!;
      const progress = (done: number) => options.onProgress?.({ source: input.path, bytes_done: before + done, bytes_total, phase: "reading" });
      progress(0);
      await stageInput(store, input, formats[k]!, options, counts[k]!, tmp, progress);
      before += input.bytes;
    }
    phase("checking");
    await checkUsable(store, inputs, options, counts);
    phase("agent events");
    // Strict mode stops at the first bad line in file order, whatever step found it: build
    // everything, then look at the earliest reject.
    await stageAgentEvents(store);
    const scope = await buildScope(store);
    phase("visits");
    await buildStintsOf(store, scope, options, phase);
    if (options.strict) await failAtFirstReject(store, inputs);
    phase("saving");
    await countRun(store, inputs, counts);
    await applyRun(store, scope);
    return counts;
  } finally {
    await store.exec(STAGE_TABLES.map((t) => `DROP TABLE IF EXISTS ${t};`).join(" "));
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Strict mode: throws the first staged reject in input order, then line order. */
async function failAtFirstReject(store: Store, inputs: readonly { real_path: string }[]): Promise<void> {
  const rejects = await store.query<{ reason: string; source: string; line: number }>(
    "SELECT source, line, reason FROM stage_rejects WHERE line IS NOT NULL ORDER BY line",
  );
  for (const input of inputs) {
    const first = rejects.find((r) => r.source === input.real_path);
    if (first) throw strictError(first.reason, first.source, first.line);
  }
}

/**
 * Writes one parsed log (from {@link parseLogText}) into the store, replacing rows of the same
 * source: the in-memory path, for logs already in memory (tests, simulations).
 *
 * @returns the parsed log's counts
 */
export async function storeParsedLog(store: Store, parsed: ParsedLog): Promise<IngestCounts> {
  return await store.transaction(async () => {
    for (const table of ["call_stints", "agent_events", "rejects", "ingest_runs", "events"]) {
      await store.exec(`DELETE FROM ${table} WHERE source = $1`, [parsed.counts.source]);
    }
    await insertStints(store, parsed.stints);
    await store.insert("agent_events", parsed.agent_events as unknown as Row[]);
    await store.insert("rejects", parsed.rejects.map((r) => ({ ...r, stage: "parse" })));
    const c = parsed.counts;
    await store.insert("ingest_runs", [{
      source: c.source, format: c.format, lines_read: c.lines_read, used: c.used, ignored: c.ignored,
      rejected: c.rejected, ignored_by_rule: JSON.stringify({ ...c.ignored_by_rule, notes: c.notes }), loaded_at: Date.now(),
    }]);
    return c;
  });
}

export { InputError, nullable };
