/**
 * Private: the additive parts of the operator indicators per agent and period, in DuckDB SQL —
 * the rules of `accumulate.ts` (`sumAgent`) and `adherence.ts` (schedule layers, actual
 * activity, adherence), set-wise over every agent at once. `tests/operators/sums_sql.test.ts`
 * holds the two to the same sums.
 *
 * The elementary pieces are cut at every segment, schedule-layer and period boundary; each gets
 * the state segment, the schedule layer and the period in force at its start (ASOF joins), and
 * everything is summed from them. Stretches (out of adherence, available-idle) are maximal runs of
 * contiguous pieces within one period.
 *
 * @module
 */
import { type ColumnSpec, sqlString, type Store } from "../store/mod.ts";
import { PLANNED_CATEGORIES } from "../ingest/mod.ts";
import { type AdherenceRule, pauseCategory } from "./adherence.ts";
import type { TimeAttribution } from "./accumulate.ts";
import type { Period, PeriodSplitter } from "./periods.ts";

/** Options of {@link withAgentPeriodSums}. */
export interface SumsOptions {
  pause_categories?: Readonly<Record<string, string>>;
  time_attribution?: TimeAttribution;
  adherence_rule?: AdherenceRule;
  adherence_threshold_s?: number;
  /** Segments per pass of agents (default {@link SEGMENTS_PER_PASS}; for tests and tuning). */
  segments_per_pass?: number;
  /** The window ends at the end of the data: a call answered (or a ring ended) at that very instant counts. */
  to_is_data_end?: boolean;
}

const TEMP = ["qo_periods", "qo_all_agents", "qo_sums_all", "qo_reasons", "qo_reasons_all", "qo_agents", "qo_segs", "qo_layers", "qo_pieces", "qo_a", "qo_st", "qo_ibc", "qo_calls", "qo_sums", "qo_credit"] as const;
const PERIOD_COLUMNS: readonly ColumnSpec[] = [{ name: "pid", type: "INTEGER" }, { name: "p_start", type: "DOUBLE" }, { name: "p_end", type: "DOUBLE" }];
const ms = (x: number) => `make_timestamptz(${Math.round(x * 1000)})`;

/** The periods of `splitter` covering `[from, to)`, in order. */
function periodsOf(splitter: PeriodSplitter, from: number, to: number): Period[] {
  if (splitter.kind === "period") return [{ key: "all", start_ms: from, end_ms: to }];
  const out: Period[] = [];
  for (let t = from; t < to;) {
    const p = splitter.at(t);
    out.push(p);
    t = p.end_ms;
  }
  return out;
}

/** SQL of the counted out-of-adherence seconds of a stretch of `len` seconds. */
function countedSql(rule: AdherenceRule, t: number): string {
  if (rule === "raw") return "len";
  if (rule === "forgive_shorter_than") return `CASE WHEN len < ${t} THEN 0 ELSE len END`;
  return `greatest(0, len - ${t})`;
}

/**
 * Sums agent time, schedules and calls per agent and period over `[from, to)` (epoch ms) from
 * `agent_states`, `schedules`, `call_stints` and `agent_events` into the temporary table
 * `qo_sums` (`aid`, `pid`, the additive fields, `out_counted_s`, `longest_idle_s`, call counts,
 * `ibc_*`), with `qo_agents` (`aid` → `agent`) and `qo_reasons` (`aid`, `pid`, `reason`, `s`: paused
 * seconds by reason), agents in passes of about {@link SEGMENTS_PER_PASS} segments, then calls
 * `use` with the periods (`pid` indexes them) and drops the tables. A period in which the agent
 * was only logged out with nothing scheduled is no row, unless calls count there.
 *
 * @returns what `use` returns
 */
