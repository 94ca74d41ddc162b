/**
 * Agent indicators: calls presented, answered, ring-no-answer, talk time, outbound calls.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type KpiOptions, resolveKpiOptions, scopeFilter } from "./options.ts";
import { ratio } from "./service_level.ts";

/** One row of {@link agentKpis}. Times in seconds (ring time converted from Asterisk's ms). */
export interface AgentKpiRow {
  agent: string;
  /** Queue calls offered to the agent: answered + ring-no-answer + ring-canceled. */
  presented: number;
  /** Queue stints the agent answered (closed stints). */
  answered: number;
  /** RINGNOANSWER events: presented, not answered (never a missed call of the queue). */
  ring_no_answer: number;
  /** RINGCANCELED events: rang, then another member answered or the caller left. */
  ring_canceled: number;
  /** Σ ring time of unanswered presentations, seconds. */
  ring_no_answer_s: number;
  /** Answered / presented. */
  answer_rate: number | null;
  talk_s: number;
  /** Σ (talk + hold + wrap) / handled. */
  aht_s: number | null;
  transferred: number;
  outbound_calls: number;
  outbound_connected: number;
  outbound_talk_s: number;
}

/**
 * Computes per-agent indicators from `call_stints` and `agent_events`.
 *
 * Presented = answered + RINGNOANSWER + RINGCANCELED events; ring times are stored in
 * milliseconds (as Asterisk logs them) and reported in seconds. Outbound calls (PBXware OUT*
 * verbs) are counted apart and never enter presented/answered.
 *
 * @param store a loaded store
 * @param options only `sources` is used (default all)
 * @returns one row per agent seen in stints or agent ring events, ordered by agent
 * Source: Asterisk "Queue Logs" (RINGNOANSWER ring time in ms); QueueMetrics "Agent
 *   performance" definitions.
 * @example
 * ```ts
 * const rows = await agentKpis(store);
 * rows.every((r) => r.presented === r.answered + r.ring_no_answer + r.ring_canceled); // true
 * ```
 */
export async function agentKpis(store: Store, options: KpiOptions = {}): Promise<AgentKpiRow[]> {
  const o = resolveKpiOptions(options);
  const rows = await store.query(`
    WITH st AS (
      SELECT agent,
        count(*) FILTER (direction = 'inbound' AND outcome <> 'open' AND answered_at IS NOT NULL) AS answered,
        count(*) FILTER (direction = 'inbound' AND outcome = 'transferred') AS transferred,
        count(*) FILTER (direction = 'inbound' AND outcome <> 'open' AND answered_at IS NOT NULL AND talk_s IS NOT NULL) AS handled,
        coalesce(sum(talk_s) FILTER (direction = 'inbound' AND outcome <> 'open'), 0) AS talk_s,
        coalesce(sum(talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
          FILTER (direction = 'inbound' AND outcome <> 'open' AND answered_at IS NOT NULL AND talk_s IS NOT NULL), 0) AS handle_s,
        count(*) FILTER (direction = 'outbound') AS outbound_calls,
        count(*) FILTER (direction = 'outbound' AND answered_at IS NOT NULL) AS outbound_connected,
        coalesce(sum(talk_s) FILTER (direction = 'outbound'), 0) AS outbound_talk_s
      FROM call_stints WHERE agent IS NOT NULL${scopeFilter(o)} GROUP BY agent
    ), ev AS (
      SELECT agent,
        count(*) FILTER (event = 'RINGNOANSWER') AS ring_no_answer,
        count(*) FILTER (event = 'RINGCANCELED') AS ring_canceled,
        coalesce(sum(ring_ms) FILTER (event = 'RINGNOANSWER'), 0) / 1000.0 AS ring_no_answer_s
      FROM agent_events WHERE event IN ('RINGNOANSWER', 'RINGCANCELED')${scopeFilter(o, "agent_events")} GROUP BY agent
    )
    SELECT coalesce(st.agent, ev.agent) AS agent,
      coalesce(answered, 0) AS answered, coalesce(transferred, 0) AS transferred, coalesce(handled, 0) AS handled,
      coalesce(talk_s, 0) AS talk_s, coalesce(handle_s, 0) AS handle_s,
      coalesce(outbound_calls, 0) AS outbound_calls, coalesce(outbound_connected, 0) AS outbound_connected,
      coalesce(outbound_talk_s, 0) AS outbound_talk_s,
      coalesce(ring_no_answer, 0) AS ring_no_answer, coalesce(ring_canceled, 0) AS ring_canceled,
      coalesce(ring_no_answer_s, 0) AS ring_no_answer_s
    FROM st FULL OUTER JOIN ev ON st.agent = ev.agent
    ORDER BY agent`);
  return agentRowsFromCounts(rows);
}

/**
 * The agent indicator rows from their additive partial aggregates, one row per agent: the one
 * place where the ratios are taken (DuckDB and the distributed backend send the same counts).
 *
 * @param rows per agent: `agent`, `answered`, `transferred`, `handled`, `talk_s`, `handle_s`,
 *   `outbound_calls`, `outbound_connected`, `outbound_talk_s`, `ring_no_answer`,
 *   `ring_canceled`, `ring_no_answer_s` (numbers, numeric strings or bigints; absent counts 0)
 * @returns rows as {@link agentKpis} returns them, in the order given
 */
export function agentRowsFromCounts(rows: readonly Record<string, unknown>[]): AgentKpiRow[] {
  return rows.map((r) => {
    const c = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "agent" ? v : Number(v ?? 0)])) as Record<string, number> & { agent: string };
    const presented = c.answered + c.ring_no_answer + c.ring_canceled;
    return {
      agent: c.agent, presented, answered: c.answered, ring_no_answer: c.ring_no_answer,
      ring_canceled: c.ring_canceled, ring_no_answer_s: c.ring_no_answer_s, answer_rate: ratio(c.answered, presented),
      talk_s: c.talk_s, aht_s: ratio(c.handle_s, c.handled), transferred: c.transferred,
      outbound_calls: c.outbound_calls, outbound_connected: c.outbound_connected, outbound_talk_s: c.outbound_talk_s,
    };
  });
}
