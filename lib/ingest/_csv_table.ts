/**
 * Private: read a delimited table one physical line per record, so that a bad quote costs one
 * rejected line (never the lines after it) and every line number is exact. Quoted fields may
 * hold delimiters and doubled quotes, and line breaks when the record then parses whole (its
 * line is its first line; the others are counted as continuation lines).
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import { LogParseError } from "./errors.ts";

/** One data record of a CSV table. */
export interface CsvRecord {
  /** 1-based physical line number. */
  line: number;
  raw: string;
  /** Values by lower-cased, trimmed header name. */
  values: Record<string, string>;
  /** The fields in header order. */
  fields: string[];
}

/** A parsed table. Bad lines are returned as errors (the caller rejects or throws). */
export interface CsvTable {
  /** Header names, trimmed and lower-cased (keys of `values`). */
  header: string[];
  /** Header names as written (trimmed). */
  header_original: string[];
  /** Line number of the header (after any leading blank lines), 0 when the file is empty. */
  header_line: number;
  records: CsvRecord[];
  errors: { line: number; raw: string; error: LogParseError }[];
  blank_lines: number;
  /** Physical lines that continue a record whose quoted cell holds line breaks. */
  continuation_lines: number;
}

/** Guesses the delimiter of a header line among `,`, `;`, tab and `|`. */
export function sniffDelimiter(headerLine: string): string {
  let best = ",";
  let bestCount = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = headerLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Splits one line into fields; quoted fields go through csv-parse. @throws {Error} on bad quoting */
function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const rows = parse(line, { delimiter, relax_column_count: true, bom: true }) as string[][];
  if (rows.length !== 1) throw new Error(`expected one record, got ${rows.length}`);
  return rows[0]!;
}

/**
 * Parses physical lines as a delimited table whose first non-blank line is the header.
 *
 * @param lines the file's physical lines
 * @param source file name for errors
 */
export function parseCsvLines(lines: readonly string[], source: string): CsvTable {
  const table: CsvTable = { header: [], header_original: [], header_line: 0, records: [], errors: [], blank_lines: 0, continuation_lines: 0 };
  let delimiter = ",";
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let raw = lines[index]!;
    if (raw.trim() === "") {
      table.blank_lines++;
      continue;
    }
    // A quoted cell holding line breaks: the record goes on over the next lines (at most 50) while
    // its quotes are open, taken only if it then parses with the header's number of fields — else
    // the line alone is rejected, so a stray quote never costs the lines after it.
    let joined = 0;
    if (table.header_line > 0 && openQuote(raw)) {
      let candidate = raw;
      for (let k = 1; k <= 50 && index + k < lines.length; k++) {
        candidate += "\n" + lines[index + k]!;
        if (openQuote(candidate)) continue;
        try {
          if (splitLine(candidate, delimiter).length === table.header.length) [raw, joined] = [candidate, k];
        } catch { /* not a record: the line alone is judged below */ }
        break;
      }
    }
    let fields: string[];
    try {
      fields = splitLine(raw, table.header_line === 0 ? sniffDelimiter(raw) : delimiter);
    } catch (err) {
      table.errors.push({ line, raw, error: new LogParseError(`malformed CSV quoting: ${(err as Error).message}`, { source, line, field: "fields" }) });
      continue;
    }
    index += joined;
    table.continuation_lines += joined;
    if (table.header_line === 0) {
      delimiter = sniffDelimiter(raw);
      table.header_original = fields.map((h) => h.trim());
      table.header = table.header_original.map((h) => h.toLowerCase());
      table.header_line = line;
      continue;
    }
    if (fields.length !== table.header.length) {
      table.errors.push({
        line, raw,
        error: new LogParseError(`expected ${table.header.length} fields as in the header, got ${fields.length}`, { source, line, field: "fields" }),
      });
      continue;
    }
    const values: Record<string, string> = {};
    table.header.forEach((h, i) => (values[h] = fields[i] ?? ""));
    table.records.push({ line, raw, values, fields });
  }
  return table;
}

/** Whether a line (or lines joined) ends inside a quoted cell: an odd number of `"`. */
function openQuote(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}
