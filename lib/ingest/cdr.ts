/**
 * Call detail records (CDRs) as a source of outbound calls: Asterisk `cdr_csv` (Master.csv),
 * FreeSWITCH `mod_cdr_csv` and Bicom PBXware's CDR table (exported as CSV, with or without its
 * header row), each a CSV whose column order is the PBX's configuration (the documented defaults
 * here, or a column list). One row per call leg; the outbound ones (an
 * internal extension dialling an external number) become outbound stints, the others are
 * ignored by a named rule (the queue_log counts inbound calls).
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import { dstNote, localStamp, rowInstants, STAMP, stampChecks } from "./_cdr_times.ts";
import { LogParseError } from "./errors.ts";
import { MAX_DURATION_S } from "./queue_log_verbs.ts";
import { type CallStint, emptyCounts, ignoreLine, type ParsedLog, rejectRecord } from "./types.ts";

/** The CDR formats and their default column orders. */
export const CDR_LAYOUTS = {
  /** Asterisk cdr_csv, Master.csv (Asterisk "CDR Variables"; `userfield` is written when enabled). */
  "asterisk-cdr": [
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata", "start", "answer", "end",
    "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
  ],
  /** FreeSWITCH mod_cdr_csv, the `default` template of cdr_csv.conf.xml. */
  "freeswitch-cdr": [
    "caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp", "answer_stamp", "end_stamp", "duration",
    "billsec", "hangup_cause", "uuid", "bleg_uuid", "accountcode", "read_codec", "write_codec",
  ],
  /**
   * Bicom PBXware's CDR table (HOWTO "CDR table structure", Bicom wiki): a start `calldate`,
   * `duration` (start to end) and `billsec` (answer to end), no answer or end stamp.
   */
  "pbxware-cdr": [
    "AcctId", "tenant", "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata", "calldate", "duration",
    "billsec", "billamount", "disposition", "amaflags", "accountcode", "uniqueid", "userfield",
  ],
} as const;
/** One of the CDR formats. */
export type CdrFormat = keyof typeof CDR_LAYOUTS;

/**
 * The logical fields a CDR row gives, by column name in each layout: stamps of answer and end,
 * or (PBXware) a `duration` from which end = start + duration and answer = end − billsec.
 */
type CdrFields = { id: string; from: string; to: string; start: string; billsec: string; result: string } & ({ answer: string; end: string } | { duration: string });
const FIELDS: Record<CdrFormat, CdrFields> = {
  "asterisk-cdr": { id: "uniqueid", from: "src", to: "dst", start: "start", answer: "answer", end: "end", billsec: "billsec", result: "disposition" },
  "freeswitch-cdr": { id: "uuid", from: "caller_id_number", to: "destination_number", start: "start_stamp", answer: "answer_stamp", end: "end_stamp", billsec: "billsec", result: "hangup_cause" },
  "pbxware-cdr": { id: "uniqueid", from: "src", to: "dst", start: "calldate", duration: "duration", billsec: "billsec", result: "disposition" },
};
/** The column holding each format's call id (the field a duplicate row's reject names). */
export const CDR_ID_FIELD: Record<CdrFormat, string> = Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [k, v.id])) as Record<CdrFormat, string>;
/** Formats whose `disposition` says whether the call was answered (Asterisk's values). */
const DISPOSITION_FORMATS: ReadonlySet<CdrFormat> = new Set(["asterisk-cdr", "pbxware-cdr"]);

/** Options of {@link parseCdr}. */
export interface CdrOptions {
  /** Column order as configured on the PBX (default {@link CDR_LAYOUTS}); names as in the layout. */
  columns?: readonly string[];
  /** Zone of the CDR's local date-times (default UTC). */
  timeZone?: string;
  /** An internal extension (default 2–6 digits). */
  internal?: RegExp;
  /** An external number (default 7 or more digits, optionally with a leading `+`). */
  external?: RegExp;
  strict?: boolean;
}

