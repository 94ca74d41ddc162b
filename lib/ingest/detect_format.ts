/**
 * Input format detection.
 *
 * @module
 */
import { isAsteriskCsvHeader } from "./asterisk_csv.ts";
import { isPbxwareHeader } from "./pbxware.ts";
import { isTechnionHeader } from "./technion.ts";
import { sniffDelimiter } from "./_csv_table.ts";

/** Formats queuebook reads. */
export const LOG_FORMATS = ["asterisk", "asterisk-csv", "pbxware", "technion"] as const;
/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Detects the format of a log from its first non-blank line.
 *
 * - `technion`: header starting `vru+line<TAB>call_id`;
 * - `pbxware`: CSV header with `uid,date_time,callid,queue_name,type,event,param1…`;
 * - `asterisk-csv`: CSV header with `time, callid, queuename, agent, event` and `data1…`/`data`;
 * - `asterisk`: a native line starting `epoch|`.
 *
 * @param firstLine the first non-blank line of the file
 * @param source file name, for the error message
 * @throws {TypeError} when the line matches no format (message quotes the line and the formats)
 * Source: the formats' own documentation (see each parser).
 * @example
 * ```ts
 * detectFormat("1366720340|1366720340.303267|q1|NONE|ENTERQUEUE||555|1", "queue_log"); // "asterisk"
 * ```
 */
export function detectFormat(firstLine: string, source: string): LogFormat {
  const line = firstLine.replace(/^\uFEFF/, "");
  if (isTechnionHeader(line)) return "technion";
  if (/^\d+(\.\d+)?\|/.test(line.trim())) return "asterisk";
  const header = line.split(sniffDelimiter(line)).map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase());
  if (isPbxwareHeader(header)) return "pbxware";
  if (isAsteriskCsvHeader(header)) return "asterisk-csv";
  throw new TypeError(
    `Cannot detect the format of '${source}': first line '${line.slice(0, 80)}' is not one of ${LOG_FORMATS.join(", ")}; pass the format explicitly`,
  );
}
