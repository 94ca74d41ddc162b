/**
 * Loading log files into a queuebook store: the bulk path.
 *
 * Design (measured on 1M calls, see README "Ingest benchmark"): DuckDB reads each native
 * queue_log itself and the parse rules run as SQL (`parse_sql.ts`); table exports and the
 * Technion format are parsed in TypeScript and staged in the same table. Every usable event
 * lands in `events`, the source of truth; stints of well-formed calls are built in SQL
 * (`stints_sql.ts`) and every other call by the reference state machine (`queue_log_stints.ts`).
 * Stints are built per call over every source of the database, in event order, so a call split
 * across rotated files is one call whatever the order in which the files are loaded. A load is
 * one transaction: killed midway, the database stays as it was.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CALLS_SQL, type Row, sqlString, type Store } from "../store/mod.ts";
import { detectFormat, type LogFormat } from "./detect_format.ts";
import { LogParseError } from "./errors.ts";
import { absentControl, InputError, type InputInfo, inspectInput, prescanPlain, readLines, withEncodingFallback, writeNormalized } from "./input_file.ts";
import { formatOf, parseEventLines, type ParseLogOptions, parseStintLines } from "./parse_log.ts";
import { nativeParseSql, readLinesSql, rejectMessagesSql } from "./parse_sql.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { buildCallStints, nullable, toAgentEvent } from "./queue_log_stints.ts";
import { verbKind } from "./queue_log_verbs.ts";
import { chainVisitsSql, REGULAR_STINTS_SQL, visitsSql } from "./stints_sql.ts";
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
export const LOAD_PHASES = ["reading", "checking", "agent events", "visits", "stints", "irregular calls", "calls", "counting"] as const;
/** One of {@link LOAD_PHASES}. */
export type LoadPhase = typeof LOAD_PHASES[number];

/** Options of {@link loadLogs}. */
export interface LoadOptions extends ParseLogOptions {
  /** Called now and then while loading. */
  onProgress?: (p: LoadProgress) => void;
}

/** What {@link loadLogs} found besides the counts. */
export interface LoadNotices {
  /** Sources already in the database before this load and not loaded again by it. */
  earlier_sources: string[];
  /** Inputs given more than once (under one or several spellings of the same file). */
  duplicate_paths: string[];
  /** Pairs of different files with identical content (size and fingerprint). */
  identical_content: [string, string][];
}

