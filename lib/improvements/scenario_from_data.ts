/**
 * A simulation scenario of the center built from its loaded data, for `qb improve --input …`
 * without a scenario: the calls offered per queue and interval replayed as piecewise-constant
 * Poisson rates, the queues' talk time (lognormal with the data's mean and CV), wrap-up and
 * patience, and the agents from the roster (skills and priorities, on-call flag) with their
 * scheduled shifts and breaks — or, without schedules, the sessions and pauses the log shows.
 *
 * @module
 */
import { queueKpis } from "../indicators/mod.ts";
import { estimatePatience } from "../queueing/mod.ts";
import { parseScenario, type Scenario, type ScenarioInput } from "../simulation/mod.ts";
import type { Store } from "../store/mod.ts";
import { skillsOf } from "./_skills.ts";
import { localToInstant, offsetMinutes } from "../time/mod.ts";

/** A built scenario and what it had to assume. */
export interface BuiltScenario {
  scenario: Scenario;
  /** One line per assumption or gap (no schedules: sessions used; patience missing: default …). */
  notes: string[];
}

/** Options of {@link scenarioFromData}. */
export interface ScenarioFromDataOptions {
  timeZone?: string;
  interval_minutes?: number;
  /** Wrap-up seconds per queue (the PBX's wrapuptime), default 0. */
  wrapup_by_queue?: Readonly<Record<string, number>>;
  /** The standby pool's call-in policy for roster on-call agents (the data cannot say it; default 6 waiting calls, 10 minutes to log in, 30 minutes at least). */
  on_call?: ScenarioInput["on_call"];
  /** The pool's costs when no policy is given: per hour logged in and per call-in (default 0). */
  on_call_costs?: { cost_per_hour: number; cost_per_activation: number };
  seed?: number;
  replications?: number;
}

type Period = { start_s: number; end_s: number; reason?: string };


/**
 * Builds the scenario (validated) from a store holding calls, agent states (built) and, when
 * given, the roster and schedules.
 *
 * @returns the scenario (horizon: local midnight of the first day to the end of the last) and its notes
 * @throws {RangeError} when the data has no inbound call
 * Source: OPERATIONS.md §6 ("what a what-if needs"); patience by Little's law from the abandons
 *   (lib/queueing estimatePatience).
 */
export async function scenarioFromData(store: Store, options: ScenarioFromDataOptions = {}): Promise<BuiltScenario> {
  const zone = options.timeZone ?? "UTC", minutes = options.interval_minutes ?? 30, P = minutes * 60_000;
  const notes: string[] = [];
  const [span] = await store.query<{ lo: number | null; hi: number | null }>(
    "SELECT epoch_ms(min(entered_at)) AS lo, epoch_ms(max(coalesce(ended_at, entered_at))) AS hi FROM call_stints WHERE direction = 'inbound'",
  );
  if (!span || span.lo === null || span.hi === null) throw new RangeError("Cannot build a scenario: the data has no inbound call");
  const lo = Number(span.lo), hi = Number(span.hi);
  const localDay = (ms: number) => Math.floor((ms + offsetMinutes(zone, ms) * 60_000) / 86_400_000) * 86_400_000;
  const start = localToInstant(localDay(lo), zone), end = localToInstant(localDay(hi) + 86_400_000, zone);
  const horizon_s = (end - start) / 1000;
  const n = Math.ceil((end - start) / P);
  const rows = await store.query<{ queue: string; i: number; offered: number }>(`
    SELECT coalesce(queue, '(none)') AS queue, (epoch_ms(entered_at) - ${start}) // ${P} AS i, count(*) AS offered
    FROM call_stints WHERE direction = 'inbound' GROUP BY 1, 2`);
  const talk = new Map((await store.query<{ queue: string; cv: number | null }>(
    "SELECT coalesce(queue, '(none)') AS queue, stddev_samp(talk_s) / nullif(avg(talk_s), 0) AS cv FROM call_stints WHERE direction = 'inbound' AND talk_s > 0 GROUP BY 1",
  )).map((r) => [r.queue, r.cv === null ? null : Number(r.cv)]));
  const kpis = new Map((await queueKpis(store, ["queue"], { timeZone: zone })).map((k) => [k.queue ?? "(none)", k]));
  const patience = new Map((await estimatePatience(store, { timeZone: zone })).map((p) => [p.queue, p.patience_s]));
  const queues = [...new Set(rows.map((r) => r.queue))].sort().map((q) => {
    const calls = new Array<number>(n).fill(0);
    for (const r of rows) if (r.queue === q && Number(r.i) >= 0 && Number(r.i) < n) calls[Number(r.i)] = Number(r.offered);
    const aht = kpis.get(q)?.aht_s ?? null, cv = talk.get(q) ?? null, pat = patience.get(q) ?? null;
    if (aht === null) notes.push(`queue ${q}: no answered call, talk time assumed 180 s`);
    if (pat === null) notes.push(`queue ${q}: no abandon to estimate patience from; callers assumed never to abandon`);
    return {
      name: q, arrivals: { interval_minutes: minutes, calls_per_interval: calls }, aht_s: aht ?? 180, service: "lognormal" as const,
      service_cv: cv && cv > 0 ? cv : 1, wrap_s: options.wrapup_by_queue?.[q] ?? 0, patience_s: pat,
    };
  });
  const agents = await agentsOf(store, start, horizon_s, new Set(queues.map((q) => q.name)), notes);
  const unserved = queues.filter((q) => !agents.some((a) => q.name in a.skills)).map((q) => q.name);
  if (unserved.length) {
    throw new RangeError(`Cannot build a scenario: no agent of the roster has the skill of queue${unserved.length > 1 ? "s" : ""} ${unserved.slice(0, 5).map((q) => `'${q}'`).join(", ")} (roster skills are 'queue:priority;…' with the queues' names as the log writes them)`);
  }
  const onCall = agents.some((a) => a.on_call);
  const assumed = { queue_threshold: 6, activation_delay_s: 600, min_active_s: 1800, ...(options.on_call_costs ?? {}) };
  if (onCall) {
    notes.push(options.on_call ? "on-call agents called in by the policy given"
      : `on-call agents called in at 6 waiting calls, 10 minutes to log in, 30 minutes at least (assumed: the data does not say); standby ${assumed.cost_per_hour ?? 0} per hour, ${assumed.cost_per_activation ?? 0} per call-in`);
  }
  notes.push("arrivals: the calls offered per interval replayed as Poisson rates; no redials (the data's redials are in the counts)");
  const scenario = parseScenario({
    seed: options.seed ?? 1, horizon_s, replications: options.replications ?? 20, start_epoch_s: start / 1000, queues, agents,
    ...(onCall ? { on_call: options.on_call ?? assumed } : {}),
  });
  return { scenario, notes };
}

