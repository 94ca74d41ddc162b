/**
 * Private: stints of well-formed calls built in DuckDB SQL, in bulk.
 *
 * A queue visit is well formed when, in event order (instant, source, line), its call events
 * from one source have the shape `ENTERQUEUE [CONNECT] [end]` in one queue: the end is a
 * COMPLETE or TRANSFER verb after a CONNECT, or ABANDON, an EXIT verb or WITHDRAW without one,
 * or there is none yet (open); every logged duration fits within the log's own timestamps (plus
 * {@link CLOCK_TOLERANCE_S}). A call is regular when it is one such visit, or a chain of them
 * from one source where every visit but the last has ended before the next ENTERQUEUE, and not
 * with the caller hanging up (a caller looping through timeouts, a transfer back to a queue). For such a call the state machine of
 * `queue_log_stints.ts` can neither reject nor reconstruct anything and this SQL gives exactly
 * its stints (stint n = visit n; a differential test checks it on generated and random logs).
 * Every other call — outbound, reconstructed, duplicated, out of order, inconsistent — goes to
 * that state machine.
 *
 * @module
 */
import { CLOCK_TOLERANCE_S, HANGUP_ENDS } from "./queue_log_stints.ts";
import { sqlString } from "../store/mod.ts";
import { eventDataSql } from "./parse_sql.ts";