/**
 * Parses log files (format detected per file unless given) and loads them into the store.
 *
 * A malformed line never stops the run unless `strict` is set: it lands in `rejects` with
 * source, line, raw text and reason, and each file's counts reconcile
 * (`lines_read = used + ignored + rejected`). A source is identified by its real path: a file
 * given twice, or under two spellings, is loaded once; loading a source again replaces its rows.
 * The whole load is one transaction.
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
  const inputs = await inspectAll(paths, notices);
  const formats = inputs.map((i) => formatFor(i, options));
  const before = await store.query<{ source: string }>("SELECT source FROM ingest_runs ORDER BY source");
  if (notices) {
    const now = new Set(inputs.map((i) => i.real_path));
    notices.earlier_sources = before.map((r) => r.source).filter((s) => !now.has(s));
  }
  const tmp = mkdtempSync(join(tmpdir(), "queuebook-load-"));
  const bytes_total = inputs.reduce((n, i) => n + i.bytes, 0);
  const progressOf = (k: number) => {
    const before = inputs.slice(0, k).reduce((n, i) => n + i.bytes, 0);
    return (done: number) => options.onProgress?.({ source: inputs[k]!.path, bytes_done: before + done, bytes_total, phase: "reading" });
  };
  const counts = inputs.map((input, k) => emptyCounts(input.real_path, formats[k]!));
  try {
    // Native logs are read into temporary tables first, outside the transaction: their row ids
    // are then the file's line numbers (0-based), and a reader error cannot abort the load.
    for (const [k, input] of inputs.entries()) {
      if (formats[k] !== "asterisk") continue;
      const sql = await readLinesTable(input, tmp, counts[k]!, progressOf(k), `lines_raw_${k}`);
      await store.execWithProgress(sql, (f) => progressOf(k)(f * input.bytes));
    }
    return await store.transaction(async () => {
      await store.exec("CREATE OR REPLACE TEMP TABLE affected (call_id VARCHAR); CREATE OR REPLACE TEMP TABLE run_sources (source VARCHAR)");
      await store.insert("run_sources", inputs.map((i) => ({ source: i.real_path })), [{ name: "source", type: "VARCHAR" }]);
      for (const [k, input] of inputs.entries()) {
        await forgetSource(store, input.real_path);
        counts[k] = await stageInput(store, input, formats[k]!, options, counts[k]!, `lines_raw_${k}`, progressOf(k));
      }
      const phase = (p: LoadPhase) => options.onProgress?.({ source: "", bytes_done: bytes_total, bytes_total, phase: p });
      phase("checking");
      await checkUsable(store, inputs, options);
      phase("agent events");
      const scope = await buildScope(store);
      await moveParsed(store, options, scope);
      await buildAffectedStints(store, options, scope, phase);
      phase("calls");
      await store.exec(CALLS_SQL);
      phase("counting");
      return await finalCounts(store, counts, inputs);
    });
  } finally {
    for (const k of inputs.keys()) await store.exec(`DROP TABLE IF EXISTS lines_raw_${k}`);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function inspectAll(paths: readonly string[], notices?: LoadNotices): Promise<InputInfo[]> {
  const seen = new Map<string, InputInfo>();
  const byPrint = new Map<string, InputInfo>();
  const duplicates: string[] = [];
  const identical: [string, string][] = [];
  for (const path of paths) {
    const info = await inspectInput(path);
    if (seen.has(info.real_path)) {
      duplicates.push(path);
      continue;
    }
    seen.set(info.real_path, info);
    const twin = byPrint.get(info.fingerprint);
    if (twin) identical.push([twin.path, path]);
    else byPrint.set(info.fingerprint, info);
  }
  if (notices) {
    notices.duplicate_paths = duplicates;
    notices.identical_content = identical;
  }
  return [...seen.values()];
}

function formatFor(input: InputInfo, options: ParseLogOptions): LogFormat | "empty" {
  if (options.format && options.format !== "auto") return options.format;
  if (input.first_line === null) return "empty";
  return detectFormat(input.first_line, input.path);
}

/** Remembers the calls of a source's earlier load (to rebuild them) and deletes its rows. */
async function forgetSource(store: Store, source: string): Promise<void> {
  const s = sqlString(source);
  await store.exec(`INSERT INTO affected SELECT DISTINCT call_id FROM events WHERE source = ${s}`);
  await store.exec(`INSERT INTO affected SELECT DISTINCT call_id FROM call_stints WHERE source = ${s} AND call_id IN (SELECT call_id FROM events)`);
  for (const table of ["events", "agent_events", "rejects", "ingest_runs", "call_stints"]) {
    await store.exec(`DELETE FROM ${table} WHERE source = ${s}`);
  }
}

/** Reads one input into `events` (or, for Technion, straight into `call_stints`). */
async function stageInput(
  store: Store, input: InputInfo, format: LogFormat | "empty", options: ParseLogOptions, counts: IngestCounts, lines_table: string,
  progress: (bytes: number) => void,
): Promise<IngestCounts> {
  const source = input.real_path;
  if (format === "asterisk") {
    await store.exec(nativeParseSql(source, lines_table));
    await store.exec(`DROP TABLE ${lines_table}`);
    await store.exec(rejectMessagesSql(source));
    return counts;
  }
  // Small formats: read the lines (streamed, decoded), parse in TypeScript.
  const { value: lines, encoding } = await withEncodingFallback(async (encoding) => {
    const out: string[] = [];
    for await (const l of readLines(input.real_path, { gzip: input.gzip, encoding, onProgress: progress })) out.push(l.text);
    return out;
  });
  if (encoding === "windows-1252") counts.notes.decoded_as_windows_1252 = 1;
  if (format === "empty" || format === "technion") {
    const parsed: ParsedLog = parseStintLines(lines, source, format, options);
    await insertStints(store, parsed.stints);
    await store.insert("rejects", parsed.rejects.map((r) => ({ ...r, stage: "parse" })));
    Object.assign(parsed.counts.notes, counts.notes);
    await store.insert("ingest_runs", [runRow(input, parsed.counts)]);
    return parsed.counts;
  }
  const { events, rejects, counts: c } = parseEventLines(lines, source, format, options);
  const rows: Row[] = rejects.map((r) => ({ source, line: r.line, raw: r.raw, status: "reject", reason: r.reason }));
  for (const e of events) rows.push(eventRow(e));
  for (const [rule, n] of Object.entries(c.ignored_by_rule)) {
    for (let i = 0; i < n; i++) rows.push({ source, line: null, raw: null, status: rule === "blank_line" ? "blank" : rule, reason: rule });
  }
  await store.insert("events", rows);
  return counts;
}

