/**
 * Every agent's state at one instant, from `agent_states` (the same segments as the historical
 * indicators): the basis of the live monitor.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { ROSTER_SQL } from "./roster_sql.ts";

/** One agent's state at an instant. */
export interface AgentStateNow {
  agent: string;
  name: string | null;
  team: string | null;
  session: string;
  availability: string;
  /** Pause reason ("" for none given), null when available. */
  reason: string | null;
  work: string;
  /** One word: logged_out, paused, ringing, on_call, wrap_up, available. */
  state: string;
  queue: string | null;
  call_id: string | null;
  /** Since when the agent has been in this state on all three axes (epoch ms); null before its first event. */
  since_ms: number | null;
  time_in_state_s: number | null;
  /** The instant is past the end of the data: this is the last state known. */
  after_data_end: boolean;
  /** Time since the agent's last call ended (OPERATIONS.md §2 (c)), seconds; null before its first call or while on one. */
  since_last_call_s: number | null;
}

/**
 * The state of every agent at `at_ms` (or, past the end of the data, its last state, flagged):
 * agents of the roster or the data whose first event is later are logged out, since unknown.
 *
 * @param at_ms the instant, epoch ms
 * @returns one row per agent, sorted by agent
 * Source: OPERATIONS.md §1 and §7.
 */
export async function agentStateAt(store: Store, at_ms: number): Promise<AgentStateNow[]> {
  const t = `make_timestamptz(${Math.round(at_ms) * 1000})`;
  const rows = await store.query<Record<string, unknown>>(`
    WITH s AS (
      SELECT *, lag(session) OVER w AS p_session, lag(availability) OVER w AS p_avail, lag(reason) OVER w AS p_reason, lag(work) OVER w AS p_work
      FROM agent_states WHERE started_at <= ${t} WINDOW w AS (PARTITION BY agent ORDER BY started_at)
    ), runs AS (
      SELECT *, sum(CASE WHEN p_session IS NOT DISTINCT FROM session AND p_avail IS NOT DISTINCT FROM availability
          AND p_reason IS NOT DISTINCT FROM reason AND p_work IS NOT DISTINCT FROM work THEN 0 ELSE 1 END)
        OVER (PARTITION BY agent ORDER BY started_at ROWS UNBOUNDED PRECEDING) AS run
      FROM s
    ), last AS (
      SELECT agent, max(started_at) AS started_at FROM runs GROUP BY agent
    )
    SELECT r.agent, a.name, a.team, r.session, r.availability, r.reason, r.work, r.state, r.queue, r.call_id,
      (SELECT min(epoch_ms(x.started_at)) FROM runs x WHERE x.agent = r.agent AND x.run = r.run) AS since_ms,
      epoch_ms(r.ended_at) AS ended_ms, r.open
    FROM runs r JOIN last l ON l.agent = r.agent AND l.started_at = r.started_at
    LEFT JOIN (${ROSTER_SQL}) a ON a.agent = r.agent
    ORDER BY r.agent`);
  const [{ end_ms }] = await store.query<{ end_ms: number | null }>("SELECT max(epoch_ms(ended_at)) AS end_ms FROM agent_states") as [{ end_ms: number | null }];
  const dataEnd = end_ms === null ? null : Number(end_ms);
  const known = new Set(rows.map((r) => String(r.agent)));
  const others = await store.query<{ agent: string; name: string | null; team: string | null }>(`
    SELECT x.agent, a.name, a.team FROM (SELECT agent FROM agent_states UNION SELECT agent FROM agents) x
    LEFT JOIN (${ROSTER_SQL}) a ON a.agent = x.agent ORDER BY x.agent`);
  // After its last segment an agent is logged out, unless that segment is cut open by the end of the
  // data (a session or call still going on): then its last known state holds, flagged after_data_end.
  const closed = (r: Record<string, unknown>) => Number(r.ended_ms) <= at_ms && (dataEnd === null || Number(r.ended_ms) < dataEnd || r.open !== true);
  const out: AgentStateNow[] = rows.map((r) => closed(r) ? loggedOut(r, Number(r.ended_ms), at_ms) : ({
    agent: String(r.agent), name: (r.name as string) ?? null, team: (r.team as string) ?? null,
    session: String(r.session), availability: String(r.availability), reason: (r.reason as string) ?? null, work: String(r.work),
    state: String(r.state), queue: (r.queue as string) ?? null, call_id: (r.call_id as string) ?? null,
    since_ms: Number(r.since_ms), time_in_state_s: (at_ms - Number(r.since_ms)) / 1000, after_data_end: dataEnd !== null && at_ms >= dataEnd,
    since_last_call_s: null,
  }));
  for (const o of others) {
    if (known.has(o.agent)) continue;
    out.push({
      agent: o.agent, name: o.name ?? null, team: o.team ?? null, session: "logged_out", availability: "available", reason: null, work: "idle",
      state: "logged_out", queue: null, call_id: null, since_ms: null, time_in_state_s: null, after_data_end: false, since_last_call_s: null,
    });
  }
  const last = new Map((await store.query<{ agent: string; end_ms: number }>(`
    SELECT agent, max(epoch_ms(ended_at)) AS end_ms FROM agent_states
    WHERE work IN ('talking', 'on_hold', 'other_call') AND ended_at <= ${t} GROUP BY agent`)).map((r) => [r.agent, Number(r.end_ms)]));
  for (const r of out) {
    const end = last.get(r.agent);
    r.since_last_call_s = end === undefined || r.state === "on_call" ? null : (at_ms - end) / 1000;
  }
  return out.sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

/** An agent whose last segment ended before the instant (no session data after its last call): logged out since then. */
function loggedOut(r: Record<string, unknown>, since: number, at_ms: number): AgentStateNow {
  return {
    agent: String(r.agent), name: (r.name as string) ?? null, team: (r.team as string) ?? null, session: "logged_out", availability: "available",
    reason: null, work: "idle", state: "logged_out", queue: null, call_id: null, since_ms: since, time_in_state_s: (at_ms - since) / 1000, after_data_end: false,
    since_last_call_s: null,
  };
}
