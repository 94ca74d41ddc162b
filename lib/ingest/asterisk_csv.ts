/**
 * Parser for `queue_log` exported as a database table (Asterisk realtime `queue_log` table,
 * QueueMetrics / FreePBX exports): CSV with columns `time, callid, queuename, agent, event,
 * data1..data5` (or a single `data` column with `|`-joined values). Times are epoch seconds or
 * local-time strings `YYYY-MM-DD HH:MM:SS[.ffffff]`.
 *
 * @module
 */
import { DateTime } from "luxon";
import { LogParseError } from "./errors.ts";
import { EVENT_NAME, MAX_EPOCH_S, type QueueLogEvent, validateEventFields } from "./queue_log_event.ts";
import { ianaZone } from "../time/mod.ts";
import type { CsvRecord } from "./_csv_table.ts";

/** Accepted header names for each logical column (lower case). */
export const ASTERISK_CSV_COLUMNS = {
  time: ["time", "timestamp", "created", "datetime", "event_time"],
  call_id: ["callid", "call_id", "uniqueid"],
  queue: ["queuename", "queue_name", "queue"],
  agent: ["agent", "membername", "member"],
  event: ["event", "verb"],
} as const;

/** True when a lower-cased header has the columns of an Asterisk `queue_log` table export. */
export function isAsteriskCsvHeader(header: readonly string[]): boolean {
  return Object.values(ASTERISK_CSV_COLUMNS).every((names) => names.some((n) => header.includes(n))) &&
    (header.includes("data1") || header.includes("data"));
}

function pick(values: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) if (n in values) return values[n];
  return undefined;
}

/**
 * Parses an instant written as epoch seconds or as a local wall-clock string in `timeZone`.
 *
 * @returns epoch milliseconds, or `NaN` when unparseable (an ambiguous local time in a DST
 *   fall-back hour resolves to the earlier instant, as luxon does)
 */
export function parseInstant(text: string, timeZone: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const s = Number(t);
    return s <= MAX_EPOCH_S ? Math.round(s * 1000) : NaN;
  }
  const zone = ianaZone(timeZone);
  let dt = DateTime.fromSQL(t, { zone });
  if (!dt.isValid) dt = DateTime.fromISO(t, { zone });
  const ms = dt.isValid ? dt.toMillis() : NaN;
  return ms >= 0 && ms <= MAX_EPOCH_S * 1000 ? ms : NaN;
}

/**
 * Whether a local date-time without an offset falls in a DST gap of `zone` (a wall-clock time
 * that never happened, such as 02:30 on the night clocks go from 02:00 to 03:00): then
 * {@link parseInstant} would shift it forward silently. Epoch numbers and texts with an offset
 * or `Z` are never in a gap; unparseable text is not either (the caller rejects it anyway).
 *
 * Source: IANA tz database transitions through luxon.
 */
export function inDstGap(text: string, timeZone: string): boolean {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t) || /(Z|[+-]\d\d(:?\d\d)?)$/i.test(t)) return false;
  let wall = DateTime.fromSQL(t, { zone: "UTC" });
  if (!wall.isValid) wall = DateTime.fromISO(t, { zone: "UTC" });
  const ms = parseInstant(t, timeZone);
  if (!wall.isValid || !Number.isFinite(ms)) return false;
  const f = "yyyy-MM-dd HH:mm:ss.SSS";
  return DateTime.fromMillis(ms, { zone: ianaZone(timeZone) }).toFormat(f) !== wall.toFormat(f);
}

/**
 * Converts one record of a `queue_log` table export into an event.
 *
 * @param record a record from the CSV table (header names lower-cased)
 * @param options `timeZone`: IANA zone of local-time strings (default `"UTC"`)
 * @throws {LogParseError} naming `time` or `event` when unparseable
 * Source: Asterisk `queue_log` realtime table layout (`time, callid, queuename, agent, event,
 *   data1..data5`), Asterisk wiki "Queue Logs".
 */
export function asteriskCsvRecordToEvent(
  record: CsvRecord,
  source: string,
  options: { timeZone?: string } = {},
): QueueLogEvent {
  const v = record.values;
  const where = { source, line: record.line };
  const timeText = pick(v, ASTERISK_CSV_COLUMNS.time) ?? "";
  const at = parseInstant(timeText, options.timeZone ?? "UTC");
  if (!Number.isFinite(at)) {
    throw new LogParseError(`time must be epoch seconds or 'YYYY-MM-DD HH:MM:SS' between 1970 and 2200, got '${timeText.slice(0, 40)}'`, {
      ...where,
      field: "time",
    });
  }
  const event = (pick(v, ASTERISK_CSV_COLUMNS.event) ?? "").trim();
  if (!EVENT_NAME.test(event)) {
    throw new LogParseError(`event must be an upper-case name, got '${event.slice(0, 40)}'`, { ...where, field: "event" });
  }
  let data: string[];
  if ("data1" in v) {
    data = [];
    for (let i = 1; `data${i}` in v; i++) data.push(v[`data${i}`]!);
    while (data.length > 0 && data[data.length - 1] === "") data.pop();
  } else {
    data = (v["data"] ?? "").split("|");
  }
  const e: QueueLogEvent = {
    source, line: record.line, raw: record.raw, at,
    call_id: (pick(v, ASTERISK_CSV_COLUMNS.call_id) ?? "").trim(),
    queue: (pick(v, ASTERISK_CSV_COLUMNS.queue) ?? "").trim(),
    agent: (pick(v, ASTERISK_CSV_COLUMNS.agent) ?? "").trim(),
    event, data,
  };
  validateEventFields(e);
  return e;
}
