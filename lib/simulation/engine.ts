/**
 * The discrete-event contact-center simulator: time-varying Poisson arrivals, skills with
 * priorities, longest-idle-agent routing, exponential patience, timeouts, ring-no-answer,
 * wrap-up, shifts, breaks and an on-call (standby) pool. One replication per call.
 *
 * @module
 */
import { EventHeap } from "./_heap.ts";
import { breakEnd, breakStart, maybeCallIn, shiftEnd, shiftStart } from "./_sim_agents.ts";
import { arrival, arrivalPlans, connect, leave, offerCallback, overflow, ringNoAnswer, scheduleArrival, talkEnd, wrapEnd } from "./_sim_calls.ts";
import {
  type Agent, ARRIVAL, BREAK_END, BREAK_START, C_TALKING, CALLBACK_OFFER, CONNECT, DONE, OVERFLOW, ev, type Ev, OFF, ONCALL_END, PATIENCE, RNA, SHIFT_END, SHIFT_START, type State,
  IDLE, PAUSED, RINGING, TALK_END, TALKING, TIMEOUT, WAITING, WARMUP, WRAP, WRAP_END,
} from "./_sim_state.ts";
import type { Scenario } from "./config.ts";
import type { Rng } from "./rng.ts";

/** A simulated call, as recorded when it ends. Times are seconds from simulation start. */
export interface SimCall {
  call_id: string;
  queue: string;
  arrival_s: number;
  /** `callback`: the caller took a callback offer and left the live line. */
  outcome: "answered" | "abandoned" | "timeout" | "callback";
  wait_s: number;
  answered_at_s: number | null;
  talk_s: number | null;
  agent: string | null;
}

/** Counts and sums of one queue in one replication (calls arriving after the warm-up). */
export interface QueueTally {
  queue: string;
  offered: number;
  answered: number;
  abandoned: number;
  timeouts: number;
  /** Calls that had to queue: no agent could take them on arrival (ring time aside). */
  waited: number;
  answered_within: number;
  abandoned_within: number;
  /** Abandoned with wait ≤ S (the scenario's `short_abandon_s`): they leave V2's denominator. */
  short_abandoned: number;
  wait_answered_s: number;
  wait_all_s: number;
  talk_s: number;
  /** Calls still waiting or ringing at the horizon (not offered yet). */
  open: number;
  /**
   * Calls answered and still talking at the horizon: counted as offered and answered (their wait
   * is known; OPERATIONS.md §1), their talk left out of `talk_s` (AHT = talk_s / (answered − these)).
   */
  answered_talk_open: number;
  /** Offered calls that were redials of an abandoned call. */
  redials: number;
  /** Callers who took a callback (left the live line; not in `offered`), callbacks made, their delay (s) and those left at the horizon. */
  callbacks: number;
  callbacks_served: number;
  callback_delay_s: number;
  callbacks_pending: number;
}

/** Output of one replication. */
export interface Replication {
  queues: QueueTally[];
  /** Agent time by state over the horizon, seconds (all agents). */
  agent_time_s: { talking: number; wrap: number; idle: number; ringing: number; paused: number };
  /** The same per agent (`Agent/<id>`), seconds: the truth an agent-state report is checked against. */
  agent_time_by_agent_s: Record<string, { talking: number; wrap: number; idle: number; ringing: number; paused: number }>;
  calls: SimCall[];
  /** Asterisk queue_log lines, when asked for. */
  queue_log: string[];
  /** Events processed (for benchmarks). */
  events: number;
  /** On-call pool use: activations, agent-seconds logged in, and cost. */
  on_call: { activations: number; active_s: number; cost: number };
}

/**
 * Runs one replication of a scenario.
 *
 * @param s a validated scenario
 * @param rng the replication's random stream
 * @param options `queue_log`: also write Asterisk queue_log lines; `calls`: keep call records.
 *   Neither changes the numbers: the same seed gives the same tallies with or without them.
 * @returns tallies per queue, agent time by state, optional calls and queue_log
 * Source: Law, "Simulation Modeling and Analysis" (5th ed., 2015) ch. 1–2 (next-event time
 *   advance); Asterisk "Queue Logs" for the events written.
 */