/**
 * Parses CDR lines into outbound stints: `call_id` the row's unique id, `agent` the internal
 * extension, `caller` the number dialled (the other party, as for queue_log outbound calls), `entered_at` the start, `answered_at` the answer (empty: never
 * answered), `ended_at` the end, `ring_s` answer − start, `talk_s` billsec, outcome `answered`
 * when answered (Asterisk disposition ANSWERED, FreeSWITCH an answer stamp) else
 * `not_connected`. PBXware rows give no answer or end stamp: end = `calldate` + `duration`,
 * answer = end − `billsec` (none when `billsec` is 0). A row naming the columns (the first, or
 * again further down where exports were concatenated) is a header (ignored by rule `header`); an
 * answer `0000-00-00 00:00:00` (MySQL's zero date) is no answer. Rows from an external number are ignored by rule `inbound_cdr`, between
 * extensions by `internal_cdr`, others (IVR legs, `s`) by `other_cdr`.
 *
 * @throws {LogParseError} in strict mode on the first bad row (naming the field)
 * @throws {RangeError} when the column list lacks a needed column, repeats one or has an empty name
 * Source: Asterisk `cdr_csv` column order ("CDR Variables", Asterisk wiki); FreeSWITCH
 *   `mod_cdr_csv` default template (cdr_csv.conf.xml); Bicom PBXware "HOWTO CDR table structure".
 */
