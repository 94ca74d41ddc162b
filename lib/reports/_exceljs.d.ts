// The part of exceljs 4.4 that queuebook uses. exceljs's own typings pull in an older @types/node
// that conflicts with Deno's Node types, so these replace them (`@deno-types` in export.ts).
export interface Row {
  font: { bold?: boolean };
}
export interface Cell {
  value: unknown;
  text: string;
}
export interface Worksheet {
  name: string;
  rowCount: number;
  addRow(values: unknown[]): Row;
  getRow(n: number): Row & { values: unknown[]; getCell(c: number): Cell; cellCount: number };
}
export interface Xlsx {
  writeBuffer(): Promise<ArrayBuffer>;
  load(data: ArrayBuffer | Uint8Array): Promise<unknown>;
}
export class Workbook {
  creator: string;
  xlsx: Xlsx;
  worksheets: Worksheet[];
  addWorksheet(name: string, options?: { views?: { state: string; ySplit: number }[] }): Worksheet;
  getWorksheet(name: string): Worksheet | undefined;
}
declare const ExcelJS: { Workbook: typeof Workbook };
export default ExcelJS;
