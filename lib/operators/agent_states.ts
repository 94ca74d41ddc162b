/**
 * Agent state segments on the three axes of OPERATIONS.md §1 (session, availability, work),
 * built from one agent's queue_log agent events and the call stints it handled. Pure, in memory:
 * the reference rules. The store builds the same segments in SQL for all agents at once
 * (`states_sql.ts`); `tests/operators/states_sql.test.ts` holds the two equal.
 *
 * Rules (each one a test):
 * - session: logged in while AGENTLOGIN/AGENTCALLBACKLOGIN holds or the agent is a member of a
 *   queue (ADDMEMBER/REMOVEMEMBER); a logoff resets the pause.
 * - availability: PAUSE/PAUSEALL opens a pause with its reason; a PAUSE while paused changes the
 *   reason at that instant (the pause itself goes on: `pause_started_at` is the first PAUSE);
 *   UNPAUSE/UNPAUSEALL closes it; an UNPAUSE with no open pause is ignored by the rule
 *   `unpause_without_pause`; ADDMEMBER with data `PAUSED` starts the membership paused.
 * - work: ringing from RINGNOANSWER/RINGCANCELED (their ring time ends at the event) and before
 *   a CONNECT (its ring time); talking from the answer to the end (open at the end of data: a
 *   call answered and not completed is answered, its talk open); wrap-up after a call for the
 *   queue's `wrapuptime` (an option), clipped at the next ring or call, pause or logoff; outbound
 *   calls are `other_call`. Where two overlap, talking beats ringing beats wrap-up; of two of one kind
 *   the earlier wins (starting together: the smaller call id).
 * - precedence for time accounting: handling (ringing, talking, hold, wrap-up) is counted as
 *   handling even while paused (an agent pausing during a call to avoid the next one), so
 *   logged-in time = available-idle + handling + paused-idle exactly.
 *
 * @module
 */

/** One agent event (instants in epoch ms). */
export interface StateEvent {
  at: number;
  event: string;
  queue: string | null;
  /** PAUSE reason; ADDMEMBER data (`PAUSED`). */
  reason: string | null;
  /** Ring time of RINGNOANSWER / RINGCANCELED, milliseconds. */
  ring_ms: number | null;
  /** Order of events at one instant (file line). */
  line: number;
  /**
   * RINGNOANSWER / RINGCANCELED: when the call it rang for entered the queue (its latest stint
   * entered at or before the event, epoch ms); the ring starts no earlier. Absent: unknown.
   */
  entered_at?: number | null;
}

/** One call stint handled by the agent (instants in epoch ms). */
export interface StateCall {
  call_id: string;
  queue: string | null;
  direction: "inbound" | "outbound";
  entered_at: number;
  answered_at: number | null;
  /** null: not completed by the end of the data. */
  ended_at: number | null;
  ring_s: number | null;
}

/** Work axis values. */
export type Work = "idle" | "ringing" | "talking" | "on_hold" | "wrap_up" | "other_call";

/** One state segment (instants in epoch ms; `[started_at, ended_at)`). */
export interface StateSegment {
  agent: string;
  started_at: number;
  ended_at: number;
  session: "logged_in" | "logged_out";
  availability: "available" | "paused";
  /** Pause reason ("" for a pause without one), null when available. */
  reason: string | null;
  work: Work;
  queue: string | null;
  call_id: string | null;
  /** Cut by the end of the data (a session or a call still open). */
  open: boolean;
}

/** Options of {@link buildAgentStates}. */
export interface AgentStateOptions {
  /** Wrap-up seconds after a call, per queue (queue → seconds). */
  wrapup_by_queue?: Readonly<Record<string, number>>;
  /** Wrap-up seconds for queues not in `wrapup_by_queue` (default 0: no wrap-up assumed). */
  wrapup_s?: number;
  /** Store build only: events and stints per pass of agents (default 300,000; bounds DuckDB's memory; for tests and tuning). */
  rows_per_pass?: number;
}

/** The one-word state of DESIGN.md's data model for a segment. */
export function stateOf(s: Pick<StateSegment, "session" | "availability" | "work">): string {
  if (s.work === "talking" || s.work === "on_hold" || s.work === "other_call") return "on_call";
  if (s.work === "ringing" || s.work === "wrap_up") return s.work;
  if (s.session === "logged_out") return "logged_out";
  return s.availability === "paused" ? "paused" : "available";
}

