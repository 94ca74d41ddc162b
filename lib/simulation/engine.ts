/**
 * The discrete-event contact-center simulator: time-varying Poisson arrivals, skills with
 * priorities, longest-idle-agent routing, exponential patience, timeouts, ring-no-answer,
 * wrap-up, shifts, breaks and an on-call (standby) pool. One replication per call.
 *
 * @module
 */
import { EventHeap } from "./_heap.ts";
import type { Scenario } from "./config.ts";
import type { Rng } from "./rng.ts";

/** A simulated call, as recorded when it ends. Times are seconds from simulation start. */
export interface SimCall {
  call_id: string;
  queue: string;
  arrival_s: number;
  outcome: "answered" | "abandoned" | "timeout";
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

type AgentStatus = "off" | "idle" | "ringing" | "talking" | "wrap" | "paused";

interface Call {
  id: string;
  /** True when no agent could take the call at once (it queued), ring time aside. */
  queued: boolean;
  caller: string;
  redial: boolean;
  q: number;
  arrival: number;
  state: "waiting" | "ringing" | "talking" | "done";
  position: number;
  answeredAt: number;
}

interface Agent {
  idx: number;
  id: string;
  name: string;
  skills: [number, number][]; // [queue index, priority], by priority
  status: AgentStatus;
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
}

type Ev =
  | { t: number; seq: number; kind: "arrival"; q: number; caller?: string }
  | { t: number; seq: number; kind: "warmup" }
  | { t: number; seq: number; kind: "patience" | "timeout"; call: Call }
  | { t: number; seq: number; kind: "connect" | "rna" | "talk_end" | "wrap_end"; agent: Agent; token: number }
  | { t: number; seq: number; kind: "shift_start" | "shift_end" | "break_end" | "oncall_end"; agent: Agent }
  | { t: number; seq: number; kind: "break_start"; agent: Agent; reason: string; end: number };

/**
 * Runs one replication of a scenario.
 *
 * @param s a validated scenario
 * @param rng the replication's random stream
 * @param options `queue_log`: also write Asterisk queue_log lines; `calls`: keep call records
 * @returns tallies per queue, agent time by state, optional calls and queue_log
 * Source: Law, "Simulation Modeling and Analysis" (5th ed., 2015) ch. 1–2 (next-event time
 *   advance); Asterisk "Queue Logs" for the events written.
 */
export function simulateReplication(s: Scenario, rng: Rng, options: { queue_log?: boolean; calls?: boolean } = {}): Replication {
  const heap = new EventHeap<Ev>();
  const Q = s.queues.length;
  const waiting: Call[][] = s.queues.map(() => []);
  const heads = new Array<number>(Q).fill(0);
  const log: string[] = [];
  const calls: SimCall[] = [];
  const tallies: QueueTally[] = s.queues.map((q) => ({
    queue: q.name, offered: 0, answered: 0, abandoned: 0, timeouts: 0, waited: 0, answered_within: 0,
    abandoned_within: 0, short_abandoned: 0, wait_answered_s: 0, wait_all_s: 0, talk_s: 0, open: 0, answered_talk_open: 0, redials: 0,
  }));
  const onCall = { activations: 0, active_s: 0, cost: 0 };
  const onCallSince = new Map<number, number>();
  const time = { talking: 0, wrap: 0, idle: 0, ringing: 0, paused: 0 };
  const byAgent: Replication["agent_time_by_agent_s"] = Object.create(null);
  const T = s.threshold_s;
  const S = s.short_abandon_s;
  const epoch = s.start_epoch_s;
  let callCounter = 0;
  let events = 0;
  const stamp = (t: number) => Math.floor(epoch + t);
  const write = (t: number, callId: string, queue: string, agent: string, event: string, ...data: (string | number)[]) => {
    if (options.queue_log) log.push([stamp(t), callId, queue, agent, event, ...data].join("|"));
  };

  const agents: Agent[] = s.agents.map((a, idx) => ({
    idx, id: a.id, name: `Agent/${a.id}`,
    skills: Object.entries(a.skills).map(([q, p]) => [s.queues.findIndex((x) => x.name === q), p] as [number, number]).sort((x, y) => x[1] - y[1] || x[0] - y[0]),
    status: "off", since: 0, idleSince: 0, call: null, token: 0, logoffPending: false, pause: null,
    answerP: a.answer_probability, onCall: a.on_call, onCallActive: false, loggedIn: false, breaks: [],
    windows: a.on_call && a.shifts ? [...a.shifts].sort((x, y) => x.start_s - y.start_s) : null,
  }));
  const setStatus = (a: Agent, st: AgentStatus, t: number) => {
    if (a.status !== "off") {
      time[a.status] += t - a.since;
      (byAgent[a.name] ??= { talking: 0, wrap: 0, idle: 0, ringing: 0, paused: 0 })[a.status] += t - a.since;
    }
    a.status = st;
    a.since = t;
    if (st === "idle") a.idleSince = t;
  };

  // Shifts and breaks.
  s.agents.forEach((cfg, i) => {
    const a = agents[i]!;
    if (a.onCall) return; // called in by the on-call policy only
    // Overlapping or back-to-back shifts are one working period.
    const shifts: { start_s: number; end_s: number }[] = [];
    for (const sh of [...(cfg.shifts ?? [{ start_s: 0, end_s: s.horizon_s }])].sort((x, y) => x.start_s - y.start_s)) {
      const last = shifts[shifts.length - 1];
      if (last && sh.start_s <= last.end_s) last.end_s = Math.max(last.end_s, sh.end_s);
      else shifts.push({ ...sh });
    }
    for (const sh of shifts) {
      heap.push({ t: sh.start_s, kind: "shift_start", agent: a });
      heap.push({ t: sh.end_s, kind: "shift_end", agent: a });
    }
    for (const b of cfg.breaks) heap.push({ t: b.start_s, kind: "break_start", agent: a, reason: b.reason ?? "break", end: b.end_s });
    a.breaks = cfg.breaks.map((b) => ({ start: b.start_s, end: b.end_s, reason: b.reason ?? "break" }));
  });

  // Arrivals: piecewise-constant Poisson rates; memorylessness lets us restart at each boundary.
  const scheduleArrival = (q: number, from: number) => {
    const arr = s.queues[q]!.arrivals;
    if ("rate_per_hour" in arr) {
      const t = arr.rate_per_hour > 0 ? from + rng.exponential(3600 / arr.rate_per_hour) : Infinity;
      if (t < s.horizon_s) heap.push({ t, kind: "arrival", q });
      return;
    }
    // Piecewise-constant rates: step interval by interval (by index, so rounding cannot stall);
    // memorylessness lets each interval restart the exponential clock at its boundary. All-zero
    // rates mean no call at all (stepping through a long horizon of empty intervals hung).
    if (!arr.calls_per_interval.some((c) => c > 0)) return;
    const w = arr.interval_minutes * 60;
    let i = Math.floor(from / w);
    let t = from;
    while (t < s.horizon_s) {
      const rate = arr.calls_per_interval[i % arr.calls_per_interval.length]! / w;
      const until = (i + 1) * w;
      const gap = rate > 0 ? rng.exponential(1 / rate) : Infinity;
      if (t + gap < until) {
        if (t + gap < s.horizon_s) heap.push({ t: t + gap, kind: "arrival", q });
        return;
      }
      i++;
      t = until;
    }
  };
  for (let q = 0; q < Q; q++) scheduleArrival(q, 0);
  if (s.warmup_s > 0) heap.push({ t: s.warmup_s, kind: "warmup" });

  const drawPatience = (q: Scenario["queues"][number]): number => {
    switch (q.patience_distribution) {
      case "lognormal":
        return rng.lognormal(q.patience_s!, q.patience_cv);
      case "empirical": {
        const samples = q.patience_samples_s!;
        return samples[rng.integer(samples.length)]!;
      }
      default:
        return rng.exponential(q.patience_s!);
    }
  };
  const record = (c: Call, outcome: SimCall["outcome"], t: number, talk: number | null, agent: Agent | null) => {
    const wait = (outcome === "answered" ? c.answeredAt : t) - c.arrival;
    if (c.arrival >= s.warmup_s) {
      const g = tallies[c.q]!;
      g.offered++;
      if (c.redial) g.redials++;
      g.wait_all_s += wait;
      if (c.queued) g.waited++;
      if (outcome === "answered") {
        g.answered++;
        g.wait_answered_s += wait;
        g.talk_s += talk ?? 0;
        if (wait <= T) g.answered_within++;
      } else if (outcome === "abandoned") {
        g.abandoned++;
        if (wait <= T) g.abandoned_within++;
        if (wait <= S) g.short_abandoned++;
      } else {
        g.timeouts++;
      }
    }
    if (options.calls) {
      calls.push({
        call_id: c.id, queue: s.queues[c.q]!.name, arrival_s: c.arrival, outcome, wait_s: wait,
        answered_at_s: outcome === "answered" ? c.answeredAt : null, talk_s: talk, agent: agent?.name ?? null,
      });
    }
  };

  const waitingCount = () => {
    let n = 0;
    for (let q = 0; q < Q; q++) n += waiting[q]!.length - heads[q]!;
    return n;
  };
  const headOf = (q: number): Call | null => {
    const list = waiting[q]!;
    while (heads[q]! < list.length && list[heads[q]!]!.state !== "waiting") heads[q]!++;
    if (heads[q]! > 1024 && heads[q]! * 2 > list.length) {
      list.splice(0, heads[q]!);
      heads[q] = 0;
    }
    return heads[q]! < list.length ? list[heads[q]!]! : null;
  };

  const dispatch = (t: number) => {
    const idle = agents.filter((a) => a.status === "idle").sort((x, y) => x.idleSince - y.idleSince || x.idx - y.idx);
    for (const a of idle) {
      let best: Call | null = null;
      let bestPriority = Infinity;
      for (const [q, p] of a.skills) {
        if (p > bestPriority) break;
        const c = headOf(q);
        if (c && (p < bestPriority || c.arrival < best!.arrival)) {
          best = c;
          bestPriority = p;
        }
      }
      if (!best) continue;
      best.state = "ringing";
      heads[best.q]!++;
      a.call = best;
      a.token++;
      setStatus(a, "ringing", t);
      if (rng.uniform() < a.answerP) heap.push({ t: t + s.ring_s, kind: "connect", agent: a, token: a.token });
      else heap.push({ t: t + s.ring_timeout_s, kind: "rna", agent: a, token: a.token });
    }
  };

  const login = (a: Agent, t: number) => {
    a.logoffPending = false; // a shift starting as another ends continues the working period
    if (a.loggedIn) return;
    a.loggedIn = true;
    a.logoffPending = false;
    write(t, "NONE", "NONE", a.name, "AGENTLOGIN", a.id);
    for (const [q] of a.skills) write(t, "NONE", s.queues[q]!.name, a.name, "ADDMEMBER", "");
    setStatus(a, "idle", t);
  };
  const logoff = (a: Agent, t: number) => {
    const since = onCallSince.get(a.idx);
    if (since !== undefined) {
      onCall.active_s += t - since;
      onCallSince.delete(a.idx);
    }
    for (const [q] of a.skills) write(t, "NONE", s.queues[q]!.name, a.name, "REMOVEMEMBER", "");
    write(t, "NONE", "NONE", a.name, "AGENTLOGOFF", a.id, Math.round(t));
    setStatus(a, "off", t);
    a.loggedIn = false;
    a.logoffPending = false;
    a.onCallActive = false;
  };
  const available = (a: Agent, t: number) => {
    a.call = null;
    if (a.logoffPending) return logoff(a, t);
    if (a.pause && a.pause.end > t) {
      write(t, "NONE", "NONE", a.name, "PAUSE", a.pause.reason);
      return setStatus(a, "paused", t);
    }
    a.pause = null;
    setStatus(a, "idle", t);
  };
  const oldestWait = (t: number) => {
    let oldest = Infinity;
    for (let q = 0; q < Q; q++) {
      const c = headOf(q);
      if (c) oldest = Math.min(oldest, c.arrival);
    }
    return oldest === Infinity ? 0 : t - oldest;
  };
  const triggered = (t: number) => {
    const oc = s.on_call!;
    return (oc.queue_threshold !== undefined && waitingCount() >= oc.queue_threshold) ||
      (oc.oldest_wait_s !== undefined && oldestWait(t) >= oc.oldest_wait_s);
  };
  /** The end of the standby window of `a` in which a call-in at `t` would log in (activation delay included); null: none. */
  const windowEnd = (a: Agent, t: number): number | null => {
    if (!a.windows) return Infinity;
    const login = t + s.on_call!.activation_delay_s;
    const w = a.windows.find((x) => x.start_s <= t && login < x.end_s);
    return w ? w.end_s : null;
  };
  const maybeCallIn = (t: number) => {
    if (!s.on_call || !triggered(t)) return;
    const standby = agents.find((a) => a.onCall && !a.onCallActive && windowEnd(a, t) !== null);
    if (!standby) return;
    const end = windowEnd(standby, t)!;
    standby.onCallActive = true;
    onCall.activations++;
    heap.push({ t: t + s.on_call.activation_delay_s, kind: "shift_start", agent: standby });
    heap.push({ t: Math.min(t + s.on_call.activation_delay_s + s.on_call.min_active_s, end), kind: "oncall_end", agent: standby });
  };

  let now = 0;
  for (let e = heap.pop(); e && e.t <= s.horizon_s; e = heap.pop()) {
    now = e.t;
    events++;
    switch (e.kind) {
      case "warmup": {
        // Agent time counts from the end of the warm-up, like the calls.
        for (const k of Object.keys(time) as (keyof typeof time)[]) time[k] = 0;
        for (const a of agents) a.since = now;
        break;
      }
      case "arrival": {
        const q = s.queues[e.q]!;
        ++callCounter;
        const caller = e.caller ?? `555${String(callCounter).padStart(7, "0")}`;
        const c: Call = { id: `${stamp(now)}.${callCounter}`, caller, queued: false, redial: e.caller !== undefined, q: e.q, arrival: now, state: "waiting", position: 0, answeredAt: 0 };
        waiting[e.q]!.push(c);
        c.position = waiting[e.q]!.length - heads[e.q]!;
        write(now, c.id, q.name, "NONE", "ENTERQUEUE", "", caller, c.position);
        if (q.patience_s !== null) heap.push({ t: now + drawPatience(q), kind: "patience", call: c });
        if (q.timeout_s !== null) heap.push({ t: now + q.timeout_s, kind: "timeout", call: c });
        if (e.caller === undefined) scheduleArrival(e.q, now);
        dispatch(now);
        if (c.state === "waiting") c.queued = true;
        break;
      }
      case "patience":
      case "timeout": {
        const c = e.call;
        if (c.state !== "waiting" && c.state !== "ringing") break;
        if (c.state === "ringing") {
          const a = agents.find((x) => x.call === c)!;
          a.token++;
          write(now, c.id, s.queues[c.q]!.name, a.name, "RINGCANCELED", Math.round((now - a.since) * 1000));
          available(a, now);
        }
        c.state = "done";
        const wait = now - c.arrival;
        write(now, c.id, s.queues[c.q]!.name, "NONE", e.kind === "patience" ? "ABANDON" : "EXITWITHTIMEOUT", 1, c.position, Math.round(wait));
        record(c, e.kind === "patience" ? "abandoned" : "timeout", now, null, null);
        const redial = s.queues[c.q]!.redial;
        if (e.kind === "patience" && redial && rng.uniform() < redial.probability) {
          const t = now + rng.exponential(redial.mean_delay_s);
          if (t < s.horizon_s) heap.push({ t, kind: "arrival", q: c.q, caller: c.caller });
        }
        dispatch(now);
        break;
      }
      case "connect": {
        const a = e.agent;
        if (e.token !== a.token || !a.call) break;
        const c = a.call;
        c.state = "talking";
        c.answeredAt = now;
        setStatus(a, "talking", now);
        const q = s.queues[c.q]!;
        const talk = q.service === "lognormal" ? rng.lognormal(q.aht_s, q.service_cv) : rng.exponential(q.aht_s);
        write(now, c.id, q.name, a.name, "CONNECT", Math.round(now - c.arrival), `${c.id}.1`, Math.round(s.ring_s));
        heap.push({ t: now + talk, kind: "talk_end", agent: a, token: a.token });
        break;
      }
      case "rna": {
        const a = e.agent;
        if (e.token !== a.token || !a.call) break;
        const c = a.call;
        write(now, c.id, s.queues[c.q]!.name, a.name, "RINGNOANSWER", Math.round(s.ring_timeout_s * 1000));
        c.state = "waiting";
        c.queued = true;
        // Back to the head of its queue (it keeps its arrival time).
        heads[c.q]!--;
        waiting[c.q]![heads[c.q]!] = c;
        available(a, now);
        dispatch(now);
        break;
      }
      case "talk_end": {
        const a = e.agent;
        if (e.token !== a.token || !a.call) break;
        const c = a.call;
        c.state = "done";
        const talk = now - c.answeredAt;
        const q = s.queues[c.q]!;
        write(now, c.id, q.name, a.name, rng.uniform() < 0.5 ? "COMPLETECALLER" : "COMPLETEAGENT", Math.round(c.answeredAt - c.arrival), Math.round(talk), c.position);
        record(c, "answered", now, talk, a);
        if (q.wrap_s > 0) {
          setStatus(a, "wrap", now);
          heap.push({ t: now + q.wrap_s, kind: "wrap_end", agent: a, token: a.token });
        } else {
          available(a, now);
          dispatch(now);
        }
        break;
      }
      case "wrap_end": {
        const a = e.agent;
        if (e.token !== a.token) break;
        available(a, now);
        dispatch(now);
        break;
      }
      case "shift_start": {
        const a = e.agent;
        if (a.onCall && !a.loggedIn) onCallSince.set(a.idx, now);
        login(a, now);
        // A break that began before the shift still applies for its remaining time.
        const active = a.breaks.find((b) => b.start < now && now < b.end);
        if (active && a.status === "idle") {
          a.pause = { reason: active.reason, end: active.end };
          write(now, "NONE", "NONE", a.name, "PAUSE", active.reason);
          setStatus(a, "paused", now);
          heap.push({ t: active.end, kind: "break_end", agent: a });
        }
        dispatch(now);
        break;
      }
      case "shift_end":
      case "oncall_end": {
        const a = e.agent;
        if (e.kind === "oncall_end" && s.on_call && triggered(now)) {
          // Stays while the trigger holds, never past the end of its standby window.
          const end = a.windows?.find((x) => x.start_s <= now && now < x.end_s)?.end_s ?? (a.windows ? null : Infinity);
          if (end !== null && end !== undefined && now < end) {
            heap.push({ t: Math.min(now + s.on_call.min_active_s, end), kind: "oncall_end", agent: a });
            break;
          }
        }
        if (!a.loggedIn) break;
        if (a.status === "idle" || a.status === "paused") {
          if (a.status === "paused") write(now, "NONE", "NONE", a.name, "UNPAUSE", "");
          logoff(a, now);
        } else {
          a.logoffPending = true;
        }
        break;
      }
      case "break_start": {
        const a = e.agent;
        if (!a.loggedIn) break;
        a.pause = { reason: e.reason, end: e.end };
        heap.push({ t: e.end, kind: "break_end", agent: a });
        if (a.status === "idle") {
          write(now, "NONE", "NONE", a.name, "PAUSE", e.reason);
          setStatus(a, "paused", now);
        }
        break;
      }
      case "break_end": {
        const a = e.agent;
        a.pause = null;
        if (a.status === "paused") {
          write(now, "NONE", "NONE", a.name, "UNPAUSE", "");
          setStatus(a, "idle", now);
          dispatch(now);
        }
        break;
      }
    }
    if (s.on_call) maybeCallIn(now);
  }
  // Close the books at the horizon: calls in progress are open; agent time up to the horizon.
  for (const [, since] of onCallSince) onCall.active_s += s.horizon_s - since;
  if (s.on_call) onCall.cost = onCall.activations * s.on_call.cost_per_activation + (onCall.active_s / 3600) * s.on_call.cost_per_hour;
  for (const a of agents) {
    if (a.status === "off") continue;
    time[a.status] += s.horizon_s - a.since;
    (byAgent[a.name] ??= { talking: 0, wrap: 0, idle: 0, ringing: 0, paused: 0 })[a.status] += s.horizon_s - a.since;
  }
  for (let q = 0; q < Q; q++) {
    for (let i = heads[q]!; i < waiting[q]!.length; i++) {
      const c = waiting[q]![i]!;
      if (c.state === "waiting" && c.arrival >= s.warmup_s) tallies[q]!.open++;
    }
  }
  for (const a of agents) {
    const c = a.call;
    if (!c || c.arrival < s.warmup_s || c.state === "done") continue;
    const g = tallies[c.q]!;
    if (c.state !== "talking") {
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
    if (wait <= T) g.answered_within++;
    if (c.queued) g.waited++;
    if (c.redial) g.redials++;
  }
  return { queues: tallies, agent_time_s: time, agent_time_by_agent_s: byAgent, calls, queue_log: log, events, on_call: onCall };
}