/**
 * The SQL reading a native log into `lines_raw`: the file itself when DuckDB can take it as it
 * is, else a normalized copy (gzip, CR line ends, not UTF-8, huge lines) written first.
 */
async function readLinesTable(input: InputInfo, tmp: string, counts: IngestCounts, progress: (bytes: number) => void, table: string): Promise<string> {
  const scan = input.gzip ? null : prescanPlain(input.real_path);
  if (scan?.direct && scan.delimiter) return readLinesSql(input.real_path, scan.delimiter, table);
  const file = join(tmp, `normalized_${Math.random().toString(36).slice(2)}.log`);
  if ((await writeNormalized(input.real_path, file, { gzip: input.gzip, onProgress: progress })) === "windows-1252") {
    counts.notes.decoded_as_windows_1252 = 1;
  }
  const delimiter = absentControl(file);
  if (!delimiter) throw new InputError(input.path, "it contains every control character; it is not a text log");
  return readLinesSql(file, delimiter, table);
}

function eventRow(e: QueueLogEvent): Row {
  const kind = verbKind(e.event);
  let status: string = kind;
  let reason: string | null = null;
  if (kind === "agent") {
    try {
      toAgentEvent(e);
    } catch (err) {
      status = "reject";
      reason = (err as LogParseError).message;
    }
  }
  return {
    source: e.source, line: e.line, raw: e.raw, status, reason, at_ms: e.at, call_id: e.call_id, queue: e.queue,
    agent: e.agent, event: e.event, data: e.data,
  };
}

function runRow(input: InputInfo, c: IngestCounts): Row {
  return {
    source: input.real_path, format: c.format, lines_read: c.lines_read, used: c.used, ignored: c.ignored, rejected: c.rejected,
    ignored_by_rule: JSON.stringify({ ...c.ignored_by_rule, notes: c.notes }), events: null, bytes: input.bytes,
    fingerprint: input.fingerprint, loaded_at: Date.now(),
  };
}

/** A forced format that fits no line of a file, or strict mode with a bad line, stops the load. */
async function checkUsable(store: Store, inputs: InputInfo[], options: ParseLogOptions): Promise<void> {
  const rows = await store.query<{ source: string; n: number; bad: number }>(
    "SELECT source, count(*) AS n, count(*) FILTER (status = 'reject') AS bad FROM events SEMI JOIN run_sources USING (source) GROUP BY source",
  );
  for (const r of rows) {
    if (r.n > 0 && r.bad === r.n && options.format && options.format !== "auto") {
      const input = inputs.find((i) => i.real_path === r.source)!;
      let looks = "no known format";
      try {
        looks = `'${detectFormat(input.first_line ?? "", input.path)}'`;
      } catch { /* nothing recognised */ }
      throw new TypeError(`No line of '${input.path}' is usable as --format ${options.format} (all ${r.n} rejected); the file looks like ${looks}`);
    }
  }
  if (options.strict) {
    const [first] = await store.query<{ reason: string; source: string; line: number }>(
      "SELECT source, line, reason FROM events SEMI JOIN run_sources USING (source) WHERE status = 'reject' ORDER BY source, line LIMIT 1",
    );
    if (first) throw strictError(first.reason, first.source, first.line);
  }
}

function strictError(message: string, source: string, line: number): LogParseError {
  const m = /^.*?:\d+: field '([^']*)': (.*)$/s.exec(message);
  const err = new LogParseError(m ? m[2]! : message, { source, line, field: m ? m[1]! : "line" });
  return err;
}

/**
 * Which calls a load must (re)build: `"all"` when `events` holds this run's sources only (every
 * call in it is new), else `"affected"` (the calls of this run and of the sources it replaced).
 */
interface BuildScope {
  scope: "all" | "affected";
  /** `events` holds one source only. */
  one_source: boolean;
}

async function buildScope(store: Store): Promise<BuildScope> {
  const [r] = await store.query<{ sources: number; others: number }>(`
    SELECT count(*) AS sources, count(*) FILTER (source NOT IN (SELECT source FROM run_sources)) AS others
    FROM (SELECT DISTINCT source FROM events)`);
  return { scope: r!.others === 0 ? "all" : "affected", one_source: r!.sources <= 1 };
}

