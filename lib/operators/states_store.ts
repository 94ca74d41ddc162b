/**
 * Builds `agent_states` from the store's `agent_events`, `call_stints` and
 * `agent_state_changes`, in SQL (`states_sql.ts`; the rules are those of `agent_states.ts`).
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import type { AgentStateOptions } from "./agent_states.ts";
import { buildStatesSql } from "./states_sql.ts";

/** What {@link buildAgentStatesInStore} did. */
export interface AgentStatesBuilt {
  agents: number;
  segments: number;
  /** The end of the data (epoch ms): open sessions and calls were cut there. */
  data_end_ms: number | null;
  /** Counters of the named rules applied (e.g. `unpause_without_pause`, `agents_in_both_sources`). */
  notes: Record<string, number>;
  /** Queues given a wrap-up in `wrapup_by_queue` that no loaded call uses (misspelt?). */
  unknown_wrapup_queues: string[];
}

/** The end of the data: the last instant of any event or stint in the store (epoch ms). */
export async function dataEndMs(store: Store): Promise<number | null> {
  const [r] = await store.query<{ end_ms: number | null }>(`
    SELECT greatest((SELECT max(epoch_ms("at")) FROM agent_events), (SELECT max(epoch_ms("at")) FROM agent_state_changes),
      (SELECT max(epoch_ms(greatest(entered_at, coalesce(answered_at, entered_at), coalesce(ended_at, entered_at)))) FROM call_stints)) AS end_ms`);
  return r?.end_ms === null || r?.end_ms === undefined ? null : Number(r.end_ms);
}

/**
 * (Re)builds `agent_states` for every agent of the store, from its agent events and the stints
 * it answered, up to the end of the data.
 *
 * @param options wrap-up per queue (`wrapup_by_queue`, seconds) and default (`wrapup_s`, 0)
 * @param end_ms the end of the observation (epoch ms): default the last instant of the data; a later
 *   instant (a live log followed until now) extends open sessions, pauses and calls to it
 * @returns counts and the rules applied
 * Source: OPERATIONS.md §1.
 */
export async function buildAgentStatesInStore(store: Store, options: AgentStateOptions = {}, end_ms: number | null = null): Promise<AgentStatesBuilt> {
  const last = await dataEndMs(store);
  const end = last === null ? null : Math.max(last, end_ms ?? last);
  await store.exec("DELETE FROM agent_states");
  if (end === null) return { agents: 0, segments: 0, data_end_ms: null, notes: {}, unknown_wrapup_queues: Object.keys(options.wrapup_by_queue ?? {}).sort() };
  const { agents, notes, unknown_wrapup_queues } = await buildStatesSql(store, end, options);
  const [n] = await store.query<{ n: number }>("SELECT count(*) AS n FROM agent_states");
  return { agents, segments: Number(n?.n ?? 0), data_end_ms: end, notes, unknown_wrapup_queues };
}
