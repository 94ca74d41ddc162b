/**
 * Private: `--export PREFIX` of the report commands — every table of the report as
 * `PREFIX-<table>.csv` and all of them in `PREFIX.xlsx`, guarded against formula injection.
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { type ExportTable, tableCsv, tablesXlsx } from "../reports/mod.ts";
import { safe } from "./_common.ts";
import { checkOutput, writeFileAtomic } from "./_output.ts";

/** Checks that the export's files can be written (and do not overwrite an input). @throws {UsageError} */
export function checkExport(prefix: string, protect: { inputs?: readonly string[]; db?: string }): void {
  checkOutput(`${prefix}.xlsx`, protect);
}

/** Writes the tables as CSV files and one XLSX workbook, printing each path. */
export async function writeExport(prefix: string, tables: readonly ExportTable[]): Promise<void> {
  for (const t of tables) {
    const file = `${prefix}-${t.name}.csv`;
    writeFileAtomic(file, tableCsv(t));
    process.stderr.write(`table written to ${safe(resolve(file))}\n`);
  }
  writeFileAtomic(`${prefix}.xlsx`, await tablesXlsx(tables));
  process.stderr.write(`workbook written to ${safe(resolve(`${prefix}.xlsx`))} (${tables.length} sheets)\n`);
}