/** The longest ring kept from a RINGNOANSWER/RINGCANCELED (seconds; rule `ring_clamped`). */
export const MAX_RING_S = 600;

/** The queue_log verbs that start and end a session, and open and close a pause. */
export const LOGIN_EVENTS: ReadonlySet<string> = new Set(["AGENTLOGIN", "AGENTCALLBACKLOGIN"]);
export const LOGOFF_EVENTS: ReadonlySet<string> = new Set(["AGENTLOGOFF", "AGENTCALLBACKLOGOFF"]);
export const PAUSE_EVENTS: ReadonlySet<string> = new Set(["PAUSE", "PAUSEALL"]);
export const UNPAUSE_EVENTS: ReadonlySet<string> = new Set(["UNPAUSE", "UNPAUSEALL"]);
const [LOGIN, LOGOFF, PAUSES, UNPAUSES] = [LOGIN_EVENTS, LOGOFF_EVENTS, PAUSE_EVENTS, UNPAUSE_EVENTS];
const PRIORITY: Record<Work, number> = { idle: 0, wrap_up: 1, ringing: 2, on_hold: 3, talking: 4, other_call: 4 };

interface Mark {
  at: number;
  session: StateSegment["session"];
  availability: StateSegment["availability"];
  reason: string | null;
}
interface WorkSpan {
  from: number;
  to: number;
  work: Work;
  queue: string | null;
  call_id: string | null;
  open: boolean;
}

/** Session and availability after each event, in event order; notes counted by rule. */
function sessionMarks(events: readonly StateEvent[], notes: Record<string, number>): Mark[] {
  let login = false;
  const members = new Set<string>();
  let paused = false;
  let reason: string | null = null;
  const marks: Mark[] = [];
  for (const e of [...events].sort((a, b) => a.at - b.at || a.line - b.line)) {
    const before = login || members.size > 0;
    if (LOGIN.has(e.event)) login = true;
    else if (LOGOFF.has(e.event)) login = false;
    else if (e.event === "ADDMEMBER") {
      members.add(e.queue ?? "");
      if ((e.reason ?? "").trim().toUpperCase() === "PAUSED") [paused, reason] = [true, reason ?? ""];
    } else if (e.event === "REMOVEMEMBER") members.delete(e.queue ?? "");
    else if (PAUSES.has(e.event)) [paused, reason] = [true, (e.reason ?? "").trim()];
    else if (UNPAUSES.has(e.event)) {
      if (!paused) notes.unpause_without_pause = (notes.unpause_without_pause ?? 0) + 1;
      [paused, reason] = [false, null];
    } else continue;
    const now = login || members.size > 0;
    if (before && !now) [paused, reason] = [false, null]; // a logoff ends the pause
    marks.push({ at: e.at, session: now ? "logged_in" : "logged_out", availability: paused ? "paused" : "available", reason: paused ? reason : null });
  }
  return marks;
}

