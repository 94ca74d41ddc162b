/**
 * Private: the last steps of a load — the counts of each input worked out from the stage
 * tables, then one short transaction that replaces the run's sources (and rebuilt calls) in the
 * database by the staged rows.
 *
 * @module
 */
import { sqlString, type Store, TABLES } from "../store/mod.ts";
import type { InputInfo } from "./input_file.ts";
import type { BuildScope } from "./load_build.ts";
import { runRow } from "./load_stage.ts";
import type { IngestCounts } from "./types.ts";
import { STINT_FORMATS } from "./detect_format.ts";

/**
 * Counts each event-based input from the stage tables (`lines_read = used + ignored + rejected`
 * by construction: every line is a row of `stage_events`) and stages its `ingest_runs` row.
 * Technion inputs were counted while parsed.
 *
 * @param counts per input, in input order; event-based ones are completed in place
 */
export async function countRun(store: Store, inputs: readonly InputInfo[], counts: IngestCounts[]): Promise<void> {
  const totals = await store.query<{ source: string; lines_read: number; events: number; parse_rejects: number }>(`
    SELECT source, count(*) AS lines_read, count(*) FILTER (status IN ('call', 'outbound', 'agent')) AS events,
      count(*) FILTER (status = 'reject') AS parse_rejects
    FROM stage_events GROUP BY source`);
  const rules = await store.query<{ source: string; rule: string; n: number }>(`
    SELECT source, CASE status WHEN 'blank' THEN 'blank_line' WHEN 'system' THEN 'system_event'
        WHEN 'informational' THEN 'informational_event' WHEN 'unrecognized' THEN 'unrecognized_event:' || event ELSE status END AS rule,
      count(*) AS n
    FROM stage_events WHERE status NOT IN ('call', 'outbound', 'agent', 'reject') GROUP BY ALL ORDER BY rule`);
  const built = await store.query<{ source: string; n: number }>("SELECT source, count(*) AS n FROM stage_rejects WHERE stage = 'build' GROUP BY source");
  const notes = await store.query<{ source: string; open: number; reconstructed: number; talk_open: number }>(`
    SELECT source, count(*) FILTER (outcome = 'open') AS open, count(*) FILTER (reconstructed) AS reconstructed,
      count(*) FILTER (outcome = 'answered' AND ended_at IS NULL AND direction = 'inbound') AS talk_open
    FROM stage_stints GROUP BY source`);
  const built_notes = await store.query<{ source: string; note: string; n: number }>("SELECT source, note, sum(n) AS n FROM new_notes GROUP BY ALL ORDER BY note");
  for (const [k, input] of inputs.entries()) {
    const c = counts[k]!;
    const t = totals.find((r) => r.source === input.real_path);
    if (STINT_FORMATS.has(c.format) || c.format === "empty" || !t) continue;
    const build = built.find((r) => r.source === input.real_path)?.n ?? 0;
    c.lines_read = t.lines_read;
    c.used = t.events - build;
    c.rejected = t.parse_rejects + build;
    c.ignored_by_rule = Object.fromEntries(rules.filter((r) => r.source === input.real_path).map((r) => [r.rule, r.n]));
    c.ignored = Object.values(c.ignored_by_rule).reduce((a, b) => a + b, 0);
    const n = notes.find((r) => r.source === input.real_path);
    if (n && n.open > 0) c.notes.open_stints = n.open;
    if (n && n.reconstructed > 0) c.notes.reconstructed_stints = n.reconstructed;
    if (n && n.talk_open > 0) c.notes.answered_talk_open = n.talk_open;
    for (const b of built_notes) if (b.source === input.real_path) c.notes[b.note] = b.n;
    await store.insert("new_runs", [runRow(input, c, t.events)], TABLES.ingest_runs);
  }
}

/** Each staged table and the table it lands in (same columns, in the same order). */
const LANDINGS = [
  ["stage_events", "events"], ["stage_agent_events", "agent_events"], ["stage_rejects", "rejects"], ["stage_stints", "call_stints"],
] as const;

/**
 * Replaces, in one transaction, the rows of the run's sources by the staged ones; in the
 * `"affected"` scope also the stints and build rejects of the calls rebuilt; and the agent events
 * of earlier sources decided again as duplicates (`old_agent_lines`). The build rejects
 * of earlier sources may change with them: their `ingest_runs` counts are recounted.
 *
 * A target left empty by the deletes (a first load, or a reload of every source) gets its staged
 * table renamed into place: DuckDB DDL is transactional, and a rename costs nothing where a copy
 * of 3M events cost 3 s. Otherwise the staged rows are appended.
 */
