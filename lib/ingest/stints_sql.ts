/**
 * Private: stints of well-formed calls built in DuckDB SQL, in bulk.
 *
 * A call is well formed when, in event order (instant, source, line), its call events are a
 * sequence of queue visits each of the shape `ENTERQUEUE [CONNECT] [end]` in one queue: the end
 * is a COMPLETE or TRANSFER verb after a CONNECT, or ABANDON, an EXIT verb or WITHDRAW without one; only the last
 * visit may lack an end (open); every logged duration fits within the log's own timestamps
 * (plus {@link CLOCK_TOLERANCE_S}). For such a call the state machine of `queue_log_stints.ts`
 * can neither reject nor reconstruct anything, and this SQL gives exactly its stints (a
 * differential test checks it on generated logs). Every other call — outbound, reconstructed,
 * duplicated, out of order, inconsistent — goes to that state machine.
 *
 * @module
 */
import { CLOCK_TOLERANCE_S } from "./queue_log_stints.ts";
import { sqlString } from "../store/mod.ts";
import { CALL_EVENTS, OUTBOUND_EVENTS } from "./queue_log_verbs.ts";

const list = (xs: Iterable<string>) => [...xs].map(sqlString).join(", ");
const ANSWER_END = ["COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"];
const FLOW_END = ["ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "WITHDRAW"];
const num = (x: string) => `TRY_CAST(nullif(trim(${x}), '') AS DOUBLE)`;
const nullable = (x: string) => `CASE WHEN trim(coalesce(${x}, '')) IN ('', 'NONE') THEN NULL ELSE trim(${x}) END`;

/**
 * SQL that creates `visits` (one row per call and queue visit of the calls in `affected`) with
 * a `regular` flag per call. Reads `events` and the temp table `affected(call_id)`.
 */
export const VISITS_SQL = `
CREATE OR REPLACE TEMP TABLE ce AS
SELECT e.source, e.line, e.at_ms, e.call_id, e.queue, e.agent, e.event, e.data,
  sum(CASE WHEN e.event = 'ENTERQUEUE' THEN 1 ELSE 0 END) OVER w AS k,
  row_number() OVER w AS pos
FROM events e SEMI JOIN affected a ON e.call_id = a.call_id
WHERE e.event IN (${list(CALL_EVENTS)}, ${list(OUTBOUND_EVENTS)})
WINDOW w AS (PARTITION BY e.call_id ORDER BY e.at_ms, e.source, e.line);

CREATE OR REPLACE TEMP TABLE visits AS
WITH g AS (
  SELECT call_id, k,
    count(*) AS n,
    count(*) FILTER (event = 'ENTERQUEUE') AS n_enter,
    count(*) FILTER (event = 'CONNECT') AS n_connect,
    count(*) FILTER (event IN (${list(ANSWER_END)})) AS n_answer_end,
    count(*) FILTER (event IN (${list(FLOW_END)})) AS n_flow_end,
    count(*) FILTER (event IN (${list(OUTBOUND_EVENTS)})) AS n_outbound,
    min(pos) AS first_pos, max(pos) AS last_pos,
    arg_min(source, pos) AS source,
    arg_min(pos, pos) FILTER (event = 'ENTERQUEUE') AS enter_pos,
    any_value(at_ms) FILTER (event = 'ENTERQUEUE') AS enter_ms,
    any_value(${nullable("queue")}) FILTER (event = 'ENTERQUEUE') AS q,
    any_value(data) FILTER (event = 'ENTERQUEUE') AS enter_data,
    any_value(at_ms) FILTER (event = 'CONNECT') AS connect_ms,
    any_value(pos) FILTER (event = 'CONNECT') AS connect_pos,
    any_value(agent) FILTER (event = 'CONNECT') AS connect_agent,
    any_value(data) FILTER (event = 'CONNECT') AS connect_data,
    any_value(event) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_event,
    any_value(at_ms) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_ms,
    any_value(pos) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_pos,
    any_value(agent) FILTER (event IN (${list(ANSWER_END)})) AS end_agent,
    any_value(data) FILTER (event IN (${list(ANSWER_END)}, ${list(FLOW_END)})) AS end_data,
    bool_and(${nullable("queue")} IS NULL OR ${nullable("queue")} = q_first) AS same_queue
  FROM (SELECT *, first_value(${nullable("queue")}) OVER (PARTITION BY call_id, k ORDER BY pos) AS q_first FROM ce) x
  GROUP BY call_id, k
), v AS (
  SELECT *,
    CASE WHEN end_event = 'ATTENDEDTRANSFER' AND upper(trim(coalesce(end_data[1], ''))) = 'LINK' THEN 4
         WHEN end_event IN ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER') THEN 3 ELSE 1 END AS hold_i,
    CASE WHEN end_event = 'EXITWITHKEY' THEN 1 ELSE 0 END AS key_off
  FROM g
), checked AS (
  SELECT *,
    k >= 1 AND n_enter = 1 AND enter_pos = first_pos AND same_queue AND n_outbound = 0
    AND n_connect <= 1 AND n_answer_end + n_flow_end <= 1
    AND (end_pos IS NULL OR end_pos = last_pos)
    AND (n_answer_end = 0 OR n_connect = 1)
    AND (n_flow_end = 0 OR n_connect = 0)
    AND (n_connect = 0 OR coalesce(${num("connect_data[1]")}, 0) <= (connect_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_answer_end = 0 OR coalesce(${num("end_data[hold_i + 1]")}, 0) <= (end_ms - connect_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AND (n_flow_end = 0 OR coalesce(${num("end_data[3 + key_off]")}, 0) <= (end_ms - enter_ms) / 1000.0 + ${CLOCK_TOLERANCE_S})
    AS visit_ok,
    end_event IS NOT NULL AS ended
  FROM v
)
SELECT *,
  bool_and(visit_ok AND (ended OR k = max_k)) OVER (PARTITION BY call_id) AS regular
FROM (SELECT *, max(k) OVER (PARTITION BY call_id) AS max_k FROM checked);
`;

/** SQL inserting the stints of regular calls from `visits` into `call_stints`. */
export const REGULAR_STINTS_SQL = `
INSERT INTO call_stints (call_id, stint_no, source, queue, direction, entered_at, answered_at, ended_at, agent,
  outcome, wait_s, ring_s, talk_s, hold_s, wrap_s, position_entered, caller, transfer_to, reconstructed)
SELECT call_id, k::INTEGER, source, q, 'inbound',
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
