/**
 * Private: reading a small CSV reference table (roster, schedules) row by row through a zod
 * schema, with a column map, and storing it in place of the rows of the same source. Bad rows
 * become rejects naming file, line and field; counts reconcile as for logs
 * (`lines_read = used + ignored + rejected`, the header and blank lines ignored by rule).
 *
 * @module
 */
import { realpathSync, statSync } from "node:fs";
import type { z } from "zod";
import { type Row, type Store, TABLES, type TableName } from "../store/mod.ts";
import { parseCsvLines } from "./_csv_table.ts";
import { LogParseError } from "./errors.ts";
import { InputError } from "./input_file.ts";
import { readText, splitLines } from "./read_lines.ts";
import { emptyCounts, type IngestCounts, type Reject } from "./types.ts";

/** A table file read: its valid rows, its rejects and its counts. */
export interface TableFile<T> {
  rows: (T & { line: number })[];
  rejects: Reject[];
  counts: IngestCounts;
}

/**
 * Reads a CSV table through `schema`, after renaming columns by `columns` (logical name → the
 * file's header name, case-insensitive).
 *
 * @param required logical columns the header must have
 * @throws {InputError} when the file cannot be read, is UTF-16, lacks a required column or has one twice
 */
export function readTableFile<T>(
  path: string, format: string, schema: z.ZodType<T>, required: readonly string[], columns: Readonly<Record<string, string>> = {},
): TableFile<T> {
  let source: string;
  try {
    if (!statSync(path).isFile()) throw new InputError(path, "not a regular file");
    source = realpathSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, (err as { code?: string }).code === "ENOENT" ? "no such file" : (err as Error).message);
  }
  let text: string;
  try {
    text = readText(path).text;
  } catch (err) {
    throw new InputError(path, (err as Error).message);
  }
  const binary = binaryAt(text);
  if (binary !== null) {
    throw new InputError(path, `it is not a text ${format} CSV: ${binary} (a spreadsheet or other binary file? export it as CSV, UTF-8)`);
  }
  const lines = splitLines(text);
  const table = parseCsvLines(lines, source);
  const counts = emptyCounts(source, format);
  counts.lines_read = lines.length;
  const rename = new Map(Object.entries(columns).map(([logical, name]) => [name.trim().toLowerCase(), logical]));
  const header = table.header.map((h) => rename.get(h) ?? h);
  const twice = header.find((h, i) => h !== "" && header.indexOf(h) !== i);
  if (table.header_line > 0 && twice !== undefined) {
    throw new InputError(path, `column '${twice.slice(0, 40)}' appears twice in the header (after the column map): which one holds the ${format}'s values is ambiguous`);
  }
  const missing = required.filter((c) => !header.includes(c));
  if (table.header_line > 0 && missing.length > 0) {
    throw new InputError(path, `the ${format} needs column(s) ${missing.join(", ")} (found ${table.header_original.join(", ")}; map other names with a column map)`);
  }
  if (table.header_line > 0) counts.ignored_by_rule.header = 1;
  if (table.blank_lines > 0) counts.ignored_by_rule.blank_line = table.blank_lines;
  if (table.continuation_lines > 0) counts.ignored_by_rule.continuation_line = table.continuation_lines;
  counts.ignored = (table.header_line > 0 ? 1 : 0) + table.blank_lines + table.continuation_lines;
  const rejects: Reject[] = table.errors.map((e) => ({ source, line: e.line, raw: e.raw, reason: e.error.message }));
  const rows: (T & { line: number })[] = [];
  for (const r of table.records) {
    if (r.fields.every((f) => f.trim() === "")) {
      // A row of empty fields (`,,,,` from a spreadsheet) is a blank line.
      counts.ignored_by_rule.blank_line = (counts.ignored_by_rule.blank_line ?? 0) + 1;
      counts.ignored++;
      continue;
    }
    const values: Record<string, string> = Object.create(null);
    header.forEach((h, i) => (values[h] = (r.fields[i] ?? "").trim()));
    const parsed = schema.safeParse(values);
    if (parsed.success) {
      rows.push({ ...parsed.data, line: r.line });
      continue;
    }
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "fields");
    rejects.push({ source, line: r.line, raw: r.raw, reason: new LogParseError(issue.message, { source, line: r.line, field }).message });
  }
  counts.used = rows.length;
  counts.rejected = rejects.length;
  return { rows, rejects, counts };
}

/** The lower-cased header names of a CSV file (its first non-blank of 50 lines; [] when it cannot be read: the reader says why). */
export function tableHeader(path: string): string[] {
  try {
    return parseCsvLines(splitLines(readText(path).text).slice(0, 50), path).header;
  } catch {
    return [];
  }
}

/** The physical lines of a table file (for the raw text of a reject found after reading). */
export function physicalLines(path: string): string[] {
  return splitLines(readText(path).text);
}

/**
 * Where text is binary: a zip (XLSX, ODS) signature, a NUL, or eight or more other C0 control
 * characters (not tab, CR or LF) in its first 64 KiB — as a phrase naming the first such line,
 * or null for text (a stray control character is left to the row's own checks).
 */
function binaryAt(text: string): string | null {
  if (text.startsWith("PK\u0003\u0004")) return "it starts like a zip archive (XLSX, ODS)";
  const head = text.slice(0, 65_536);
  // deno-lint-ignore no-control-regex
  const controls = head.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g) ?? [];
  if (!head.includes("\u0000") && controls.length < 8) return null;
  // deno-lint-ignore no-control-regex
  const at = head.includes("\u0000") ? head.indexOf("\u0000") : head.search(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  const line = head.slice(0, at).split(/\r\n|\n|\r/).length;
  return `line ${line} holds the control byte 0x${head.charCodeAt(at).toString(16).padStart(2, "0")}`;
}

/**
 * Replaces, in one transaction, the rows of `file`'s source in `table` (and its rejects and
 * `ingest_runs` row) by the file's rows.
 */
export async function storeTableFile(store: Store, table: TableName, file: TableFile<unknown>, toRow: (r: never) => Row): Promise<void> {
  const source = file.counts.source;
  await store.transaction(async () => {
    for (const t of [table, "rejects", "ingest_runs"]) await store.exec(`DELETE FROM ${t} WHERE source = $1`, [source]);
    await store.insert(table, file.rows.map((r) => ({ ...toRow(r as never), source, line: r.line })), TABLES[table]);
    await store.insert("rejects", file.rejects.map((r) => ({ ...r, stage: "parse", call_id: null })), TABLES.rejects);
    const c = file.counts;
    await store.insert("ingest_runs", [{
      source, format: c.format, lines_read: c.lines_read, used: c.used, ignored: c.ignored, rejected: c.rejected,
      ignored_by_rule: JSON.stringify({ ...c.ignored_by_rule, notes: c.notes }), events: null, bytes: null, fingerprint: null, loaded_at: Date.now(),
    }], TABLES.ingest_runs);
  });
}
