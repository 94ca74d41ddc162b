/**
 * Private: the second step of a load — agent events, duplicates and call stints derived from
 * the staged events (and, for calls they touch, the events of earlier sources in the database)
 * into temporary tables, still outside any transaction. DuckDB scans committed tables several
 * times faster than rows written earlier in the same open transaction (measured 3.4 s against
 * 7.2 s for the visits of 1M calls), so everything heavy happens here and the transaction only
 * copies the results.
 *
 * @module
 */
import type { Row, Store } from "../store/mod.ts";
import { TABLES } from "../store/mod.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { buildCallStints } from "./queue_log_stints.ts";
import { insertStints } from "./stage_rows.ts";
import { eventDataSql } from "./parse_sql.ts";
import { chainVisitsSql, queueHashesCollideSql, regularStintsSql, visitsSql } from "./stints_sql.ts";
import { type CallStint, emptyCounts } from "./types.ts";

/**
 * Which calls a load builds: `"all"` when the database holds no events of other sources than
 * this run's (every call is new), else `"affected"`: the calls of this run and of the sources it
 * replaces, built from their events in every source (a call split across rotated files).
 */
export interface BuildScope {
  scope: "all" | "affected";
  /** The events to build from hold one source only. */
  one_source: boolean;
  /** The table the stints are built from. */
  from: "stage_events" | "build_events";
}

