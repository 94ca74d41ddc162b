/**
 * Input format detection.
 *
 * @module
 */
import { isAsteriskCsvHeader } from "./asterisk_csv.ts";
import { isPbxwareHeader } from "./pbxware.ts";
import { isTechnionHeader } from "./technion.ts";
import { looksLikeCdr } from "./cdr.ts";
import { sniffDelimiter } from "./_csv_table.ts";

/** Formats queuebook reads. */
export const LOG_FORMATS = ["asterisk", "asterisk-csv", "pbxware", "technion", "asterisk-cdr", "freeswitch-cdr", "pbxware-cdr"] as const;
/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];
/** Formats read as stints directly (one record per call), not as events. */
export const STINT_FORMATS: ReadonlySet<string> = new Set(["technion", "asterisk-cdr", "freeswitch-cdr", "pbxware-cdr"]);
/** A format of {@link STINT_FORMATS}. */
export type StintFormat = "technion" | "asterisk-cdr" | "freeswitch-cdr" | "pbxware-cdr";
/** True for a format of {@link STINT_FORMATS}. */
export function isStintFormat(format: string): format is StintFormat {
  return STINT_FORMATS.has(format);
}

/** The lower-cased, unquoted column names of a CSV header line (delimiter sniffed). */
export function csvHeader(line: string): string[] {
  const text = line.replace(/^\uFEFF/, "");
  return text.split(sniffDelimiter(text)).map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase());
}

/**
 * True when `firstLine` is the header a table format needs (`asterisk-csv`, `pbxware`); other
 * formats have no header and always fit.
 */
export function headerFits(format: LogFormat, firstLine: string): boolean {
  if (format === "asterisk-csv") return isAsteriskCsvHeader(csvHeader(firstLine));
  if (format === "pbxware") return isPbxwareHeader(csvHeader(firstLine));
  return true;
}

/**
 * Detects the format of a log from its first non-blank line.
 *
 * - `technion`: header starting `vru+line<TAB>call_id`;
 * - `pbxware`: CSV header with `uid,date_time,callid,queue_name,type,event,param1…`;
 * - `asterisk-csv`: CSV header with `time, callid, queuename, agent, event` and `data1…`/`data`;
 * - `asterisk`: a native line starting `epoch|`;
 * - `asterisk-cdr` / `freeswitch-cdr` / `pbxware-cdr`: a headerless CDR row with the default
 *   column count whose start column is a date-time, or (PBXware) the CDR table's header row (a
 *   configured column order needs `--format`).
 *
 * @param firstLine the first non-blank line of the file
 * @param source file name, for the error message
 * @param firstRecord the first CSV record (the first line, or more when a quoted cell holds a line break): what the CDR checks read
 * @throws {TypeError} when the line matches no format (message quotes the line and the formats)
 * Source: the formats' own documentation (see each parser).
 * @example
 * ```ts
 * detectFormat("1366720340|1366720340.303267|q1|NONE|ENTERQUEUE||555|1", "queue_log"); // "asterisk"
 * ```
 */
export function detectFormat(firstLine: string, source: string, firstRecord: string = firstLine): LogFormat {
  const line = firstLine.replace(/^\uFEFF/, "");
  if (isTechnionHeader(line)) return "technion";
  if (/^\d+(\.\d+)?\|/.test(line.trim())) return "asterisk";
  const header = csvHeader(line);
  if (isPbxwareHeader(header)) return "pbxware";
  if (isAsteriskCsvHeader(header)) return "asterisk-csv";
  const rec = firstRecord.replace(/^\uFEFF/, "");
  if (looksLikeCdr(rec, "asterisk-cdr")) return "asterisk-cdr";
  if (looksLikeCdr(rec, "freeswitch-cdr")) return "freeswitch-cdr";
  if (looksLikeCdr(rec, "pbxware-cdr")) return "pbxware-cdr";
  throw new TypeError(
    `Cannot detect the format of '${source}': first line '${line.slice(0, 80)}' is not one of ${LOG_FORMATS.join(", ")}; pass the format explicitly`,
  );
}