export function parseCdr(lines: readonly string[], source: string, format: CdrFormat, options: CdrOptions = {}): ParsedLog {
  const columns = options.columns ?? CDR_LAYOUTS[format];
  const f = FIELDS[format];
  checkColumns(columns, Object.values(f), `Cannot read ${format} '${source}'`);
  const zone = options.timeZone ?? "UTC";
  const internal = options.internal ?? /^\d{2,6}$/, external = options.external ?? /^\+?\d{7,}$/;
  const counts = emptyCounts(source, format);
  counts.lines_read = lines.length;
  const stints: CallStint[] = [], stint_lines: number[] = [];
  const rejects: ParsedLog["rejects"] = [];
  /** Stints so far per call id (a repeated id is a further leg), and the line of each outbound row's text. */
  const legs = new Map<string, number>(), rowLine = new Map<string, number>();
  for (const { raw, index, continued } of csvRecords(lines, [columns.length - 1, columns.length])) {
    for (let k = 0; k < continued; k++) ignoreLine(counts, "continuation_line");
    const line = index + 1;
    if (raw.trim() === "") { ignoreLine(counts, "blank_line"); continue; }
    // A header row, first or again further down (exports concatenated), is ignored by rule `header`.
    if (isCdrHeader(raw, columns)) { ignoreLine(counts, "header"); continue; }
    try {
      const fail = (field: string, reason: string): never => {
        throw new LogParseError(reason, { source, line, field });
      };
      let cells: string[];
      try {
        cells = (parse(raw, { relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
      } catch (err) {
        return fail("fields", `not a CSV line (${(err as Error).message.slice(0, 80)})`);
      }
      if (cells.length < columns.length - 1) fail("fields", `expected ${columns.length} fields (${format}), got ${cells.length}`);
      // Cells past the layout's columns are not read: say how many rows had them (another PBX version or template?).
      if (cells.length > columns.length) addNote(counts, "rows_with_extra_fields");
      const col = (name: string) => (cells[columns.indexOf(name)] ?? "").trim();
      const stamp = (name: string, required: boolean): number | null => {
        const text = col(name);
        // MySQL-backed CDRs write a zero date for "never" (an unanswered call's answer).
        if (!required && (text === "" || text === "0000-00-00 00:00:00")) return null;
        const local = localStamp(text, name);
        return typeof local === "string" ? fail(name, local) : local;
      };
      const from = col(f.from), to = col(f.to);
      const seconds = (name: string): number => {
        const text = col(name);
        if (!/^\d+$/.test(text)) fail(name, `${name} must be whole seconds, got '${text.slice(0, 20)}'`);
        const n = Number(text);
        if (n > MAX_DURATION_S) fail(name, `${name} must be whole seconds up to 30 days (${MAX_DURATION_S}), got '${text.slice(0, 20)}'`);
        return n;
      };
      // Local stamps in a DST gap or a repeated hour are read in order (as duration and billsec
      // say, when they are plain numbers) and kept, with a note per row.
      const plain = (name: string) => (columns.includes(name) && /^\d{1,9}$/.test(col(name)) ? Number(col(name)) : null);
      const local = { start: stamp(f.start, true)!, answer: "answer" in f ? stamp(f.answer, false) : null, end: "end" in f ? stamp(f.end, true) : null };
      const t = rowInstants(local, zone, { duration_s: plain("duration"), billsec_s: plain(f.billsec) });
      const billsec = seconds(f.billsec);
      let answer: number | null, end: number;
      if ("duration" in f) {
        const duration = seconds(f.duration);
        if (billsec > duration) fail(f.billsec, `${f.billsec} (${billsec}) exceeds ${f.duration} (${duration})`);
        end = t.start + duration * 1000;
        answer = billsec > 0 ? end - billsec * 1000 : null;
      } else {
        [answer, end] = [t.answer, t.end!];
        const disposition = DISPOSITION_FORMATS.has(format) ? col(f.result).toUpperCase() : null;
        const bad = stampChecks({ start: t.start, answer, end }, billsec, columns.includes("duration") ? () => seconds("duration") : null, f, disposition, dstNote(t.notes, zone));
        if (bad) fail(bad.field, bad.reason);
      }
      const start = t.start;
      if (col(f.id) === "") fail(f.id, `${f.id} must not be empty`);
      const rule = external.test(from) ? "inbound_cdr" : !internal.test(from) ? "other_cdr" : internal.test(to) ? "internal_cdr" : !external.test(to) ? "other_cdr" : null;
      if (rule) { ignoreLine(counts, rule); continue; }
      // The same row twice (a file concatenated with itself) is a duplicate; another row with
      // the same id (a second leg of one call) is kept as the call's next stint, with a note.
      // A row with the same call id, times and parties as an earlier one (another amaflags, a
      // missing last cell) is that call given twice too, as across files (dropRepeatedStints).
      const answered = DISPOSITION_FORMATS.has(format) ? col(f.result).toUpperCase() === "ANSWERED" && answer !== null : answer !== null;
      const id = col(f.id), row = cells.map((c) => c.trim()).join("\u001f"), call = [id, start, answered ? answer : null, end, from, to, billsec].join("\u001f");
      const twin = rowLine.get(row), same = rowLine.get(call);
      if (twin !== undefined) fail(f.id, `duplicate of line ${twin} (the same row)`);
      if (same !== undefined) fail(f.id, `duplicate of line ${same} (the same call, times and parties)`);
      rowLine.set(row, line).set(call, line);
      const stint_no = (legs.get(id) ?? 0) + 1;
      legs.set(id, stint_no);
      if (stint_no > 1) addNote(counts, "repeated_cdr_ids");
      // Not ANSWERED but with an answer stamp (answered by the dialplan, then a Dial nobody answered): not connected, noted.
      if (!answered && answer !== null && DISPOSITION_FORMATS.has(format)) addNote(counts, "unanswered_with_answer_stamp");
      stint_lines.push(line);
      stints.push(outboundStint({ call_id: id, stint_no, source, agent: from, caller: to }, start, answered ? answer : null, end, billsec));
      counts.used++;
      for (const note of t.notes) addNote(counts, note);
    } catch (err) {
      rejectRecord(err, { source, line, raw }, rejects, counts, options.strict);
    }
  }
  return { stints, stint_lines, agent_events: [], rejects, counts };
}

/** @throws {RangeError} when `columns` repeats a name, has an empty one or lacks one of `needed` */
function checkColumns(columns: readonly string[], needed: readonly string[], what: string): void {
  const repeated = columns.find((c, i) => c.trim() === "" || columns.indexOf(c) !== i);
  if (repeated !== undefined) throw new RangeError(`${what}: the column list names ${repeated.trim() === "" ? "an empty column" : `'${repeated}' twice`}`);
  for (const need of needed) if (!columns.includes(need)) throw new RangeError(`${what}: the column list has no '${need}'`);
}

/** An outbound stint: ringing from start to answer (or to the end, unanswered), then `billsec` of talk. Times in epoch ms. */
function outboundStint(
  who: Pick<CallStint, "call_id" | "stint_no" | "source" | "agent" | "caller">, start: number, answer: number | null, end: number, billsec: number,
): CallStint {
  return {
    ...who, queue: null, direction: "outbound", entered_at: start, answered_at: answer, ended_at: end,
    outcome: answer !== null ? "answered" : "not_connected", wait_s: null, ring_s: ((answer ?? end) - start) / 1000,
    talk_s: answer !== null ? billsec : null, hold_s: null, wrap_s: null, position_entered: null, transfer_to: null, reconstructed: false, ended_by: null,
  };
}

function addNote(counts: { notes: Record<string, number> }, note: string): void {
  counts.notes[note] = (counts.notes[note] ?? 0) + 1;
}

/** Physical lines a quoted cell may span (a stray quote must not swallow the rest of the file). */
const MAX_RECORD_LINES = 5;

/**
 * The CSV records of a file's lines: a line whose quotes are unbalanced (a quoted cell holding a
 * line break, as PBX exports write a multi-line caller name) is joined with the next ones until
 * they balance, within {@link MAX_RECORD_LINES} lines, and the join is taken only when it is a
 * well-quoted CSV row (no stray quote inside an unquoted cell) of `fields` cells; else the line
 * stays alone (and is rejected or read as it is), so that a stray quote (`5'11" tall`) never
 * costs the rows after it.
 *
 * @param fields the range of cell counts a joined record must have ([min, max])
 * @returns per record its text, the 0-based index of its first line and how many further lines it took
 */
function csvRecords(lines: readonly string[], fields: readonly [number, number]): { raw: string; index: number; continued: number }[] {
  const out: { raw: string; index: number; continued: number }[] = [];
  const odd = (t: string) => (t.split('"').length - 1) % 2 === 1;
  const wellQuoted = (t: string) => {
    try {
      const rows = parse(t, { relax_column_count: true }) as string[][];
      return rows.length === 1 && rows[0]!.length >= fields[0] && rows[0]!.length <= fields[1];
    } catch {
      return false;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!, j = i;
    if (odd(raw)) {
      let joined = raw;
      for (let k = i + 1; k < lines.length && k < i + MAX_RECORD_LINES; k++) {
        joined += "\n" + lines[k];
        if (odd(joined)) continue;
        if (wellQuoted(joined)) [raw, j] = [joined, k];
        break;
      }
    }
    out.push({ raw, index: i, continued: j - i });
    i = j;
  }
  return out;
}

/** The cells of one CSV line, or null when it does not parse. */
function csvCells(line: string): string[] | null {
  try {
    return (parse(line, { relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
  } catch {
    return null;
  }
}

/** True when `line` is a CSV row naming the columns of `columns` (case-insensitive, all of them in order). */
function isCdrHeader(line: string, columns: readonly string[]): boolean {
  if (!line.toLowerCase().includes(columns[0]!.toLowerCase())) return false;
  const cells = csvCells(line);
  return cells !== null && cells.length >= columns.length - 1 && cells.every((c, i) => i >= columns.length || c.trim().toLowerCase() === columns[i]!.toLowerCase());
}

/** True when a first line looks like a CDR row of `format` (its start column is a date-time). */
export function looksLikeCdr(firstLine: string, format: CdrFormat): boolean {
  const cells = csvCells(firstLine);
  if (cells === null) return false;
  const layout = CDR_LAYOUTS[format] as readonly string[];
  if (format === "pbxware-cdr" && isCdrHeader(firstLine, layout)) return true;
  return cells.length >= layout.length - 1 && cells.length <= layout.length && STAMP.test((cells[layout.indexOf(FIELDS[format].start)] ?? "").trim());
}