/** Work spans from calls and ring events; wrap-up clipped at the next work, pause or logoff. */
function workSpans(
  events: readonly StateEvent[], calls: readonly StateCall[], marks: readonly Mark[], end: number, o: AgentStateOptions, notes: Record<string, number>,
): WorkSpan[] {
  const spans: WorkSpan[] = [];
  for (const e of events) {
    if ((e.event === "RINGNOANSWER" || e.event === "RINGCANCELED") && e.ring_ms && e.ring_ms > 0) {
      // Rule `ring_clamped`: a ring longer than MAX_RING_S (no queue rings an agent that long), or
      // starting before its call entered the queue, is cut there.
      const ring = Math.min(e.ring_ms, MAX_RING_S * 1000);
      const from = Math.max(e.at - ring, e.entered_at ?? -Infinity);
      if (ring < e.ring_ms || from > e.at - ring) notes.ring_clamped = (notes.ring_clamped ?? 0) + 1;
      spans.push({ from, to: e.at, work: "ringing", queue: e.queue, call_id: null, open: false });
    }
  }
  const ends: { at: number; queue: string | null; call_id: string }[] = [];
  for (const c of calls) {
    const start = c.answered_at ?? (c.direction === "outbound" ? c.entered_at : null);
    if (start === null) continue;
    const stop = c.ended_at ?? end;
    if (c.direction === "outbound") {
      spans.push({ from: start, to: Math.max(start, stop), work: "other_call", queue: c.queue, call_id: c.call_id, open: c.ended_at === null });
      continue;
    }
    if (c.ring_s && c.ring_s > 0) {
      // A call rings while it waits: never before it entered the queue.
      const from = Math.max(start - c.ring_s * 1000, c.entered_at);
      if (from > start - c.ring_s * 1000) notes.ring_clamped = (notes.ring_clamped ?? 0) + 1;
      spans.push({ from, to: start, work: "ringing", queue: c.queue, call_id: c.call_id, open: false });
    }
    spans.push({ from: start, to: Math.max(start, stop), work: "talking", queue: c.queue, call_id: c.call_id, open: c.ended_at === null });
    if (c.ended_at !== null) ends.push({ at: c.ended_at, queue: c.queue, call_id: c.call_id });
  }
  const starts = spans.map((s) => s.from).sort((a, b) => a - b);
  // Wrap-up also stops where a pause starts or the session ends.
  const stops = marks.filter((m, i) => {
    const prev = i > 0 ? marks[i - 1]! : null;
    return (m.availability === "paused" && prev?.availability !== "paused") || (m.session === "logged_out" && prev?.session === "logged_in");
  }).map((m) => m.at);
  const sessionAt = (t: number) => marks.filter((m) => m.at <= t).at(-1)?.session ?? null;
  for (const w of ends) {
    const wrap = o.wrapup_by_queue?.[w.queue ?? ""] ?? o.wrapup_s ?? 0;
    if (!(wrap > 0)) continue;
    if (sessionAt(w.at) === "logged_out") continue; // logged off during the call: no wrap-up after it
    let to = Math.min(w.at + wrap * 1000, end);
    for (const t of starts) if (t >= w.at && t < to) to = t;
    for (const t of stops) if (t >= w.at && t < to) to = t;
    if (to > w.at) spans.push({ from: w.at, to, work: "wrap_up", queue: w.queue, call_id: w.call_id, open: false });
  }
  return spans;
}

/**
 * Builds one agent's non-overlapping state segments, from its first event or call to `end`
 * (the end of the data): consecutive instants with the same axes, queue and call are one segment.
 *
 * @param agent the agent's name, copied into every segment
 * @param events its agent events (any order)
 * @param calls the stints it rang for or answered (any order)
 * @param end the end of the data, epoch ms: open sessions and calls end there, flagged `open`
 * @param notes counters of the named rules applied (mutated: `unpause_without_pause`)
 * @returns segments in time order
 * Source: OPERATIONS.md §1 (three axes and their pitfalls).
 */
export function buildAgentStates(
  agent: string, events: readonly StateEvent[], calls: readonly StateCall[], end: number, options: AgentStateOptions = {}, notes: Record<string, number> = {},
): StateSegment[] {
  const marks = sessionMarks(events, notes);
  const spans = workSpans(events, calls, marks, end, options, notes).filter((s) => s.to > s.from);
  const cuts = new Set<number>([end]);
  for (const m of marks) if (m.at <= end) cuts.add(m.at);
  for (const s of spans) {
    cuts.add(Math.min(s.from, end));
    cuts.add(Math.min(s.to, end));
  }
  const times = [...cuts].sort((a, b) => a - b);
  const out: StateSegment[] = [];
  let m = -1; // index of the mark in force
  const active: WorkSpan[] = [];
  // Of two spans of one priority starting together, the smaller call id (then queue) wins: a fixed order.
  const byStart = [...spans].sort((a, b) => a.from - b.from || cmp(a.call_id, b.call_id) || cmp(a.queue, b.queue));
  // The session as the data ends (a logoff at the very last instant closes it).
  const finalMark = marks.filter((x) => x.at <= end).at(-1) ?? null;
  let next = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const [from, to] = [times[i]!, times[i + 1]!];
    while (m + 1 < marks.length && marks[m + 1]!.at <= from) m++;
    while (next < byStart.length && byStart[next]!.from <= from) active.push(byStart[next++]!);
    for (let k = active.length - 1; k >= 0; k--) if (active[k]!.to <= from) active.splice(k, 1);
    const w = active.reduce<WorkSpan | null>((best, s) => (!best || PRIORITY[s.work] > PRIORITY[best.work] ? s : best), null);
    const mark = m >= 0 ? marks[m]! : null;
    const seg: StateSegment = {
      agent, started_at: from, ended_at: to,
      session: mark?.session ?? "logged_out", availability: mark?.availability ?? "available", reason: mark?.reason ?? null,
      work: w?.work ?? "idle", queue: w?.queue ?? null, call_id: w?.call_id ?? null,
      open: to === end && ((finalMark?.session ?? "logged_out") === "logged_in" || (w?.open ?? false)),
    };
    if (!mark && !w) continue; // before the agent's first event
    // Rule `handling_outside_session`: an agent who rings or talks while logged out (a logoff logged
    // during a call, a ring before the login, or a log with no login or membership lines at all) is
    // working: that time counts as logged in, so logged-in = idle + handling + paused and occupancy
    // stays ≤ 100 %.
    if (seg.session === "logged_out" && seg.work !== "idle") {
      seg.session = "logged_in";
      notes.handling_outside_session = (notes.handling_outside_session ?? 0) + 1;
    }
    const last = out[out.length - 1];
    if (last && last.ended_at === from && same(last, seg)) last.ended_at = to, last.open = seg.open;
    else out.push(seg);
  }
  return out;
}

