/**
 * Private: the bulk parser of native `queue_log` files, in DuckDB SQL generated from the verb
 * tables of `queue_log_verbs.ts` (the same rules, messages and field names as
 * `parseQueueLogLine` and `validateEventFields`, which parse small inputs in memory).
 *
 * DuckDB reads the file itself, one physical line per row (the row id gives the line number),
 * and SQL splits each line on `|`. Every line
 * lands in `events` with a `status`: blank | reject | system | informational | unrecognized |
 * agent | call | outbound. Checks run in two passes: a cheap one on every line names the bad
 * field; the message (the in-memory parser's words) is written for rejected lines only.
 *
 * @module
 */
import {
  AGENT_EVENTS, ATTENDED_LINK_FIELDS, CALL_EVENTS, INFO_EVENTS, MAX_DURATION_S, MAX_EPOCH_S, MAX_LINE_BYTES,
  NUMERIC_FIELDS, type NumericField, OUTBOUND_EVENTS, SYSTEM_EVENTS,
} from "./queue_log_verbs.ts";
import { sqlString } from "../store/mod.ts";
import { DUCKDB_MAX_LINE, TOO_LONG_MARK } from "./input_file.ts";

const inList = (set: ReadonlySet<string>) => [...set].map(sqlString).join(", ");

/**
 * SQL of "value is a non-negative decimal of at most `max`" (`\d+(\.\d+)?`): plain digits are
 * recognised without a regular expression (the usual case, and the cheapest test).
 */
function decimalAtMost(expr: string, max: number): string {
  return `(regexp_full_match(${expr}, '\\d+(\\.\\d+)?') AND TRY_CAST(${expr} AS DOUBLE) <= ${max})`;
}

/** Field `i` (1-based) of the split line `f`, as a SQL expression. */
const F = (i: number) => `f[${i}]`;
/** The highest data field index (0-based) any numeric check looks at. */
const MAX_DATA_INDEX = Math.max(...Object.values(NUMERIC_FIELDS).flat().map((f) => f.index), ...ATTENDED_LINK_FIELDS.map((f) => f.index));
const DATA_COLS = Array.from({ length: MAX_DATA_INDEX + 1 }, (_, i) => F(i + 6));
/**
 * Trimmed data field `i` (0-based). Extracted where a check needs it, not once per line in a
 * column: the checks run only on lines that are not plain ({@link plainLinePattern}), and a
 * column would be extracted for every line.
 */
const D = (i: number) => `js_trim(coalesce(${DATA_COLS[i]}, ''))`;
/** Every verb with a meaning (any other upper-case name is an unrecognized event). */
const KNOWN_VERBS = new Set([...AGENT_EVENTS, ...CALL_EVENTS, ...OUTBOUND_EVENTS, ...SYSTEM_EVENTS, ...INFO_EVENTS]);
const LINK = `upper(${D(0)}) = 'LINK'`;

/**
 * The check of every numeric data field of a line that is not plain: `'dataN'` of the first
 * bad one.
 */
function numericFieldChecks(): string {
  const out: string[] = [];
  for (let i = 0; i < DATA_COLS.length; i++) {
    const byScale = new Map<number, string[]>();
    for (const [verb, fields] of Object.entries(NUMERIC_FIELDS)) {
      if (verb === "ATTENDEDTRANSFER") continue;
      for (const f of fields) if (f.index === i) byScale.set(f.scale, [...(byScale.get(f.scale) ?? []), verb]);
    }
    const v = D(i);
    const conds: string[] = [];
    for (const [scale, verbs] of byScale) {
      conds.push(`(ev IN (${verbs.map(sqlString).join(", ")}) AND NOT ${decimalAtMost(v, MAX_DURATION_S / scale)})`);
    }
    const inLink = ATTENDED_LINK_FIELDS.some((f) => f.index === i);
    const inPlain = (NUMERIC_FIELDS.ATTENDEDTRANSFER ?? []).some((f) => f.index === i);
    if (inLink || inPlain) {
      const when = inLink && inPlain ? "TRUE" : inLink ? LINK : `NOT ${LINK}`;
      conds.push(`(ev = 'ATTENDEDTRANSFER' AND ${when} AND NOT ${decimalAtMost(v, MAX_DURATION_S)})`);
    }
    if (conds.length) out.push(`WHEN ${v} <> '' AND (${conds.join(" OR ")}) THEN 'data${i + 1}'`);
  }
  return out.join("\n      ");
}

