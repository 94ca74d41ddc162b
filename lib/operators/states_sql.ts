/**
 * Private: the bulk build of `agent_states` in DuckDB SQL — the rules of `agent_states.ts`
 * (`buildAgentStates`, `statesFromChanges`: the same axes, precedence, clipping and notes),
 * set-wise over every agent at once, so a 1,000-agent month never passes through JavaScript
 * row by row. `tests/operators/states_sql.test.ts` holds the two to the same segments.
 *
 * Steps (temporary tables `qs_*`, dropped at the end):
 * 1. marks: session and availability after each session event (logins, memberships, pauses);
 * 2. spans: ringing, talking, other calls and wrap-up, each with its priority;
 * 3. spans of one priority made disjoint (the earliest wins, as in the reference), then the
 *    elementary pieces between all cut instants, each given the mark and the highest-priority
 *    span in force at its start (ASOF joins);
 * 4. consecutive equal pieces merged into segments.
 *
 * @module
 */
import { sqlString, type Store } from "../store/mod.ts";
import { type AgentStateOptions, LOGIN_EVENTS, LOGOFF_EVENTS, MAX_RING_S, PAUSE_EVENTS, UNPAUSE_EVENTS } from "./agent_states.ts";

const list = (s: ReadonlySet<string>) => [...s].map(sqlString).join(", ");
const TEMP = ["qs_all_agents", "qs_agents", "qs_ev", "qs_marks", "qs_last_marks", "qs_stops", "qs_spans", "qs_level", "qs_pieces", "qs_fs"] as const;

/** SQL of the one-word state of a segment (`stateOf`). */
const STATE_SQL = `CASE WHEN work IN ('talking', 'on_hold', 'other_call') THEN 'on_call' WHEN work IN ('ringing', 'wrap_up') THEN work
  WHEN session = 'logged_out' THEN 'logged_out' WHEN availability = 'paused' THEN 'paused' ELSE 'available' END`;

/**
 * Merges consecutive equal rows of `pieces` (columns agent, a, b, the axes, open) into
 * `agent_states`; with `numbered`, column agent is a number of `qs_agents`, named there.
 */
function mergeInto(pieces: string, numbered: boolean): string {
  const attrs = ["session", "availability", "reason", "work", "queue", "call_id"];
  const changed = attrs.map((c) => `${c} IS DISTINCT FROM lag(${c}) OVER w`).join(" OR ");
  return `
INSERT INTO agent_states (agent, started_at, ended_at, duration_s, session, availability, reason, work, state, queue, call_id, open)
SELECT ${numbered ? "n.name" : "m.agent"}, started_at, ended_at, duration_s, session, availability, reason, work, ${STATE_SQL}, queue, call_id, open
FROM (
SELECT agent, make_timestamptz(round(min(a))::BIGINT * 1000) AS started_at, make_timestamptz(round(max(b))::BIGINT * 1000) AS ended_at,
  (max(b) - min(a)) / 1000 AS duration_s, session, availability, reason, work, queue, call_id, arg_max(open, b) AS open
FROM (
  SELECT *, sum(starts::INT) OVER (PARTITION BY agent ORDER BY a ROWS UNBOUNDED PRECEDING) AS grp FROM (
    SELECT *, lag(b) OVER w IS DISTINCT FROM a OR ${changed} AS starts FROM ${pieces} WINDOW w AS (PARTITION BY agent ORDER BY a)
  )
) GROUP BY agent, grp, ${attrs.join(", ")}
) m ${numbered ? "JOIN qs_agents n ON n.agent = m.agent" : ""}`;
}

/**
 * Builds `agent_states` (emptied by the caller) in SQL for every agent of the store.
 *
 * @param end the end of the data, epoch ms
 * @param options wrap-up seconds per queue and default (as `buildAgentStates`)
 * @returns agents built, the counters of the named rules applied, and the queues of
 *   `wrapup_by_queue` that no loaded call uses (a misspelt name assumes nothing)
 */
