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
import { sqlString, type Store } from "../store/mod.ts";
import { PLANNED_CATEGORIES } from "../ingest/mod.ts";
import { type AdherenceRule, pauseCategory } from "./adherence.ts";
import type { TimeAttribution } from "./accumulate.ts";
import type { Period, PeriodSplitter } from "./periods.ts";

/** The sums of one agent in one period, as SQL gives them (seconds unless named). */
export interface AgentPeriodRow {
  agent: string;
  period: Period;
  logged_in_s: number;
  available_idle_s: number;
  ring_s: number;
  talk_s: number;
  hold_s: number;
  wrap_s: number;
  other_call_s: number;
  paused_s: number;
  paused_by_reason: Record<string, number>;
  on_queue_s: number;
  scheduled_s: number;
  scheduled_on_queue_s: number;
  planned_shrinkage_s: number;
  unplanned_shrinkage_s: number;
  /** Out-of-adherence seconds that count under the rule. */
  out_counted_s: number;
  /** The longest available-idle stretch (null: none). */
  longest_idle_s: number | null;
  calls_answered: number;
  ring_no_answer: number;
  ring_canceled: number;
  ibc_n: number;
  ibc_excl_s: number;
  ibc_incl_s: number;
}

/** Options of {@link agentPeriodSums}. */
export interface SumsOptions {
  pause_categories?: Readonly<Record<string, string>>;
  time_attribution?: TimeAttribution;
  adherence_rule?: AdherenceRule;
  adherence_threshold_s?: number;
}

const TEMP = ["qo_periods", "qo_segs", "qo_layers", "qo_pieces"] as const;
const ms = (x: number) => `make_timestamptz(${Math.round(x * 1000)})`;
const num = (x: unknown) => Number(x ?? 0);

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
 * `agent_states`, `schedules`, `call_stints` and `agent_events`. A period in which the agent was
 * only logged out with nothing scheduled is no row, unless calls count there.
 *
 * @returns one row per agent and period, in no particular order
 */
