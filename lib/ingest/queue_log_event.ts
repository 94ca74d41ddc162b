/**
 * The normalized Asterisk `queue_log` event that every queue_log-like format is parsed into,
 * and the field checks every format shares.
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import { MAX_DURATION_S, MAX_EPOCH_S, numericFieldsOf, verbKind } from "./queue_log_verbs.ts";

export { MAX_DURATION_S, MAX_EPOCH_S };

/**
 * One `queue_log` line, whatever its container (native pipe file, database-table export,
 * PBXware export). `data` holds `data1…dataN` in Asterisk's native order.
 */
export interface QueueLogEvent {
  /** File name the line came from. */
  source: string;
  /** 1-based line number in that file. */
  line: number;
  /** The line as read. */
  raw: string;
  /** Instant of the event, epoch milliseconds (UTC). */
  at: number;
  call_id: string;
  queue: string;
  agent: string;
  /** Verb in upper case, e.g. `ENTERQUEUE`. */
  event: string;
  data: string[];
}

/** Event names are upper-case identifiers. */
export const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Parses epoch seconds (digits, optional decimals) between 1970 and 2200.
 *
 * @returns epoch milliseconds
 * @throws {LogParseError} naming `field` otherwise
 */
export function parseEpochSeconds(text: string, where: { source: string; line: number; field: string }): number {
  const t = text.trim();
  const s = DECIMAL.test(t) ? Number(t) : NaN;
  if (!(s >= 0 && s <= MAX_EPOCH_S)) {
    throw new LogParseError(`${where.field} must be epoch seconds between 1970 and 2200, got '${t.slice(0, 40)}'`, where);
  }
  return Math.round(s * 1000);
}

/**
 * Checks the numeric data fields of an event (durations, positions, ring milliseconds): each
 * must be empty or a non-negative decimal of at most 30 days; a call or outbound event needs a
 * call id, a call event a queue (neither empty nor `NONE`).
 *
 * @throws {LogParseError} naming the field (`dataN`, `callid`, `queue`)
 * Source: field layouts of Asterisk "Queue Logs".
 */
export function validateEventFields(e: QueueLogEvent): void {
  validateNumericFields(e);
  // A call event without a call id would merge every such line into one call; one without a queue has no stint.
  const kind = verbKind(e.event);
  if ((kind === "call" || kind === "outbound") && ["", "NONE"].includes(e.call_id.trim())) {
    throw new LogParseError(`${e.event} needs a call id, got '${e.call_id.trim().slice(0, 40)}'`, { source: e.source, line: e.line, field: "callid" });
  }
  if (kind === "call" && ["", "NONE"].includes(e.queue.trim())) {
    throw new LogParseError(`${e.event} needs a queue, got '${e.queue.trim().slice(0, 40)}'`, { source: e.source, line: e.line, field: "queue" });
  }
}

function validateNumericFields(e: QueueLogEvent): void {
  for (const { index: i, name, scale } of numericFieldsOf(e.event, e.data[0] ?? "")) {
    const raw = (e.data[i] ?? "").trim();
    if (raw === "") continue;
    const x = DECIMAL.test(raw) ? Number(raw) * scale : NaN;
    if (!(x >= 0 && x <= MAX_DURATION_S)) {
      throw new LogParseError(
        `${e.event} ${name} must be a non-negative number${scale === 1 ? "" : " of milliseconds"} up to 30 days, got '${raw.slice(0, 40)}'`,
        { source: e.source, line: e.line, field: `data${i + 1}` },
      );
    }
  }
}