export async function buildStatesSql(store: Store, end: number, options: AgentStateOptions): Promise<{ agents: number; notes: Record<string, number>; unknown_wrapup_queues: string[] }> {
  const wraps = Object.entries(options.wrapup_by_queue ?? {});
  const wrapOf = wraps.length
    ? `coalesce((SELECT s FROM (VALUES ${wraps.map(([q, s]) => `(${sqlString(q)}, ${Number(s)}::DOUBLE)`).join(", ")}) v(q, s) WHERE v.q = coalesce(e.queue, '')), ${Number(options.wrapup_s ?? 0)})`
    : `${Number(options.wrapup_s ?? 0)}::DOUBLE`;
  try {
    await store.exec(`
-- The queue_log agents, numbered: below, column "agent" is that number (sorts and partitions on
-- integers, not names). Agents described by FreeSWITCH changes take their segments from them only.
CREATE OR REPLACE TEMP TABLE qs_all_agents AS
  SELECT name, (row_number() OVER (ORDER BY name))::INTEGER AS agent FROM (
    SELECT agent AS name FROM agent_events WHERE agent IS NOT NULL
    UNION SELECT agent FROM call_stints WHERE agent IS NOT NULL AND (answered_at IS NOT NULL OR direction = 'outbound')
  ) WHERE name NOT IN (SELECT agent FROM agent_state_changes WHERE agent IS NOT NULL);`);
    // Agents in passes of about ROWS_PER_PASS events and stints: each pass stays within DuckDB's memory.
    const [c] = await store.query<{ n: number }>(`SELECT (SELECT count(*) FROM agent_events) + (SELECT count(*) FROM call_stints WHERE agent IS NOT NULL) AS n`);
    const passes = Math.max(1, Math.ceil(Number(c?.n ?? 0) / (options.rows_per_pass ?? STATE_ROWS_PER_PASS)));
    const counted: Record<string, number> = {};
    for (let pass = 0; pass < passes; pass++) {
      await store.exec(`CREATE OR REPLACE TEMP TABLE qs_agents AS SELECT * FROM qs_all_agents WHERE agent % ${passes} = ${pass}`);
      await store.exec(passSql(end, wrapOf));
      await store.exec(mergeInto("(SELECT * EXCLUDE (outside) FROM qs_pieces)", true));
      const [r] = await store.query<Record<string, number | null>>(`SELECT
        (SELECT count(*) FROM qs_marks WHERE unpause_without_pause) AS unpause_without_pause,
        (SELECT count(*) FROM qs_spans WHERE clamped) AS ring_clamped,
        (SELECT count(*) FROM qs_pieces WHERE outside) AS handling_outside_session`);
      for (const [k, v] of Object.entries(r ?? {})) counted[k] = (counted[k] ?? 0) + Number(v ?? 0);
    }
    await store.exec(fsSql(end));
    await store.exec(mergeInto("qs_fs", false));
    const [r] = await store.query<Record<string, number | null>>(`SELECT
      (SELECT count(DISTINCT agent) FROM agent_state_changes WHERE agent IS NOT NULL) AS agents_from_freeswitch_states,
      -- an agent in both sources takes the FreeSWITCH changes (its queue_log events are not used for its states)
      (SELECT count(*) FROM (SELECT DISTINCT agent FROM agent_state_changes WHERE agent IS NOT NULL) f
        WHERE f.agent IN (SELECT agent FROM agent_events)
          OR f.agent IN (SELECT agent FROM call_stints WHERE answered_at IS NOT NULL OR direction = 'outbound')) AS agents_in_both_sources,
      (SELECT count(*) FROM qs_all_agents) + (SELECT count(DISTINCT agent) FROM agent_state_changes WHERE agent IS NOT NULL) AS agents`);
    const notes: Record<string, number> = {};
    for (const [k, v] of Object.entries({ ...counted, ...r })) if (k !== "agents" && Number(v) > 0) notes[k] = Number(v);
    const queues = new Set((await store.query<{ queue: string }>("SELECT DISTINCT queue FROM call_stints WHERE queue IS NOT NULL")).map((q) => q.queue));
    return { agents: Number(r?.agents ?? 0), notes, unknown_wrapup_queues: wraps.map(([q]) => q).filter((q) => !queues.has(q)).sort() };
  } finally {
    await store.exec(TEMP.map((t) => `DROP TABLE IF EXISTS ${t};`).join(" "));
  }
}

/** Events and stints per pass of agents (see {@link buildStatesSql}); for tests and tuning. */
export const STATE_ROWS_PER_PASS = 300_000;

/** One pass over the agents of `qs_agents`: marks, spans and pieces (steps 1–3). */
function passSql(end: number, wrapOf: string): string {
  return marksSql(end) + spansSql(end, wrapOf) + piecesSql(end);
}