export async function agentPeriodSums(store: Store, from: number, to: number, splitter: PeriodSplitter, o: SumsOptions): Promise<AgentPeriodRow[]> {
  const periods = periodsOf(splitter, from, to);
  const byKey = new Map(periods.map((p) => [p.key + "\u0000" + p.start_ms, p]));
  const reasons = await store.query<{ reason: string }>(`SELECT DISTINCT reason FROM agent_states WHERE reason IS NOT NULL`);
  const pauseCats = reasons.map((r) => `(${sqlString(r.reason)}, ${sqlString(pauseCategory(r.reason, o.pause_categories))})`);
  const callEnd = (o.time_attribution ?? "split") === "call_end";
  const planned = [...PLANNED_CATEGORIES].map(sqlString).join(", ");
  const counted = countedSql(o.adherence_rule ?? "raw", o.adherence_threshold_s ?? 60);
  try {
    await store.exec(`
CREATE OR REPLACE TEMP TABLE qo_periods (pkey VARCHAR, p_start DOUBLE, p_end DOUBLE);
INSERT INTO qo_periods VALUES ${periods.map((p) => `(${sqlString(p.key)}, ${p.start_ms}, ${p.end_ms})`).join(", ")};

CREATE OR REPLACE TEMP TABLE qo_segs AS
  SELECT s.agent, greatest(epoch_ms(started_at)::DOUBLE, ${from}) AS s_from, least(epoch_ms(ended_at)::DOUBLE, ${to}) AS s_to,
    epoch_ms(started_at)::DOUBLE AS started, session, availability, s.reason, work, call_id,
    CASE WHEN work <> 'idle' THEN 'on_queue' WHEN session = 'logged_out' THEN 'offline'
      WHEN availability = 'paused' THEN coalesce(pc.category, 'away') ELSE 'on_queue' END AS actual
  FROM agent_states s LEFT JOIN (${pauseCats.length ? `VALUES ${pauseCats.join(", ")}` : "SELECT NULL AS reason, NULL AS category WHERE false"}) pc(reason, category)
    ON pc.reason = s.reason
  WHERE ended_at > ${ms(from)} AND started_at < ${ms(to)};

-- Schedule layers (layerSchedule): at each instant the shortest row covering it, the later-starting on a tie.
CREATE OR REPLACE TEMP TABLE qo_layers AS
WITH r AS (
  SELECT agent, category, epoch_ms(starts_at)::DOUBLE AS s, epoch_ms(ends_at)::DOUBLE AS e FROM schedules
  WHERE ends_at > ${ms(from)} AND starts_at < ${ms(to)} AND ends_at > starts_at
), c AS (SELECT agent, s AS t FROM r UNION SELECT agent, e FROM r),
p AS (SELECT agent, t AS a, lead(t) OVER (PARTITION BY agent ORDER BY t) AS b FROM c)
SELECT p.agent, greatest(p.a, ${from}) AS a, least(p.b, ${to}) AS b, first(r.category ORDER BY r.e - r.s, r.s DESC) AS category
FROM p JOIN r ON r.agent = p.agent AND r.s <= p.a AND r.e >= p.b
WHERE p.b IS NOT NULL AND p.b > ${from} AND p.a < ${to}
GROUP BY p.agent, p.a, p.b;

CREATE OR REPLACE TEMP TABLE qo_pieces AS
WITH span AS (
  SELECT agent, min(lo) AS lo, max(hi) AS hi FROM (
    SELECT agent, s_from AS lo, s_to AS hi FROM qo_segs UNION ALL SELECT agent, a, b FROM qo_layers
  ) GROUP BY agent
), cuts AS (
  SELECT agent, s_from AS t FROM qo_segs UNION SELECT agent, s_to FROM qo_segs
  UNION SELECT agent, a FROM qo_layers UNION SELECT agent, b FROM qo_layers
  UNION SELECT span.agent, p_start FROM span JOIN qo_periods ON p_start > span.lo AND p_start < span.hi
), p AS (
  SELECT agent, t AS a, lead(t) OVER (PARTITION BY agent ORDER BY t) AS b FROM cuts
)
SELECT p.agent, p.a, p.b, (p.b - p.a) / 1000 AS d, pr.pkey, pr.p_start,
  CASE WHEN sg.s_to > p.a THEN true ELSE false END AS has_seg,
  CASE WHEN sg.s_to > p.a THEN sg.session END AS session, CASE WHEN sg.s_to > p.a THEN sg.availability END AS availability,
  CASE WHEN sg.s_to > p.a THEN sg.reason END AS reason, CASE WHEN sg.s_to > p.a THEN sg.work END AS work,
  CASE WHEN sg.s_to > p.a THEN sg.actual ELSE 'offline' END AS actual,
  CASE WHEN ly.b > p.a THEN ly.category END AS category,
  ${callEnd ? "CASE WHEN sg.s_to > p.a THEN sg.s_to END" : "NULL::DOUBLE"} AS seg_end
FROM p
  ASOF LEFT JOIN qo_segs sg ON sg.agent = p.agent AND p.a >= sg.s_from
  ASOF LEFT JOIN qo_layers ly ON ly.agent = p.agent AND p.a >= ly.a
  ASOF JOIN qo_periods pr ON p.a >= pr.p_start
WHERE p.b IS NOT NULL AND p.b > p.a AND (sg.s_to > p.a OR ly.b > p.a);
`);
    const rows = await store.query<Record<string, unknown>>(sumsSql(callEnd, planned, counted, from, to));
    const pauses = await store.query<{ agent: string; pkey: string; p_start: number; reason: string; s: number }>(`
      SELECT agent, pkey, p_start, coalesce(reason, '') AS reason, sum(d) AS s FROM qo_pieces
      WHERE session = 'logged_in' AND work = 'idle' AND availability = 'paused' GROUP BY ALL`);
    const out = new Map<string, AgentPeriodRow>();
    for (const r of rows) {
      const period = byKey.get(r.pkey + "\u0000" + num(r.p_start))!;
      const row: AgentPeriodRow = {
        agent: String(r.agent), period, paused_by_reason: {}, longest_idle_s: r.longest_idle_s === null ? null : num(r.longest_idle_s),
        ...Object.fromEntries(NUMERIC.map((k) => [k, num(r[k])])),
      } as AgentPeriodRow;
      out.set(`${row.agent}\u0000${period.key}\u0000${period.start_ms}`, row);
    }
    for (const p of pauses) {
      const row = out.get(`${p.agent}\u0000${p.pkey}\u0000${num(p.p_start)}`);
      if (row) row.paused_by_reason[p.reason] = (row.paused_by_reason[p.reason] ?? 0) + num(p.s);
    }
    return [...out.values()];
  } finally {
    await store.exec(TEMP.map((t) => `DROP TABLE IF EXISTS ${t};`).join(" "));
  }
}