/** Derives `agent_events`, parse `rejects` and `ingest_runs` rows from this run's `events`. */
async function moveParsed(store: Store, options: ParseLogOptions, scope: BuildScope): Promise<void> {
  const run = "source IN (SELECT source FROM run_sources)";
  await store.exec(`
    ${scope.scope === "affected" ? `INSERT INTO affected SELECT DISTINCT call_id FROM events WHERE status IN ('call', 'outbound') AND ${run};` : ""}
    INSERT INTO rejects SELECT source, line, raw, reason, 'parse', NULL FROM events WHERE status = 'reject' AND ${run};
    CREATE OR REPLACE TEMP TABLE agent_rows AS
      SELECT *, first_value(line) OVER w AS first_line, first_value(source) OVER w AS first_source, row_number() OVER w AS copy
      FROM events WHERE status = 'agent' AND ${run}
      WINDOW w AS (PARTITION BY at_ms, trim(agent), event, trim(queue), call_id, array_to_string(data, '|') ORDER BY source, line);
    INSERT INTO agent_events (source, line, agent, "at", event, queue, reason, call_id, ring_ms)
      SELECT source, line, trim(agent), make_timestamptz(at_ms * 1000), event,
        CASE WHEN trim(queue) IN ('', 'NONE') THEN NULL ELSE trim(queue) END,
        CASE WHEN event IN ('RINGNOANSWER', 'RINGCANCELED') OR trim(coalesce(data[1], '')) IN ('', 'NONE') THEN NULL ELSE trim(data[1]) END,
        CASE WHEN trim(call_id) IN ('', 'NONE') THEN NULL ELSE trim(call_id) END,
        CASE WHEN event IN ('RINGNOANSWER', 'RINGCANCELED') THEN TRY_CAST(nullif(trim(data[1]), '') AS DOUBLE) END
      FROM agent_rows WHERE copy = 1;
    INSERT INTO rejects SELECT source, line, raw,
        source || ':' || line || ': field ''event'': duplicate of line ' || first_line ||
        CASE WHEN first_source = source THEN '' ELSE ' of ''' || first_source || '''' END ||
        ' (same instant, agent, event and data)', 'build', NULL
      FROM agent_rows WHERE copy > 1;
    INSERT INTO ingest_runs (source, format, lines_read, used, ignored, rejected, ignored_by_rule, events, loaded_at)
      SELECT source, NULL, count(*), 0, 0, 0, NULL, count(*) FILTER (status IN ('call', 'outbound', 'agent')), now()
      FROM events WHERE ${run} GROUP BY source;
    DROP TABLE agent_rows;
  `);
  if (options.strict) {
    const [dup] = await store.query<{ reason: string; source: string; line: number }>(
      "SELECT source, line, reason FROM rejects WHERE stage = 'build' ORDER BY source, line LIMIT 1",
    );
    if (dup) throw strictError(dup.reason, dup.source, dup.line);
  }
}

/** Rebuilds the stints of every call in scope: regular ones in SQL, the rest in TypeScript. */
async function buildAffectedStints(store: Store, options: ParseLogOptions, scope: BuildScope, phase: (p: LoadPhase) => void): Promise<void> {
  phase("visits");
  if (scope.scope === "affected") {
    await store.exec(`
      CREATE OR REPLACE TEMP TABLE affected_ids AS SELECT DISTINCT call_id FROM affected;
      DROP TABLE affected; ALTER TABLE affected_ids RENAME TO affected;
      DELETE FROM call_stints WHERE call_id IN (SELECT call_id FROM affected)
        AND source IN (SELECT DISTINCT source FROM events);
      DELETE FROM rejects WHERE stage = 'build' AND call_id IN (SELECT call_id FROM affected);
    `);
  }
  await store.exec(visitsSql(scope.scope, scope.one_source));
  await store.exec(chainVisitsSql(scope.one_source));
  phase("stints");
  await store.exec(REGULAR_STINTS_SQL);
  phase("irregular calls");
  const irregular = await store.query<Row>(`
    SELECT e.source, e.line, e.at_ms, e.call_id, e.queue, e.agent, e.event, e.data, e.raw
    FROM events e SEMI JOIN (SELECT call_id FROM visits WHERE NOT regular) i ON e.call_id = i.call_id
    WHERE e.status IN ('call', 'outbound')
    ORDER BY e.call_id, e.at_ms, e.source, e.line`);
  const counts = emptyCounts("", "");
  const stints = [];
  const rejects: Row[] = [];
  let from = 0;
  while (from < irregular.length) {
    let to = from;
    const id = irregular[from]!.call_id;
    while (to < irregular.length && irregular[to]!.call_id === id) to++;
    const events = irregular.slice(from, to).map(toEvent);
    const built = buildCallStints(events, counts, { strict: options.strict });
    stints.push(...built.stints);
    for (const r of built.rejects) rejects.push({ ...r, stage: "build", call_id: id });
    from = to;
  }
  await insertStints(store, stints);
  await store.insert("rejects", rejects);
  await store.exec("DROP TABLE visits; DROP TABLE chain_visits;");
}