/** Step 1: `qs_ev`, `qs_marks`, `qs_last_marks`, `qs_stops`. */
function marksSql(end: number): string {
  return `
CREATE OR REPLACE TEMP TABLE qs_ev AS
  SELECT a.agent, epoch_ms("at")::DOUBLE AS "at", event, queue, reason, ring_ms, call_id,
    row_number() OVER (PARTITION BY a.agent ORDER BY "at", line, source) AS k
  FROM agent_events e JOIN qs_agents a ON a.name = e.agent;

-- 1. Session and availability after each session event (sessionMarks).
CREATE OR REPLACE TEMP TABLE qs_marks AS
WITH e AS (
  SELECT * FROM qs_ev WHERE event IN (${list(LOGIN_EVENTS)}, ${list(LOGOFF_EVENTS)}, 'ADDMEMBER', 'REMOVEMEMBER', ${list(PAUSE_EVENTS)}, ${list(UNPAUSE_EVENTS)})
), member AS (
  -- +1 when a queue's membership starts, -1 when it ends (a repeated ADDMEMBER changes nothing)
  SELECT agent, k, (event = 'ADDMEMBER')::INT - coalesce(lag((event = 'ADDMEMBER')::INT) OVER (PARTITION BY agent, coalesce(queue, '') ORDER BY k), 0) AS dm
  FROM e WHERE event IN ('ADDMEMBER', 'REMOVEMEMBER')
), s AS (
  SELECT e.*, coalesce(last_value(CASE WHEN event IN (${list(LOGIN_EVENTS)}) THEN true WHEN event IN (${list(LOGOFF_EVENTS)}) THEN false END IGNORE NULLS)
      OVER (PARTITION BY e.agent ORDER BY e.k ROWS UNBOUNDED PRECEDING), false)
    OR coalesce(sum(coalesce(dm, 0)) OVER (PARTITION BY e.agent ORDER BY e.k ROWS UNBOUNDED PRECEDING), 0) > 0 AS now_in
  FROM e LEFT JOIN member m ON m.agent = e.agent AND m.k = e.k
), s2 AS (
  -- an UNPAUSE, or the end of the session, clears the pause: a new group starts there
  SELECT *, event IN (${list(UNPAUSE_EVENTS)}) OR (coalesce(lag(now_in) OVER (PARTITION BY agent ORDER BY k), false) AND NOT now_in) AS clears FROM s
), c AS (
  SELECT *, sum(clears::INT) OVER (PARTITION BY agent ORDER BY k ROWS UNBOUNDED PRECEDING) AS g FROM s2
), p AS (
  SELECT *, count(*) FILTER (event IN (${list(PAUSE_EVENTS)}) OR (event = 'ADDMEMBER' AND upper(js_trim(coalesce(reason, ''))) = 'PAUSED'))
      OVER (PARTITION BY agent, g ORDER BY k ROWS UNBOUNDED PRECEDING) > 0 AS paused,
    last_value(CASE WHEN event IN (${list(PAUSE_EVENTS)}) THEN js_trim(coalesce(reason, '')) END IGNORE NULLS)
      OVER (PARTITION BY agent, g ORDER BY k ROWS UNBOUNDED PRECEDING) AS pause_reason
  FROM c
)
SELECT agent, "at", k, event, CASE WHEN now_in THEN 'logged_in' ELSE 'logged_out' END AS session,
  CASE WHEN paused THEN 'paused' ELSE 'available' END AS availability, CASE WHEN paused THEN coalesce(pause_reason, '') END AS reason,
  event IN (${list(UNPAUSE_EVENTS)}) AND NOT coalesce(lag(paused) OVER (PARTITION BY agent ORDER BY k), false) AS unpause_without_pause
FROM p;

-- The mark in force at an instant is the last one logged at or before it.
CREATE OR REPLACE TEMP TABLE qs_last_marks AS
  SELECT agent, "at", arg_max(session, k) AS session, arg_max(availability, k) AS availability, arg_max(reason, k) AS reason
  FROM qs_marks WHERE "at" <= ${end} GROUP BY agent, "at";

-- Wrap-up also stops where a pause starts or the session ends.
CREATE OR REPLACE TEMP TABLE qs_stops AS
  SELECT agent, "at" FROM (
    SELECT *, lag(availability) OVER w AS prev_av, lag(session) OVER w AS prev_session FROM qs_marks WINDOW w AS (PARTITION BY agent ORDER BY k)
  ) WHERE (availability = 'paused' AND prev_av IS DISTINCT FROM 'paused') OR (session = 'logged_out' AND prev_session = 'logged_in');
`;
}

