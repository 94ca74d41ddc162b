/**
 * Private: the first step of a load — inputs checked, identified and parsed into temporary
 * tables (`stage_events`, and `stage_stints` / `stage_rejects` / `new_runs` for the Technion format),
 * outside any transaction: nothing in the database changes yet.
 *
 * @module
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { type Row, type Store, TABLES } from "../store/mod.ts";
import { detectFormat, headerFits, isStintFormat, type LogFormat, STINT_FORMATS } from "./detect_format.ts";
import { LogParseError } from "./errors.ts";
import { absentControl, InputError, type InputInfo, inspectInput, prescanPlain, readLines, writeNormalized } from "./input_file.ts";
import { parseEventLines, type ParseLogOptions, parseStintLines } from "./parse_log.ts";
import { nativeParseSql, readLinesSql, rejectMessagesSql } from "./parse_sql.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { toAgentEvent } from "./queue_log_stints.ts";
import { MAX_LINE_BYTES, verbKind } from "./queue_log_verbs.ts";
import { insertStints } from "./stage_rows.ts";
import type { IngestCounts, ParsedLog } from "./types.ts";
import { dropRepeatedStints } from "./_stint_duplicates.ts";
import { CDR_ID_FIELD } from "./cdr.ts";

/**
 * Creates the empty tables a load stages into. The four big ones (`stage_events`,
 * `stage_stints`, `stage_rejects`, `stage_agent_events`) are ordinary tables with the columns
 * of their targets, so that the closing transaction can rename them into place instead of
 * copying them (see `applyRun`); `openStore` drops `stage_*` tables a killed load left behind.
 */
