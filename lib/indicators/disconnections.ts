/**
 * Disconnection causes: how each inbound queue stint ended — the agent or the caller hanging up
 * an answered call, a transfer, or the caller leaving the queue (abandon, timeout, exit empty,
 * exit with key, withdrawn) — per queue (OPERATIONS.md §5, "disconnection cause").
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type KpiOptions, resolveKpiOptions, scopeFilter } from "./options.ts";

/** Stints of one queue (or of all, `queue` "All") by how they ended. Counts of stints. */
export interface DisconnectionRow {
  queue: string;
  /** Every inbound stint in the window (open ones included). */
  stints: number;
  /** Answered, ended by the agent hanging up (COMPLETEAGENT). */
  agent_hung_up: number;
  /** Answered, ended by the caller hanging up (COMPLETECALLER). */
  caller_hung_up: number;
  /** Answered and ended, but the source does not say who hung up (table exports, older databases). */
  answered_end_unknown: number;
  /** Answered, still talking when the data ends. */
  answered_talk_open: number;
  transferred: number;
  abandoned: number;
  timeout: number;
  exit_empty: number;
  exit_key: number;
  withdrawn: number;
  /** Still waiting when the data ends. */
  open: number;
}

const CAUSES = {
  agent_hung_up: "outcome = 'answered' AND ended_by = 'agent'",
  caller_hung_up: "outcome = 'answered' AND ended_by = 'caller'",
  answered_end_unknown: "outcome = 'answered' AND ended_at IS NOT NULL AND ended_by IS NULL",
  answered_talk_open: "outcome = 'answered' AND ended_at IS NULL",
  transferred: "outcome = 'transferred'",
  abandoned: "outcome = 'abandoned'",
  timeout: "outcome = 'timeout'",
  exit_empty: "outcome = 'exit_empty'",
  exit_key: "outcome = 'exit_key'",
  withdrawn: "outcome = 'withdrawn'",
  open: "outcome = 'open'",
} as const;

/**
 * Counts inbound stints per queue by disconnection cause, with a last row `queue: "All"`. The
 * causes partition the stints: their counts add up to `stints` on every row.
 *
 * @param options the window (`from_ms`/`to_ms`, stints by entry) and sources, as every KPI
 * @returns one row per queue (by name; a stint without queue is `(none)`), then "All"
 * @throws {RangeError} for invalid options
 * Source: OPERATIONS.md §5; Asterisk queue_log COMPLETEAGENT / COMPLETECALLER ("Queue Logs").
 */
export async function disconnectionCauses(store: Store, options: KpiOptions = {}): Promise<DisconnectionRow[]> {
  const o = resolveKpiOptions(options);
  const counts = Object.entries(CAUSES).map(([k, cond]) => `count(*) FILTER (${cond})::INTEGER AS ${k}`).join(", ");
  const rows = await store.query<DisconnectionRow & { grp: number }>(`
    SELECT coalesce(queue, '(none)') AS queue, count(*)::INTEGER AS stints, ${counts}, 0 AS grp
    FROM call_stints WHERE direction = 'inbound' ${scopeFilter(o)} GROUP BY 1
    UNION ALL
    SELECT 'All', count(*)::INTEGER, ${counts}, 1 FROM call_stints WHERE direction = 'inbound' ${scopeFilter(o)}
    ORDER BY grp, queue`);
  return rows.map(({ grp: _, ...r }) => r);
}