/** Step 2: `qs_spans` (ringing, talking, other calls, then wrap-up clipped). */
function spansSql(end: number, wrapOf: string): string {
  return `
-- 2. Work spans (workSpans): level 3 talking / other call, 2 ringing, 1 wrap-up.
CREATE OR REPLACE TEMP TABLE qs_spans AS
WITH calls AS (
  SELECT a.agent, call_id, queue, direction, epoch_ms(entered_at)::DOUBLE AS entered, ring_s,
    epoch_ms(coalesce(answered_at, CASE WHEN direction = 'outbound' THEN entered_at END))::DOUBLE AS start,
    epoch_ms(ended_at)::DOUBLE AS ended
  FROM call_stints c JOIN qs_agents a ON a.name = c.agent
  WHERE answered_at IS NOT NULL OR direction = 'outbound'
)
SELECT r.agent, greatest(r."at" - least(r.ring_ms, ${MAX_RING_S * 1000}), coalesce(c.entered, '-infinity'::DOUBLE)) AS "from", r."at" AS "to",
  'ringing' AS work, 2 AS level, r.queue, NULL::VARCHAR AS call_id, false AS open,
  r.ring_ms > ${MAX_RING_S * 1000} OR c.entered > r."at" - least(r.ring_ms, ${MAX_RING_S * 1000}) AS clamped
  FROM (FROM qs_ev WHERE event IN ('RINGNOANSWER', 'RINGCANCELED') AND ring_ms > 0) r
    -- the ring starts no earlier than its call entered the queue (the call's latest stint entered by then)
    ASOF LEFT JOIN (SELECT call_id, epoch_ms(entered_at)::DOUBLE AS entered FROM call_stints WHERE entered_at IS NOT NULL) c
      ON c.call_id = r.call_id AND r."at" >= c.entered
UNION ALL SELECT agent, start, greatest(start, coalesce(ended, ${end})), 'other_call', 3, queue, call_id, ended IS NULL, false
  FROM calls WHERE direction = 'outbound'
UNION ALL SELECT agent, greatest(start - ring_s * 1000, entered), start, 'ringing', 2, queue, call_id, false, entered > start - ring_s * 1000
  FROM calls WHERE direction IS DISTINCT FROM 'outbound' AND ring_s > 0
UNION ALL SELECT agent, start, greatest(start, coalesce(ended, ${end})), 'talking', 3, queue, call_id, ended IS NULL, false
  FROM calls WHERE direction IS DISTINCT FROM 'outbound';

INSERT INTO qs_spans
WITH e AS (
  SELECT a.agent, call_id, queue, epoch_ms(ended_at)::DOUBLE AS "at" FROM call_stints c JOIN qs_agents a ON a.name = c.agent
  WHERE answered_at IS NOT NULL AND direction IS DISTINCT FROM 'outbound' AND ended_at IS NOT NULL
), w AS (SELECT e.*, ${wrapOf} AS wrap_s FROM e)
SELECT w.agent, w."at", least(w."at" + w.wrap_s * 1000, ${end}, coalesce(n."from", 'infinity'::DOUBLE), coalesce(st."at", 'infinity'::DOUBLE)),
  'wrap_up', 1, w.queue, w.call_id, false, false
FROM w
  ASOF LEFT JOIN (SELECT agent, "from" FROM qs_spans) n ON n.agent = w.agent AND w."at" <= n."from"
  ASOF LEFT JOIN qs_stops st ON st.agent = w.agent AND w."at" <= st."at"
  ASOF LEFT JOIN qs_last_marks m ON m.agent = w.agent AND w."at" >= m."at"
WHERE w.wrap_s > 0 AND m.session IS DISTINCT FROM 'logged_out';
`;
}

