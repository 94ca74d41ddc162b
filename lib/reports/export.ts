/**
 * Export of a report's tables: one CSV per table and one XLSX workbook with a sheet per table
 * (write-excel-file), both guarded against formula injection with the same rule ({@link guardCell}), so
 * that the workbook's cells are the CSV's.
 *
 * @module
 */
import writeXlsxFile from "write-excel-file/node";
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
 * The XLSX workbook of the tables (a sheet per table, header row bold), as bytes. Text cells are
 * written as text (never as formulas), guarded as in the CSV.
 *
 * Source: write-excel-file 4.1 (`writeXlsxFile(sheets).toBuffer()`).
 */
export async function tablesXlsx(tables: readonly ExportTable[]): Promise<Uint8Array> {
  const sheets = tables.map((t) => ({
    sheet: t.name.slice(0, 31),
    data: [
      t.columns.map((c) => ({ value: c, fontWeight: "bold" as const })),
      ...t.rows.map((r) => t.columns.map((c) => {
        const v = exportCell(r[c]);
        return v === null ? null : { value: v, type: typeof v === "number" ? Number : typeof v === "boolean" ? Boolean : String };
      })),
    ],
  }));
  const buffer = await writeXlsxFile(sheets as never).toBuffer();
  return new Uint8Array(buffer);
}

/** The columns of rows: the keys of every row, in first-seen order. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
