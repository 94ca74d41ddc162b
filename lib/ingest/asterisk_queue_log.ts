/**
 * Parser for Asterisk's native `queue_log` file (`/var/log/asterisk/queue_log`).
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import { EVENT_NAME, parseEpochSeconds, type QueueLogEvent, validateEventFields } from "./queue_log_event.ts";

/**
 * Parses one native `queue_log` line `epoch|callid|queuename|agent|EVENT|data1|…|dataN`.
 *
 * @param raw the line without its line end
 * @param where `source` file name and 1-based `line`
 * @returns the event; `data` has every field after the event name (LINK transfers have six)
 * @throws {LogParseError} when there are fewer than 5 fields (`field: "fields"`), the time is not
 *   epoch seconds between 1970 and 2200 (`field: "time"`), the event is not an upper-case name
 *   (`field: "event"`), or a numeric data field of the verb is not a duration ≥ 0 and ≤ 30 days
 *   (`field: "dataN"`)
 * Source: Asterisk documentation, "Queue Logs" (queue_log format and events).
 * @example
 * ```ts
 * parseQueueLogLine("1366720340|1366720340.303267|q1|NONE|ENTERQUEUE||5551234|1", { source: "queue_log", line: 1 }).event;
 * // "ENTERQUEUE"
 * ```
 */
export function parseQueueLogLine(raw: string, where: { source: string; line: number }): QueueLogEvent {
  const fields = raw.split("|");
  if (fields.length < 5) {
    throw new LogParseError(`expected at least 5 '|'-separated fields, got ${fields.length}`, {
      ...where,
      field: "fields",
    });
  }
  const [time, call_id, queue, agent, event, ...data] = fields as [string, string, string, string, string];
  const at = parseEpochSeconds(time, { ...where, field: "time" });
  const name = event.trim();
  if (!EVENT_NAME.test(name)) {
    throw new LogParseError(`event must be an upper-case name, got '${name.slice(0, 40)}'`, {
      ...where,
      field: "event",
    });
  }
  const parsed: QueueLogEvent = {
    source: where.source, line: where.line, raw, at,
    call_id: call_id.trim(), queue: queue.trim(), agent: agent.trim(), event: name, data,
  };
  validateEventFields(parsed);
  return parsed;
}
