/**
 * Export of a report's tables: one CSV per table and one XLSX workbook with a sheet per table
 * (exceljs), both guarded against formula injection with the same rule ({@link guardCell}), so
 * that the workbook's cells are the CSV's.
 *
 * @module
 */
// @deno-types="./_exceljs.d.ts"
import ExcelJS from "exceljs";
import { guardCell, toCsv } from "./csv.ts";

/** One table of a report: a name (file and sheet), its columns (JSON keys) and rows. */
export interface ExportTable {
  /** Short name, `[a-z0-9_]` (e.g. `by_queue`): the CSV file's suffix and the sheet's name. */
  name: string;
  columns: readonly string[];
  rows: readonly Record<string, unknown>[];
}

/** A cell as both exports write it: empty for null/NaN, objects as JSON, text guarded. */
export function exportCell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  const text = typeof v === "object" ? JSON.stringify(v) : String(v);
  return guardCell(text) as string;
}

/** The CSV text of a table (header = the column keys). */
export function tableCsv(t: ExportTable): string {
  return toCsv(t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c, exportCell(r[c])]))), t.columns);
}

/**
 * The XLSX workbook of the tables (a sheet per table, header row bold and frozen), as bytes.
 * Text cells are written as text (never as formulas), guarded as in the CSV.
 *
 * Source: exceljs 4.4 (`Workbook.xlsx.writeBuffer`).
 */
export async function tablesXlsx(tables: readonly ExportTable[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "queuebook";
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name.slice(0, 31), { views: [{ state: "frozen", ySplit: 1 }] });
    ws.addRow([...t.columns]);
    ws.getRow(1).font = { bold: true };
    for (const r of t.rows) ws.addRow(t.columns.map((c) => exportCell(r[c])));
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The columns of rows: the keys of every row, in first-seen order. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
