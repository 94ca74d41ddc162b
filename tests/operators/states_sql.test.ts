/**
 * The bulk build of `agent_states` in SQL (`states_sql.ts`) against the reference rules of
 * `agent_states.ts` (`buildAgentStates`, `statesFromChanges`, whose pitfalls are hand-checked in
 * `operator_kpis.test.ts`), fed here from the same store row by row: the same segments, to the
 * millisecond, and the same rule counters — on the demo center's week, on a generated 1,000-agent
 * log and on a hand-written log with every pitfall of OPERATIONS.md §1 at once.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAgentStates, buildAgentStatesInStore, buildDemoCenter, dataEndMs, loadFreeswitchStates, loadLogs, openStore, operatorKpis, type StateSegment,
  statesFromChanges,
  type Store, writeDemoCenter,
} from "../../lib/mod.ts";
import type { AgentStateOptions, StateCall, StateEvent } from "../../lib/mod.ts";
import { generateQueueLog } from "../../bench/gen_queue_log.ts";
import { fixture } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-states-sql-"));

/** The reference: every agent's rows read from the store and passed through the TypeScript rules. */
async function reference(store: Store, options: AgentStateOptions): Promise<{ segments: StateSegment[]; notes: Record<string, number> }> {
  const end = (await dataEndMs(store))!;
  // A ring-no-answer's call entry: its latest stint entered at or before the event.
  const events = await store.query<StateEvent & { agent: string }>(`
    SELECT e.agent, epoch_ms(e."at") AS "at", e.event, e.queue, e.reason, e.ring_ms, e.line,
      (SELECT max(epoch_ms(c.entered_at)) FROM call_stints c WHERE c.call_id = e.call_id AND c.entered_at <= e."at") AS entered_at
    FROM agent_events e WHERE e.agent IS NOT NULL ORDER BY e."at", e.line, e.source`);
  const calls = await store.query<StateCall & { agent: string }>(`
    SELECT agent, call_id, queue, direction, epoch_ms(entered_at) AS entered_at, epoch_ms(answered_at) AS answered_at, epoch_ms(ended_at) AS ended_at, ring_s
    FROM call_stints WHERE agent IS NOT NULL AND (answered_at IS NOT NULL OR direction = 'outbound') ORDER BY call_id, stint_no`);
  const changes = await store.query<{ agent: string; at: number; status: string; state: string; line: number }>(
    `SELECT agent, epoch_ms("at") AS "at", status, state, line FROM agent_state_changes ORDER BY "at", line, source`,
  );
  const group = <T extends { agent: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) (m.get(r.agent) ?? m.set(r.agent, []).get(r.agent)!).push(r);
    return m;
  };
  const [ev, ca, ch] = [group(events), group(calls), group(changes)];
  const notes: Record<string, number> = {};
  const segments: StateSegment[] = [];
  for (const agent of [...new Set([...ev.keys(), ...ca.keys(), ...ch.keys()])].sort()) {
    const fs = ch.get(agent);
    segments.push(...(fs ? statesFromChanges(agent, fs, end) : buildAgentStates(agent, ev.get(agent) ?? [], ca.get(agent) ?? [], end, options, notes)));
  }
  if (ch.size) notes.agents_from_freeswitch_states = ch.size;
  const both = [...ch.keys()].filter((a) => ev.has(a) || (ca.has(a)));
  if (both.length) notes.agents_in_both_sources = both.length;
  return { segments, notes };
}

const key = (s: Pick<StateSegment, "agent" | "started_at" | "ended_at" | "session" | "availability" | "reason" | "work" | "queue" | "call_id" | "open">) =>
  [s.agent, Math.round(s.started_at), Math.round(s.ended_at), s.session, s.availability, s.reason, s.work, s.queue, s.call_id, s.open].join("|");