export async function withAgentPeriodSums<T>(
  store: Store, from: number, to: number, splitter: PeriodSplitter, o: SumsOptions, use: (periods: readonly Period[]) => Promise<T>,
): Promise<T> {
  const periods = periodsOf(splitter, from, to);
  const reasons = await store.query<{ reason: string }>(`SELECT DISTINCT reason FROM agent_states WHERE reason IS NOT NULL`);
  const pauseCats = reasons.map((r) => `(${sqlString(r.reason)}, ${sqlString(pauseCategory(r.reason, o.pause_categories))})`);
  const callEnd = (o.time_attribution ?? "split") === "call_end";
  const planned = [...PLANNED_CATEGORIES].map(sqlString).join(", ");
  const counted = countedSql(o.adherence_rule ?? "raw", o.adherence_threshold_s ?? 60);
  try {
    await store.exec(`
CREATE OR REPLACE TEMP TABLE qo_periods (pid INTEGER, p_start DOUBLE, p_end DOUBLE);
-- Agents by integer id: every partition, sort and join below is on (aid, pid), not on names.
CREATE OR REPLACE TEMP TABLE qo_all_agents AS SELECT agent, (row_number() OVER (ORDER BY agent))::INTEGER AS aid FROM (
  SELECT agent FROM agent_states UNION SELECT agent FROM schedules WHERE agent IS NOT NULL
  UNION SELECT agent FROM call_stints WHERE agent IS NOT NULL UNION SELECT agent FROM agent_events WHERE agent IS NOT NULL);`);
    await store.insert("qo_periods", periods.map((p, pid) => ({ pid, p_start: p.start_ms, p_end: p.end_ms })), PERIOD_COLUMNS);
    // Agents in passes of about SEGMENTS_PER_PASS segments: each pass's pieces stay within DuckDB's memory.
    const [c] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM agent_states WHERE ended_at > ${ms(from)} AND started_at < ${ms(to)}`);
    const passes = Math.max(1, Math.ceil(Number(c?.n ?? 0) / (o.segments_per_pass ?? SEGMENTS_PER_PASS)));
    for (let pass = 0; pass < passes; pass++) {
      await store.exec(`CREATE OR REPLACE TEMP TABLE qo_agents AS SELECT * FROM qo_all_agents WHERE aid % ${passes} = ${pass}`);
      await sumPass(store, from, to, o.to_is_data_end ? "<=" : "<", pauseCats, callEnd, planned, counted);
      await store.exec(pass === 0
        ? "ALTER TABLE qo_sums RENAME TO qo_sums_all; ALTER TABLE qo_reasons RENAME TO qo_reasons_all;"
        : "INSERT INTO qo_sums_all SELECT * FROM qo_sums; INSERT INTO qo_reasons_all SELECT * FROM qo_reasons; DROP TABLE qo_sums; DROP TABLE qo_reasons;");
    }
    await store.exec(`DROP TABLE IF EXISTS qo_pieces; DROP TABLE qo_agents;
      ALTER TABLE qo_all_agents RENAME TO qo_agents; ALTER TABLE qo_sums_all RENAME TO qo_sums; ALTER TABLE qo_reasons_all RENAME TO qo_reasons;`);
    return await use(periods);
  } finally {
    await store.exec(TEMP.map((t) => `DROP TABLE IF EXISTS ${t};`).join(" "));
  }
}

/** Segments summed per pass of agents (see {@link withAgentPeriodSums}); for tests and tuning. */
export const SEGMENTS_PER_PASS = 600_000;

/** One pass over the agents of `qo_agents`: `qo_segs`, `qo_layers`, `qo_pieces`, then `qo_sums` and `qo_reasons`. */
async function sumPass(
  store: Store, from: number, to: number, toOp: string, pauseCats: string[], callEnd: boolean, planned: string, counted: string,
): Promise<void> {
  await store.exec(`
CREATE OR REPLACE TEMP TABLE qo_segs AS
  SELECT g.aid, greatest(epoch_ms(started_at)::DOUBLE, ${from}) AS s_from, least(epoch_ms(ended_at)::DOUBLE, ${to}) AS s_to,
    epoch_ms(started_at)::DOUBLE AS started, epoch_ms(ended_at)::DOUBLE AS ended, session, availability, s.reason, work, call_id,
    CASE WHEN work <> 'idle' THEN 'on_queue' WHEN session = 'logged_out' THEN 'offline'
      WHEN availability = 'paused' THEN coalesce(pc.category, 'away') ELSE 'on_queue' END AS actual
  FROM agent_states s JOIN qo_agents g USING (agent)
    LEFT JOIN (${pauseCats.length ? `VALUES ${pauseCats.join(", ")}` : "SELECT NULL AS reason, NULL AS category WHERE false"}) pc(reason, category) ON pc.reason = s.reason
  WHERE ended_at > ${ms(from)} AND started_at < ${ms(to)};

-- Schedule layers (layerSchedule): at each instant the shortest row covering it, the later-starting on a tie,
-- then the one listed later.
CREATE OR REPLACE TEMP TABLE qo_layers AS
WITH r AS (
  SELECT g.aid, category, epoch_ms(starts_at)::DOUBLE AS s, epoch_ms(ends_at)::DOUBLE AS e, source, line FROM schedules JOIN qo_agents g USING (agent)
  WHERE ends_at > ${ms(from)} AND starts_at < ${ms(to)} AND ends_at > starts_at
), c AS (SELECT aid, s AS t FROM r UNION SELECT aid, e FROM r),
p AS (SELECT aid, t AS a, lead(t) OVER (PARTITION BY aid ORDER BY t) AS b FROM c)
SELECT p.aid, greatest(p.a, ${from}) AS a, least(p.b, ${to}) AS b, first(r.category ORDER BY r.e - r.s, r.s DESC, r.source DESC, r.line DESC) AS category
FROM p JOIN r ON r.aid = p.aid AND r.s <= p.a AND r.e >= p.b
WHERE p.b IS NOT NULL AND p.b > ${from} AND p.a < ${to}
GROUP BY p.aid, p.a, p.b;

CREATE OR REPLACE TEMP TABLE qo_pieces AS
WITH span AS (
  SELECT aid, min(lo) AS lo, max(hi) AS hi FROM (SELECT aid, s_from AS lo, s_to AS hi FROM qo_segs UNION ALL SELECT aid, a, b FROM qo_layers) GROUP BY aid
), cuts AS (
  SELECT aid, s_from AS t FROM qo_segs UNION SELECT aid, s_to FROM qo_segs
  UNION SELECT aid, a FROM qo_layers UNION SELECT aid, b FROM qo_layers
  UNION SELECT span.aid, p_start FROM span JOIN qo_periods ON p_start > span.lo AND p_start < span.hi
), p AS (
  SELECT aid, t AS a, lead(t) OVER (PARTITION BY aid ORDER BY t) AS b FROM cuts
)
SELECT p.aid, p.a, p.b, (p.b - p.a) / 1000 AS d, pr.pid,
  sg.s_to > p.a AS has_seg,
  CASE WHEN sg.s_to > p.a THEN sg.session END AS session, CASE WHEN sg.s_to > p.a THEN sg.availability END AS availability,
  CASE WHEN sg.s_to > p.a THEN sg.reason END AS reason, CASE WHEN sg.s_to > p.a THEN sg.work END AS work,
  CASE WHEN sg.s_to > p.a THEN sg.actual ELSE 'offline' END AS actual,
  CASE WHEN ly.b > p.a THEN ly.category END AS category,
  CASE WHEN sg.s_to > p.a THEN sg.s_to END AS seg_end
FROM p
  ASOF LEFT JOIN qo_segs sg ON sg.aid = p.aid AND p.a >= sg.s_from
  ASOF LEFT JOIN qo_layers ly ON ly.aid = p.aid AND p.a >= ly.a
  ASOF JOIN qo_periods pr ON p.a >= pr.p_start
WHERE p.b IS NOT NULL AND p.b > p.a AND (sg.s_to > p.a OR ly.b > p.a);
`);
  await store.exec(sumsSql(callEnd, planned, counted, from, to, toOp));
  // Paused time by reason, for the rows kept.
  await store.exec(`CREATE OR REPLACE TEMP TABLE qo_reasons AS
    SELECT pc.aid, pc.pid, coalesce(pc.reason, '') AS reason, sum(pc.d) AS s FROM qo_pieces pc SEMI JOIN qo_sums q ON q.aid = pc.aid AND q.pid = pc.pid
    WHERE pc.session = 'logged_in' AND pc.work = 'idle' AND pc.availability = 'paused' GROUP BY ALL`);
}

/** The statements that sum `qo_pieces`, stretches, idle before calls and call counts into `qo_sums` (aid, pid, …). */
function sumsSql(callEnd: boolean, planned: string, counted: string, from: number, to: number, toOp: string): string {
  const onCall = "work IN ('talking', 'on_hold', 'other_call')";
  const credited = callEnd ? `NOT (${onCall})` : "true";
  const adheres = `CASE WHEN category IS NULL OR category = 'on_call' THEN NULL WHEN category = 'on_queue' THEN actual = 'on_queue'
    WHEN category = 'absence' THEN actual = 'offline' ELSE actual = category OR actual = 'offline' END`;
  return `
ALTER TABLE qo_pieces ADD COLUMN ok BOOLEAN;
UPDATE qo_pieces SET ok = ${adheres};
CREATE OR REPLACE TEMP TABLE qo_a AS
  SELECT aid, pid,
    coalesce(sum(d) FILTER (session = 'logged_in'), 0) AS logged_in_s,
    coalesce(sum(d) FILTER (session = 'logged_in' AND work = 'idle' AND availability = 'available'), 0) AS available_idle_s,
    coalesce(sum(d) FILTER (work = 'ringing'), 0) AS ring_s,
    coalesce(sum(d) FILTER (work = 'talking' AND ${credited}), 0) AS talk_s,
    coalesce(sum(d) FILTER (work = 'on_hold' AND ${credited}), 0) AS hold_s,
    coalesce(sum(d) FILTER (work = 'wrap_up'), 0) AS wrap_s,
    coalesce(sum(d) FILTER (work = 'other_call' AND ${credited}), 0) AS other_call_s,
    coalesce(sum(d) FILTER (session = 'logged_in' AND work = 'idle' AND availability = 'paused'), 0) AS paused_s,
    coalesce(sum(d) FILTER (actual = 'on_queue' AND has_seg AND (session = 'logged_in' OR work <> 'idle')), 0) AS on_queue_s,
    coalesce(sum(d) FILTER (ok IS NOT NULL), 0) AS scheduled_s,
    coalesce(sum(d) FILTER (ok IS NOT NULL AND category = 'on_queue'), 0) AS scheduled_on_queue_s,
    coalesce(sum(d) FILTER (ok IS NOT NULL AND category IN (${planned})), 0) AS planned_shrinkage_s,
    coalesce(sum(d) FILTER (ok IS NOT NULL AND ((category = 'on_queue' AND actual <> 'on_queue') OR category = 'absence')), 0) AS unplanned_shrinkage_s
  FROM qo_pieces GROUP BY aid, pid;
${callEnd ? `
-- Time attribution call_end: a call segment's time counts whole in the period where it ends; in its other periods as idle.
CREATE OR REPLACE TEMP TABLE qo_credit AS SELECT pc.*, e.pid AS end_pid FROM qo_pieces pc ASOF JOIN qo_periods e ON pc.seg_end - 1 >= e.p_start WHERE ${onCall};
UPDATE qo_a SET talk_s = qo_a.talk_s + c.talk_s, hold_s = qo_a.hold_s + c.hold_s, other_call_s = qo_a.other_call_s + c.other_call_s
  FROM (SELECT aid, end_pid AS pid, coalesce(sum(d) FILTER (work = 'talking'), 0) AS talk_s, coalesce(sum(d) FILTER (work = 'on_hold'), 0) AS hold_s,
    coalesce(sum(d) FILTER (work = 'other_call'), 0) AS other_call_s FROM qo_credit GROUP BY ALL) c
  WHERE qo_a.aid = c.aid AND qo_a.pid = c.pid;
UPDATE qo_a SET available_idle_s = qo_a.available_idle_s + c.idle_s
  FROM (SELECT aid, pid, sum(d) AS idle_s FROM qo_credit WHERE session = 'logged_in' AND end_pid <> pid GROUP BY ALL) c
  WHERE qo_a.aid = c.aid AND qo_a.pid = c.pid;
DROP TABLE qo_credit;` : ""}
-- Maximal runs of contiguous pieces within a period: out of adherence (ok = false) and available-idle.
CREATE OR REPLACE TEMP TABLE qo_st AS
  SELECT aid, pid, sum(${counted}) FILTER (kind = 0) AS out_counted_s, max(len) FILTER (kind = 1) AS longest_idle_s FROM (
    SELECT aid, pid, kind, run, sum(d) AS len FROM (
      SELECT *, sum(starts::INT) OVER (PARTITION BY aid, pid, kind ORDER BY a ROWS UNBOUNDED PRECEDING) AS run FROM (
        SELECT *, lag(b) OVER (PARTITION BY aid, pid, kind ORDER BY a) IS DISTINCT FROM a AS starts FROM (
          SELECT aid, pid, a, b, d, 0 AS kind FROM qo_pieces WHERE ok = false
          UNION ALL SELECT aid, pid, a, b, d, 1 FROM qo_pieces WHERE session = 'logged_in' AND availability = 'available' AND work = 'idle'
        )
      )
    ) GROUP BY aid, pid, kind, run
  ) GROUP BY aid, pid;
CREATE OR REPLACE TEMP TABLE qo_ibc AS ${idleBeforeCallSql(from, to)};
CREATE OR REPLACE TEMP TABLE qo_calls AS
  SELECT g.aid, pr.pid, count(*) FILTER (kind = 'answered') AS calls_answered, count(*) FILTER (kind = 'RINGNOANSWER') AS ring_no_answer,
    count(*) FILTER (kind = 'RINGCANCELED') AS ring_canceled, count(*) FILTER (kind = 'case') AS cases_handled,
    count(*) FILTER (kind IN ('outbound', 'outbound_connected')) AS outbound_calls, count(*) FILTER (kind = 'outbound_connected') AS outbound_connected,
    sum(work_s) FILTER (kind = 'case') AS case_work_s
  FROM (
    SELECT agent, epoch_ms(answered_at)::DOUBLE AS "at", 'answered' AS kind, NULL::DOUBLE AS work_s FROM call_stints
      WHERE direction = 'inbound' AND agent IS NOT NULL AND answered_at >= ${ms(from)} AND answered_at ${toOp} ${ms(to)}
    UNION ALL SELECT agent, epoch_ms("at")::DOUBLE, event, NULL FROM agent_events
      WHERE event IN ('RINGNOANSWER', 'RINGCANCELED') AND agent IS NOT NULL AND "at" >= ${ms(from)} AND "at" ${toOp} ${ms(to)}
    -- Outbound calls (queue_log outbound verbs, CDRs) where they were placed; connected when answered.
    UNION ALL SELECT agent, epoch_ms(entered_at)::DOUBLE, CASE WHEN answered_at IS NOT NULL THEN 'outbound_connected' ELSE 'outbound' END, NULL FROM call_stints
      WHERE direction = 'outbound' AND agent IS NOT NULL AND entered_at >= ${ms(from)} AND entered_at ${toOp} ${ms(to)}
    -- Case work ("other work"): a case's handling time, credited where the work ended (solved, else
    -- closed; an unsolved case at its last update, else its opening), cases without handling time left out.
    UNION ALL SELECT agent, epoch_ms(done)::DOUBLE, 'case', handling_s FROM (
      SELECT agent, handling_s, coalesce(solved_at, closed_at, updated_at, opened_at) AS done FROM services WHERE agent IS NOT NULL AND handling_s IS NOT NULL
    ) WHERE done >= ${ms(from)} AND done ${toOp} ${ms(to)}
  ) c JOIN qo_agents g USING (agent) ASOF JOIN qo_periods pr ON c."at" >= pr.p_start GROUP BY ALL;
-- A period in which the agent was only logged out, with nothing scheduled, is no row (calls make one).
CREATE OR REPLACE TEMP TABLE qo_sums AS
  SELECT coalesce(k.aid, c.aid) AS aid, coalesce(k.pid, c.pid) AS pid, k.* EXCLUDE (aid, pid), st.out_counted_s, st.longest_idle_s,
    c.calls_answered, c.ring_no_answer, c.ring_canceled, c.cases_handled, c.case_work_s, c.outbound_calls, c.outbound_connected, ibc.ibc_n, ibc.ibc_excl_s, ibc.ibc_incl_s
  FROM (SELECT * FROM qo_a WHERE logged_in_s + ring_s + talk_s + hold_s + wrap_s + other_call_s + scheduled_s > 0) k
    FULL JOIN qo_calls c ON c.aid = k.aid AND c.pid = k.pid
    LEFT JOIN qo_st st ON st.aid = coalesce(k.aid, c.aid) AND st.pid = coalesce(k.pid, c.pid)
    LEFT JOIN qo_ibc ibc ON ibc.aid = coalesce(k.aid, c.aid) AND ibc.pid = coalesce(k.pid, c.pid);`;
}

/**
 * Idle before each call (`idleBeforeCalls` of accumulate.ts), over the segments that touch the
 * window: the anchor moves to a segment where the session starts or the previous segment was
 * another call's talk; the call's first ringing or talking segment inside `[from, to)` counts
 * the time since the anchor (`incl`) and the available-idle time since it (`excl`).
 */
function idleBeforeCallSql(from: number, to: number): string {
  return `SELECT aid, pid, count(*) AS ibc_n, sum(excl_s) AS ibc_excl_s, sum(incl_s) AS ibc_incl_s FROM (
    SELECT g.aid, pr.pid, (g.started - g.anchor) / 1000 AS incl_s, coalesce(g.idle_before, 0) / 1000 AS excl_s FROM (
      SELECT *, first_value(started) OVER (PARTITION BY aid, grp ORDER BY started) AS anchor,
        sum(idle_ms) OVER (PARTITION BY aid, grp ORDER BY started ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS idle_before
      FROM (
        SELECT *, sum(resets::INT) OVER (PARTITION BY aid ORDER BY started ROWS UNBOUNDED PRECEDING) AS grp FROM (
          SELECT aid, started,
            (lag(work) OVER w = 'talking' AND lag(call_id) OVER w IS NOT NULL AND NOT (work = 'talking' AND call_id IS NOT DISTINCT FROM lag(call_id) OVER w))
              OR (session = 'logged_in' AND coalesce(lag(session) OVER w, 'logged_out') <> 'logged_in') AS resets,
            CASE WHEN session = 'logged_in' AND availability = 'available' AND work = 'idle' THEN ended - started ELSE 0 END AS idle_ms,
            work IN ('ringing', 'talking') AND call_id IS NOT NULL AND call_id IS DISTINCT FROM
              last_value(CASE WHEN work IN ('ringing', 'talking') AND call_id IS NOT NULL THEN call_id END IGNORE NULLS)
                OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS first_of_call
          FROM (
            -- the agent's whole history: the time since the previous call does not depend on the window
            SELECT g.aid, epoch_ms(started_at)::DOUBLE AS started, epoch_ms(ended_at)::DOUBLE AS ended, session, availability, work, call_id
            FROM agent_states s JOIN qo_agents g USING (agent)
          ) WINDOW w AS (PARTITION BY aid ORDER BY started)
        )
      )
    ) g ASOF JOIN qo_periods pr ON g.started >= pr.p_start
    WHERE g.first_of_call AND g.grp > 0 AND g.started >= ${from} AND g.started < ${to}
  ) GROUP BY ALL`;
}