const list = (xs: Iterable<string>) => [...xs].map(sqlString).join(", ");
const ANSWER_END = ["COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"];
const FLOW_END = ["ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "WITHDRAW"];
const num = (x: string) => `TRY_CAST(nullif(js_trim(${x}), '') AS DOUBLE)`;
const nullable = (x: string) => `CASE WHEN js_trim(coalesce(${x}, '')) IN ('', 'NONE') THEN NULL ELSE js_trim(${x}) END`;
/** `(a_ms, a_line) > (b_ms, b_line)` (one source: the line breaks ties). */
const after = (a: string, b: string) => `(${a}_ms > ${b}_ms OR (${a}_ms = ${b}_ms AND ${a}_line > ${b}_line))`;

/**
 * SQL selecting one row per visit (grouped by `key`) of the call events in `from`, with the
 * fields a stint needs and `regular` (the visit is well formed). Each event's role and fields
 * are worked out per row first, so the aggregates are plain scalars; strings are aggregated only
 * where a stint needs them (queue, agent, caller, end verb, transfer target), because every
 * string aggregate over 3M events costs about 0.5 s (measured: 7.7 s with nine of them and
 * min/max of the queue name, 2.1 s with these four).
 *
 * The queue check of a visit (every event in the ENTERQUEUE's queue) compares 64-bit hashes of
 * the names (min = max = the ENTERQUEUE's), unless `exactQueue`: the names themselves, for a
 * run where two queue names share a hash ({@link queueHashesCollideSql} says so).
 *
 * @param from a relation with the columns of `events` (and the key columns)
 * @param key the grouping columns: `call_id`, or `call_id, visit_no`
 * @param oneSource the source of every event of `from` when there is one only (skips that
 *   check and the aggregate of the name), else null
 * @param exactQueue compare queue names instead of their hashes
 */
function visitsSelect(from: string, key: string, oneSource: string | null, exactQueue: boolean): string {
  return `
WITH e AS (
  SELECT ${key}, source, line, at_ms, event, queue, agent, ${eventDataSql()} AS data FROM ${from}
), s AS (
  SELECT ${key}, ${oneSource !== null ? "" : "source, "}line, at_ms, event,
    event = 'ENTERQUEUE' AS is_enter, event = 'CONNECT' AS is_connect,
    event IN (${list(ANSWER_END)}) AS is_ae, event IN (${list(FLOW_END)}) AS is_fe,
    ${exactQueue ? nullable("queue") : `CASE WHEN ${nullable("queue")} IS NOT NULL THEN hash(${nullable("queue")}) END`} AS q_key,
    CASE WHEN event = 'ENTERQUEUE' THEN ${nullable("queue")} END AS q_v,
    CASE WHEN event = 'ENTERQUEUE' THEN ${nullable("data[2]")} END AS caller_v,
    CASE WHEN event = 'ENTERQUEUE' THEN ${num("data[3]")} END AS enter_pos_v,
    CASE WHEN event = 'EXITWITHKEY' THEN ${num("data[3]")} WHEN event IN (${list(FLOW_END)}) THEN ${num("data[2]")} END AS end_pos_v,
    CASE WHEN event = 'CONNECT' THEN ${num("data[1]")} END AS connect_wait_v,
    CASE WHEN event = 'EXITWITHKEY' THEN ${num("data[4]")} WHEN event IN (${list(FLOW_END)}) THEN ${num("data[3]")} END AS flow_wait_v,
    CASE WHEN event = 'CONNECT' THEN ${num("data[3]")} END AS ring_v,
    CASE WHEN event = 'ATTENDEDTRANSFER' AND upper(js_trim(coalesce(data[1], ''))) = 'LINK' THEN ${num("data[5]")}
         WHEN event IN ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER') THEN ${num("data[4]")}
         WHEN event IN (${list(ANSWER_END)}) THEN ${num("data[2]")} END AS talk_v,
    CASE WHEN event IN ('TRANSFER', 'BLINDTRANSFER') THEN ${nullable("data[1]")}
         WHEN event = 'ATTENDEDTRANSFER' AND upper(js_trim(coalesce(data[1], ''))) = 'LINK' THEN ${nullable("data[3]")}
         WHEN event = 'ATTENDEDTRANSFER' THEN ${nullable("data[2]")} END AS transfer_v,
    CASE WHEN event = 'CONNECT' OR event IN (${list(ANSWER_END)}) THEN ${nullable("agent")} END AS agent_v
  FROM e
), g AS (
  SELECT ${key},
    count(*) AS n, count(*) FILTER (is_enter) AS n_enter, count(*) FILTER (is_connect) AS n_connect,
    count(*) FILTER (is_ae) AS n_answer_end, count(*) FILTER (is_fe) AS n_flow_end,
    ${oneSource !== null ? `${sqlString(oneSource)} AS source, true AS one_source` : "min(source) AS source, min(source) = max(source) AS one_source"},
    min(q_key) AS q_key_min, max(q_key) AS q_key_max, any_value(q_v) AS q,
    max(at_ms) FILTER (is_enter) AS enter_ms, max(line) FILTER (is_enter) AS enter_line,
    max(at_ms) FILTER (is_connect) AS connect_ms, max(line) FILTER (is_connect) AS connect_line,
    max(at_ms) FILTER (is_ae OR is_fe) AS end_ms, max(line) FILTER (is_ae OR is_fe) AS end_line,
    any_value(event) FILTER (is_ae OR is_fe) AS end_event,
    -- The end event's agent, else the CONNECT's (one of each in a regular visit).
    arg_max(agent_v, CASE WHEN agent_v IS NULL THEN NULL WHEN is_ae THEN 2 ELSE 1 END) AS agent,
    any_value(caller_v) AS caller, max(enter_pos_v) AS enter_pos, max(end_pos_v) AS end_pos,
    max(connect_wait_v) AS connect_wait, max(flow_wait_v) AS flow_wait, max(ring_v) AS ring,
    max(talk_v) AS talk, any_value(transfer_v) AS transfer_to
  FROM s GROUP BY ${key}
)
SELECT *, coalesce(
    n_enter = 1 AND n = n_enter + n_connect + n_answer_end + n_flow_end AND one_source
    AND q_key_min IS NOT DISTINCT FROM ${exactQueue ? "q" : "hash(q)"} AND q_key_max IS NOT DISTINCT FROM ${exactQueue ? "q" : "hash(q)"}
    AND n_connect <= 1 AND n_answer_end + n_flow_end <= 1
    AND (n_answer_end = 0 OR n_connect = 1)
    AND (n_flow_end = 0 OR n_connect = 0)
    AND (n_connect = 0 OR ${after("connect", "enter")})
    AND (n_answer_end + n_flow_end = 0 OR (${after("end", "enter")} AND (n_connect = 0 OR ${after("end", "connect")})))
    AND (n_connect = 0 OR coalesce(connect_wait, 0) <= (connect_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_answer_end = 0 OR coalesce(talk, 0) <= (end_ms - connect_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_flow_end = 0 OR coalesce(flow_wait, 0) <= (end_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S}),
  false) AS regular
FROM g`;
}

/**
 * SQL whose one row says whether two distinct queue names of the call events in `from` share
 * a 64-bit hash (`collide`): then the visits must compare the names (`exactQueue`).
 */
export function queueHashesCollideSql(from: string): string {
  return `SELECT count(DISTINCT q) <> count(DISTINCT hash(q)) AS collide FROM (SELECT DISTINCT ${nullable("queue")} AS q FROM ${from} WHERE status IN ('call', 'outbound'))`;
}

/** Call events per pass of {@link visitsSql}: each pass aggregates about this many rows. */
export const VISIT_ROWS_PER_PASS = 3_000_000;

/**
 * SQL that creates `visits`: one row per call of the call events in `from`, `regular` when the
 * call is one well-formed visit. With more than {@link VISIT_ROWS_PER_PASS} events the calls are
 * split by a hash of their id into passes, so the aggregate's memory stays bounded (DuckDB ran
 * out of a 512 MB limit aggregating 7.35M events at once).
 *
 * @param from a table with the columns of `events` holding every event of the calls to build
 * @param oneSource the one source of `from`, or null when it holds several
 * @param rows the number of call events in `from` (decides the number of passes)
 * @param rowsPerPass events per pass (default {@link VISIT_ROWS_PER_PASS})
 * @param exactQueue compare queue names, not their hashes (see {@link queueHashesCollideSql})
 */
export function visitsSql(from: string, oneSource: string | null, rows: number, rowsPerPass = VISIT_ROWS_PER_PASS, exactQueue = false): string {
  const passes = Math.max(1, Math.ceil(rows / rowsPerPass));
  const part = (p: number) =>
    visitsSelect(`(SELECT * FROM ${from} WHERE status IN ('call', 'outbound')${passes > 1 ? ` AND hash(call_id) % ${passes} = ${p}` : ""})`, "call_id", oneSource, exactQueue);
  const sql = [`CREATE OR REPLACE TEMP TABLE visits AS ${part(0)};`];
  for (let p = 1; p < passes; p++) sql.push(`INSERT INTO visits ${part(p)};`);
  return sql.join("\n");
}

/**
 * SQL that checks the calls of `visits` with several ENTERQUEUEs visit by visit (visit n runs
 * from the n-th ENTERQUEUE to the next, in event order), creates `chain_visits` with the visits
 * of the calls that are regular chains (see the module comment) and marks those calls regular.
 *
 * @param from the table `visits` was built from
 */
export function chainVisitsSql(from: string, oneSource: string | null, exactQueue = false): string {
  return `
CREATE OR REPLACE TEMP TABLE chain_events AS
  SELECT e.call_id, e.source, e.line, e.at_ms, e.event, e.queue, e.agent, e.raw, ${eventDataSql("e")} AS data, sum(CASE WHEN e.event = 'ENTERQUEUE' THEN 1 ELSE 0 END)
      OVER (PARTITION BY e.call_id ORDER BY e.at_ms, e.source, e.line ROWS UNBOUNDED PRECEDING) AS visit_no
  FROM ${from} e SEMI JOIN (SELECT call_id FROM visits WHERE NOT regular AND n_enter > 1) m USING (call_id)
  WHERE e.status IN ('call', 'outbound');
CREATE OR REPLACE TEMP TABLE chain_visits AS ${visitsSelect("chain_events", "call_id, visit_no", oneSource, exactQueue)};
DELETE FROM chain_visits WHERE call_id IN (
  SELECT call_id FROM chain_visits GROUP BY call_id
  HAVING NOT (bool_and(regular) AND min(visit_no) >= 1 AND min(source) = max(source)
    AND count(*) FILTER (n_answer_end + n_flow_end = 0) <= 1
    AND coalesce(max(visit_no) FILTER (n_answer_end + n_flow_end = 0) = max(visit_no), true)
    AND count(*) FILTER (end_event IN (${list(HANGUP_ENDS)})) <= 1
    AND coalesce(max(visit_no) FILTER (end_event IN (${list(HANGUP_ENDS)})) = max(visit_no), true)));
UPDATE visits SET regular = true WHERE call_id IN (SELECT call_id FROM chain_visits);
DROP TABLE chain_events;`;
}

/** The stint columns from a visits row (`stint` is the stint number's expression). */
function stintSelect(stint: string): string {
  return `SELECT call_id, ${stint}, source, q, 'inbound',
  make_timestamptz(enter_ms * 1000),
  CASE WHEN connect_ms IS NOT NULL THEN make_timestamptz(connect_ms * 1000) END,
  CASE WHEN end_ms IS NOT NULL THEN make_timestamptz(end_ms * 1000) END,
  agent,
  CASE end_event
    WHEN 'COMPLETECALLER' THEN 'answered' WHEN 'COMPLETEAGENT' THEN 'answered'
    WHEN 'TRANSFER' THEN 'transferred' WHEN 'BLINDTRANSFER' THEN 'transferred' WHEN 'ATTENDEDTRANSFER' THEN 'transferred'
    WHEN 'ABANDON' THEN 'abandoned' WHEN 'EXITWITHTIMEOUT' THEN 'timeout' WHEN 'EXITEMPTY' THEN 'exit_empty'
    WHEN 'EXITWITHKEY' THEN 'exit_key' WHEN 'WITHDRAW' THEN 'withdrawn'
    ELSE CASE WHEN connect_ms IS NOT NULL THEN 'answered' ELSE 'open' END END,
  CASE WHEN connect_ms IS NOT NULL THEN coalesce(connect_wait, (connect_ms - enter_ms) / 1000.0)
       WHEN n_flow_end = 1 THEN coalesce(flow_wait, (end_ms - enter_ms) / 1000.0) END,
  ring,
  CASE WHEN n_answer_end = 1 THEN talk END,
  NULL, NULL,
  coalesce(enter_pos, CASE WHEN n_flow_end = 1 THEN end_pos END)::INTEGER,
  caller,
  transfer_to,
  false,
  CASE end_event WHEN 'COMPLETEAGENT' THEN 'agent' WHEN 'COMPLETECALLER' THEN 'caller' END`;
}

const STINT_COLUMNS = `call_id, stint_no, source, queue, direction, entered_at, answered_at, ended_at, agent,
  outcome, wait_s, ring_s, talk_s, hold_s, wrap_s, position_entered, caller, transfer_to, reconstructed, ended_by`;

/** SQL inserting the stints of regular calls (`visits`, then `chain_visits`) into `target`. */
export function regularStintsSql(target: string): string {
  return `
INSERT INTO ${target} (${STINT_COLUMNS})
${stintSelect("1")}
FROM visits WHERE regular AND n_enter = 1;
INSERT INTO ${target} (${STINT_COLUMNS})
${stintSelect("visit_no")}
FROM chain_visits;`;
}