/** The roster's agents with their schedules (or their observed sessions and pauses). */
async function agentsOf(store: Store, start: number, horizon_s: number, queues: Set<string>, notes: string[]) {
  const s = (ms: number) => Math.min(horizon_s, Math.max(0, (ms - start) / 1000));
  const roster = await store.query<{ agent: string; skills: string | null; on_call: boolean | null }>("SELECT agent, skills, on_call FROM agents ORDER BY agent");
  const sched = await store.query<{ agent: string; category: string; a: number; b: number }>(
    "SELECT agent, category, epoch_ms(starts_at) AS a, epoch_ms(ends_at) AS b FROM schedules WHERE ends_at > starts_at ORDER BY agent, starts_at",
  );
  const observed = await store.query<{ agent: string; paused: boolean; a: number; b: number }>(`
    SELECT agent, availability = 'paused' AS paused, epoch_ms(started_at) AS a, epoch_ms(ended_at) AS b FROM agent_states
    WHERE session = 'logged_in' AND ended_at > started_at ORDER BY agent, started_at`);
  // Without a roster, every agent seen answering a queue has it as a first skill.
  const answered = roster.length ? [] : await store.query<{ agent: string; queue: string }>(
    "SELECT DISTINCT agent, queue FROM call_stints WHERE direction = 'inbound' AND agent IS NOT NULL AND answered_at IS NOT NULL AND queue IS NOT NULL",
  );
  if (!roster.length) notes.push("no roster: each agent's skills are the queues it answered, all at priority 1");
  const people = roster.length ? roster.map((r) => ({ agent: r.agent, skills: skillsOf(r.skills), on_call: r.on_call === true }))
    : [...new Set(answered.map((r) => r.agent))].sort().map((agent) => ({ agent, skills: Object.fromEntries(answered.filter((r) => r.agent === agent).map((r) => [r.queue, 1])), on_call: false }));
  const bySched = Map.groupBy(sched, (r) => r.agent), byObs = Map.groupBy(observed, (r) => r.agent);
  let fromSessions = 0;
  const unknownSkills = new Set<string>(), skillless: string[] = [];
  const out = people.flatMap((p) => {
    for (const q of Object.keys(p.skills)) if (!queues.has(q)) unknownSkills.add(q);
    const skills = Object.fromEntries(Object.entries(p.skills).filter(([q]) => queues.has(q)));
    if (!Object.keys(skills).length) {
      skillless.push(p.agent);
      return [];
    }
    const mine = bySched.get(p.agent) ?? [];
    let shifts: Period[], breaks: Period[];
    if (mine.length) {
      shifts = mine.filter((r) => r.category === (p.on_call ? "on_call" : "on_queue")).map((r) => ({ start_s: s(Number(r.a)), end_s: s(Number(r.b)) }));
      breaks = p.on_call ? [] : mine.filter((r) => r.category === "break" || r.category === "lunch").map((r) => ({ start_s: s(Number(r.a)), end_s: s(Number(r.b)), reason: r.category }));
    } else {
      fromSessions++;
      const seen = byObs.get(p.agent) ?? [];
      shifts = merge(seen.map((r) => ({ start_s: s(Number(r.a)), end_s: s(Number(r.b)) })));
      breaks = merge(seen.filter((r) => r.paused).map((r) => ({ start_s: s(Number(r.a)), end_s: s(Number(r.b)) }))).map((b) => ({ ...b, reason: "pause" }));
    }
    shifts = shifts.filter((x) => x.end_s > x.start_s);
    breaks = breaks.filter((x) => x.end_s > x.start_s);
    if (!shifts.length && !p.on_call) return [];
    return [{ id: p.agent.replace(/^Agent\//, ""), skills, shifts: p.on_call && !shifts.length ? undefined : shifts, breaks, on_call: p.on_call }];
  });
  if (unknownSkills.size) notes.push(`roster skills on queues with no call in the data left out: ${[...unknownSkills].slice(0, 8).join(", ")}`);
  if (skillless.length) notes.push(`${skillless.length} roster agent(s) with no skill on a queue of the data left out (${skillless.slice(0, 5).join(", ")})`);
  if (fromSessions) notes.push(`${fromSessions} agent(s) without schedules: their logged-in sessions are their shifts and their pauses their breaks`);
  return out;
}

/** Merges touching or overlapping periods. */
function merge(list: Period[]): Period[] {
  const out: Period[] = [];
  for (const p of [...list].sort((a, b) => a.start_s - b.start_s)) {
    const last = out[out.length - 1];
    if (last && p.start_s <= last.end_s + 1) last.end_s = Math.max(last.end_s, p.end_s);
    else out.push({ ...p });
  }
  return out;
}
