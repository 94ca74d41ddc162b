/**
 * Private: the simulator's state and its primitive operations (agent status changes with the
 * longest-idle list, the waiting lines, routing, call records, queue_log lines). Everything here
 * is shaped for speed: one object shape per event and per call, small-integer kinds and states,
 * strings built only when a queue_log or call records are asked for.
 *
 * @module
 */
import { EventHeap } from "./_heap.ts";
import type { Scenario } from "./config.ts";
import type { QueueTally, SimCall } from "./engine.ts";
import type { Rng } from "./rng.ts";

/** Agent states, as indices of the time accumulators. */
export const OFF = 0, IDLE = 1, RINGING = 2, TALKING = 3, WRAP = 4, PAUSED = 5;

/** Call states. */
export const WAITING = 0, C_RINGING = 1, C_TALKING = 2, DONE = 3;

/** Event kinds. */
export const ARRIVAL = 0, WARMUP = 1, PATIENCE = 2, TIMEOUT = 3, CONNECT = 4, RNA = 5, TALK_END = 6, WRAP_END = 7,
  SHIFT_START = 8, SHIFT_END = 9, BREAK_END = 10, ONCALL_END = 11, BREAK_START = 12, CALLBACK_OFFER = 13, OVERFLOW = 14;

export interface Call {
  /** Sequence number of the call (1, 2, …), the second part of its uniqueid. */
  no: number;
  /** Caller number's sequence (the first call's `no` for a redial). */
  callerNo: number;
  /** True when no agent could take the call at once (it queued), ring time aside. */
  queued: boolean;
  redial: boolean;
  q: number;
  /** The waiting line the call is in: its queue's, or the one it overflowed to. */
  line: number;
  arrival: number;
  state: number;
  position: number;
  answeredAt: number;
  /** The agent it rings or talks with. */
  agent: Agent | null;
  /** Talk time, seconds, drawn on arrival (so that both runs of a comparison give a caller the same talk). */
  talk: number;
  /** Would take a callback if offered (drawn on arrival in queues that offer them). */
  acceptsCallback: boolean;
  /** A callback to make (not a live call): never abandons, served when no live call waits. */
  isCallback: boolean;
}

export interface Agent {
  idx: number;
  id: string;
  name: string;
  /** Skills by priority: queue indices and their priorities (1 = first). */
  skillQ: number[];
  skillP: number[];
  status: number;
  since: number;
  idleSince: number;
  call: Call | null;
  token: number; // invalidates stale ring/talk events
  logoffPending: boolean;
  pause: { reason: string; end: number } | null;
  answerP: number;
  onCall: boolean;
  onCallActive: boolean;
  loggedIn: boolean;
  breaks: { start: number; end: number; reason: string }[];
  /** On-call agents: the standby windows (their shifts) within which they may be called in; null = always. */
  windows: { start_s: number; end_s: number }[] | null;
  /** Seconds by state index since the start (null until the agent first leaves a state). */
  acc: Float64Array | null;
}

/** One event shape for every kind (fields a kind does not use are null or −1). */
export interface Ev {
  t: number;
  seq: number;
  kind: number;
  /** Queue index (arrivals). */
  q: number;
  /** Caller sequence of a redial arrival; −1 for a new caller. */
  callerNo: number;
  call: Call | null;
  agent: Agent | null;
  token: number;
  reason: string;
  end: number;
}

/** Creates an event (always the same object shape). */
export function ev(t: number, kind: number, agent: Agent | null = null, token = 0, call: Call | null = null, q = -1, callerNo = -1, reason = "", end = 0): Ev {
  return { t, seq: 0, kind, q, callerNo, call, agent, token, reason, end };
}

/** Counts and sums of one queue in one replication, and a call record (the engine's public types). */
export type Tally = QueueTally;
export type CallRecord = SimCall;

export interface State {
  s: Scenario;
  /**
   * Random streams, forked in this order from the replication's generator: answers (one uniform
   * per call presented), redials (decision, delay, and the redialled call's patience and talk),
   * other draws (which party hung up), then per queue its arrivals, patience and talk times.
   * Separate streams keep common random numbers between a baseline and a change: a caller keeps
   * its arrival instant, patience and talk time whatever the staffing does.
   */
  rngAnswer: Rng;
  rngRedial: Rng;
  rngMisc: Rng;
  rngArrival: Rng[];
  rngPatience: Rng[];
  rngTalk: Rng[];
  /** Per queue, the callback decisions (forked after every other stream, so scenarios without callbacks draw as before). */
  rngCallback: Rng[];
  /** Callbacks to make, per queue (oldest first), and how many wait. */
  callbacks: Call[][];
  nCallbacks: number;
  heap: EventHeap<Ev>;
  Q: number;
  waiting: Call[][];
  heads: number[];
  /** Calls in state WAITING, all queues. */
  nWaiting: number;
  /** Calls in state WAITING, per queue (a new call's position is its queue's count, itself included). */
  nWaitingQ: number[];
  /** Idle agents, longest idle first (idleSince, then index). */
  idle: Agent[];
  agents: Agent[];
  onCallAgents: Agent[];
  tallies: Tally[];
  /** Seconds by state index, all agents (reset at the end of the warm-up). */
  time: Float64Array;
  /** Agents in the order their accumulators were created (the key order of the per-agent times). */
  touched: Agent[];
  log: string[] | null;
  calls: CallRecord[] | null;
  callCounter: number;
  onCall: { activations: number; active_s: number; cost: number };
  onCallSince: Map<number, number>;
}