export function simulateReplication(s: Scenario, rng: Rng, options: { queue_log?: boolean; calls?: boolean } = {}): Replication {
  const st = createState(s, rng, options);
  const plans = arrivalPlans(s);
  scheduleShifts(st);
  for (let q = 0; q < st.Q; q++) scheduleArrival(st, plans, q, 0);
  if (s.warmup_s > 0) st.heap.push(ev(s.warmup_s, WARMUP));
  const heap = st.heap;
  const horizon = s.horizon_s;
  const onCall = s.on_call !== undefined;
  let events = 0;
  for (let e = heap.pop(); e !== undefined && e.t <= horizon; e = heap.pop()) {
    const now = e.t;
    events++;
    handle(st, plans, e, now);
    if (onCall) maybeCallIn(st, now);
  }
  return closeBooks(st, events);
}

function handle(st: State, plans: ReturnType<typeof arrivalPlans>, e: Ev, now: number): void {
  switch (e.kind) {
    case ARRIVAL:
      return arrival(st, plans, e, now);
    case PATIENCE:
    case TIMEOUT:
      return leave(st, e, now);
    case CONNECT:
      return connect(st, e, now);
    case RNA:
      return ringNoAnswer(st, e, now);
    case TALK_END:
      return talkEnd(st, e, now);
    case WRAP_END:
      return wrapEnd(st, e, now);
    case SHIFT_START:
      return shiftStart(st, e.agent!, now);
    case SHIFT_END:
      return shiftEnd(st, e.agent!, now, false);
    case ONCALL_END:
      return shiftEnd(st, e.agent!, now, true);
    case BREAK_START:
      return breakStart(st, e.agent!, now, e.reason, e.end);
    case BREAK_END:
      return breakEnd(st, e.agent!, now);
    case CALLBACK_OFFER:
      return offerCallback(st, e, now);
    case OVERFLOW:
      return overflow(st, e, now);
    case WARMUP: {
      // Agent time counts from the end of the warm-up, like the calls.
      st.time.fill(0);
      for (const a of st.agents) a.since = now;
      return;
    }
  }
}

function createState(s: Scenario, rng: Rng, options: { queue_log?: boolean; calls?: boolean }): State {
  const agents: Agent[] = s.agents.map((a, idx) => {
    const skills = Object.entries(a.skills).map(([q, p]) => [s.queues.findIndex((x) => x.name === q), p] as [number, number])
      .sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    return {
      idx, id: a.id, name: `Agent/${a.id}`, skillQ: skills.map((x) => x[0]), skillP: skills.map((x) => x[1]),
      status: OFF, since: 0, idleSince: 0, call: null, token: 0, logoffPending: false, pause: null,
      answerP: a.answer_probability, onCall: a.on_call, onCallActive: false, loggedIn: false, breaks: [],
      windows: a.on_call && a.shifts ? [...a.shifts].sort((x, y) => x.start_s - y.start_s) : null, acc: null,
    };
  });
  const rngAnswer = rng.fork(), rngRedial = rng.fork(), rngMisc = rng.fork();
  const rngArrival: Rng[] = [], rngPatience: Rng[] = [], rngTalk: Rng[] = [];
  for (let q = 0; q < s.queues.length; q++) {
    rngArrival.push(rng.fork());
    rngPatience.push(rng.fork());
    rngTalk.push(rng.fork());
  }
  // Forked after every other stream: a scenario without callbacks draws exactly as before they existed.
  const rngCallback = s.queues.map(() => rng.fork());
  return {
    s, rngAnswer, rngRedial, rngMisc, rngArrival, rngPatience, rngTalk, rngCallback, callbacks: s.queues.map(() => []), nCallbacks: 0, heap: new EventHeap<Ev>(), Q: s.queues.length, waiting: s.queues.map(() => []), heads: s.queues.map(() => 0), nWaiting: 0, nWaitingQ: s.queues.map(() => 0),
    idle: [], agents, onCallAgents: agents.filter((a) => a.onCall),
    tallies: s.queues.map((q) => ({
      queue: q.name, offered: 0, answered: 0, abandoned: 0, timeouts: 0, waited: 0, answered_within: 0,
      abandoned_within: 0, short_abandoned: 0, wait_answered_s: 0, wait_all_s: 0, talk_s: 0, open: 0, answered_talk_open: 0, redials: 0,
      callbacks: 0, callbacks_served: 0, callback_delay_s: 0, callbacks_pending: 0,
    })),
    time: new Float64Array(6), touched: [], log: options.queue_log ? [] : null, calls: options.calls ? [] : null, callCounter: 0,
    onCall: { activations: 0, active_s: 0, cost: 0 }, onCallSince: new Map(),
  };
}