/** Works out the scope and, for `"affected"`, creates `run_affected` and `build_events`. */
export async function buildScope(store: Store): Promise<BuildScope> {
  const [r] = await store.query<{ others: number; run: number }>(`
    SELECT (SELECT count(*) FROM (SELECT DISTINCT source FROM events) WHERE source NOT IN (SELECT source FROM run_sources)) AS others,
      (SELECT count(DISTINCT source) FROM stage_events) AS run`);
  if (r!.others === 0) return { scope: "all", one_source: r!.run <= 1, from: "stage_events" };
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE run_affected AS SELECT DISTINCT call_id FROM (
      SELECT call_id FROM stage_events WHERE status IN ('call', 'outbound')
      UNION ALL SELECT call_id FROM events WHERE status IN ('call', 'outbound') AND source IN (SELECT source FROM run_sources));
    CREATE OR REPLACE TEMP TABLE build_events AS
      SELECT * FROM events WHERE status IN ('call', 'outbound') AND source NOT IN (SELECT source FROM run_sources)
        AND call_id IN (SELECT call_id FROM run_affected)
      UNION ALL SELECT * FROM stage_events WHERE status IN ('call', 'outbound');`);
  return { scope: "affected", one_source: false, from: "build_events" };
}

/** The columns that make two agent events the same event (a line logged twice). */
const AGENT_KEY = ["at_ms", "js_trim(agent)", "event", "js_trim(queue)", "call_id", "array_to_string(data, '|')"];
/**
 * The columns of `events` the agent steps read. Naming them matters: agent events are spread
 * through the file, so a `SELECT *` decodes every column of every row (1.0 s against 0.3 s for
 * 3M lines).
 */
const AGENT_COLUMNS = (alias: string) =>
  `${["source", "line", "raw", "at_ms", "call_id", "queue", "agent", "event"].map((c) => `${alias}.${c}`).join(", ")}, ${eventDataSql(alias)} AS data`;
/** SQL: agent events `r` and `e` have the same {@link AGENT_KEY}. */
const SAME_AGENT_EVENT = AGENT_KEY.map((k) => {
  // Old events (`e`) keep a native line's data fields in `raw` (see eventDataSql); run_agent has them.
  const of = (t: string) => k === AGENT_KEY[5] && t === "e" ? `array_to_string(${eventDataSql("e")}, '|')` : k.replace(/\b(at_ms|agent|event|queue|call_id|data)\b/, `${t}.$1`);
  return `${of("r")} IS NOT DISTINCT FROM ${of("e")}`;
}).join(" AND ");

/**
 * Creates `stage_agent_events` from the run's agent events and stages the run's parse rejects and
 * exact duplicates of agent events (a log concatenated with itself, a copy of a file from another
 * server) into `stage_rejects`. Duplicates are judged over the whole database: the agent events of
 * earlier sources with the same key (listed in `old_agent_lines`) are decided again with the
 * run's, the first by (source, line) kept, so that the result never depends on the load order.
 * Strict mode is decided by the caller over all staged rejects, in file order.
 */
export async function stageAgentEvents(store: Store): Promise<void> {
  await store.exec(`
    INSERT INTO stage_rejects SELECT source, line, raw, reason, 'parse', NULL FROM stage_events WHERE status = 'reject';
    CREATE OR REPLACE TEMP TABLE run_agent AS SELECT ${AGENT_COLUMNS("s")} FROM stage_events s WHERE status = 'agent';
    CREATE OR REPLACE TEMP TABLE old_agent AS
      SELECT ${AGENT_COLUMNS("e")} FROM events e
      WHERE e.status = 'agent' AND e.source NOT IN (SELECT source FROM run_sources)
        AND EXISTS (SELECT 1 FROM run_agent r WHERE ${SAME_AGENT_EVENT});
    CREATE OR REPLACE TEMP TABLE old_agent_lines AS SELECT source, line FROM old_agent;
    CREATE OR REPLACE TEMP TABLE agent_rows AS
      SELECT *, first_value(line) OVER w AS first_line, first_value(source) OVER w AS first_source, row_number() OVER w AS copy
      FROM (SELECT * FROM run_agent UNION ALL SELECT * FROM old_agent)
      WINDOW w AS (PARTITION BY ${AGENT_KEY.join(", ")} ORDER BY source, line);
    CREATE OR REPLACE TABLE stage_agent_events AS
      SELECT source, line, js_trim(agent) AS agent, make_timestamptz(at_ms * 1000) AS "at", event,
        CASE WHEN js_trim(queue) IN ('', 'NONE') THEN NULL ELSE js_trim(queue) END AS queue,
        CASE WHEN event IN ('RINGNOANSWER', 'RINGCANCELED') OR js_trim(coalesce(data[1], '')) IN ('', 'NONE') THEN NULL ELSE js_trim(data[1]) END AS reason,
        CASE WHEN js_trim(call_id) IN ('', 'NONE') THEN NULL ELSE js_trim(call_id) END AS call_id,
        CASE WHEN event IN ('RINGNOANSWER', 'RINGCANCELED') THEN TRY_CAST(nullif(js_trim(data[1]), '') AS DOUBLE) END AS ring_ms
      FROM agent_rows WHERE copy = 1;
    INSERT INTO stage_rejects SELECT source, line, raw,
        source || ':' || line || ': field ''event'': duplicate of line ' || first_line ||
        CASE WHEN first_source = source THEN '' ELSE ' of ''' || first_source || '''' END ||
        ' (same instant, agent, event and data)', 'build', NULL
      FROM agent_rows WHERE copy > 1;
    DROP TABLE agent_rows; DROP TABLE run_agent; DROP TABLE old_agent;`);
}

/**
 * Builds the stints of every call in scope into `stage_stints`: regular calls in SQL, the rest by
 * the state machine in TypeScript (their build rejects go to `stage_rejects`; strict mode is
 * decided by the caller over all staged rejects).
 *
 * @param phase called when the build moves on to the next phase
 */
export async function buildStintsOf(
  store: Store, scope: BuildScope, options: { visitRowsPerPass?: number }, phase: (p: "stints" | "irregular calls") => void,
): Promise<void> {
  const [{ rows }] = await store.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${scope.from} WHERE status IN ('call', 'outbound')`) as [{ rows: number }];
  const [{ collide }] = await store.query<{ collide: boolean }>(queueHashesCollideSql(scope.from)) as [{ collide: boolean }];
  const one = scope.one_source ? (await store.query<{ source: string }>(`SELECT source FROM ${scope.from} LIMIT 1`))[0]?.source ?? "" : null;
  await store.exec(visitsSql(scope.from, one, rows, options.visitRowsPerPass, collide));
  await store.exec(chainVisitsSql(scope.from, one, collide));
  phase("stints");
  await store.exec(regularStintsSql("stage_stints"));
  phase("irregular calls");
  // Irregular calls go through the state machine in batches (by a hash of the call id), so that
  // memory stays bounded however many there are (a log concatenated with itself: every call).
  const [{ n }] = await store.query<{ n: number }>(`
    SELECT count(*) AS n FROM ${scope.from} e SEMI JOIN (SELECT call_id FROM visits WHERE NOT regular) i ON e.call_id = i.call_id
    WHERE e.status IN ('call', 'outbound')`) as [{ n: number }];
  const passes = Math.max(1, Math.ceil(Number(n) / IRREGULAR_EVENTS_PER_PASS));
  /** Notes of the state machine (e.g. clamped durations) per source of the call's first event. */
  const notes = new Map<string, number>();
  for (let p = 0; p < passes; p++) {
    const irregular = await store.query<Row>(`
      SELECT e.source, e.line, e.at_ms, e.call_id, e.queue, e.agent, e.event, ${eventDataSql("e")} AS data, e.raw
      FROM ${scope.from} e SEMI JOIN (SELECT call_id FROM visits WHERE NOT regular) i ON e.call_id = i.call_id
      WHERE e.status IN ('call', 'outbound')${passes > 1 ? ` AND hash(e.call_id) % ${passes} = ${p}` : ""}
      ORDER BY e.call_id, e.at_ms, e.source, e.line`);
    const stints: CallStint[] = [];
    const rejects: Row[] = [];
    let from = 0;
    while (from < irregular.length) {
      let to = from;
      const id = irregular[from]!.call_id;
      while (to < irregular.length && irregular[to]!.call_id === id) to++;
      const events = irregular.slice(from, to).map(toEvent);
      const counts = emptyCounts("", "");
      const built = buildCallStints(events, counts);
      for (const s of built.stints) stints.push(s);
      for (const r of built.rejects) rejects.push({ ...r, stage: "build", call_id: id });
      for (const [note, k] of Object.entries(counts.notes)) {
        if (note === "open_stints" || note === "reconstructed_stints" || note === "answered_talk_open") continue; // recounted from the stints
        const key = `${events[0]!.source}\u0000${note}`;
        notes.set(key, (notes.get(key) ?? 0) + k);
      }
      from = to;
    }
    await insertStints(store, stints, "stage_stints");
    await store.insert("stage_rejects", rejects, TABLES.rejects);
  }
  await store.exec("CREATE OR REPLACE TEMP TABLE new_notes (source VARCHAR, note VARCHAR, n BIGINT)");
  await store.insert("new_notes", [...notes].map(([k, n]) => ({ source: k.split("\u0000")[0], note: k.split("\u0000")[1], n })), [
    { name: "source", type: "VARCHAR" }, { name: "note", type: "VARCHAR" }, { name: "n", type: "BIGINT" },
  ]);
}

/** Events of irregular calls handed to the state machine per batch (bounded memory). */
export const IRREGULAR_EVENTS_PER_PASS = 200_000;

function toEvent(r: Row): QueueLogEvent {
  return {
    source: r.source as string, line: Number(r.line), raw: r.raw as string, at: Number(r.at_ms), call_id: r.call_id as string,
    queue: r.queue as string, agent: r.agent as string, event: r.event as string, data: (r.data as string[]) ?? [],
  };
}
