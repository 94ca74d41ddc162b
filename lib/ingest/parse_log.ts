/**
 * Parsing one log file of any supported format into stints, agent events and rejects.
 *
 * @module
 */
import { asteriskCsvRecordToEvent } from "./asterisk_csv.ts";
import { parseQueueLogLine } from "./asterisk_queue_log.ts";
import { parseCsvLines } from "./_csv_table.ts";
import { detectFormat, isStintFormat, type LogFormat, type StintFormat } from "./detect_format.ts";
import { parseCdr } from "./cdr.ts";
import { LogParseError } from "./errors.ts";
import { pbxwareRecordToEvent } from "./pbxware.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { buildStints } from "./queue_log_stints.ts";
import { readText, splitLines } from "./read_lines.ts";
import { parseTechnion } from "./technion.ts";
import { addNote, emptyCounts, type IngestCounts, ignoreLine, type ParsedLog, type Reject } from "./types.ts";
import { ianaZone } from "../time/mod.ts";

/** Options of {@link parseLogText} and {@link parseLogFile}. */
export interface ParseLogOptions {
  /** Input format, or `"auto"` (default) to detect it from the first non-blank line. */
  format?: LogFormat | "auto";
  /**
   * IANA time zone of local wall-clock times in the input: `asterisk-csv` time strings and CDR
   * date-times (default `"UTC"`), Technion times (default `"Asia/Jerusalem"`). Epoch times ignore it.
   */
  sourceTimeZone?: string;
  /**
   * Stop at the first bad line with a {@link LogParseError} naming file, line and field
   * (default `false`: reject the line and go on). Lines are checked in file order; the few
   * checks that need the call's history (a duplicate ENTERQUEUE, an event after its stint ended,
   * a talk time longer than the call) run afterwards, in time order.
   */
  strict?: boolean;
  /** Column order of `asterisk-cdr` / `freeswitch-cdr` / `pbxware-cdr` files as configured on the PBX (default the documented one). */
  cdr_columns?: readonly string[];
}

/**
 * Parses the text of one log.
 *
 * Every physical line is accounted for: `counts.lines_read = used + ignored + rejected`,
 * where ignored lines carry a named rule (header, blank_line, system_event, …). Table exports
 * (CSV) hold one record per line: a quoted field may contain delimiters but not line breaks.
 *
 * @param text the file's content
 * @param source the file name (used in rejects and errors)
 * @param options format, source time zone, strictness
 * @returns stints, agent events, rejects and counts
 * @throws {TypeError} when the format cannot be detected
 * @throws {RangeError} for an unknown `sourceTimeZone`
 * @throws {LogParseError} in strict mode, at the first bad line
 * Source: see each format's parser.
 */
export function parseLogText(text: string, source: string, options: ParseLogOptions = {}): ParsedLog {
  if (options.sourceTimeZone !== undefined) ianaZone(options.sourceTimeZone);
  const lines = splitLines(text);
  const format = formatOf(lines, source, options);
  if (format === "empty" || isStintFormat(format)) return parseStintLines(lines, source, format, options);
  const { events, rejects, counts } = parseEventLines(lines, source, format, options);
  const built = buildStints(events, counts, { strict: options.strict });
  rejects.push(...built.rejects);
  rejects.sort((a, b) => a.line - b.line);
  return { stints: built.stints, agent_events: built.agent_events, rejects, counts };
}

/** The format of a log's lines: forced, or detected from the first non-blank line (`"empty"` for none). */
export function formatOf(lines: readonly string[], source: string, options: ParseLogOptions): LogFormat | "empty" {
  const firstLine = lines.find((l) => l.trim() !== "");
  if (firstLine === undefined) return "empty";
  return !options.format || options.format === "auto" ? detectFormat(firstLine, source) : options.format;
}