const NUMERIC = [
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "other_call_s", "paused_s", "on_queue_s", "scheduled_s",
  "scheduled_on_queue_s", "planned_shrinkage_s", "unplanned_shrinkage_s", "out_counted_s", "calls_answered", "ring_no_answer", "ring_canceled",
  "ibc_n", "ibc_excl_s", "ibc_incl_s",
] as const;

/** The query of the sums, stretches, idle before calls and call counts per agent and period (over `qo_pieces`). */
function sumsSql(callEnd: boolean, planned: string, counted: string, from: number, to: number): string {
  const onCall = "work IN ('talking', 'on_hold', 'other_call')";
  const credited = callEnd ? `NOT (${onCall})` : "true";
  const adheres = `CASE WHEN category IS NULL OR category = 'on_call' THEN NULL WHEN category = 'on_queue' THEN actual = 'on_queue'
    WHEN category = 'absence' THEN actual = 'offline' ELSE actual = category OR actual = 'offline' END`;
  return `
WITH pc AS (
  SELECT *, ${adheres} AS ok FROM qo_pieces
), a AS (
  SELECT agent, pkey, p_start,
    sum(d) FILTER (session = 'logged_in') AS logged_in_s,
    sum(d) FILTER (session = 'logged_in' AND work = 'idle' AND availability = 'available') AS available_idle_s,
    sum(d) FILTER (work = 'ringing') AS ring_s,
    sum(d) FILTER (work = 'talking' AND ${credited}) AS talk_s,
    sum(d) FILTER (work = 'on_hold' AND ${credited}) AS hold_s,
    sum(d) FILTER (work = 'wrap_up') AS wrap_s,
    sum(d) FILTER (work = 'other_call' AND ${credited}) AS other_call_s,
    sum(d) FILTER (session = 'logged_in' AND work = 'idle' AND availability = 'paused') AS paused_s,
    sum(d) FILTER (actual = 'on_queue' AND has_seg AND (session = 'logged_in' OR work <> 'idle')) AS on_queue_s,
    sum(d) FILTER (ok IS NOT NULL) AS scheduled_s,
    sum(d) FILTER (ok IS NOT NULL AND category = 'on_queue') AS scheduled_on_queue_s,
    sum(d) FILTER (ok IS NOT NULL AND category IN (${planned})) AS planned_shrinkage_s,
    sum(d) FILTER (ok IS NOT NULL AND ((category = 'on_queue' AND actual <> 'on_queue') OR category = 'absence')) AS unplanned_shrinkage_s
  FROM pc GROUP BY agent, pkey, p_start
), credit AS (
  -- time attribution call_end: a call segment's time counts whole in the period where it ends; elsewhere as idle
  ${callEnd ? `SELECT pc.agent, e.pkey, e.p_start,
      sum(d) FILTER (work = 'talking') AS talk_s, sum(d) FILTER (work = 'on_hold') AS hold_s, sum(d) FILTER (work = 'other_call') AS other_call_s,
      0 AS idle_s
    FROM pc ASOF JOIN qo_periods e ON pc.seg_end - 1 >= e.p_start WHERE ${onCall} GROUP BY ALL
    UNION ALL SELECT pc.agent, pc.pkey, pc.p_start, 0, 0, 0, sum(d)
    FROM pc ASOF JOIN qo_periods e ON pc.seg_end - 1 >= e.p_start
    WHERE ${onCall} AND session = 'logged_in' AND (e.pkey <> pc.pkey OR e.p_start <> pc.p_start) GROUP BY ALL`
    : "SELECT NULL::VARCHAR AS agent, NULL::VARCHAR AS pkey, NULL::DOUBLE AS p_start, 0 AS talk_s, 0 AS hold_s, 0 AS other_call_s, 0 AS idle_s WHERE false"}
), cr AS (
  SELECT agent, pkey, p_start, sum(talk_s) AS talk_s, sum(hold_s) AS hold_s, sum(other_call_s) AS other_call_s, sum(idle_s) AS idle_s FROM credit GROUP BY ALL
), stretch AS (
  -- maximal runs of contiguous pieces within a period: out of adherence (ok = false), available-idle
  SELECT agent, pkey, p_start, kind, sum(d) AS len FROM (
    SELECT *, sum(starts::INT) OVER (PARTITION BY agent, pkey, p_start, kind ORDER BY a ROWS UNBOUNDED PRECEDING) AS run FROM (
      SELECT *, lag(b) OVER (PARTITION BY agent, pkey, p_start, kind ORDER BY a) IS DISTINCT FROM a AS starts FROM (
        SELECT agent, pkey, p_start, a, b, d, 'out' AS kind FROM pc WHERE ok = false
        UNION ALL SELECT agent, pkey, p_start, a, b, d, 'idle' FROM pc WHERE session = 'logged_in' AND availability = 'available' AND work = 'idle'
      )
    )
  ) GROUP BY agent, pkey, p_start, kind, run
), st AS (
  SELECT agent, pkey, p_start, sum(${counted}) FILTER (kind = 'out') AS out_counted_s, max(len) FILTER (kind = 'idle') AS longest_idle_s
  FROM stretch GROUP BY ALL
), ibc AS (
  ${idleBeforeCallSql(from, to)}
), calls AS (
  SELECT c.agent, pr.pkey, pr.p_start, count(*) FILTER (kind = 'answered') AS calls_answered, count(*) FILTER (kind = 'RINGNOANSWER') AS ring_no_answer,
    count(*) FILTER (kind = 'RINGCANCELED') AS ring_canceled
  FROM (
    SELECT agent, epoch_ms(answered_at)::DOUBLE AS "at", 'answered' AS kind FROM call_stints
      WHERE direction = 'inbound' AND agent IS NOT NULL AND answered_at >= ${ms(from)} AND answered_at < ${ms(to)}
    UNION ALL SELECT agent, epoch_ms("at")::DOUBLE, event FROM agent_events
      WHERE event IN ('RINGNOANSWER', 'RINGCANCELED') AND agent IS NOT NULL AND "at" >= ${ms(from)} AND "at" < ${ms(to)}
  ) c ASOF JOIN qo_periods pr ON c."at" >= pr.p_start GROUP BY ALL
), kept AS (
  SELECT a.* REPLACE (a.talk_s + coalesce(cr.talk_s, 0) AS talk_s, a.hold_s + coalesce(cr.hold_s, 0) AS hold_s,
      a.other_call_s + coalesce(cr.other_call_s, 0) AS other_call_s, a.available_idle_s + coalesce(cr.idle_s, 0) AS available_idle_s)
  FROM (SELECT * REPLACE (coalesce(talk_s, 0) AS talk_s, coalesce(hold_s, 0) AS hold_s, coalesce(other_call_s, 0) AS other_call_s,
      coalesce(available_idle_s, 0) AS available_idle_s) FROM a) a
    LEFT JOIN cr USING (agent, pkey, p_start)
)
SELECT coalesce(k.agent, c.agent) AS agent, coalesce(k.pkey, c.pkey) AS pkey, coalesce(k.p_start, c.p_start) AS p_start,
  k.* EXCLUDE (agent, pkey, p_start), st.out_counted_s, st.longest_idle_s, c.calls_answered, c.ring_no_answer, c.ring_canceled,
  ibc.ibc_n, ibc.ibc_excl_s, ibc.ibc_incl_s
FROM (SELECT * FROM kept WHERE coalesce(logged_in_s, 0) + coalesce(ring_s, 0) + talk_s + hold_s + coalesce(wrap_s, 0) + other_call_s + coalesce(scheduled_s, 0) > 0) k
  FULL JOIN calls c ON c.agent = k.agent AND c.pkey = k.pkey AND c.p_start = k.p_start
  LEFT JOIN st ON st.agent = coalesce(k.agent, c.agent) AND st.pkey = coalesce(k.pkey, c.pkey) AND st.p_start = coalesce(k.p_start, c.p_start)
  LEFT JOIN ibc ON ibc.agent = coalesce(k.agent, c.agent) AND ibc.pkey = coalesce(k.pkey, c.pkey) AND ibc.p_start = coalesce(k.p_start, c.p_start)`;
}

