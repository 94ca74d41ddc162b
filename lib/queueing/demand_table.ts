/**
 * Reading a demand table (forecast or history) for staffing plans.
 *
 * @module
 */
import { DateTime } from "luxon";
import { parseCsvLines } from "../ingest/_csv_table.ts";
import { LogParseError } from "../ingest/errors.ts";
import { readText, splitLines } from "../ingest/read_lines.ts";
import type { DemandRow } from "./staffing_plan.ts";

/**
 * Reads a CSV demand table with columns `queue`, `interval_start`, `calls` (or `offered`),
 * `aht_s`, and optionally `patience_s` and `period_s` (header names case-insensitive, any of
 * `,` `;` tab `|` as delimiter). Every row must be valid: a staffing plan that silently skipped
 * intervals would understaff them.
 *
 * @param path the CSV file
 * @returns demand rows in file order
 * @throws {TypeError} when a required column is missing (names the file and the columns found)
 * @throws {LogParseError} for the first bad row, naming file, line and field (an
 *   `interval_start` that is not a date-time, or a queue and interval given twice, are bad rows)
 */
export function readDemandTable(path: string): DemandRow[] {
  const table = parseCsvLines(splitLines(readText(path).text), path);
  if (table.errors.length > 0) throw table.errors[0]!.error;
  const has = (c: string) => table.header.includes(c);
  const dup = table.header.find((h, i) => table.header.indexOf(h) !== i);
  if (dup) throw new TypeError(`Cannot read demand table '${path}': column '${dup}' appears twice in the header`);
  const callsColumn = has("calls") ? "calls" : has("offered") ? "offered" : null;
  const missing = ["queue", "interval_start", "aht_s"].filter((c) => !has(c));
  if (!callsColumn) missing.push("calls (or offered)");
  if (missing.length > 0) {
    throw new TypeError(`Cannot read demand table '${path}': missing column(s) ${missing.join(", ")}; found ${table.header.join(", ") || "none"}`);
  }
  const number = (line: number, field: string, text: string | undefined, positive: boolean, optional: boolean): number | null => {
    const t = (text ?? "").trim();
    if (t === "" && optional) return null;
    const x = /^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN; // decimals only (no hex)
    if (!(positive ? x > 0 : x >= 0) || !Number.isFinite(x)) {
      throw new LogParseError(`${field} must be a number ${positive ? "> 0" : "≥ 0"}, got '${t.slice(0, 40)}'`, { source: path, line, field });
    }
    return x;
  };
  const seen = new Map<string, number>();
  /** A local date-time `YYYY-MM-DD[T| ]HH:MM[:SS]` (an offset allowed), once per queue. */
  const intervalStart = (line: number, t: string): string => {
    const valid = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([+-]\d{2}:?\d{2}|Z)?$/.test(t) &&
      (DateTime.fromISO(t, { setZone: true }).isValid || DateTime.fromSQL(t, { setZone: true }).isValid);
    if (!valid) throw new LogParseError(`interval_start must be a date-time such as '2024-03-04T09:00', got '${t.slice(0, 40)}'`, { source: path, line, field: "interval_start" });
    return t;
  };
  const rows = table.records.map((r) => ({
    queue: r.values["queue"]!.trim() || (() => {
      throw new LogParseError("queue must not be empty", { source: path, line: r.line, field: "queue" });
    })(),
    interval_start: intervalStart(r.line, r.values["interval_start"]!.trim()),
    calls: number(r.line, callsColumn!, r.values[callsColumn!], false, false)!,
    aht_s: number(r.line, "aht_s", r.values["aht_s"], true, false)!,
    patience_s: has("patience_s") ? number(r.line, "patience_s", r.values["patience_s"], true, true) : null,
    period_s: has("period_s") ? number(r.line, "period_s", r.values["period_s"], true, true) : null,
  }));
  rows.forEach((row, i) => {
    const t = row.interval_start;
    const at = DateTime.fromISO(t, { setZone: true }).isValid ? DateTime.fromISO(t, { setZone: true }) : DateTime.fromSQL(t, { setZone: true });
    const key = `${row.queue}\u0000${at.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ")}`; // one instant, however it is written
    const line = table.records[i]!.line;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new LogParseError(`queue '${row.queue}' interval ${row.interval_start} is already on line ${first} (a plan would count it twice)`, { source: path, line, field: "interval_start" });
    }
    seen.set(key, line);
  });
  return rows;
}

/**
 * Turns interval KPI rows (from `queueKpis(store, ["queue", "interval"])`) into demand rows:
 * calls = offered; AHT = the interval's AHT if positive, else the queue's (`aht_by_queue`, for
 * intervals whose calls were all abandoned or had zero talk time), else `fallback_aht_s`; patience from `patience_by_queue`.
 * Intervals without offered calls are left out (they need no agents).
 *
 * @throws {RangeError} when an interval with calls has no AHT from any of these sources
 */
export function demandFromKpis(
  rows: readonly { queue?: string; interval_start?: string; offered: number; aht_s: number | null }[],
  options: {
    interval_minutes: number;
    aht_by_queue?: Record<string, number | null>;
    fallback_aht_s?: number;
    patience_by_queue?: Record<string, number | null>;
  },
): DemandRow[] {
  return rows
    .filter((r) => r.offered > 0)
    .map((r) => {
      const queue = r.queue ?? "(all)";
      const positive = (x: number | null | undefined) => (x !== null && x !== undefined && x > 0 ? x : null);
      const aht_s = positive(r.aht_s) ?? positive(options.aht_by_queue?.[queue]) ?? positive(options.fallback_aht_s);
      if (!(aht_s !== null && aht_s > 0)) {
        throw new RangeError(`Cannot build demand: queue '${queue}' interval ${r.interval_start} has ${r.offered} calls but no positive AHT (interval, queue or fallback_aht_s)`);
      }
      return {
        queue,
        interval_start: r.interval_start ?? "",
        calls: r.offered,
        aht_s,
        patience_s: options.patience_by_queue?.[queue] ?? null,
        period_s: options.interval_minutes * 60,
      };
    });
}
