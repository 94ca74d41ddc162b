/**
 * The monitor's snapshot at an instant, from a store rebuilt by `LiveLog`: per queue, per agent
 * and per waiting call, with today's counters, all through the historical indicator code
 * (`queueKpis`, `agentStateAt`, the adherence rules).
 *
 * @module
 */
import type { Target } from "../ingest/mod.ts";
import { type KpiOptions, queueKpis, type QueueKpiRow, resolveKpiOptions, SL_FORMULAS, SL_VARIANTS, type SlVariant } from "../indicators/mod.ts";
import { actualActivity, adheres, agentStateAt, layerSchedule } from "../operators/mod.ts";
import type { ScheduleCategory } from "../ingest/mod.ts";
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { liveTarget, missed, notLive, slAtTargetThresholds } from "./snapshot_targets.ts";

/** Options of {@link monitorSnapshot}. */
export interface SnapshotOptions {
  /** Report time zone (IANA; default UTC): the day boundary and the printed times. */
  timeZone?: string;
  sl_threshold_s?: number;
  short_abandon_s?: number;
  sl_variant?: SlVariant;
  /** The recent window of `service_level_30m`, minutes (default 30). */
  recent_minutes?: number;
  /** A queue's longest current wait above this many seconds is flagged (default: the SL threshold). */
  max_wait_s?: number;
  /** Targets (from `readTargets`): service level, ASA and abandonment per queue or center are flagged against them. */
  targets?: readonly Target[];
}

/** One queue of the snapshot (the `GET /api/state` contract: keys are stable). */
export interface MonitorQueue {
  queue: string;
  waiting: number;
  longest_wait_s: number | null;
  offered_today: number;
  /** Counted at CONNECT: a call answered and still talking is answered. */
  answered_today: number;
  abandoned_today: number;
  /** Abandoned / offered today (the historical `abandon_rate`), null with nothing offered. */
  abandon_rate_today: number | null;
  service_level_today: number | null;
  service_level_30m: number | null;
  asa_s_today: number | null;
  aht_s_today: number | null;
  agents_logged_in: number;
  agents_available: number;
  agents_handling: number;
  agents_wrap_up: number;
  agents_paused: number;
  /** Paused members by reason ("" for a pause without one). */
  paused_by_reason: Record<string, number>;
  /** The service-level target and its threshold (from the targets), else null. */
  service_level_target: number | null;
  service_level_target_threshold_s: number | null;
  /** Service level today at the target's own threshold (equals `service_level_today` when the thresholds agree). */
  service_level_today_at_target: number | null;
  /** Flags: `longest_wait` (over `max_wait_s`), `service_level`, `asa`, `abandon_rate`, `aht` (a target missed). */
  alerts: string[];
}

/** One agent of the snapshot. */
export interface MonitorAgent {
  agent: string;
  name: string | null;
  team: string | null;
  session: string;
  availability: string;
  work: string;
  /** One word: logged_out, paused, ringing, on_call, wrap_up, available. */
  state: string;
  pause_reason: string | null;
  /** Since when the agent is in this state on all three axes (ISO, report zone), null if unknown. */
  state_since: string | null;
  time_in_state_s: number | null;
  queue: string | null;
  call_id: string | null;
  caller: string | null;
  /** Stints answered today (counted at CONNECT). */
  calls_today: number;
  minutes_since_last_call: number | null;
  /** The scheduled activity now (schedules loaded), else null. */
  scheduled: string | null;
  /** Whether the actual activity adheres to the schedule now; null without a schedule (or on-call standby). */
  adherent: boolean | null;
}

/** One waiting call. */
export interface MonitorWaiting {
  call_id: string;
  queue: string;
  /** 1 = next to be answered (by entry time among the queue's waiting calls). */
  position: number;
  wait_s: number;
  caller: string | null;
  stint_no: number;
}

