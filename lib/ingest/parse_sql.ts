/**
 * Private: the bulk parser of native `queue_log` files, in DuckDB SQL generated from the verb
 * tables of `queue_log_verbs.ts` (the same rules, messages and field names as
 * `parseQueueLogLine` and `validateEventFields`, which parse small inputs in memory).
 *
 * DuckDB reads the file itself (one physical line per row, blank lines kept as rows, so the
 * row number is the file's line number), splits the fields and classifies every line into the
 * temporary table `parsed` (see {@link PARSED_SQL}).
 *
 * @module
 */
import { CALL_EVENTS, INFO_EVENTS, MAX_DURATION_S, MAX_EPOCH_S, NUMERIC_FIELDS, ATTENDED_LINK_FIELDS, OUTBOUND_EVENTS, SYSTEM_EVENTS, AGENT_EVENTS, MAX_LINE_BYTES } from "./queue_log_verbs.ts";
import { sqlString } from "../store/mod.ts";

/**
 * The staging table every parser writes: one row per physical line of one source.
 * `status`: blank | header | reject | system | informational | unrecognized | agent | call |
 * outbound; `reason` is the full reject message (`file:line: field 'x': …`) or the rule name.
 */
export const PARSED_SQL = `
CREATE OR REPLACE TEMP TABLE parsed (
  source VARCHAR, line BIGINT, raw VARCHAR, status VARCHAR, reason VARCHAR,
  at_ms BIGINT, call_id VARCHAR, queue VARCHAR, agent VARCHAR, event VARCHAR, data VARCHAR[]
)`;

const inList = (set: ReadonlySet<string>) => [...set].map(sqlString).join(", ");

/** SQL of "value is a non-negative decimal of at most `max`". */
function decimalAtMost(expr: string, max: number): string {
  return `(regexp_full_match(${expr}, '\\d+(\\.\\d+)?') AND TRY_CAST(${expr} AS DOUBLE) <= ${max})`;
}

/** One WHEN clause per numeric field of every verb: `field|message` of the first bad field. */
function numericChecks(ev: string, data: string): string {
  const clauses: string[] = [];
  const add = (verb: string, extra: string, fields: typeof ATTENDED_LINK_FIELDS) => {
    for (const { index, name, scale } of fields) {
      const v = `trim(coalesce(${data}[${index + 1}], ''))`;
      const unit = scale === 1 ? "" : " of milliseconds";
      clauses.push(
        `WHEN ${ev} = ${sqlString(verb)}${extra} AND ${v} <> '' AND NOT ${decimalAtMost(v, MAX_DURATION_S / scale)} ` +
          `THEN 'data${index + 1}|${verb} ${name} must be a non-negative number${unit} up to 30 days, got ''' || substr(${v}, 1, 40) || ''''`,
      );
    }
  };
  const link = `upper(trim(coalesce(${data}[1], ''))) = 'LINK'`;
  add("ATTENDEDTRANSFER", ` AND ${link}`, ATTENDED_LINK_FIELDS);
  for (const [verb, fields] of Object.entries(NUMERIC_FIELDS)) {
    add(verb, verb === "ATTENDEDTRANSFER" ? ` AND NOT ${link}` : "", fields);
  }
  return clauses.join("\n      ");
}

/**
 * SQL that reads one native queue_log file with DuckDB's CSV reader and fills `parsed`.
 *
 * @param file path DuckDB reads (the input itself, or its normalized copy)
 * @param source the source name stored with every row
 * @param compression `"gzip"` or `"none"`
 */
export function nativeParseSql(file: string, source: string, compression: "gzip" | "none"): string {
  const src = sqlString(source);
  const ev = "upper_ev";
  return `
INSERT INTO parsed
WITH raw AS (
  SELECT row_number() OVER () AS line, coalesce(text, '') AS text
  FROM read_csv(${sqlString(file)}, columns = {'text': 'VARCHAR'}, delim = '\\x01', quote = '', escape = '',
    header = false, auto_detect = false, new_line = '\\n', strict_mode = false, compression = '${compression}',
    max_line_size = ${MAX_LINE_BYTES * 4})
), split AS (
  SELECT line, text, string_split(text, '|') AS f FROM raw
), fields AS (
  SELECT line, text, f, len(f) AS nf, trim(f[1]) AS t, trim(coalesce(f[5], '')) AS ${ev}, f[6:] AS data FROM split
), checked AS (
  SELECT *, CASE
      WHEN regexp_full_match(text, '\\s*') THEN 'blank|'
      WHEN nf < 5 THEN 'fields|expected at least 5 ''|''-separated fields, got ' || nf
      WHEN NOT ${decimalAtMost("t", MAX_EPOCH_S)} THEN 'time|time must be epoch seconds between 1970 and 2200, got ''' || substr(t, 1, 40) || ''''
      WHEN NOT regexp_full_match(${ev}, '[A-Z][A-Z0-9_]*') THEN 'event|event must be an upper-case name, got ''' || substr(${ev}, 1, 40) || ''''
      ${numericChecks(ev, "data")}
      WHEN ${ev} IN (${inList(AGENT_EVENTS)}) AND coalesce(trim(f[4]), '') IN ('', 'NONE')
        THEN 'agent|' || ${ev} || ' needs an agent, got ''' || trim(f[4]) || ''''
    END AS bad
  FROM fields
)
SELECT ${src}, line, text,
  CASE
    WHEN bad = 'blank|' THEN 'blank'
    WHEN bad IS NOT NULL THEN 'reject'
    WHEN ${ev} IN (${inList(CALL_EVENTS)}) THEN 'call'
    WHEN ${ev} IN (${inList(AGENT_EVENTS)}) THEN 'agent'
    WHEN ${ev} IN (${inList(OUTBOUND_EVENTS)}) THEN 'outbound'
    WHEN ${ev} IN (${inList(SYSTEM_EVENTS)}) THEN 'system'
    WHEN ${ev} IN (${inList(INFO_EVENTS)}) THEN 'informational'
    ELSE 'unrecognized'
  END,
  CASE WHEN bad IS NOT NULL AND bad <> 'blank|'
    THEN ${src} || ':' || line || ': field ''' || split_part(bad, '|', 1) || ''': ' || substr(bad, strpos(bad, '|') + 1) END,
  CASE WHEN bad IS NULL THEN round(t::DOUBLE * 1000)::BIGINT END,
  trim(f[2]), trim(f[3]), trim(f[4]), ${ev}, data
FROM checked`;
}