/** Moves an agent to a state, accumulating the time of the state it leaves; keeps the idle list. */
export function setStatus(st: State, a: Agent, to: number, t: number): void {
  const from = a.status;
  if (from !== OFF) {
    const d = t - a.since;
    st.time[from] += d;
    if (a.acc === null) {
      a.acc = new Float64Array(6);
      st.touched.push(a);
    }
    a.acc[from] += d;
  }
  if (from === IDLE) {
    const idle = st.idle;
    idle.splice(idle.indexOf(a), 1);
  }
  a.status = to;
  a.since = t;
  if (to === IDLE) {
    a.idleSince = t;
    const idle = st.idle;
    let j = idle.length;
    while (j > 0 && idle[j - 1]!.idleSince === t && idle[j - 1]!.idx > a.idx) j--;
    idle.splice(j, 0, a);
  }
}

/** The first call still waiting in queue q (skipping calls that left), or null. */
export function headOf(st: State, q: number): Call | null {
  const list = st.waiting[q]!;
  const heads = st.heads;
  let h = heads[q]!;
  while (h < list.length && (list[h]!.state !== WAITING || list[h]!.line !== q)) h++;
  if (h > 1024 && h * 2 > list.length) {
    list.splice(0, h);
    h = 0;
  }
  heads[q] = h;
  return h < list.length ? list[h]! : null;
}

/**
 * Offers waiting calls to idle agents, longest idle first; each agent takes the oldest call of
 * its best-priority skill that has one. Draws one uniform per call presented (answer or not).
 */
export function dispatch(st: State, t: number): void {
  const idle = st.idle;
  let i = 0;
  while ((st.nWaiting > 0 || st.nCallbacks > 0) && i < idle.length) {
    const a = idle[i]!;
    let best: Call | null = null;
    let bestPriority = Infinity;
    const qs = a.skillQ, ps = a.skillP;
    for (let k = 0; k < qs.length; k++) {
      const p = ps[k]!;
      if (p > bestPriority) break;
      const c = headOf(st, qs[k]!);
      if (c !== null && (p < bestPriority || c.arrival < best!.arrival)) {
        best = c;
        bestPriority = p;
      }
    }
    if (best === null && st.nCallbacks > 0) best = callbackFor(st, a);
    if (best === null) {
      i++;
      continue;
    }
    best.state = C_RINGING;
    best.agent = a;
    if (!best.isCallback) {
      st.heads[best.line]!++;
      st.nWaiting--;
      st.nWaitingQ[best.line]!--;
    }
    a.call = best;
    a.token++;
    setStatus(st, a, RINGING, t); // leaves the idle list: the next agent is now at i
    const s = st.s;
    if (st.rngAnswer.uniform() < a.answerP) st.heap.push(ev(t + s.ring_s, CONNECT, a, a.token));
    else st.heap.push(ev(t + s.ring_timeout_s, RNA, a, a.token));
  }
}

/** Takes the oldest callback of the agent's best-priority skill that has one (no live call waits for it). */
function callbackFor(st: State, a: Agent): Call | null {
  let bestK = -1, bestP = Infinity;
  for (let k = 0; k < a.skillQ.length; k++) {
    const p = a.skillP[k]!;
    if (p > bestP) break;
    const list = st.callbacks[a.skillQ[k]!]!;
    if (list.length && (bestK < 0 || list[0]!.arrival < st.callbacks[a.skillQ[bestK]!]![0]!.arrival)) {
      bestK = k;
      bestP = p;
    }
  }
  if (bestK < 0) return null;
  st.nCallbacks--;
  return st.callbacks[a.skillQ[bestK]!]!.shift()!;
}

/** The call's uniqueid (`<epoch second of arrival>.<sequence>`). */
export function callId(st: State, c: Call): string {
  return `${Math.floor(st.s.start_epoch_s + c.arrival)}.${c.no}`;
}

/** The caller's number (`555` and seven digits). */
export function callerOf(c: Call): string {
  return `555${String(c.callerNo).padStart(7, "0")}`;
}

/** Appends a queue_log line (only call when `st.log` is set). */
export function write(st: State, t: number, callId: string, queue: string, agent: string, event: string, ...data: (string | number)[]): void {
  st.log!.push([Math.floor(st.s.start_epoch_s + t), callId, queue, agent, event, ...data].join("|"));
}

/** Tallies a call that ended (after the warm-up) and keeps its record when asked. */
export function record(st: State, c: Call, outcome: CallRecord["outcome"], t: number, talk: number | null, agent: Agent | null): void {
  const s = st.s;
  const wait = (outcome === "answered" ? c.answeredAt : t) - c.arrival;
  if (c.arrival >= s.warmup_s) {
    const g = st.tallies[c.q]!;
    g.offered++;
    if (c.redial) g.redials++;
    g.wait_all_s += wait;
    if (c.queued) g.waited++;
    if (outcome === "answered") {
      g.answered++;
      g.wait_answered_s += wait;
      g.talk_s += talk ?? 0;
      if (wait <= s.threshold_s) g.answered_within++;
    } else if (outcome === "abandoned") {
      g.abandoned++;
      if (wait <= s.threshold_s) g.abandoned_within++;
      if (wait <= s.short_abandon_s) g.short_abandoned++;
    } else {
      g.timeouts++;
    }
  }
  if (st.calls) {
    st.calls.push({
      call_id: callId(st, c), queue: s.queues[c.q]!.name, arrival_s: c.arrival, outcome, wait_s: wait,
      answered_at_s: outcome === "answered" ? c.answeredAt : null, talk_s: talk, agent: agent?.name ?? null,
    });
  }
}