/** The message of a bad numeric field, one WHEN per field of every verb (rejected lines only). */
function numericMessages(ev: string, field: (i: number) => string): string {
  const clauses: string[] = [];
  const add = (verb: string, extra: string, fields: readonly NumericField[]) => {
    for (const { index, name, scale } of fields) {
      const v = field(index);
      const unit = scale === 1 ? "" : " of milliseconds";
      clauses.push(
        `WHEN ${ev} = ${sqlString(verb)}${extra} AND ${v} <> '' AND NOT ${decimalAtMost(v, MAX_DURATION_S / scale)} ` +
          `THEN 'data${index + 1}|${verb} ${name} must be a non-negative number${unit} up to 30 days, got ''' || substr(${v}, 1, 40) || ''''`,
      );
    }
  };
  const link = `upper(${field(0)}) = 'LINK'`;
  add("ATTENDEDTRANSFER", ` AND ${link}`, ATTENDED_LINK_FIELDS);
  for (const [verb, fields] of Object.entries(NUMERIC_FIELDS)) add(verb, verb === "ATTENDEDTRANSFER" ? ` AND NOT ${link}` : "", fields);
  return clauses.join("\n      ");
}

/**
 * SQL that reads a file into a temporary table (column `l`), one row per physical line (an empty
 * line is a NULL row) in file order, so that `rowid + 1` is the line number. The file must end
 * its lines with LF only, be UTF-8 without a byte-order mark and not contain `delimiter`
 * (`prescanPlain` says so, or the file is a normalized copy).
 *
 * @param file path DuckDB reads
 * @param delimiter a control character absent from the file
 * @param table the temporary table to create (or replace); read it outside a transaction, so
 *   that its row ids start at 0
 */
export function readLinesSql(file: string, delimiter: string, table: string): string {
  return `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT l FROM read_csv(${sqlString(file)}, columns = {'l': 'VARCHAR'},
    delim = ${sqlString(delimiter)}, quote = '', escape = '', header = false, auto_detect = false, new_line = '\\n',
    strict_mode = false, null_padding = true, max_line_size = ${DUCKDB_MAX_LINE}, buffer_size = ${4 * DUCKDB_MAX_LINE})`;
}

/**
 * A field that is neither empty nor `NONE` and holds printable ASCII only, no space (so no
 * trimming can change it: DuckDB's `trim` also strips Unicode spaces such as U+00A0, which RE2's
 * `\s` does not match). `[!-{}~]` is 0x21–0x7E without `|`.
 */
const PRESENT = "(?:[!-MO-{}~][!-{}~]*|N(?:[!-NP-{}~][!-{}~]*)?|NO(?:[!-MO-{}~][!-{}~]*)?|NON(?:[!-DF-{}~][!-{}~]*)?|NONE[!-{}~]+)";
/** Any field. */
const ANY = "[^|]*";

/**
 * A regular expression (RE2) matched by plain well-formed lines only: a line it matches passes
 * every check of {@link nativeParseSql}, so that the checks run on the other lines alone (one
 * match per line instead of a dozen tests: measured 2.7 s → 1.4 s of checks for 3M lines).
 * It is a sufficient condition, not the rule: numbers are plain digits short enough to be
 * under their limits whatever they are (epoch seconds up to 6,999,999,999 < 2200; durations up
 * to 999,999 s or 999,999,999 ms < 30 days), the fields that must be present hold no white space,
 * and ATTENDEDTRANSFER (two layouts) and unrecognized verbs always take the full checks.
 */
