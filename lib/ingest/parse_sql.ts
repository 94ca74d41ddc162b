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
/** Trimmed data field `i` (0-based), extracted once per line in the parse (`d1`, `d2`, …). */
const D = (i: number) => `d${i + 1}`;
const DATA_FIELDS = DATA_COLS.map((c, i) => `trim(coalesce(${c}, '')) AS ${D(i)}`).join(", ");
/** Every verb with a meaning (any other upper-case name is an unrecognized event). */
const KNOWN_VERBS = new Set([...AGENT_EVENTS, ...CALL_EVENTS, ...OUTBOUND_EVENTS, ...SYSTEM_EVENTS, ...INFO_EVENTS]);
const LINK = `upper(${D(0)}) = 'LINK'`;

/**
 * The cheap check of every numeric data field on every line: `'dataN'` of the first bad one.
 * The fields are extracted and trimmed once per line (columns `d1`…): extracting them from the
 * list in every test cost 0.5 s per 3M lines.
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
 * SQL that parses a table of lines (see {@link readLinesSql}) into `events` for one source. A line
 * starting with `TOO_LONG_MARK` (a normalized copy's stand-in) or longer than
 * {@link MAX_LINE_BYTES} bytes (UTF-8) is rejected with its first 200 characters kept.
 *
 * @param source the source name stored with every row
 * @param table the table of lines
 * @param target the table to insert into (the columns of `events`)
 */
export function nativeParseSql(source: string, table: string, target = "events"): string {
  const src = sqlString(source);
  const mark = sqlString(TOO_LONG_MARK);
  return `
INSERT INTO ${target} (source, line, raw, status, reason, at_ms, call_id, queue, agent, event, data)
WITH split AS (
  SELECT rowid + 1 AS line, l, string_split(l, '|') AS f FROM ${table}
), f AS (
  SELECT *, trim(f[1]) AS t, trim(coalesce(f[5], '')) AS ev, ${DATA_FIELDS} FROM split
), checked AS (
  SELECT *, CASE
      WHEN l IS NULL OR (len(f) = 1 AND regexp_full_match(l, '[\\s\\x{0B}\\p{Z}\\x{FEFF}]*')) THEN 'blank'
      WHEN starts_with(l, ${mark}) OR strlen(l) > ${MAX_LINE_BYTES} THEN 'too_long'
      WHEN len(f) < 5 THEN 'fields'
      WHEN NOT ${decimalAtMost("t", MAX_EPOCH_S)} THEN 'time'
      WHEN ev NOT IN (${inList(KNOWN_VERBS)}) AND NOT regexp_full_match(ev, '[A-Z][A-Z0-9_]*') THEN 'event'
      ${numericFieldChecks()}
      WHEN ev IN (${inList(CALL_EVENTS)}, ${inList(OUTBOUND_EVENTS)}) AND coalesce(trim(f[2]), '') IN ('', 'NONE') THEN 'callid'
      WHEN ev IN (${inList(CALL_EVENTS)}) AND coalesce(trim(f[3]), '') IN ('', 'NONE') THEN 'queue'
      WHEN ev IN (${inList(AGENT_EVENTS)}) AND coalesce(trim(f[4]), '') IN ('', 'NONE') THEN 'agent'
    END AS bad
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
  CASE WHEN bad IS NULL THEN trim(f[2]) END, CASE WHEN bad IS NULL THEN trim(f[3]) END,
  CASE WHEN bad IS NULL THEN trim(f[4]) END, CASE WHEN bad IS NULL OR bad <> 'blank' THEN ev END,
  CASE WHEN bad IS NULL THEN f[6:] END
FROM checked`;
}

/**
 * SQL that writes, for the rejected lines of one source, the full reject message in place of
 * the bad field's name (`file:line: field 'x': reason`, as `LogParseError` words it).
 */
export function rejectMessagesSql(source: string, target = "events"): string {
  const src = sqlString(source);
  const part = (i: number) => `trim(coalesce(split_part(raw, '|', ${i}), ''))`;
  const nf = "len(string_split(raw, '|'))";
  const numeric = `(CASE ${numericMessages(part(5), (i) => `trim(coalesce(string_split(raw, '|')[${i + 6}], ''))`)} END)`;
  return `
UPDATE ${target} SET reason = ${src} || ':' || line || ': field ''' || CASE
    WHEN reason = 'too_long' THEN 'fields'': line longer than ${MAX_LINE_BYTES} bytes (kept: its first 200 characters)'
    WHEN reason = 'fields' THEN 'fields'': expected at least 5 ''|''-separated fields, got ' || ${nf}
    WHEN reason = 'time' THEN 'time'': time must be epoch seconds between 1970 and 2200, got ''' || substr(${part(1)}, 1, 40) || ''''
    WHEN reason = 'event' THEN 'event'': event must be an upper-case name, got ''' || substr(${part(5)}, 1, 40) || ''''
    WHEN reason = 'agent' THEN 'agent'': ' || ${part(5)} || ' needs an agent, got ''' || trim(split_part(raw, '|', 4)) || ''''
    WHEN reason = 'callid' THEN 'callid'': ' || ${part(5)} || ' needs a call id, got ''' || substr(${part(2)}, 1, 40) || ''''
    WHEN reason = 'queue' THEN 'queue'': ' || ${part(5)} || ' needs a queue, got ''' || substr(${part(3)}, 1, 40) || ''''
    ELSE split_part(${numeric}, '|', 1) || ''': ' || substr(${numeric}, strpos(${numeric}, '|') + 1)
  END
WHERE source = ${src} AND status = 'reject'`;
}