function toEvent(r: Row): QueueLogEvent {
  return {
    source: r.source as string, line: Number(r.line), raw: r.raw as string, at: Number(r.at_ms), call_id: r.call_id as string,
    queue: r.queue as string, agent: r.agent as string, event: r.event as string, data: (r.data as string[]) ?? [],
  };
}

/** Counts per source from the tables (they reconcile by construction), written to `ingest_runs`. */
async function finalCounts(store: Store, staged: IngestCounts[], inputs: InputInfo[]): Promise<IngestCounts[]> {
  for (const c of staged) {
    if (c.format === "technion" || c.format === "empty") continue;
    const s = sqlString(c.source);
    const input = inputs.find((i) => i.real_path === c.source)!;
    const rules = await store.query<{ rule: string; n: number }>(`
      SELECT CASE status WHEN 'blank' THEN 'blank_line' WHEN 'system' THEN 'system_event'
          WHEN 'informational' THEN 'informational_event' WHEN 'unrecognized' THEN 'unrecognized_event:' || event ELSE status END AS rule,
        count(*) AS n
      FROM events WHERE source = ${s} AND status NOT IN ('call', 'outbound', 'agent', 'reject') GROUP BY ALL ORDER BY rule`);
    const ignored_by_rule = Object.fromEntries(rules.map((r) => [r.rule, r.n]));
    await store.exec(
      `UPDATE ingest_runs SET format = ${sqlString(c.format)}, ignored = ${rules.reduce((n, r) => n + r.n, 0)},
         ignored_by_rule = ${sqlString(JSON.stringify(ignored_by_rule))}, bytes = ${input.bytes},
         fingerprint = ${sqlString(input.fingerprint)}
       WHERE source = ${s}`,
    );
  }
  // Rebuilt calls can change the build rejects of earlier sources too: recount every source.
  await store.exec(`
    UPDATE ingest_runs SET
      used = events - coalesce((SELECT count(*) FROM rejects r WHERE r.source = ingest_runs.source AND r.stage = 'build'), 0),
      rejected = coalesce((SELECT count(*) FROM rejects r WHERE r.source = ingest_runs.source), 0)
    WHERE events IS NOT NULL;
    DROP TABLE run_sources; DROP TABLE affected;`);
  const out: IngestCounts[] = [];
  for (const c of staged) {
    if (c.format === "technion" || c.format === "empty") {
      out.push(c);
      continue;
    }
    const s = sqlString(c.source);
    const [run] = await store.query<Record<string, unknown>>(`SELECT * FROM ingest_runs WHERE source = ${s}`);
    const [notes] = await store.query<{ open: number; reconstructed: number }>(`
      SELECT count(*) FILTER (outcome = 'open') AS open, count(*) FILTER (reconstructed) AS reconstructed
      FROM call_stints WHERE source = ${s}`);
    const counts: IngestCounts = {
      source: c.source, format: c.format, lines_read: Number(run!.lines_read), used: Number(run!.used),
      ignored: Number(run!.ignored), rejected: Number(run!.rejected),
      ignored_by_rule: JSON.parse(String(run!.ignored_by_rule)), notes: { ...c.notes },
    };
    if (notes!.open > 0) counts.notes.open_stints = notes!.open;
    if (notes!.reconstructed > 0) counts.notes.reconstructed_stints = notes!.reconstructed;
    await store.exec(`UPDATE ingest_runs SET ignored_by_rule = ${sqlString(JSON.stringify({ ...counts.ignored_by_rule, notes: counts.notes }))} WHERE source = ${s}`);
    out.push(counts);
  }
  return out;
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
    await store.exec(CALLS_SQL);
    return c;
  });
}

export { InputError, nullable };
