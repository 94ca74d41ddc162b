/**
 * Private: stints of well-formed calls built in DuckDB SQL, in bulk.
 *
 * A call is well formed when, in event order (instant, source, line), its call events from one
 * source are one queue visit of the shape `ENTERQUEUE [CONNECT] [end]` in one queue: the end
 * is a COMPLETE or TRANSFER verb after a CONNECT, or ABANDON, an EXIT verb or WITHDRAW without
 * one, or there is none yet (open); every logged duration fits within the log's own timestamps
 * (plus {@link CLOCK_TOLERANCE_S}). For such a call the state machine of `queue_log_stints.ts`
 * can neither reject nor reconstruct anything, and this SQL gives exactly its stints (a
 * differential test checks it on generated logs). Every other call — outbound, reconstructed,
 * duplicated, out of order, inconsistent — goes to that state machine.
 *
 * @module
 */
import { CLOCK_TOLERANCE_S } from "./queue_log_stints.ts";
import { sqlString } from "../store/mod.ts";

const list = (xs: Iterable<string>) => [...xs].map(sqlString).join(", ");
const ANSWER_END = ["COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"];
const FLOW_END = ["ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "WITHDRAW"];
const num = (x: string) => `TRY_CAST(nullif(trim(${x}), '') AS DOUBLE)`;
const nullable = (x: string) => `CASE WHEN trim(coalesce(${x}, '')) IN ('', 'NONE') THEN NULL ELSE trim(${x}) END`;

/**
 * SQL that creates `visits`: one row per call in `affected` with its call events aggregated and
 * `regular` true when the call is one well-formed queue visit from one source (the bulk of any
 * real log). Multi-visit calls (timeout loops, transfers to a queue) go to the state machine.
 */
export const VISITS_SQL = `
CREATE OR REPLACE TEMP TABLE visits AS
WITH g AS (
  SELECT call_id,
    count(*) AS n,
    count(*) FILTER (event = 'ENTERQUEUE') AS n_enter,
    count(*) FILTER (event = 'CONNECT') AS n_connect,
    count(*) FILTER (event IN (${list(ANSWER_END)})) AS n_answer_end,
    count(*) FILTER (event IN (${list(FLOW_END)})) AS n_flow_end,
    min(source) AS source, max(source) AS source_max,
    arg_min(event, at_ms::HUGEINT * 4294967296 + line) AS first_event,
    arg_max(event, at_ms::HUGEINT * 4294967296 + line) AS last_event,
    min(${nullable("queue")}) AS q_min, max(${nullable("queue")}) AS q_max,
    any_value(at_ms) FILTER (event = 'ENTERQUEUE') AS enter_ms,
    any_value(${nullable("queue")}) FILTER (event = 'ENTERQUEUE') AS q,
    any_value(data) FILTER (event = 'ENTERQUEUE') AS enter_data,
    any_value(at_ms) FILTER (event = 'CONNECT') AS connect_ms,
    any_value(agent) FILTER (event = 'CONNECT') AS connect_agent,
    any_value(data) FILTER (event = 'CONNECT') AS connect_data,
    any_value(event) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_event,
    any_value(at_ms) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_ms,
    any_value(agent) FILTER (event IN (${list(ANSWER_END)})) AS end_agent,
    any_value(data) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_data
  FROM events SEMI JOIN affected USING (call_id)
  WHERE status IN ('call', 'outbound')
  GROUP BY call_id
), v AS (
  SELECT *,
    CASE WHEN end_event = 'ATTENDEDTRANSFER' AND upper(trim(coalesce(end_data[1], ''))) = 'LINK' THEN 4
         WHEN end_event IN ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER') THEN 3 ELSE 1 END AS hold_i,
    CASE WHEN end_event = 'EXITWITHKEY' THEN 1 ELSE 0 END AS key_off
  FROM g
)
SELECT *, coalesce(
    n_enter = 1 AND n = n_enter + n_connect + n_answer_end + n_flow_end AND source = source_max
    AND first_event = 'ENTERQUEUE' AND q_min IS NOT DISTINCT FROM q AND q_max IS NOT DISTINCT FROM q
    AND n_connect <= 1 AND n_answer_end + n_flow_end <= 1
    AND (n_answer_end + n_flow_end = 0 OR last_event = end_event)
    AND (n_answer_end = 0 OR n_connect = 1)
    AND (n_flow_end = 0 OR n_connect = 0)
    AND (n_connect = 0 OR coalesce(${num("connect_data[1]")}, 0) <= (connect_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_answer_end = 0 OR coalesce(${num("end_data[hold_i + 1]")}, 0) <= (end_ms - connect_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_flow_end = 0 OR coalesce(${num("end_data[3 + key_off]")}, 0) <= (end_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S}),
  false) AS regular
FROM v;
`;

/** SQL inserting the stints of regular calls from `visits` into `call_stints`. */
export const REGULAR_STINTS_SQL = `
INSERT INTO call_stints (call_id, stint_no, source, queue, direction, entered_at, answered_at, ended_at, agent,
  outcome, wait_s, ring_s, talk_s, hold_s, wrap_s, position_entered, caller, transfer_to, reconstructed)
SELECT call_id, 1, source, q, 'inbound',
  make_timestamptz(enter_ms * 1000),
  CASE WHEN connect_ms IS NOT NULL THEN make_timestamptz(connect_ms * 1000) END,
  CASE WHEN end_ms IS NOT NULL THEN make_timestamptz(end_ms * 1000) END,
  coalesce(${nullable("end_agent")}, ${nullable("connect_agent")}),
  CASE end_event
    WHEN 'COMPLETECALLER' THEN 'answered' WHEN 'COMPLETEAGENT' THEN 'answered'
    WHEN 'TRANSFER' THEN 'transferred' WHEN 'BLINDTRANSFER' THEN 'transferred' WHEN 'ATTENDEDTRANSFER' THEN 'transferred'
    WHEN 'ABANDON' THEN 'abandoned' WHEN 'EXITWITHTIMEOUT' THEN 'timeout' WHEN 'EXITEMPTY' THEN 'exit_empty'
    WHEN 'EXITWITHKEY' THEN 'exit_key' WHEN 'WITHDRAW' THEN 'withdrawn' ELSE 'open' END,
  CASE WHEN connect_ms IS NOT NULL THEN coalesce(${num("connect_data[1]")}, (connect_ms - enter_ms) / 1000.0)
       WHEN n_flow_end = 1 THEN coalesce(${num("end_data[3 + key_off]")}, (end_ms - enter_ms) / 1000.0) END,
  ${num("connect_data[3]")},
  CASE WHEN n_answer_end = 1 THEN ${num("end_data[hold_i + 1]")} END,
  NULL, NULL,
  coalesce(${num("enter_data[3]")}, CASE WHEN n_flow_end = 1 THEN ${num("end_data[2 + key_off]")} END)::INTEGER,
  ${nullable("enter_data[2]")},
  CASE WHEN end_event IN ('TRANSFER', 'BLINDTRANSFER') THEN ${nullable("end_data[1]")}
       WHEN end_event = 'ATTENDEDTRANSFER' AND hold_i = 4 THEN ${nullable("end_data[3]")}
       WHEN end_event = 'ATTENDEDTRANSFER' THEN ${nullable("end_data[2]")} END,
  false
FROM visits WHERE regular`;
