/**
 * Parsing one log file of any supported format into stints, agent events and rejects.
 *
 * @module
 */
import { asteriskCsvRecordToEvent } from "./asterisk_csv.ts";
import { parseQueueLogLine } from "./asterisk_queue_log.ts";
import { parseCsvTable } from "./_csv_table.ts";
import { detectFormat, type LogFormat } from "./detect_format.ts";
import { LogParseError } from "./errors.ts";
import { pbxwareRecordToEvent } from "./pbxware.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { buildStints } from "./queue_log_stints.ts";
import { readText, splitLines } from "./read_lines.ts";
import { parseTechnion } from "./technion.ts";
import { emptyCounts, ignoreLine, type ParsedLog, type Reject } from "./types.ts";

/** Options of {@link parseLogText} and {@link parseLogFile}. */
export interface ParseLogOptions {
  /** Input format, or `"auto"` (default) to detect it from the first line. */
  format?: LogFormat | "auto";
  /**
   * IANA time zone of local wall-clock times in the input: `asterisk-csv` time strings
   * (default `"UTC"`) and Technion times (default `"Asia/Jerusalem"`). Epoch times ignore it.
   */
  sourceTimeZone?: string;
  /** Stop at the first bad line with a {@link LogParseError} naming file, line and field (default `false`). */
  strict?: boolean;
}

/**
 * Parses the text of one log.
 *
 * Every line is accounted for: `counts.lines_read = used + ignored + rejected`.
 *
 * @param text the file's content
 * @param source the file name (used in rejects and errors)
 * @param options format, source time zone, strictness
 * @returns stints, agent events, rejects and counts
 * @throws {TypeError} when the format cannot be detected
 * @throws {LogParseError} in strict mode, at the first bad line
 * Source: see each format's parser.
 */
export function parseLogText(text: string, source: string, options: ParseLogOptions = {}): ParsedLog {
  const firstLine = splitLines(text.slice(0, 4096)).find((l) => l.trim() !== "") ?? "";
  const format = !options.format || options.format === "auto" ? detectFormat(firstLine, source) : options.format;
  if (format === "technion") {
    return parseTechnion(splitLines(text), source, { timeZone: options.sourceTimeZone, strict: options.strict });
  }
  const counts = emptyCounts(source, format);
  const events: QueueLogEvent[] = [];
  const rejects: Reject[] = [];
  const reject = (r: Reject, err: LogParseError | null) => {
    if (options.strict) throw err ?? new LogParseError(r.reason, { source, line: r.line, field: "fields" });
    rejects.push(r);
    counts.rejected++;
  };
  if (format === "asterisk") {
    const lines = splitLines(text);
    counts.lines_read = lines.length;
    lines.forEach((raw, i) => {
      if (raw.trim() === "") return ignoreLine(counts, "blank_line");
      try {
        events.push(parseQueueLogLine(raw, { source, line: i + 1 }));
      } catch (err) {
        if (!(err instanceof LogParseError)) throw err;
        reject({ source, line: i + 1, raw, reason: err.message }, err);
      }
    });
  } else {
    const table = parseCsvTable(text, source);
    counts.lines_read = 1 + table.blank_lines + table.records.length + table.rejects.length;
    ignoreLine(counts, "header");
    for (let i = 0; i < table.blank_lines; i++) ignoreLine(counts, "blank_line");
    for (const r of table.rejects) reject(r, null);
    for (const record of table.records) {
      try {
        events.push(
          format === "pbxware"
            ? pbxwareRecordToEvent(record, source)
            : asteriskCsvRecordToEvent(record, source, { timeZone: options.sourceTimeZone }),
        );
      } catch (err) {
        if (!(err instanceof LogParseError)) throw err;
        reject({ source, line: record.line, raw: record.raw, reason: err.message }, err);
      }
    }
  }
  const built = buildStints(events, counts, { strict: options.strict });
  rejects.push(...built.rejects);
  rejects.sort((a, b) => a.line - b.line);
  return { stints: built.stints, agent_events: built.agent_events, rejects, counts };
}

/**
 * Reads and parses one log file (plain or gzip, LF or CRLF). See {@link parseLogText}.
 *
 * @param path the file path; it is also the `source` name stored with every row
 */
export function parseLogFile(path: string, options: ParseLogOptions = {}): ParsedLog {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new Error(`Cannot read input '${path}': ${why}`);
  }
  return parseLogText(text, path, options);
}