/** Shifts (overlapping or back-to-back ones merged into one working period) and breaks of the scheduled agents. */
function scheduleShifts(st: State): void {
  const s = st.s;
  s.agents.forEach((cfg, i) => {
    const a = st.agents[i]!;
    if (a.onCall) return; // called in by the on-call policy only
    const shifts: { start_s: number; end_s: number }[] = [];
    for (const sh of [...(cfg.shifts ?? [{ start_s: 0, end_s: s.horizon_s }])].sort((x, y) => x.start_s - y.start_s)) {
      const last = shifts[shifts.length - 1];
      if (last && sh.start_s <= last.end_s) last.end_s = Math.max(last.end_s, sh.end_s);
      else shifts.push({ ...sh });
    }
    for (const sh of shifts) {
      st.heap.push(ev(sh.start_s, SHIFT_START, a));
      st.heap.push(ev(sh.end_s, SHIFT_END, a));
    }
    for (const b of cfg.breaks) st.heap.push(ev(b.start_s, BREAK_START, a, 0, null, -1, -1, b.reason ?? "break", b.end_s));
    a.breaks = cfg.breaks.map((b) => ({ start: b.start_s, end: b.end_s, reason: b.reason ?? "break" }));
  });
}

type Times = Replication["agent_time_s"];
const times = (acc: Float64Array): Times => ({ talking: acc[TALKING]!, wrap: acc[WRAP]!, idle: acc[IDLE]!, ringing: acc[RINGING]!, paused: acc[PAUSED]! });

/** Closes the books at the horizon: calls in progress are open (or answered, talk open); agent time up to the horizon. */
function closeBooks(st: State, events: number): Replication {
  const s = st.s;
  for (const [, since] of st.onCallSince) st.onCall.active_s += s.horizon_s - since;
  if (s.on_call) st.onCall.cost = st.onCall.activations * s.on_call.cost_per_activation + (st.onCall.active_s / 3600) * s.on_call.cost_per_hour;
  for (const a of st.agents) {
    if (a.status === OFF) continue;
    st.time[a.status] += s.horizon_s - a.since;
    if (a.acc === null) {
      a.acc = new Float64Array(6);
      st.touched.push(a);
    }
    a.acc[a.status] += s.horizon_s - a.since;
  }
  const byAgent: Replication["agent_time_by_agent_s"] = Object.create(null);
  for (const a of st.touched) byAgent[a.name] = times(a.acc!);
  for (let q = 0; q < st.Q; q++) {
    const list = st.waiting[q]!;
    for (let i = st.heads[q]!; i < list.length; i++) {
      const c = list[i]!;
      if (c.state === WAITING && c.line === q && c.arrival >= s.warmup_s) st.tallies[c.q]!.open++;
    }
  }
  for (let q = 0; q < st.Q; q++) st.tallies[q]!.callbacks_pending += st.callbacks[q]!.filter((c) => c.arrival >= s.warmup_s).length;
  for (const a of st.agents) {
    const c = a.call;
    if (!c || c.arrival < s.warmup_s || c.state === DONE) continue;
    const g = st.tallies[c.q]!;
    if (c.isCallback) {
      g.callbacks_pending++;
      continue;
    }
    if (c.state !== C_TALKING) {
      g.open++;
      continue;
    }
    // Answered, talk still open: answered with its wait, as ingest counts the log it wrote.
    const wait = c.answeredAt - c.arrival;
    g.offered++;
    g.answered++;
    g.answered_talk_open++;
    g.wait_all_s += wait;
    g.wait_answered_s += wait;
    if (wait <= s.threshold_s) g.answered_within++;
    if (c.queued) g.waited++;
    if (c.redial) g.redials++;
  }
  return { queues: st.tallies, agent_time_s: times(st.time), agent_time_by_agent_s: byAgent, calls: st.calls ?? [], queue_log: st.log ?? [], events, on_call: st.onCall };
}
