/** Test helpers: reading the NIST StRD files and the statsmodels reference CSVs. */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { fixture } from "../_helpers.ts";

/** LRE: correct significant digits of x against certified c (−log10|x| when c = 0), capped at 15. */
export function lre(x: number, c: number): number {
  if (c === 0) return Math.min(15, -Math.log10(Math.abs(x)));
  if (x === c) return 15;
  return Math.min(15, -Math.log10(Math.abs(x - c) / Math.abs(c)));
}

/** A NIST StRD linear-regression file: data rows (y first, as text and numbers) and certified values. */
export function nist(name: string) {
  const lines = readFileSync(fixture(`reference/${name}.dat`), "utf8").split(/\r?\n/);
  const m = /Data\s+\(lines (\d+) to (\d+)\)/.exec(lines.slice(0, 12).join("\n"))!;
  const text = lines.slice(Number(m[1]) - 1, Number(m[2])).map((l) => l.trim().split(/\s+/));
  const certified = lines.filter((l) => /^\s+B\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1, 3).map(Number) as [number, number]);
  const sd = Number(/Residual\s+Standard Deviation\s+(\S+)/.exec(lines.join("\n"))![1]);
  const r2 = Number(/R-Squared\s+(\S+)/.exec(lines.join("\n"))![1]);
  return { text, rows: text.map((r) => r.map(Number)), certified, residual_sd: sd, r_squared: r2 };
}

/** A statsmodels reference CSV as row objects with numbers cast. */
export function referenceCsv(name: string): Record<string, number | string>[] {
  return parse(readFileSync(fixture(`reference/${name}.csv`), "utf8"), { columns: true, cast: true });
}
