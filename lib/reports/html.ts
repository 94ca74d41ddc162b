/**
 * HTML building blocks: escaping, number formats, tables.
 *
 * @module
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml("<script>alert('x')</script>"); // "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
 * ```
 * Source: OWASP XSS Prevention Cheat Sheet, rule #1.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Escapes text from input and isolates it from the surrounding text's direction (`<bdi>`), so
 * that a right-to-left override in a file or queue name cannot reorder the rest of the line.
 *
 * Source: Unicode Standard Annex #9 (isolates); HTML Living Standard, the `bdi` element.
 */
export function isolate(value: unknown): string {
  return `<bdi>${escapeHtml(value)}</bdi>`;
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Formats a count with thousands separators; `null` → "—". */
export function formatCount(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : integer.format(x);
}

/** Formats a fraction as a percentage with one decimal ("81.9 %"); `null` → "—". */
export function formatPercent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `${oneDecimal.format(x * 100)} %`;
}

/** Formats seconds with one decimal ("12.3 s"); `null` → "—". */
export function formatSeconds(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `${oneDecimal.format(x)} s`;
}

/** Formats seconds as h:mm:ss ("1:02:03"); `null` → "—". */
export function formatDuration(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const s = Math.round(x);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}

/** A table column: header, how to get the cell text from a row, and alignment. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  numeric?: boolean;
  title?: string;
}

/**
 * Renders rows as an HTML table. Every cell and header is escaped; text cells are isolated
 * (`<bdi>`) from each other's direction.
 *
 * @param rows the rows
 * @param columns the columns, in order
 * @param options `caption` (escaped), `className`
 */
export function htmlTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: { caption?: string; className?: string } = {}): string {
  const head = columns
    .map((c) => `<th${c.numeric ? ' class="num"' : ""}${c.title ? ` title="${escapeHtml(c.title)}"` : ""}>${escapeHtml(c.header)}</th>`)
    .join("");
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td${c.numeric ? ' class="num"' : ""}>${c.numeric ? escapeHtml(c.cell(r)) : isolate(c.cell(r))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<div class="table-wrap"><table class="${escapeHtml(options.className ?? "data")}">${options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : ""}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