function plainLinePattern(): string {
  const alternatives: string[] = [];
  for (const verb of KNOWN_VERBS) {
    if (verb === "ATTENDEDTRANSFER") continue;
    const call = CALL_EVENTS.has(verb) || OUTBOUND_EVENTS.has(verb);
    const head = [call ? PRESENT : ANY, CALL_EVENTS.has(verb) ? PRESENT : ANY, AGENT_EVENTS.has(verb) ? PRESENT : ANY, verb].join("\\|");
    const numeric = NUMERIC_FIELDS[verb] ?? [];
    const last = Math.max(-1, ...numeric.map((f) => f.index));
    // Data fields up to the last numeric one, each optional with the rest: `(?:\|F0(?:\|F1…)?)?`.
    let tail = "(?:\\|.*)?";
    for (let i = last; i >= 0; i--) {
      const f = numeric.find((x) => x.index === i);
      const field = !f ? ANY : f.scale === 1 ? "(?:\\d{1,6}(?:\\.\\d{1,6})?)?" : "(?:\\d{1,9}(?:\\.\\d{1,6})?)?";
      tail = `(?:\\|${field}${tail})?`;
    }
    alternatives.push(head + tail);
  }
  return `[1-6]?\\d{1,9}(?:\\.\\d{1,6})?\\|(?:${alternatives.join("|")})`;
}

/** {@link plainLinePattern}, built once. */
export const PLAIN_LINE = plainLinePattern();

/**
 * SQL that parses a table of lines (see {@link readLinesSql}) into `events` for one source. The
 * data fields of a native line are not stored (`data` is NULL): they are `raw` split on `|`
 * from the sixth field on, which {@link eventDataSql} gives to every reader; storing them as a
 * list took 80 bytes per line and made 3M events outgrow DuckDB's memory limit. A line
 * starting with `TOO_LONG_MARK` (a normalized copy's stand-in) or longer than
 * {@link MAX_LINE_BYTES} bytes (UTF-8) is rejected with its first 200 characters kept.
 *
 * @param source the source name stored with every row
 * @param table the table of lines
 * @param target the table to insert into (the columns of `events`)
 * @param plainFirst false runs the full checks on every line, skipping the plain-line shortcut
 *   (tests compare the two)
 */
export function nativeParseSql(source: string, table: string, target = "events", plainFirst = true): string {
  const src = sqlString(source);
  const mark = sqlString(TOO_LONG_MARK);
  return `
INSERT INTO ${target} (source, line, raw, status, reason, at_ms, call_id, queue, agent, event, data)
WITH split AS (
  SELECT rowid + 1 AS line, l, string_split(l, '|') AS f FROM ${table}
), f AS (
  SELECT *, js_trim(f[1]) AS t, js_trim(coalesce(f[5], '')) AS ev FROM split
), checked AS (
  SELECT *, CASE WHEN ${plainFirst ? `NOT starts_with(l, ${mark}) AND strlen(l) <= ${MAX_LINE_BYTES} AND regexp_full_match(l, ${sqlString(PLAIN_LINE)})` : "false"} THEN NULL
    ELSE CASE
      WHEN l IS NULL OR (len(f) = 1 AND regexp_full_match(l, '[\\s\\x{0B}\\p{Z}\\x{FEFF}]*')) THEN 'blank'
      WHEN starts_with(l, ${mark}) OR strlen(l) > ${MAX_LINE_BYTES} THEN 'too_long'
      WHEN len(f) < 5 THEN 'fields'
      WHEN NOT ${decimalAtMost("t", MAX_EPOCH_S)} THEN 'time'
      WHEN ev NOT IN (${inList(KNOWN_VERBS)}) AND NOT regexp_full_match(ev, '[A-Z][A-Z0-9_]*') THEN 'event'
      ${numericFieldChecks()}
      WHEN ev IN (${inList(CALL_EVENTS)}, ${inList(OUTBOUND_EVENTS)}) AND coalesce(js_trim(f[2]), '') IN ('', 'NONE') THEN 'callid'
      WHEN ev IN (${inList(CALL_EVENTS)}) AND coalesce(js_trim(f[3]), '') IN ('', 'NONE') THEN 'queue'
      WHEN ev IN (${inList(AGENT_EVENTS)}) AND coalesce(js_trim(f[4]), '') IN ('', 'NONE') THEN 'agent'
    END END AS bad
  FROM f
)
SELECT ${src}, line,
  CASE WHEN bad IS NULL OR bad <> 'too_long' THEN l WHEN starts_with(l, ${mark}) THEN substr(l, ${TOO_LONG_MARK.length + 1}) ELSE left(l, 200) END,
  CASE
    WHEN bad = 'blank' THEN 'blank'
    WHEN bad IS NOT NULL THEN 'reject'
    WHEN ev IN (${inList(CALL_EVENTS)}) THEN 'call'
    WHEN ev IN (${inList(AGENT_EVENTS)}) THEN 'agent'
    WHEN ev IN (${inList(OUTBOUND_EVENTS)}) THEN 'outbound'
    WHEN ev IN (${inList(SYSTEM_EVENTS)}) THEN 'system'
    WHEN ev IN (${inList(INFO_EVENTS)}) THEN 'informational'
    ELSE 'unrecognized'
  END,
  CASE WHEN bad <> 'blank' THEN bad END,
  CASE WHEN bad IS NULL THEN round(t::DOUBLE * 1000)::BIGINT END,
  CASE WHEN bad IS NULL THEN js_trim(f[2]) END, CASE WHEN bad IS NULL THEN js_trim(f[3]) END,
  CASE WHEN bad IS NULL THEN js_trim(f[4]) END, CASE WHEN bad IS NULL OR bad <> 'blank' THEN ev END,
  NULL
FROM checked`;
}

