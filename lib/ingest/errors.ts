/**
 * Errors raised by the parsers.
 *
 * @module
 */

/**
 * An input line that cannot be parsed. Carries where it happened: `source` (file name),
 * 1-based `line` and the offending `field`.
 *
 * @example
 * ```ts
 * new LogParseError("ENTERQUEUE has a non-numeric time", { source: "queue_log", line: 3, field: "time" }).message;
 * // "queue_log:3: field 'time': ENTERQUEUE has a non-numeric time"
 * ```
 */
export class LogParseError extends SyntaxError {
  readonly source: string;
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  constructor(reason: string, where: { source: string; line: number; field: string }) {
    super(`${where.source}:${where.line}: field '${where.field}': ${reason}`);
    this.name = "LogParseError";
    this.source = where.source;
    this.line = where.line;
    this.field = where.field;
    this.reason = reason;
  }
}
