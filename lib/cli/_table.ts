/**
 * Private: readable tables on the terminal (cli-table3), the default output of the commands
 * whose `--json` prints the machine contract. Values pass through {@link safe}; a value the
 * data cannot give prints `n/a`.
 *
 * @module
 */
import Table from "cli-table3";
import { safe } from "./_common.ts";

/** How a column prints: a count, a fraction as a percentage, seconds, a plain number, text. */
export type CellFormat = "int" | "pct" | "s" | "money" | "num" | "text";

/** One column of a table. */
export interface TableColumn {
  key: string;
  header: string;
  format: CellFormat;
}

/** A value as the column prints it (`n/a` for null, undefined or NaN). */
export function cell(value: unknown, format: CellFormat): string {
  if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value))) return "n/a";
  if (typeof value !== "number") return clip(safe(String(value)));
  switch (format) {
    case "int":
      return value.toLocaleString("en-US", { maximumFractionDigits: 0 });
    case "pct":
      return `${(value * 100).toFixed(1)} %`;
    case "s":
      return value.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    case "money":
      return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case "num":
      return Math.abs(value) >= 1e6 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(6) : String(Number(value.toPrecision(7)));
    default:
      return clip(safe(String(value)));
  }
}

/** Text cells longer than this are cut (with "…"): a 60,000-character queue name made 60 KB rows. */
const MAX_CELL = 60;
const clip = (text: string) => (text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text);

/** Box characters without a rule between body rows (compact, still aligned). */
const COMPACT = { "mid": "", "left-mid": "", "mid-mid": "", "right-mid": "" };

/** Renders rows as a table (numbers right-aligned), ending with a newline. */
export function renderTable(rows: readonly Record<string, unknown>[], columns: readonly TableColumn[]): string {
  const t = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => (c.format === "text" ? "left" : "right")),
    style: { head: [], border: [] },
    chars: COMPACT,
  });
  for (const r of rows) t.push(columns.map((c) => cell(r[c.key], c.format)));
  return t.toString() + "\n";
}

/** Renders `label: value` pairs as a two-column table. */
export function renderPairs(pairs: readonly [string, unknown, CellFormat][]): string {
  const t = new Table({ style: { head: [], border: [] }, colAligns: ["left", "right"], chars: COMPACT });
  for (const [label, value, format] of pairs) t.push([label, cell(value, format)]);
  return t.toString() + "\n";
}