/**
 * SQL of the data fields of an event row of `events` (or a relation with its columns): the
 * stored list of a table-format source, else the native line's `raw` split on `|` from the
 * sixth field on (see {@link nativeParseSql}).
 *
 * @param alias the row's table alias, if any (`e` gives `e.data`, `e.raw`)
 */
export function eventDataSql(alias = ""): string {
  const p = alias ? `${alias}.` : "";
  return `coalesce(${p}data, string_split(${p}raw, '|')[6:])`;
}

/**
 * SQL that writes, for the rejected lines of one source, the full reject message in place of
 * the bad field's name (`file:line: field 'x': reason`, as `LogParseError` words it).
 */
export function rejectMessagesSql(source: string, target = "events"): string {
  const src = sqlString(source);
  const part = (i: number) => `js_trim(coalesce(split_part(raw, '|', ${i}), ''))`;
  const nf = "len(string_split(raw, '|'))";
  const numeric = `(CASE ${numericMessages(part(5), (i) => `js_trim(coalesce(string_split(raw, '|')[${i + 6}], ''))`)} END)`;
  return `
UPDATE ${target} SET reason = ${src} || ':' || line || ': field ''' || CASE
    WHEN reason = 'too_long' THEN 'fields'': line longer than ${MAX_LINE_BYTES} bytes (kept: its first 200 characters)'
    WHEN reason = 'fields' THEN 'fields'': expected at least 5 ''|''-separated fields, got ' || ${nf}
    WHEN reason = 'time' THEN 'time'': time must be epoch seconds between 1970 and 2200, got ''' || substr(${part(1)}, 1, 40) || ''''
    WHEN reason = 'event' THEN 'event'': event must be an upper-case name, got ''' || substr(${part(5)}, 1, 40) || ''''
    WHEN reason = 'agent' THEN 'agent'': ' || ${part(5)} || ' needs an agent, got ''' || js_trim(split_part(raw, '|', 4)) || ''''
    WHEN reason = 'callid' THEN 'callid'': ' || ${part(5)} || ' needs a call id, got ''' || substr(${part(2)}, 1, 40) || ''''
    WHEN reason = 'queue' THEN 'queue'': ' || ${part(5)} || ' needs a queue, got ''' || substr(${part(3)}, 1, 40) || ''''
    ELSE split_part(${numeric}, '|', 1) || ''': ' || substr(${numeric}, strpos(${numeric}, '|') + 1)
  END
WHERE source = ${src} AND status = 'reject'`;
}