/**
 * Idle before each call (`idleBeforeCalls` of accumulate.ts), over the segments that touch the
 * window: the anchor moves to a segment where the session starts or the previous segment was
 * another call's talk; the call's first ringing or talking segment inside `[from, to)` counts
 * the time since the anchor (`incl`) and the available-idle time since it (`excl`).
 */
function idleBeforeCallSql(from: number, to: number): string {
  return `SELECT agent, pkey, p_start, count(*) AS ibc_n, sum(excl_s) AS ibc_excl_s, sum(incl_s) AS ibc_incl_s FROM (
    SELECT g.agent, pr.pkey, pr.p_start, (g.started - g.anchor) / 1000 AS incl_s, coalesce(g.idle_before, 0) / 1000 AS excl_s FROM (
      SELECT *, first_value(started) OVER (PARTITION BY agent, grp ORDER BY started) AS anchor,
        sum(idle_ms) OVER (PARTITION BY agent, grp ORDER BY started ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS idle_before
      FROM (
        SELECT *, sum(resets::INT) OVER (PARTITION BY agent ORDER BY started ROWS UNBOUNDED PRECEDING) AS grp FROM (
          SELECT agent, epoch_ms(started_at)::DOUBLE AS started, work, call_id,
            (lag(work) OVER w = 'talking' AND lag(call_id) OVER w IS NOT NULL AND NOT (work = 'talking' AND call_id IS NOT DISTINCT FROM lag(call_id) OVER w))
              OR (session = 'logged_in' AND coalesce(lag(session) OVER w, 'logged_out') <> 'logged_in') AS resets,
            CASE WHEN session = 'logged_in' AND availability = 'available' AND work = 'idle' THEN epoch_ms(ended_at) - epoch_ms(started_at) ELSE 0 END AS idle_ms,
            work IN ('ringing', 'talking') AND call_id IS NOT NULL AND call_id IS DISTINCT FROM
              last_value(CASE WHEN work IN ('ringing', 'talking') AND call_id IS NOT NULL THEN call_id END IGNORE NULLS)
                OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS first_of_call
          FROM agent_states WHERE ended_at > ${ms(from)} AND started_at < ${ms(to)}
          WINDOW w AS (PARTITION BY agent ORDER BY started_at)
        ) q
      ) q2
    ) g ASOF JOIN qo_periods pr ON g.started >= pr.p_start
    WHERE g.first_of_call AND g.grp > 0 AND g.started >= ${from} AND g.started < ${to}
  ) GROUP BY ALL`;
}
