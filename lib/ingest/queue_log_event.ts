/**
 * The normalized Asterisk `queue_log` event that every queue_log-like format is parsed into.
 *
 * @module
 */

/**
 * One `queue_log` line, whatever its container (native pipe file, database-table export,
 * PBXware export). `data` holds `data1…dataN` in Asterisk's native order.
 */
export interface QueueLogEvent {
  /** File name the line came from. */
  source: string;
  /** 1-based line (record) number in that file. */
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