/** Orders nullable strings, null first (as SQL's `NULLS FIRST`, byte order). */
function cmp(a: string | null, b: string | null): number {
  return a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
}

function same(a: StateSegment, b: StateSegment): boolean {
  return a.session === b.session && a.availability === b.availability && a.reason === b.reason && a.work === b.work &&
    a.queue === b.queue && a.call_id === b.call_id;
}

/** One FreeSWITCH mod_callcenter change (epoch ms), as loaded into `agent_state_changes`. */
export interface StatusStateChange {
  at: number;
  status: string;
  state: string;
  line: number;
}

/**
 * One agent's segments from FreeSWITCH mod_callcenter status and state changes (OPERATIONS.md
 * §1 maps them onto the same axes): status Logged Out → logged out; Available and Available (On
 * Demand) → logged in, available; On Break → logged in, paused with reason `On Break`; state
 * Receiving → ringing, In a queue call → talking, Waiting → idle, and Idle → wrap-up right after
 * a queue call (the module's wrap-up time) unless logged out, else idle; ringing or talking while
 * Logged Out counts as logged in (as `handling_outside_session` for queue_log). Each change holds until the next one; the
 * last until `end`, flagged open when logged in.
 *
 * Source: FreeSWITCH documentation, mod_callcenter ("Agent Status", "Agent State").
 */
export function statesFromChanges(agent: string, changes: readonly StatusStateChange[], end: number): StateSegment[] {
  const sorted = [...changes].filter((c) => c.at <= end).sort((a, b) => a.at - b.at || a.line - b.line);
  const out: StateSegment[] = [];
  let prevWork: Work = "idle";
  sorted.forEach((c, i) => {
    const to = i + 1 < sorted.length ? sorted[i + 1]!.at : end;
    const status = c.status.toLowerCase(), state = c.state.toLowerCase();
    const out_ = status === "logged out";
    // Idle after a queue call is wrap-up, unless logged out (no wrap-up after a logoff).
    const work: Work = state === "receiving" ? "ringing" : state === "in a queue call" ? "talking"
      : state === "idle" && !out_ && (prevWork === "talking" || prevWork === "wrap_up") ? "wrap_up" : "idle";
    prevWork = work;
    if (to <= c.at) return;
    const seg: StateSegment = {
      agent, started_at: c.at, ended_at: to,
      // handling while Logged Out counts as logged in (rule handling_outside_session, as for queue_log)
      session: out_ && work === "idle" ? "logged_out" : "logged_in",
      availability: status === "on break" ? "paused" : "available", reason: status === "on break" ? "On Break" : null,
      work, queue: null, call_id: null, open: to === end && i === sorted.length - 1 && status !== "logged out",
    };
    const last = out.at(-1);
    if (last && last.ended_at === seg.started_at && same(last, seg)) [last.ended_at, last.open] = [seg.ended_at, seg.open];
    else out.push(seg);
  });
  return out;
}
