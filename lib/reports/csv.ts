/**
 * CSV export guarded against formula injection.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";

/**
 * Neutralizes a cell that a spreadsheet would run as a formula: text starting with `=`, `+`,
 * `-`, `@`, tab or carriage return gets a leading apostrophe. Numbers are left alone.
 *
 * Source: OWASP, "CSV Injection".
 * @example
 * ```ts
 * guardCell("=HYPERLINK(\"http://x\")"); // "'=HYPERLINK(\"http://x\")"
 * guardCell(-3); // -3
 * ```
 */
export function guardCell(value: unknown): unknown {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Writes rows as CSV (RFC 4180 quoting by csv-stringify), header first, every text cell guarded
 * by {@link guardCell}; `null`/`undefined` become empty cells, non-finite numbers empty cells.
 *
 * @param rows plain objects
 * @param columns column names, in order (default: the keys of the first row)
 * @returns the CSV text, LF line ends
 */
export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const records = rows.map((r) =>
    cols.map((c) => {
      const v = r[c];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "";
      return guardCell(v);
    })
  );
  return stringify([cols as string[], ...records]);
}