export async function createStageTables(store: Store, inputs: readonly InputInfo[]): Promise<void> {
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE run_sources (source VARCHAR);
    CREATE OR REPLACE TABLE stage_events AS SELECT * FROM events LIMIT 0;
    CREATE OR REPLACE TABLE stage_stints AS SELECT * FROM call_stints LIMIT 0;
    CREATE OR REPLACE TABLE stage_rejects AS SELECT * FROM rejects LIMIT 0;
    CREATE OR REPLACE TEMP TABLE new_runs AS SELECT * FROM ingest_runs LIMIT 0;`);
  await store.insert("run_sources", inputs.map((i) => ({ source: i.real_path })), [{ name: "source", type: "VARCHAR" }]);
}

/** The scratch tables of a load, dropped at its end whatever happened. */
export const STAGE_TABLES = [
  "run_sources", "stage_events", "stage_stints", "stage_rejects", "new_runs", "stage_agent_events", "run_affected", "build_events",
  "visits", "chain_visits", "chain_events", "agent_rows", "lines_raw", "new_notes", "run_agent", "old_agent", "old_agent_lines",
];

/**
 * Inspects every path (real path, regular file, encoding) and drops repeats of one real path.
 * @throws {InputError} for a path that cannot be read as a log
 */
export async function inspectAll(paths: readonly string[]): Promise<{ inputs: InputInfo[]; duplicates: string[]; identical: [string, string][] }> {
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
    // [kept, copy]: of two equal events the one of the first source by real path is kept.
    if (twin) identical.push(twin.real_path <= info.real_path ? [twin.path, path] : [path, twin.path]);
    else byPrint.set(info.fingerprint, info);
  }
  return { inputs: [...seen.values()], duplicates, identical };
}

/** The format of an input: forced by the options, else detected from its first line. */
export function formatFor(input: InputInfo, options: ParseLogOptions): LogFormat | "empty" {
  if (options.format && options.format !== "auto") {
    // A table format forced onto a file without its header would read the first line as one.
    if (input.first_line !== null && !headerFits(options.format, input.first_line)) {
      throw new InputError(input.path, `its first line is not a header of --format ${options.format} ('${input.first_line.slice(0, 80)}'); the file looks like ${looksLike(input)}`);
    }
    return options.format;
  }
  if (input.first_line === null) return "empty";
  try {
    return detectFormat(input.first_line, input.path, input.first_record ?? input.first_line);
  } catch (err) {
    if (err instanceof TypeError) throw new InputError(input.path, err.message.replace(/^Cannot [^:]*: /, ""));
    throw err;
  }
}

/**
 * Parses one input into the stage tables: a native log by DuckDB (read, then split and checked
 * in SQL), table exports in TypeScript (events), the Technion format in TypeScript (stints).
 *
 * @param tmp a private directory for normalized copies
 * @param progress called with the input bytes read so far
 */
export async function stageInput(
  store: Store, input: InputInfo, format: LogFormat | "empty", options: ParseLogOptions, counts: IngestCounts, tmp: string,
  progress: (bytes: number) => void,
): Promise<void> {
  const source = input.real_path;
  if (format === "asterisk" && await readLinesTable(store, input, tmp, counts, progress)) {
    await store.exec(`${nativeParseSql(source, "lines_raw", "stage_events")}; DROP TABLE lines_raw;`);
    await store.exec(rejectMessagesSql(source, "stage_events"));
    return;
  }
  // Small formats: read the lines (streamed, decoded), parse in TypeScript.
  const tooLong = new Set<number>();
  const lines: string[] = [];
  let decoded = 0, invalid = 0;
  for await (const l of readLines(input.real_path, { gzip: input.gzip, onProgress: progress })) {
    lines.push(l.text);
    if (l.too_long) tooLong.add(l.line);
    if (l.decoded === "windows-1252") decoded++;
    else if (l.decoded) invalid++;
  }
  // The old flag stays (a key is never renamed); the new key counts the lines.
  if (decoded > 0) Object.assign(counts.notes, { decoded_as_windows_1252: 1, lines_decoded_as_windows_1252: decoded });
  if (invalid > 0) counts.notes.lines_with_invalid_utf8 = invalid;
  if (format === "empty" || isStintFormat(format)) {
    const parsed: ParsedLog = parseStintLines(lines, source, format, options);
    await dropRepeatedStints(store, source, parsed, lines, format === "empty" || format === "technion" ? "call_id" : CDR_ID_FIELD[format], parsed.counts);
    await insertStints(store, parsed.stints, "stage_stints");
    await store.insert("stage_rejects", parsed.rejects.map((r) => ({ ...r, stage: "parse" })), TABLES.rejects);
    Object.assign(counts, { ...parsed.counts, notes: { ...parsed.counts.notes, ...counts.notes } });
    await store.insert("new_runs", [runRow(input, counts)], TABLES.ingest_runs);
    return;
  }
  const { events, rejects, counts: c } = parseEventLines(lines, source, format, options);
  // A line too long to keep is rejected whole (its first 200 characters kept), never parsed cut.
  const rows: Row[] = rejects.filter((r) => !tooLong.has(r.line)).map((r) => ({ source, line: r.line, raw: r.raw, status: "reject", reason: r.reason }));
  for (const line of tooLong) {
    rows.push({ source, line, raw: lines[line - 1], status: "reject", reason: `${source}:${line}: field 'fields': line longer than ${MAX_LINE_BYTES} bytes (kept: its first 200 characters)` });
  }
  for (const e of events) if (!tooLong.has(e.line)) rows.push(eventRow(e));
  for (const [rule, n] of Object.entries(c.ignored_by_rule)) {
    for (let i = 0; i < n; i++) rows.push({ source, line: null, raw: null, status: rule === "blank_line" ? "blank" : rule, reason: rule });
  }
  await store.insert("stage_events", rows, TABLES.events);
}

/**
 * Reads a native log into the temporary table `lines_raw`: the file itself when DuckDB takes it
 * as it is, else a normalized copy (gzip, CR line ends, not UTF-8, a byte-order mark, huge lines)
 * written first. DuckDB reads through a symlink with a plain name in `tmp`, because it takes
 * `*`, `?` and `[` in a path as a glob (a file named `q[12].log` read `q1.log` and `q2.log`).
 * Runs outside any transaction, so a refused read changes nothing.
 *
 * @returns false when the file holds every control character (no delimiter is free for
 *   DuckDB's one-column read): the caller parses it in TypeScript instead
 * @throws {InputError} on gzip data that is truncated or corrupt
 */
async function readLinesTable(store: Store, input: InputInfo, tmp: string, counts: IngestCounts, progress: (bytes: number) => void): Promise<boolean> {
  const scan = input.gzip ? null : prescanPlain(input.real_path);
  if (scan?.direct && scan.delimiter) {
    const link = join(tmp, `input_${Math.random().toString(36).slice(2)}.log`);
    symlinkSync(input.real_path, link);
    try {
      await store.execWithProgress(readLinesSql(link, scan.delimiter, "lines_raw"), (f) => progress(f * input.bytes));
      return true;
    } catch (err) {
      if (!/unicode|utf-?8/i.test((err as Error).message)) throw err;
    }
  }
  const file = join(tmp, `normalized_${Math.random().toString(36).slice(2)}.log`);
  let decoded: { decoded_lines: number; invalid_utf8_lines: number };
  try {
    decoded = await writeNormalized(input.real_path, file, { gzip: input.gzip, onProgress: progress });
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (input.gzip && /^Z_|ERR_/.test(code) || /unexpected end of file|incorrect header|invalid (code|block|distance|stored)/i.test((err as Error).message)) {
      throw new InputError(input.path, `its gzip data is truncated or corrupt (${(err as Error).message})`);
    }
    throw err;
  }
  if (decoded.decoded_lines > 0) Object.assign(counts.notes, { decoded_as_windows_1252: 1, lines_decoded_as_windows_1252: decoded.decoded_lines });
  if (decoded.invalid_utf8_lines > 0) counts.notes.lines_with_invalid_utf8 = decoded.invalid_utf8_lines;
  const delimiter = absentControl(file);
  if (!delimiter) return false;
  await store.execWithProgress(readLinesSql(file, delimiter, "lines_raw"), (f) => progress(f * input.bytes));
  return true;
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

/** An `ingest_runs` row for an input and its counts. */
export function runRow(input: InputInfo, c: IngestCounts, events: number | null = null): Row {
  return {
    source: input.real_path, format: c.format, lines_read: c.lines_read, used: c.used, ignored: c.ignored, rejected: c.rejected,
    ignored_by_rule: JSON.stringify({ ...c.ignored_by_rule, notes: c.notes }), events, bytes: input.bytes,
    fingerprint: input.fingerprint, loaded_at: Date.now(),
  };
}

/**
 * A forced format that fits no line of a file stops the load.
 *
 * @throws {InputError} when a forced `--format` gives no usable line (naming the format the file
 *   looks like)
 */
export async function checkUsable(store: Store, inputs: readonly InputInfo[], options: ParseLogOptions, counts: readonly IngestCounts[]): Promise<void> {
  const forced = options.format && options.format !== "auto";
  const rows = await store.query<{ source: string; usable: number; bad: number }>(
    "SELECT source, count(*) FILTER (status IN ('call', 'outbound', 'agent')) AS usable, count(*) FILTER (status = 'reject') AS bad FROM stage_events GROUP BY source",
  );
  for (const [k, input] of inputs.entries()) {
    const r = rows.find((x) => x.source === input.real_path);
    const technion = STINT_FORMATS.has(counts[k]!.format);
    const usable = technion ? counts[k]!.used : r?.usable ?? 0;
    const bad = technion ? counts[k]!.rejected : r?.bad ?? 0;
    if (forced && usable === 0 && bad > 0) {
      throw new InputError(input.path, `no line is usable as --format ${options.format} (${bad} rejected); the file looks like ${looksLike(input)}`);
    }
  }
}

/** What format a file looks like, for messages: `'pbxware'`, or "no known format". */
function looksLike(input: InputInfo): string {
  try {
    return `'${detectFormat(input.first_line ?? "", input.path, input.first_record ?? input.first_line ?? "")}'`;
  } catch {
    return "no known format";
  }
}

/** The strict-mode error of a stored reject message (`file:line: field 'x': reason`). */
export function strictError(message: string, source: string, line: number): LogParseError {
  const m = /^.*?:\d+: field '([^']*)': (.*)$/s.exec(message);
  return new LogParseError(m ? m[2]! : message, { source, line, field: m ? m[1]! : "line" });
}
