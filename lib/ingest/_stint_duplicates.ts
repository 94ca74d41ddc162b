/**
 * Private: stints of a stint-format source (CDRs, the Technion format) that repeat a stint of
 * another source — a copy of a CDR file, or two exports that overlap — are rejected as
 * duplicates, as the lines of a copied queue_log are: each call counts once.
 *
 * @module
 */
import { sqlString, type Store } from "../store/mod.ts";
import { insertStints } from "./stage_rows.ts";
import type { IngestCounts, ParsedLog, Reject } from "./types.ts";

/** The columns two stints must agree on to be one stint given twice (instants to the millisecond). */
const SAME = ["direction", "queue", "entered_at", "answered_at", "ended_at", "agent", "caller", "outcome", "talk_s"];

/**
 * Removes from `parsed` the stints equal (same call id and {@link SAME} columns) to a stint of
 * another source: one staged earlier in this load (stint-format inputs are staged in the order
 * of their real paths, so the copy is the path that sorts later, as the load's warning says) or
 * one of the database from a source this load does not replace. Each becomes a reject of its
 * line (`parsed.stint_lines`), with the other source named; `counts` move from used to rejected.
 *
 * @param source the source being staged (its real path)
 * @param lines the source's physical lines (the reject keeps its row's first line)
 * @param idField the field the reason names (`uniqueid`, `uuid`, `call_id`)
 * @returns the rejects added (also pushed onto `parsed.rejects`)
 * Source: the duplicate rule of queue_log lines (load_build.ts), applied to stints.
 */
export async function dropRepeatedStints(
  store: Store, source: string, parsed: ParsedLog, lines: readonly string[], idField: string, counts: IngestCounts,
): Promise<Reject[]> {
  const at = parsed.stint_lines;
  if (parsed.stints.length === 0 || !at) return [];
  await store.exec("CREATE OR REPLACE TEMP TABLE run_new_stints AS SELECT * FROM call_stints LIMIT 0");
  await insertStints(store, parsed.stints, "run_new_stints");
  const repeats = await store.query<{ call_id: string; stint_no: number; other: string }>(`
    SELECT n.call_id, n.stint_no, min(o.source) AS other FROM run_new_stints n JOIN (
      SELECT * FROM stage_stints WHERE source <> ${sqlString(source)}
      UNION ALL SELECT * FROM call_stints WHERE source NOT IN (SELECT source FROM run_sources)
    ) o ON n.call_id = o.call_id AND ${SAME.map((c) => `n.${c} IS NOT DISTINCT FROM o.${c}`).join(" AND ")}
    GROUP BY ALL`);
  await store.exec("DROP TABLE run_new_stints");
  if (repeats.length === 0) return [];
  const other = new Map(repeats.map((r) => [`${r.call_id}\u0000${r.stint_no}`, r.other]));
  const kept: typeof parsed.stints = [], keptLines: number[] = [], added: Reject[] = [];
  parsed.stints.forEach((s, i) => {
    const twin = other.get(`${s.call_id}\u0000${s.stint_no}`);
    if (twin === undefined) {
      kept.push(s);
      keptLines.push(at[i]!);
      return;
    }
    const line = at[i]!;
    // A rejected further leg is no longer a repeated id of this file.
    if (s.stint_no > 1 && counts.notes.repeated_cdr_ids) {
      if (--counts.notes.repeated_cdr_ids === 0) delete counts.notes.repeated_cdr_ids;
    }
    added.push({ source, line, raw: lines[line - 1] ?? "", reason: `${source}:${line}: field '${idField}': duplicate of call ${s.call_id} in '${twin}' (the same times and parties)` });
  });
  Object.assign(parsed, { stints: kept, stint_lines: keptLines });
  parsed.rejects.push(...added);
  counts.used -= added.length;
  counts.rejected += added.length;
  return added;
}

/**
 * Sources of the database, not among `run`, that had stints rejected as duplicates of a source
 * of `run` already in the database: when that source is replaced, their rejected stints must be
 * decided again (the replaced file may no longer hold the call), so the load reads them again.
 *
 * @param run real paths of this load's inputs
 * @returns per dependent source its stored fingerprint and the source of `run` it depends on
 */
export async function duplicateDependents(store: Store, run: readonly string[]): Promise<{ source: string; fingerprint: string | null; of: string }[]> {
  if (run.length === 0) return [];
  const list = run.map(sqlString).join(", ");
  return await store.query<{ source: string; fingerprint: string | null; of: string }>(`
    SELECT DISTINCT r.source, i.fingerprint, o.source AS of FROM rejects r
      JOIN (SELECT source FROM ingest_runs WHERE source IN (${list})) o
        ON contains(r.reason, ' in ' || chr(39) || o.source || chr(39) || ' (the same times and parties)')
      JOIN ingest_runs i ON i.source = r.source
    WHERE r.source NOT IN (${list}) ORDER BY r.source`);
}