async function compare(logs: string[], options: AgentStateOptions, freeswitch?: string) {
  const store = await openStore();
  await loadLogs(store, logs);
  if (freeswitch) await loadFreeswitchStates(store, freeswitch);
  const built = await buildAgentStatesInStore(store, options);
  const sql = await store.query<StateSegment>(`
    SELECT agent, epoch_ms(started_at) AS started_at, epoch_ms(ended_at) AS ended_at, session, availability, reason, work, queue, call_id, open
    FROM agent_states`);
  const ref = await reference(store, options);
  store.close();
  expect(sql.length).toBeGreaterThan(0);
  expect(sql.map(key).sort()).toEqual(ref.segments.map(key).sort());
  expect(built.notes).toEqual(ref.notes);
  expect(built.segments).toBe(ref.segments.length);
  return built;
}

describe("agent states in SQL equal the reference rules", () => {
  it("on the demo center's week (60 agents, roster wrap-up per queue)", async () => {
    const center = buildDemoCenter({ days: 7, seed: 7 });
    const files = writeDemoCenter(join(dir, "demo"), center);
    const wrap = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));
    const built = await compare([files.queue_log], { wrapup_by_queue: wrap, wrapup_s: 5 });
    expect(built.agents).toBe(60);
  }, 120_000);

  it("on a generated 1,000-agent log (ring-no-answers, transfers, abandons), in one pass and in seven", async () => {
    const log = join(dir, "gen.queue_log");
    generateQueueLog(20_000, log, 3);
    await compare([log], { wrapup_s: 15 });
    await compare([log], { wrapup_s: 15, rows_per_pass: 10_000 }); // ~65,000 events and stints: 7 passes of agents
  }, 120_000);

  it("on every pitfall at once, with a FreeSWITCH agent beside the queue_log ones", async () => {
    const T = 1_772_618_400; // 2026-03-04 10:00:00 UTC
    const log = join(dir, "pitfalls.queue_log");
    writeFileSync(log, [
      // a1: pause, reason change without UNPAUSE, UNPAUSE, an UNPAUSE without a pause, a call in wrap-up cut by a pause
      `${T}|NONE|q1|a1|ADDMEMBER|`, `${T + 60}|NONE|q1|a1|PAUSE|Lunch`, `${T + 120}|NONE|q1|a1|PAUSE|Meeting`, `${T + 300}|NONE|q1|a1|UNPAUSE|`,
      `${T + 310}|NONE|q1|a1|UNPAUSE|`, `${T + 320}|c1|q1|NONE|ENTERQUEUE||555|1`, `${T + 330}|c1|q1|a1|CONNECT|10|c1.1|4`,
      `${T + 400}|c1|q1|a1|COMPLETECALLER|10|70|1`, `${T + 410}|NONE|q1|a1|PAUSE|Break`, `${T + 500}|NONE|q1|a1|REMOVEMEMBER|`,
      // a2: ADDMEMBER PAUSED, a ring-no-answer longer than 600 s, a call going on after the logoff, a ring cut at the entry
      `${T}|NONE|q1|a2|ADDMEMBER|PAUSED`, `${T + 50}|NONE|q1|a2|UNPAUSE|`, `${T + 700}|c2|q1|NONE|ENTERQUEUE||556|1`,
      `${T + 760}|c2|q1|a2|RINGNOANSWER|900000`, `${T + 770}|c3|q1|NONE|ENTERQUEUE||557|1`, `${T + 775}|c3|q1|a2|CONNECT|5|c3.1|99999`,
      `${T + 800}|NONE|q1|a2|REMOVEMEMBER|`, `${T + 900}|c3|q1|a2|COMPLETEAGENT|5|125|1`, `${T + 905}|c2|q1|a2|ABANDON|1|1|205`,
      // a3: login/logoff with two memberships; a logoff ending a pause; wrap-up cut at the next call; a call open at the end
      `${T}|NONE|NONE|a3|AGENTLOGIN|SIP/a3`, `${T + 5}|NONE|q1|a3|ADDMEMBER|`, `${T + 6}|NONE|q2|a3|ADDMEMBER|`, `${T + 6}|NONE|q2|a3|ADDMEMBER|`,
      `${T + 20}|c4|q2|NONE|ENTERQUEUE||558|1`, `${T + 25}|c4|q2|a3|CONNECT|5|c4.1|2`, `${T + 100}|c4|q2|a3|COMPLETECALLER|5|75|1`,
      `${T + 105}|c5|q1|NONE|ENTERQUEUE||559|1`, `${T + 110}|c5|q1|a3|CONNECT|5|c5.1|1`, `${T + 200}|c5|q1|a3|COMPLETEAGENT|5|90|1`,
      `${T + 210}|NONE|q1|a3|PAUSE|Coffee`, `${T + 220}|NONE|q1|a3|REMOVEMEMBER|`, `${T + 230}|NONE|NONE|a3|AGENTLOGOFF|SIP/a3|230`,
      `${T + 231}|NONE|q2|a3|REMOVEMEMBER|`, `${T + 300}|NONE|NONE|a3|AGENTLOGIN|SIP/a3`, `${T + 990}|c6|q2|NONE|ENTERQUEUE||560|1`,
      `${T + 995}|c6|q2|a3|CONNECT|5|c6.1|3`,
      // a4: only calls, no session events; a5: a ring-canceled and nothing else; 1001@default also in queue_log (FreeSWITCH wins)
      `${T + 30}|c7|q1|NONE|ENTERQUEUE||561|1`, `${T + 40}|c7|q1|a4|CONNECT|10|c7.1|3`, `${T + 90}|c7|q1|a4|COMPLETECALLER|10|50|1`,
      `${T + 95}|c8|q1|NONE|ENTERQUEUE||562|1`, `${T + 97}|c8|q1|a5|RINGCANCELED|2000`, `${T + 97}|c8|q1|NONE|ABANDON|1|1|2`,
      `${T + 40}|NONE|q1|1001@default|ADDMEMBER|`, `${T + 1000}|NONE|NONE|NONE|QUEUESTART|`,
    ].join("\n") + "\n");
    const built = await compare([log], { wrapup_by_queue: { q1: 30 }, wrapup_s: 20 }, fixture("operators/freeswitch_states.csv"));
    // The named rules, counted by hand: a1's second UNPAUSE; a2's 900 s ring and CONNECT ring of 99,999 s cut at the entry;
    // handling while not logged in: a2 talks 800–900 s after leaving q1 (one piece), a4 (no session events) rings
    // 37–40, talks 40–90 and wraps 90–120 (three pieces), a5 rings 95–97 (one piece): 5; two FreeSWITCH agents
    // (1001@default, 1002@default), one of them (1001@default) also in queue_log.
    expect(built.notes).toEqual({ unpause_without_pause: 1, ring_clamped: 2, handling_outside_session: 5, agents_from_freeswitch_states: 2, agents_in_both_sources: 1 });
  }, 60_000);

  it("on FreeSWITCH changes that talk while Logged Out (counted as logged in, no wrap-up after)", async () => {
    await compare([fixture("operators/ex3_idle.queue_log")], {}, fixture("operators/freeswitch_logged_out.csv"));
    const store = await openStore();
    await loadFreeswitchStates(store, fixture("operators/freeswitch_logged_out.csv"));
    const [r] = await operatorKpis(store, {});
    store.close();
    // By hand: idle 08:00–08:10, a call 08:10–08:20 while Logged Out (working: logged in), Logged Out 08:20–08:25
    // (no wrap-up), idle 08:25–08:30 (not wrap-up: a logoff came between), a call 08:30–08:35, Idle 08:35–08:40 as
    // wrap-up (two changes), Logged Out at 08:40.
    expect(r).toMatchObject({ agent: "fs1", logged_in_s: 2100, talk_s: 900, wrap_s: 300, available_idle_s: 900 });
  });
});
