/**
 * One agent's state segments and schedule layers summed per period — the additive parts of
 * every operator indicator (seconds, and the out-of-adherence and idle stretches the ratios and
 * thresholds need): the reference rules, in memory. The store computes the same sums in SQL for
 * all agents at once (`sums_sql.ts`); `tests/operators/sums_sql.test.ts` holds the two equal.
 *
 * @module
 */
import { PLANNED_CATEGORIES, type ScheduleCategory } from "../ingest/mod.ts";
import { type ActualActivity, actualActivity, adheres, type SchedulePiece } from "./adherence.ts";
import type { StateSegment } from "./agent_states.ts";
import type { Period, PeriodSplitter } from "./periods.ts";

/** Agent time on the three axes (seconds), as every operator row and sum carries it. */
export interface AgentTimeSeconds {
  logged_in_s: number;
  available_idle_s: number;
  ring_s: number;
  talk_s: number;
  hold_s: number;
  wrap_s: number;
  other_call_s: number;
  /** Paused and not handling (handling during a pause counts as handling). */
  paused_s: number;
  /** Paused seconds by reason (an unnamed pause under `""`). */
  paused_by_reason: Record<string, number>;
}

/** The additive parts of one agent's indicators in one period (seconds unless named). */
export interface AgentPeriodSums extends AgentTimeSeconds {
  period: Period;
  /** Actual on-queue time (available or handling), scheduled or not: conformance's numerator. */
  on_queue_s: number;
  /** Scheduled paid time (on-call standby excluded). */
  scheduled_s: number;
  scheduled_on_queue_s: number;
  /** Scheduled break, lunch, training, meeting, coaching. */
  planned_shrinkage_s: number;
  /** Scheduled on-queue time spent off the queue, and scheduled absence. */
  unplanned_shrinkage_s: number;
  /** Lengths of the out-of-adherence stretches (clipped to the period). */
  out_of_adherence_s: number[];
  /** Lengths of the available-idle stretches (clipped to the period). */
  idle_stretches_s: number[];
  calls_answered: number;
  ring_no_answer: number;
  ring_canceled: number;
  /**
   * Idle before each call (OPERATIONS.md §2 (b)), by the period its ring starts in: the time from
   * the end of the previous call (or the login) to the call, `incl` with pauses and wrap-up,
   * `excl` available-idle time only.
   */
  idle_before_call: { incl_s: number; excl_s: number }[];
}

/** All-zero sums for a period (a period where only calls are counted starts from these). */
export function emptySums(period: Period): AgentPeriodSums {
  return {
    period, logged_in_s: 0, available_idle_s: 0, ring_s: 0, talk_s: 0, hold_s: 0, wrap_s: 0, other_call_s: 0, paused_s: 0,
    paused_by_reason: {}, on_queue_s: 0, scheduled_s: 0, scheduled_on_queue_s: 0, planned_shrinkage_s: 0, unplanned_shrinkage_s: 0,
    out_of_adherence_s: [], idle_stretches_s: [], calls_answered: 0, ring_no_answer: 0, ring_canceled: 0, idle_before_call: [],
  };
}

const WORK_FIELD = { ringing: "ring_s", talking: "talk_s", on_hold: "hold_s", wrap_up: "wrap_s", other_call: "other_call_s" } as const;
const ON_CALL = new Set(["talking", "on_hold", "other_call"]);

/**
 * How agent time is attributed to periods: `split` (default, as WFM suites do) counts each
 * segment pro rata in every period it spans; `call_end` credits a call segment whole to the
 * period where it ends (its other periods then count that time as idle — the distortion the
 * default avoids; offered for comparison with tools that do it).
 */
export type TimeAttribution = "split" | "call_end";

/**
 * Sums one agent's segments and schedule over `[from, to)`, per period of `splitter`.
 *
 * @param segments the agent's state segments (time order, non-overlapping)
 * @param schedule the agent's schedule layers (time order, non-overlapping; see `layerSchedule`)
 * @param pauseMap pause reason → schedule category (see `pauseCategory`)
 * @returns sums by period key
 */