export async function applyRun(store: Store, scope: BuildScope): Promise<void> {
  const run = "source IN (SELECT source FROM run_sources)";
  await store.transaction(async () => {
    await store.exec(`
      ${scope.scope === "affected" ? `
        DELETE FROM call_stints WHERE call_id IN (SELECT call_id FROM run_affected)
          AND (source IN (SELECT DISTINCT source FROM events) OR ${run});
        DELETE FROM rejects WHERE stage = 'build' AND call_id IN (SELECT call_id FROM run_affected);` : ""}
      ${["events", "agent_events", "rejects", "ingest_runs", "call_stints"].map((t) => `DELETE FROM ${t} WHERE ${run};`).join("\n")}
      DELETE FROM agent_events a WHERE EXISTS (SELECT 1 FROM old_agent_lines o WHERE o.source = a.source AND o.line = a.line);
      DELETE FROM rejects j WHERE j.stage = 'build' AND j.call_id IS NULL
        AND EXISTS (SELECT 1 FROM old_agent_lines o WHERE o.source = j.source AND o.line = j.line);`);
    for (const [staged, target] of LANDINGS) await land(store, staged, target);
    await store.exec(`
      INSERT INTO ingest_runs SELECT * FROM new_runs;
      UPDATE ingest_runs SET
        used = events - coalesce((SELECT count(*) FROM rejects r WHERE r.source = ingest_runs.source AND r.stage = 'build'), 0),
        rejected = coalesce((SELECT count(*) FROM rejects r WHERE r.source = ingest_runs.source), 0)
      WHERE events IS NOT NULL AND NOT ${run};`);
    if (scope.scope === "affected") await renoteEarlierSources(store);
  });
}

/** The notes `countRun` derives from a source's stints. */
const STINT_NOTES = ["open_stints", "reconstructed_stints", "answered_talk_open"] as const;

/**
 * Recounts the stint notes (open, reconstructed, answered with talk open) of the earlier event
 * sources of the database: a load that completes a call split across files rebuilds that call's
 * stints, and the earlier file's `open_stints` (say) no longer holds.
 */
async function renoteEarlierSources(store: Store): Promise<void> {
  const rows = await store.query<{ source: string; ignored_by_rule: string | null; open_stints: number; reconstructed_stints: number; answered_talk_open: number }>(`
    SELECT i.source, any_value(i.ignored_by_rule) AS ignored_by_rule,
      count(s.call_id) FILTER (s.outcome = 'open') AS open_stints, count(s.call_id) FILTER (s.reconstructed) AS reconstructed_stints,
      count(s.call_id) FILTER (s.outcome = 'answered' AND s.ended_at IS NULL AND s.direction = 'inbound') AS answered_talk_open
    FROM ingest_runs i LEFT JOIN call_stints s ON s.source = i.source
    WHERE i.events IS NOT NULL AND i.source NOT IN (SELECT source FROM run_sources) GROUP BY i.source`);
  for (const r of rows) {
    const rules = JSON.parse(r.ignored_by_rule ?? "{}") as { notes?: Record<string, number> };
    const notes = { ...(rules.notes ?? {}) };
    for (const k of STINT_NOTES) {
      if (Number(r[k]) > 0) notes[k] = Number(r[k]);
      else delete notes[k];
    }
    const text = JSON.stringify({ ...rules, notes });
    if (text !== r.ignored_by_rule) await store.exec(`UPDATE ingest_runs SET ignored_by_rule = ${sqlString(text)} WHERE source = ${sqlString(r.source)}`);
  }
}

/** Moves `staged` into `target`: renamed into place when `target` is empty and alike, else appended. */
async function land(store: Store, staged: string, target: string): Promise<void> {
  const [r] = await store.query<{ rows: number; alike: boolean }>(`
    SELECT (SELECT count(*) FROM (SELECT 1 FROM ${target} LIMIT 1)) AS rows,
      (SELECT list(column_name || ' ' || data_type ORDER BY column_index) FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ${sqlString(staged)})
        = (SELECT list(column_name || ' ' || data_type ORDER BY column_index) FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ${sqlString(target)}) AS alike`);
  if (r!.rows === 0 && r!.alike) await store.exec(`DROP TABLE ${target}; ALTER TABLE ${staged} RENAME TO ${target};`);
  else await store.exec(`INSERT INTO ${target} BY NAME SELECT * FROM ${staged};`);
}