/** A whole snapshot (`GET /api/state`). */
export interface MonitorSnapshot {
  /** The instant of the snapshot (ISO, report zone). */
  as_of: string;
  as_of_ms: number;
  /** The start of "today" (the reset boundary). */
  day_start: string;
  time_zone: string;
  sl_variant: SlVariant;
  sl_formula: string;
  sl_threshold_s: number;
  recent_minutes: number;
  max_wait_s: number;
  queues: MonitorQueue[];
  /** Every queue together (same definitions). */
  total: Omit<MonitorQueue, "queue">;
  agents: MonitorAgent[];
  waiting: MonitorWaiting[];
  /** Targets the wallboard does not judge live (another scope or KPI), with the reason: see `qb targets`. */
  targets_not_live: { kpi: string; scope_type: string; scope: string; reason: string }[];
}

const EMPTY_KPI = { offered: 0, answered: 0, abandoned: 0, abandon_rate: null, service_level: null, asa_s: null, aht_s: null } as const;
/**
 * Computes the monitor's snapshot at `now_ms` for "today" starting at `day_start_ms`.
 *
 * Definitions (the historical ones): offered, answered, abandoned, service level, ASA and AHT
 * from `queueKpis` over the stints that entered since the day start (service level over the last
 * `recent_minutes` likewise); agent states from `agentStateAt`; an agent counts for the queues it
 * is a member of (its last ADDMEMBER/REMOVEMEMBER or login/logoff naming the queue), or, with no
 * such line, the queues it answered calls of; waiting calls are the open stints not answered.
 *
 * @param store a store rebuilt by `LiveLog.rebuild` (with `agents` and `schedules` if loaded)
 * @param now_ms the instant (epoch ms)
 * @param day_start_ms the reset boundary (epoch ms) before `now_ms`
 * @throws {RangeError} for invalid indicator options
 * Source: OPERATIONS.md §7; DESIGN.md "Service level".
 */
export async function monitorSnapshot(store: Store, now_ms: number, day_start_ms: number, options: SnapshotOptions = {}): Promise<MonitorSnapshot> {
  const k: KpiOptions = {
    timeZone: options.timeZone ?? "UTC", sl_threshold_s: options.sl_threshold_s, short_abandon_s: options.short_abandon_s, sl_variant: options.sl_variant,
  };
  const o = resolveKpiOptions(k);
  const recent = options.recent_minutes ?? 30;
  const maxWait = options.max_wait_s ?? o.sl_threshold_s;
  const today = await queueKpis(store, ["queue"], { ...k, from_ms: day_start_ms });
  const [todayTotal] = await queueKpis(store, [], { ...k, from_ms: day_start_ms });
  const last = await queueKpis(store, ["queue"], { ...k, from_ms: Math.max(day_start_ms, now_ms - recent * 60_000) });
  const [lastTotal] = await queueKpis(store, [], { ...k, from_ms: Math.max(day_start_ms, now_ms - recent * 60_000) });
  const targets = (options.targets ?? []).filter(liveTarget);
  const atTarget = await slAtTargetThresholds(store, targets, k, day_start_ms);
  const waiting = await waitingCalls(store, now_ms);
  const members = await store.query<{ agent: string; queue: string }>(MEMBERS_SQL);
  const agents = await agentRows(store, now_ms, day_start_ms, o.timeZone);
  const byAgent = new Map(agents.map((a) => [a.agent, a]));
  const queueNames = new Set<string>([...today.map((r) => r.queue!), ...waiting.map((w) => w.queue), ...members.map((m) => m.queue)]);
  for (const tg of targets) if (tg.scope_type === "queue") queueNames.add(tg.scope);
  const queueRow = (name: string | null, kpi: QueueKpiRow | undefined, recentKpi: QueueKpiRow | undefined, memberAgents: MonitorAgent[]) => {
    const w = waiting.filter((x) => name === null || x.queue === name);
    const target = targets.find((x) => x.kpi === "service_level" && (name === null ? x.scope_type === "center" : x.scope_type === "queue" && x.scope === name));
    const kp = kpi ?? EMPTY_KPI;
    const slAtTarget = target ? (target.threshold_s === null || target.threshold_s === o.sl_threshold_s ? kp.service_level : atTarget.get(`${name ?? ""}\u0000${target.threshold_s}`) ?? null) : null;
    const row = {
      waiting: w.length, longest_wait_s: w.length ? Math.max(...w.map((x) => x.wait_s)) : null,
      offered_today: kp.offered, answered_today: kp.answered, abandoned_today: kp.abandoned, abandon_rate_today: kp.abandon_rate,
      service_level_today: kp.service_level, service_level_30m: recentKpi?.service_level ?? null,
      asa_s_today: kp.asa_s, aht_s_today: kp.aht_s,
      ...agentCounts(memberAgents),
      service_level_target: target?.target ?? null, service_level_target_threshold_s: target ? target.threshold_s ?? o.sl_threshold_s : null,
      service_level_today_at_target: slAtTarget,
      alerts: [] as string[],
    };
    if (row.longest_wait_s !== null && row.longest_wait_s > maxWait) row.alerts.push("longest_wait");
    if (target && slAtTarget !== null && missed(target, slAtTarget)) row.alerts.push("service_level");
    for (const [kpiName, value, alert] of [["asa_s", kp.asa_s, "asa"], ["abandon_rate", kp.abandon_rate, "abandon_rate"], ["aht_s", kp.aht_s, "aht"]] as const) {
      const tg = targets.find((x) => x.kpi === kpiName && (name === null ? x.scope_type === "center" : x.scope_type === "queue" && x.scope === name));
      if (tg && value !== null && missed(tg, value)) row.alerts.push(alert);
    }
    return row;
  };
  const queues: MonitorQueue[] = [...queueNames].sort().map((name) => ({
    queue: name,
    ...queueRow(name, today.find((r) => r.queue === name), last.find((r) => r.queue === name),
      members.filter((m) => m.queue === name).map((m) => byAgent.get(m.agent)).filter((a): a is MonitorAgent => a !== undefined)),
  }));
  const everyMember = [...new Set(members.map((m) => m.agent))].map((a) => byAgent.get(a)).filter((a): a is MonitorAgent => a !== undefined);
  return {
    as_of: isoInZone(now_ms, o.timeZone), as_of_ms: now_ms, day_start: isoInZone(day_start_ms, o.timeZone), time_zone: o.timeZone,
    sl_variant: o.sl_variant, sl_formula: `${SL_FORMULAS[o.sl_variant]} (${SL_VARIANTS[o.sl_variant]})`, sl_threshold_s: o.sl_threshold_s,
    recent_minutes: recent, max_wait_s: maxWait,
    queues, total: queueRow(null, todayTotal, lastTotal, everyMember), agents, waiting, targets_not_live: notLive(options.targets ?? []),
  };
}