export function sumAgent(
  segments: readonly StateSegment[], schedule: readonly SchedulePiece[], from: number, to: number, splitter: PeriodSplitter,
  pauseMap: Readonly<Record<string, string>> = {}, attribution: TimeAttribution = "split",
): Map<string, AgentPeriodSums> {
  const out = new Map<string, AgentPeriodSums>();
  const sums = (p: Period) => out.get(p.key) ?? out.set(p.key, emptySums(p)).get(p.key)!;
  const cuts = new Set<number>();
  for (const s of segments) cuts.add(Math.max(from, s.started_at)).add(Math.min(to, s.ended_at));
  for (const s of schedule) cuts.add(Math.max(from, s.starts_at)).add(Math.min(to, s.ends_at));
  const times = [...cuts].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let i = 0, j = 0;
  // Open stretches: [period key, end instant] of the last out-of-adherence and idle pieces.
  let outEnd: [string, number] | null = null, idleEnd: [string, number] | null = null;
  for (let k = 0; k + 1 < times.length; k++) {
    const [a, b] = [times[k]!, times[k + 1]!];
    while (i < segments.length && segments[i]!.ended_at <= a) i++;
    while (j < schedule.length && schedule[j]!.ends_at <= a) j++;
    const seg = i < segments.length && segments[i]!.started_at <= a ? segments[i]! : null;
    const sch = j < schedule.length && schedule[j]!.starts_at <= a ? schedule[j]! : null;
    if (!seg && !sch) continue;
    const actual: ActualActivity = seg ? actualActivity(seg, pauseMap) : "offline";
    splitter.split(a, b, (x, y, p) => {
      const s = sums(p);
      const d = (y - x) / 1000;
      if (seg && attribution === "call_end" && ON_CALL.has(seg.work)) {
        // The whole call segment is credited where it ends; here it looks like idle time (OPERATIONS.md §2, Ex. 2).
        const last = Math.min(seg.ended_at, to);
        const endPeriod = splitter.at(last - 1);
        if (seg.session === "logged_in") s.logged_in_s += d; // session time stays where it is
        if (seg.session === "logged_in" && p.key !== endPeriod.key) s.available_idle_s += d;
        if (y === last) sums(endPeriod)[WORK_FIELD[seg.work as "talking"]] += (last - Math.max(seg.started_at, from)) / 1000;
      } else if (seg) addSegment(s, seg, d);
      if (actual === "on_queue" && seg && (seg.session === "logged_in" || seg.work !== "idle")) s.on_queue_s += d;
      const idle = seg && seg.session === "logged_in" && seg.availability === "available" && seg.work === "idle";
      if (idle) idleEnd = stretch(s.idle_stretches_s, idleEnd, p.key, x, y);
      if (sch) {
        const ok = adheres(sch.category, actual);
        if (ok !== null) addScheduled(s, sch.category, actual, d);
        if (ok === false) outEnd = stretch(s.out_of_adherence_s, outEnd, p.key, x, y);
      }
    });
  }
  idleBeforeCalls(segments, from, to, (p, v) => sums(p).idle_before_call.push(v), splitter);
  return out;
}

/**
 * Walks one agent's segments: for each call (its first ringing or talking segment) inside
 * `[from, to)`, the idle time since the previous call ended or the session began.
 */
function idleBeforeCalls(
  segments: readonly StateSegment[], from: number, to: number, add: (p: Period, v: { incl_s: number; excl_s: number }) => void, splitter: PeriodSplitter,
): void {
  let anchor: number | null = null, idle = 0, lastCall: string | null = null, wasIn = false, talking: string | null = null;
  for (const seg of segments) {
    const inSession = seg.session === "logged_in";
    if (talking !== null && !(seg.work === "talking" && seg.call_id === talking)) [anchor, idle, talking] = [seg.started_at, 0, null];
    if (inSession && !wasIn) [anchor, idle] = [seg.started_at, 0];
    wasIn = inSession;
    if ((seg.work === "ringing" || seg.work === "talking") && seg.call_id !== null && seg.call_id !== lastCall) {
      lastCall = seg.call_id;
      if (anchor !== null && seg.started_at >= from && seg.started_at < to) add(splitter.at(seg.started_at), { incl_s: (seg.started_at - anchor) / 1000, excl_s: idle / 1000 });
    }
    if (seg.work === "talking") talking = seg.call_id;
    else if (inSession && seg.availability === "available" && seg.work === "idle") idle += seg.ended_at - seg.started_at;
  }
}

function addSegment(s: AgentPeriodSums, seg: StateSegment, d: number): void {
  if (seg.work !== "idle") s[WORK_FIELD[seg.work]] += d;
  if (seg.session !== "logged_in") return;
  s.logged_in_s += d;
  if (seg.work !== "idle") return;
  if (seg.availability === "paused") {
    s.paused_s += d;
    const r = seg.reason ?? "";
    s.paused_by_reason[r] = (s.paused_by_reason[r] ?? 0) + d;
  } else s.available_idle_s += d;
}

function addScheduled(s: AgentPeriodSums, category: ScheduleCategory, actual: ActualActivity, d: number): void {
  s.scheduled_s += d;
  if (category === "on_queue") {
    s.scheduled_on_queue_s += d;
    if (actual !== "on_queue") s.unplanned_shrinkage_s += d;
  } else if (category === "absence") s.unplanned_shrinkage_s += d;
  else if (PLANNED_CATEGORIES.has(category)) s.planned_shrinkage_s += d;
}

/** Extends the last stretch of `list` when `[x, y)` continues it in the same period, else starts one. */
function stretch(list: number[], last: [string, number] | null, key: string, x: number, y: number): [string, number] {
  const d = (y - x) / 1000;
  if (last && last[0] === key && last[1] === x && list.length > 0) list[list.length - 1]! += d;
  else list.push(d);
  return [key, y];
}
