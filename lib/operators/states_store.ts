/**
 * Builds `agent_states` from the store's `agent_events` and `call_stints` (see
 * `agent_states.ts` for the rules).
 *
 * @module
 */
import type { ColumnSpec, Store } from "../store/mod.ts";
import { TABLES } from "../store/mod.ts";
import {
  type AgentStateOptions, buildAgentStates, type StateCall, type StateEvent, type StateSegment, stateOf, statesFromChanges, type StatusStateChange,
} from "./agent_states.ts";

/** What {@link buildAgentStatesInStore} did. */
export interface AgentStatesBuilt {
  agents: number;
  segments: number;
  /** The end of the data (epoch ms): open sessions and calls were cut there. */
  data_end_ms: number | null;
  /** Counters of the named rules applied (e.g. `unpause_without_pause`). */
  notes: Record<string, number>;
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
 * @returns counts and the rules applied
 * Source: OPERATIONS.md §1.
 */
export async function buildAgentStatesInStore(store: Store, options: AgentStateOptions = {}): Promise<AgentStatesBuilt> {
  const end = await dataEndMs(store);
  await store.exec("DELETE FROM agent_states");
  const notes: Record<string, number> = {};
  if (end === null) return { agents: 0, segments: 0, data_end_ms: null, notes };
  const events = await store.query<StateEvent & { agent: string }>(`
    SELECT agent, epoch_ms("at") AS "at", event, queue, reason, ring_ms, line FROM agent_events WHERE agent IS NOT NULL`);
  const calls = await store.query<StateCall & { agent: string }>(`
    SELECT agent, call_id, queue, direction, epoch_ms(entered_at) AS entered_at, epoch_ms(answered_at) AS answered_at,
      epoch_ms(ended_at) AS ended_at, ring_s
    FROM call_stints WHERE agent IS NOT NULL AND (answered_at IS NOT NULL OR direction = 'outbound')`);
  const byAgent = new Map<string, { events: StateEvent[]; calls: StateCall[] }>();
  const of = (a: string) => byAgent.get(a) ?? byAgent.set(a, { events: [], calls: [] }).get(a)!;
  for (const e of events) of(e.agent).events.push({ ...e, at: Number(e.at), line: Number(e.line), ring_ms: e.ring_ms === null ? null : Number(e.ring_ms) });
  for (const c of calls) {
    of(c.agent).calls.push({
      ...c, entered_at: Number(c.entered_at), answered_at: c.answered_at === null ? null : Number(c.answered_at),
      ended_at: c.ended_at === null ? null : Number(c.ended_at),
    });
  }
  // A second source (FreeSWITCH mod_callcenter): an agent with status/state changes takes its segments from them.
  const changes = await store.query<{ agent: string; at: number; status: string; state: string; line: number }>(
    `SELECT agent, epoch_ms("at") AS "at", status, state, line FROM agent_state_changes`,
  );
  const fromChanges = new Map<string, StatusStateChange[]>();
  for (const c of changes) {
    const list = fromChanges.get(c.agent) ?? fromChanges.set(c.agent, []).get(c.agent)!;
    list.push({ ...c, at: Number(c.at), line: Number(c.line) });
  }
  const segments: StateSegment[] = [];
  const names = [...new Set([...byAgent.keys(), ...fromChanges.keys()])].sort();
  for (const agent of names) {
    const list = fromChanges.get(agent);
    const x = byAgent.get(agent) ?? { events: [], calls: [] };
    for (const s of list ? statesFromChanges(agent, list, end) : buildAgentStates(agent, x.events, x.calls, end, options, notes)) segments.push(s);
  }
  if (fromChanges.size > 0) notes.agents_from_freeswitch_states = fromChanges.size;
  await insertSegments(store, segments);
  return { agents: names.length, segments: segments.length, data_end_ms: end, notes };
}

const INSTANTS = new Set(["started_at", "ended_at"]);
const STAGE: readonly ColumnSpec[] = TABLES.agent_states.map((c) => (INSTANTS.has(c.name) ? { name: c.name, type: "BIGINT" } : c));

/** Appends segments (instants as BIGINT ms, converted in SQL: a TIMESTAMPTZ append costs 25–33 µs). */
async function insertSegments(store: Store, segments: readonly StateSegment[]): Promise<void> {
  if (segments.length === 0) return;
  await store.exec(`CREATE OR REPLACE TEMP TABLE appended_states (${STAGE.map((c) => `"${c.name}" ${c.type}`).join(", ")})`);
  await store.insert("appended_states", segments.map((s) => ({ ...s, duration_s: (s.ended_at - s.started_at) / 1000, state: stateOf(s) })), STAGE);
  const cols = STAGE.map((c) => `"${c.name}"`);
  await store.exec(`
    INSERT INTO agent_states (${cols.join(", ")})
    SELECT ${STAGE.map((c) => (INSTANTS.has(c.name) ? `make_timestamptz("${c.name}" * 1000)` : `"${c.name}"`)).join(", ")} FROM appended_states;
    DROP TABLE appended_states;`);
}