/** The waiting calls at `now_ms`: open stints not answered, numbered by entry within their queue. */
async function waitingCalls(store: Store, now_ms: number): Promise<MonitorWaiting[]> {
  const t = `make_timestamptz(${Math.round(now_ms) * 1000})`;
  const rows = await store.query<{ call_id: string; queue: string; stint_no: number; caller: string | null; entered_ms: number; position: number }>(`
    SELECT call_id, coalesce(queue, '(none)') AS queue, stint_no, caller, epoch_ms(entered_at) AS entered_ms,
      row_number() OVER (PARTITION BY queue ORDER BY entered_at, call_id, stint_no) AS position
    FROM call_stints WHERE direction = 'inbound' AND outcome = 'open' AND answered_at IS NULL AND entered_at <= ${t}
    ORDER BY queue, position`);
  return rows.map((r) => ({
    call_id: r.call_id, queue: r.queue, position: Number(r.position), wait_s: Math.max(0, (now_ms - Number(r.entered_ms)) / 1000), caller: r.caller ?? null, stint_no: Number(r.stint_no),
  }));
}

/** Every agent at `now_ms`: its state (`agentStateAt`), current caller, calls answered today and adherence now. */
async function agentRows(store: Store, now_ms: number, day_start_ms: number, zone: string): Promise<MonitorAgent[]> {
  const t = `make_timestamptz(${Math.round(now_ms) * 1000})`;
  const states = await agentStateAt(store, now_ms);
  const calls = new Map((await store.query<{ agent: string; n: number }>(`
    SELECT agent, count(*) AS n FROM call_stints
    WHERE agent IS NOT NULL AND answered_at >= make_timestamptz(${Math.round(day_start_ms) * 1000}) AND answered_at <= ${t} GROUP BY agent`)).map((r) => [r.agent, Number(r.n)]));
  const callers = new Map((await store.query<{ call_id: string; queue: string | null; caller: string | null }>(`
    SELECT call_id, queue, caller FROM call_stints WHERE answered_at IS NOT NULL AND (ended_at IS NULL OR ended_at > ${t})`)).map((r) => [`${r.call_id}\u0000${r.queue}`, r.caller]));
  const schedule = await scheduledNow(store, now_ms);
  return states.map((s) => {
    const scheduled = schedule.get(s.agent) ?? null;
    return {
      agent: s.agent, name: s.name, team: s.team, session: s.session, availability: s.availability, work: s.work, state: s.state,
      pause_reason: s.availability === "paused" ? (s.reason ?? "") : null,
      state_since: s.since_ms === null ? null : isoInZone(s.since_ms, zone), time_in_state_s: s.time_in_state_s,
      queue: s.queue, call_id: s.call_id, caller: s.call_id ? callers.get(`${s.call_id}\u0000${s.queue}`) ?? null : null,
      calls_today: calls.get(s.agent) ?? 0,
      minutes_since_last_call: s.since_last_call_s === null ? null : s.since_last_call_s / 60,
      scheduled, adherent: scheduled === null ? null : adheres(scheduled, actualActivity(s as never)),
    };
  });
}