/** Step 3: `qs_level` (spans of one level made disjoint) and `qs_pieces`. */
function piecesSql(end: number): string {
  return `
-- 3. Within a level the earliest span wins: each starts no earlier than the ends before it.
CREATE OR REPLACE TEMP TABLE qs_level AS
  SELECT * REPLACE (greatest("from", coalesce(max("to") OVER (PARTITION BY agent, level ORDER BY "from", call_id NULLS FIRST, queue NULLS FIRST, "to"
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), '-infinity'::DOUBLE)) AS "from")
  FROM (SELECT * REPLACE (least("from", ${end}) AS "from", least("to", ${end}) AS "to") FROM qs_spans WHERE "to" > "from");
DELETE FROM qs_level WHERE "to" <= "from";

CREATE OR REPLACE TEMP TABLE qs_pieces AS
WITH cuts AS (
  SELECT agent, "at" AS t FROM qs_last_marks
  UNION SELECT agent, least("from", ${end}) FROM qs_spans WHERE "to" > "from"
  UNION SELECT agent, least("to", ${end}) FROM qs_spans WHERE "to" > "from"
  UNION SELECT agent, ${end}::DOUBLE FROM (SELECT agent FROM qs_marks UNION SELECT agent FROM qs_spans WHERE "to" > "from")
), p AS (
  SELECT agent, t AS a, lead(t) OVER (PARTITION BY agent ORDER BY t) AS b FROM cuts
), j AS (
  SELECT p.agent, p.a, p.b, m.session AS m_session, m.availability, m.reason,
    CASE WHEN l3."to" > p.a THEN l3.work WHEN l2."to" > p.a THEN l2.work WHEN l1."to" > p.a THEN l1.work END AS w_work,
    CASE WHEN l3."to" > p.a THEN l3.queue WHEN l2."to" > p.a THEN l2.queue WHEN l1."to" > p.a THEN l1.queue END AS queue,
    CASE WHEN l3."to" > p.a THEN l3.call_id WHEN l2."to" > p.a THEN l2.call_id WHEN l1."to" > p.a THEN l1.call_id END AS call_id,
    CASE WHEN l3."to" > p.a THEN l3.open WHEN l2."to" > p.a THEN l2.open WHEN l1."to" > p.a THEN l1.open ELSE false END AS w_open
  FROM p
    ASOF LEFT JOIN qs_last_marks m ON m.agent = p.agent AND p.a >= m."at"
    ASOF LEFT JOIN (FROM qs_level WHERE level = 3) l3 ON l3.agent = p.agent AND p.a >= l3."from"
    ASOF LEFT JOIN (FROM qs_level WHERE level = 2) l2 ON l2.agent = p.agent AND p.a >= l2."from"
    ASOF LEFT JOIN (FROM qs_level WHERE level = 1) l1 ON l1.agent = p.agent AND p.a >= l1."from"
  WHERE p.b IS NOT NULL
), final AS (
  SELECT agent, arg_max(session, "at") AS session FROM qs_last_marks GROUP BY agent
)
SELECT j.agent, a, b,
  -- rule handling_outside_session: handling while logged out (or with no session events at all) counts as logged in
  CASE WHEN j.m_session IS DISTINCT FROM 'logged_in' AND j.w_work IS NOT NULL THEN 'logged_in'
    ELSE coalesce(j.m_session, 'logged_out') END AS session,
  j.m_session IS DISTINCT FROM 'logged_in' AND j.w_work IS NOT NULL AS outside,
  coalesce(j.availability, 'available') AS availability, j.reason, coalesce(j.w_work, 'idle') AS work, j.queue, j.call_id,
  b = ${end} AND (coalesce(final.session, 'logged_out') = 'logged_in' OR j.w_open) AS open
FROM j LEFT JOIN final USING (agent)
WHERE j.m_session IS NOT NULL OR j.w_work IS NOT NULL;`;
}

/** FreeSWITCH mod_callcenter changes (statesFromChanges) into `qs_fs`. */
function fsSql(end: number): string {
  return `
CREATE OR REPLACE TEMP TABLE qs_fs AS
WITH c AS (
  SELECT agent, epoch_ms("at")::DOUBLE AS a, lower(status) AS status, lower(state) AS state,
    coalesce(lead(epoch_ms("at")::DOUBLE) OVER w, ${end}) AS b, row_number() OVER w AS k, count(*) OVER (PARTITION BY agent) AS n,
    -- the last change that was not a logged-in Idle: a queue call before it makes this Idle a wrap-up
    last_value(CASE WHEN lower(state) <> 'idle' THEN lower(state) WHEN lower(status) = 'logged out' THEN 'idle, logged out' END IGNORE NULLS)
      OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_busy
  FROM agent_state_changes WHERE agent IS NOT NULL AND epoch_ms("at") <= ${end}
  WINDOW w AS (PARTITION BY agent ORDER BY "at", line, source)
)
SELECT agent, a, b, CASE WHEN status = 'logged out' AND work = 'idle' THEN 'logged_out' ELSE 'logged_in' END AS session,
  CASE WHEN status = 'on break' THEN 'paused' ELSE 'available' END AS availability, CASE WHEN status = 'on break' THEN 'On Break' END AS reason,
  work, NULL::VARCHAR AS queue, NULL::VARCHAR AS call_id, b = ${end} AND k = n AND status <> 'logged out' AS open
FROM (
  SELECT *, CASE WHEN state = 'receiving' THEN 'ringing' WHEN state = 'in a queue call' THEN 'talking'
      -- idle after a queue call is wrap-up, unless logged out
      WHEN state = 'idle' AND status <> 'logged out' AND prev_busy = 'in a queue call' THEN 'wrap_up' ELSE 'idle' END AS work
  FROM c
) WHERE b > a;`;
}
