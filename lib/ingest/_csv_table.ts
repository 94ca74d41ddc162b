/**
 * Private: parse a delimited table with csv-parse, keeping line numbers and raw text, and turning
 * malformed records into rejects instead of failing the whole file.
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import type { Reject } from "./types.ts";

/** One data record of a CSV table. */
export interface CsvRecord {
  /** 1-based line number of the record's first line. */
  line: number;
  raw: string;
  /** Values by lower-cased, trimmed header name. */
  values: Record<string, string>;
  /** Number of fields in the record. */
  width: number;
}

/** A parsed table: header names and records; malformed records are in `rejects`. */
export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  rejects: Reject[];
  /** Blank lines seen (ignored by rule). */
  blank_lines: number;
}

/** Guesses the delimiter of a header line among `,`, `;`, tab and `|`. */
export function sniffDelimiter(headerLine: string): string {
  const candidates = [",", ";", "\t", "|"];
  let best = ",";
  let bestCount = 0;
  for (const d of candidates) {
    const n = headerLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Parses `text` as a delimited table whose first line is the header.
 * Records whose field count differs from the header's are rejected with the reason.
 */
export function parseCsvTable(text: string, source: string): CsvTable {
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  const delimiter = sniffDelimiter(firstLine);
  const rejects: Reject[] = [];
  const rows = parse(text, {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    info: true,
    raw: true,
    bom: true,
    on_skip: (err: { message: string; lines?: number } | undefined, raw?: string) => {
      rejects.push({
        source,
        line: err?.lines ?? 0,
        raw: (raw ?? "").replace(/\r?\n$/, ""),
        reason: `malformed CSV record: ${err?.message ?? "unknown error"}`,
      });
    },
  }) as unknown as { record: string[]; raw: string; info: { lines: number } }[];
  const [head, ...body] = rows;
  const header = (head?.record ?? []).map((h) => h.trim().toLowerCase());
  const records: CsvRecord[] = [];
  let blank_lines = 0;
  for (const row of body) {
    const raw = row.raw.replace(/\r?\n$/, "");
    const line = row.info.lines - (raw.split(/\r?\n/).length - 1);
    if (row.record.length === 1 && row.record[0]!.trim() === "") {
      blank_lines++;
      continue;
    }
    if (row.record.length !== header.length) {
      rejects.push({
        source,
        line,
        raw,
        reason: `field 'fields': expected ${header.length} fields as in the header, got ${row.record.length}`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = row.record[i] ?? ""));
    records.push({ line, raw, values, width: row.record.length });
  }
  return { header, records, rejects, blank_lines };
}