/** Member counts of a queue's agents, by state. */
function agentCounts(agents: readonly MonitorAgent[]) {
  const on = agents.filter((a) => a.session === "logged_in");
  const paused_by_reason: Record<string, number> = {};
  for (const a of on) if (a.availability === "paused" && a.work === "idle") paused_by_reason[a.pause_reason ?? ""] = (paused_by_reason[a.pause_reason ?? ""] ?? 0) + 1;
  return {
    agents_logged_in: on.length,
    agents_available: on.filter((a) => a.state === "available").length,
    agents_handling: on.filter((a) => a.state === "on_call" || a.state === "ringing").length,
    agents_wrap_up: on.filter((a) => a.state === "wrap_up").length,
    agents_paused: on.filter((a) => a.availability === "paused").length,
    paused_by_reason,
  };
}

/**
 * Queue membership now: per agent and queue the last of ADDMEMBER / REMOVEMEMBER / login /
 * logoff naming the queue; agents without any such line count for the queues they answered.
 */
const MEMBERS_SQL = `
  WITH m AS (
    SELECT agent, queue, event FROM agent_events
    WHERE queue IS NOT NULL AND event IN ('ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
    QUALIFY row_number() OVER (PARTITION BY agent, queue ORDER BY "at" DESC, line DESC) = 1
  )
  SELECT agent, queue FROM m WHERE event IN ('ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN')
  UNION
  SELECT DISTINCT agent, queue FROM call_stints WHERE agent IS NOT NULL AND queue IS NOT NULL AND agent NOT IN (SELECT agent FROM m)
  ORDER BY agent, queue`;

/** The scheduled activity of each agent at `now_ms` (the innermost layer, as the adherence indicators). */
async function scheduledNow(store: Store, now_ms: number): Promise<Map<string, ScheduleCategory>> {
  const t = `make_timestamptz(${Math.round(now_ms) * 1000})`;
  const rows = await store.query<{ agent: string; category: ScheduleCategory; s: number; e: number; line: number }>(`
    SELECT agent, category, epoch_ms(starts_at) AS s, epoch_ms(ends_at) AS e, coalesce(line, 0) AS line FROM schedules
    WHERE starts_at <= ${t} AND ends_at > ${t} ORDER BY agent`);
  const byAgent = new Map<string, { category: ScheduleCategory; starts_at: number; ends_at: number; order: number }[]>();
  for (const r of rows) {
    const list = byAgent.get(r.agent) ?? [];
    list.push({ category: r.category, starts_at: Number(r.s), ends_at: Number(r.e), order: Number(r.line) });
    byAgent.set(r.agent, list);
  }
  const out = new Map<string, ScheduleCategory>();
  for (const [agent, pieces] of byAgent) {
    const now = layerSchedule(pieces).find((p) => p.starts_at <= now_ms && p.ends_at > now_ms);
    if (now) out.set(agent, now.category);
  }
  return out;
}