/** Parses an empty log, the Technion data or a CDR file (formats that give stints directly, without events). */
export function parseStintLines(lines: readonly string[], source: string, format: "empty" | StintFormat, options: ParseLogOptions): ParsedLog {
  if (format === "technion") return parseTechnion(lines, source, { timeZone: options.sourceTimeZone, strict: options.strict });
  if (format === "asterisk-cdr" || format === "freeswitch-cdr" || format === "pbxware-cdr") {
    return parseCdr(lines, source, format, { timeZone: options.sourceTimeZone, strict: options.strict, columns: options.cdr_columns });
  }
  const counts = emptyCounts(source, options.format && options.format !== "auto" ? options.format : "empty");
  counts.lines_read = lines.length;
  for (let i = 0; i < lines.length; i++) ignoreLine(counts, "blank_line");
  return { stints: [], agent_events: [], rejects: [], counts };
}

/**
 * The parse stage of a queue_log-like log: every line becomes an event, a reject (the line
 * alone is bad) or an ignored line (blank, header). Stints are built afterwards from the events.
 *
 * @throws {LogParseError} in strict mode, at the first bad line
 */
export function parseEventLines(lines: readonly string[], source: string, format: Exclude<LogFormat, StintFormat>, options: ParseLogOptions = {}): { events: QueueLogEvent[]; rejects: Reject[]; counts: IngestCounts } {
  const counts = emptyCounts(source, format);
  counts.lines_read = lines.length;
  const events: QueueLogEvent[] = [];
  const rejects: Reject[] = [];
  const reject = (line: number, raw: string, err: unknown) => {
    if (!(err instanceof LogParseError)) throw err;
    if (options.strict) throw err;
    rejects.push({ source, line, raw, reason: err.message });
    counts.rejected++;
  };
  if (format === "asterisk") {
    lines.forEach((raw, i) => {
      if (raw.trim() === "") return ignoreLine(counts, "blank_line");
      try {
        events.push(parseQueueLogLine(raw, { source, line: i + 1 }));
      } catch (err) {
        reject(i + 1, raw, err);
      }
    });
    return { events, rejects, counts };
  }
  const table = parseCsvLines(lines, source);
  if (table.header_line > 0) ignoreLine(counts, "header");
  for (let i = 0; i < table.blank_lines; i++) ignoreLine(counts, "blank_line");
  for (let i = 0; i < table.continuation_lines; i++) ignoreLine(counts, "continuation_line");
  // Interleave field-count errors and records so that strict mode stops at the first bad line.
  const items = [
    ...table.errors.map((e) => ({ line: e.line, raw: e.raw, error: e.error as LogParseError | null, record: null })),
    ...table.records.map((r) => ({ line: r.line, raw: r.raw, error: null, record: r })),
  ].sort((a, b) => a.line - b.line);
  for (const item of items) {
    try {
      if (item.error) throw item.error;
      events.push(
        format === "pbxware"
          ? pbxwareRecordToEvent(item.record!, source)
          : asteriskCsvRecordToEvent(item.record!, source, { timeZone: options.sourceTimeZone }),
      );
    } catch (err) {
      reject(item.line, item.raw, err);
    }
  }
  return { events, rejects, counts };
}

/**
 * Reads and parses one log file (plain or gzip; LF, CRLF or CR; UTF-8 or Windows-1252).
 * See {@link parseLogText}. A file that is not valid UTF-8 is decoded as Windows-1252 and
 * counted in `counts.notes.decoded_as_windows_1252`.
 *
 * @param path the file path; it is also the `source` name stored with every row
 * @throws {Error} `Cannot read input '…': …` when the file is missing, a directory or corrupt gzip
 */
export function parseLogFile(path: string, options: ParseLogOptions = {}): ParsedLog {
  let decoded;
  try {
    decoded = readText(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new Error(`Cannot read input '${path}': ${why}`);
  }
  const parsed = parseLogText(decoded.text, path, options);
  if (decoded.encoding !== "utf-8") addNote(parsed.counts, "decoded_as_windows_1252");
  return parsed;
}
