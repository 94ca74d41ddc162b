/**
 * Private: calls in the simulator — arrivals (piecewise-constant Poisson), patience and timeouts,
 * connect, ring-no-answer, talk end and wrap-up.
 *
 * @module
 */
import { available } from "./_sim_agents.ts";
import {
  ARRIVAL, C_RINGING, CALLBACK_OFFER, OVERFLOW, C_TALKING, type Call, callerOf, callId, dispatch, DONE, ev, type Ev, PATIENCE, record, setStatus,
  type State, TALK_END, TALKING, TIMEOUT, WAITING, WRAP, WRAP_END, write,
} from "./_sim_state.ts";
import type { Scenario } from "./config.ts";
import type { Rng } from "./rng.ts";

/** Per queue, precomputed for the arrival clock: interval length (s) and whether any interval has calls. */
export interface ArrivalPlan {
  w: number;
  any: boolean;
}

export function arrivalPlans(s: Scenario): ArrivalPlan[] {
  return s.queues.map((q) => {
    const arr = q.arrivals;
    return "rate_per_hour" in arr ? { w: 0, any: arr.rate_per_hour > 0 } : { w: arr.interval_minutes * 60, any: arr.calls_per_interval.some((c) => c > 0) };
  });
}

/**
 * Schedules queue q's next arrival after `from`. Piecewise-constant rates step interval by
 * interval (by index, so rounding cannot stall); memorylessness lets each interval restart the
 * exponential clock at its boundary. All-zero rates mean no call at all.
 */
export function scheduleArrival(st: State, plans: ArrivalPlan[], q: number, from: number): void {
  const s = st.s;
  const arr = s.queues[q]!.arrivals;
  if ("rate_per_hour" in arr) {
    const t = arr.rate_per_hour > 0 ? from + st.rngArrival[q]!.exponential(3600 / arr.rate_per_hour) : Infinity;
    if (t < s.horizon_s) st.heap.push(ev(t, ARRIVAL, null, 0, null, q));
    return;
  }
  const plan = plans[q]!;
  if (!plan.any) return;
  const w = plan.w;
  const counts = arr.calls_per_interval;
  const rng = st.rngArrival[q]!;
  let i = Math.floor(from / w);
  let t = from;
  while (t < s.horizon_s) {
    const rate = counts[i % counts.length]! / w;
    const until = (i + 1) * w;
    const gap = rate > 0 ? rng.exponential(1 / rate) : Infinity;
    if (t + gap < until) {
      if (t + gap < s.horizon_s) st.heap.push(ev(t + gap, ARRIVAL, null, 0, null, q));
      return;
    }
    i++;
    t = until;
  }
}

function drawPatience(rng: Rng, q: Scenario["queues"][number]): number {
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
}

function drawTalk(rng: Rng, q: Scenario["queues"][number]): number {
  return q.service === "lognormal" ? rng.lognormal(q.aht_s, q.service_cv) : rng.exponential(q.aht_s);
}

export function arrival(st: State, plans: ArrivalPlan[], e: Ev, now: number): void {
  const q = st.s.queues[e.q]!;
  const no = ++st.callCounter;
  const redial = e.callerNo >= 0;
  // A first call draws from its queue's streams, a redial from the redial stream: the first calls keep their draws in every run.
  const talk = drawTalk(redial ? st.rngRedial : st.rngTalk[e.q]!, q);
  const acceptsCallback = q.callback !== undefined && (redial ? st.rngRedial : st.rngCallback[e.q]!).uniform() < q.callback.acceptance;
  const c: Call = {
    no, callerNo: redial ? e.callerNo : no, queued: false, redial, q: e.q, line: e.q, arrival: now, state: WAITING, position: 0, answeredAt: 0, agent: null, talk,
    acceptsCallback, isCallback: false,
  };
  const list = st.waiting[e.q]!;
  list.push(c);
  st.nWaiting++;
  c.position = ++st.nWaitingQ[e.q]!;
  if (st.log) write(st, now, callId(st, c), q.name, "NONE", "ENTERQUEUE", "", callerOf(c), c.position);
  if (q.patience_s !== null) st.heap.push(ev(now + drawPatience(redial ? st.rngRedial : st.rngPatience[e.q]!, q), PATIENCE, null, 0, c));
  if (q.timeout_s !== null) st.heap.push(ev(now + q.timeout_s, TIMEOUT, null, 0, c));
  if (acceptsCallback) st.heap.push(ev(now + q.callback!.offer_after_s, CALLBACK_OFFER, null, 0, c));
  if (q.overflow) st.heap.push(ev(now + q.overflow.after_s, OVERFLOW, null, 0, c));
  if (!redial) scheduleArrival(st, plans, e.q, now);
  dispatch(st, now);
  if (c.state === WAITING) c.queued = true;
}

/** A caller's patience ran out, or the queue's timeout: the call leaves (a ringing agent stops ringing). */
export function leave(st: State, e: Ev, now: number): void {
  const c = e.call!;
  if (c.state !== WAITING && c.state !== C_RINGING) return;
  const s = st.s;
  const qname = s.queues[c.q]!.name;
  if (c.state === C_RINGING) {
    const a = c.agent!;
    a.token++;
    if (st.log) write(st, now, callId(st, c), qname, a.name, "RINGCANCELED", Math.round((now - a.since) * 1000));
    available(st, a, now);
  } else {
    st.nWaiting--;
    st.nWaitingQ[c.line]!--;
  }
  c.state = DONE;
  const abandoned = e.kind === PATIENCE;
  if (st.log) write(st, now, callId(st, c), qname, "NONE", abandoned ? "ABANDON" : "EXITWITHTIMEOUT", 1, c.position, Math.round(now - c.arrival));
  record(st, c, abandoned ? "abandoned" : "timeout", now, null, null);
  const redial = s.queues[c.q]!.redial;
  if (abandoned && redial && st.rngRedial.uniform() < redial.probability) {
    const t = now + st.rngRedial.exponential(redial.mean_delay_s);
    if (t < s.horizon_s) st.heap.push(ev(t, ARRIVAL, null, 0, null, c.q, c.callerNo));
  }
  dispatch(st, now);
}

/**
 * A caller still waiting when the callback is offered, who takes it: the live call leaves the
 * line (EXITWITHKEY, key 1) and a callback joins the queue's callback line.
 */
export function offerCallback(st: State, e: Ev, now: number): void {
  const c = e.call!;
  if (c.state !== WAITING) return;
  c.state = DONE;
  st.nWaiting--;
  st.nWaitingQ[c.line]!--;
  const qname = st.s.queues[c.q]!.name;
  if (st.log) write(st, now, callId(st, c), qname, "NONE", "EXITWITHKEY", 1, c.position, c.position, Math.round(now - c.arrival));
  if (c.arrival >= st.s.warmup_s) st.tallies[c.q]!.callbacks++;
  if (st.calls) st.calls.push({ call_id: callId(st, c), queue: qname, arrival_s: c.arrival, outcome: "callback", wait_s: now - c.arrival, answered_at_s: null, talk_s: null, agent: null });
  st.callbacks[c.q]!.push({ ...c, state: WAITING, arrival: now, queued: true, agent: null, isCallback: true, acceptsCallback: false, redial: false });
  st.nCallbacks++;
  dispatch(st, now);
}

/** A call still waiting in its own line after the overflow delay moves to the overflow queue's line, in arrival order. */
export function overflow(st: State, e: Ev, now: number): void {
  const c = e.call!;
  if (c.state !== WAITING || c.line !== c.q) return;
  const to = st.s.queues.findIndex((x) => x.name === st.s.queues[c.q]!.overflow!.to);
  st.nWaitingQ[c.q]!--;
  c.line = to;
  const list = st.waiting[to]!;
  let j = list.length;
  while (j > st.heads[to]! && list[j - 1]!.arrival > c.arrival) j--;
  list.splice(j, 0, c);
  st.nWaitingQ[to]!++;
  dispatch(st, now);
}

export function connect(st: State, e: Ev, now: number): void {
  const a = e.agent!;
  if (e.token !== a.token || !a.call) return;
  const c = a.call;
  c.state = C_TALKING;
  c.answeredAt = now;
  setStatus(st, a, TALKING, now);
  const q = st.s.queues[c.q]!;
  const talk = c.talk;
  if (st.log && !c.isCallback) {
    const id = callId(st, c);
    write(st, now, id, q.name, a.name, "CONNECT", Math.round(now - c.arrival), `${id}.1`, Math.round(st.s.ring_s));
  }
  st.heap.push(ev(now + talk, TALK_END, a, a.token));
}

export function ringNoAnswer(st: State, e: Ev, now: number): void {
  const a = e.agent!;
  if (e.token !== a.token || !a.call) return;
  const c = a.call;
  if (c.isCallback) {
    // A callback not answered by the agent goes back to the head of its line.
    c.state = WAITING;
    c.agent = null;
    st.callbacks[c.q]!.unshift(c);
    st.nCallbacks++;
    available(st, a, now);
    dispatch(st, now);
    return;
  }
  if (st.log) write(st, now, callId(st, c), st.s.queues[c.q]!.name, a.name, "RINGNOANSWER", Math.round(st.s.ring_timeout_s * 1000));
  c.state = WAITING;
  c.queued = true;
  c.agent = null;
  st.nWaiting++;
  st.nWaitingQ[c.line]!++;
  // Back to the head of its line (it keeps its arrival time).
  const h = st.heads[c.line]!;
  if (h > 0) st.waiting[c.line]![(st.heads[c.line] = h - 1)] = c;
  else st.waiting[c.line]!.unshift(c);
  available(st, a, now);
  dispatch(st, now);
}

export function talkEnd(st: State, e: Ev, now: number): void {
  const a = e.agent!;
  if (e.token !== a.token || !a.call) return;
  const c = a.call;
  c.state = DONE;
  const talk = now - c.answeredAt;
  const q = st.s.queues[c.q]!;
  if (c.isCallback) {
    if (c.arrival >= st.s.warmup_s) {
      st.tallies[c.q]!.callbacks_served++;
      st.tallies[c.q]!.callback_delay_s += c.answeredAt - c.arrival;
    }
    return afterCall(st, a, q.wrap_s, now);
  }
  // The uniform is drawn with or without a log, so a run's numbers do not depend on logging.
  const byCaller = st.rngMisc.uniform() < 0.5;
  if (st.log) write(st, now, callId(st, c), q.name, a.name, byCaller ? "COMPLETECALLER" : "COMPLETEAGENT", Math.round(c.answeredAt - c.arrival), Math.round(talk), c.position);
  record(st, c, "answered", now, talk, a);
  afterCall(st, a, q.wrap_s, now);
}

/** Wrap-up after a call, else available at once. */
function afterCall(st: State, a: Call["agent"] & object, wrap_s: number, now: number): void {
  if (wrap_s > 0) {
    setStatus(st, a, WRAP, now);
    st.heap.push(ev(now + wrap_s, WRAP_END, a, a.token));
  } else {
    available(st, a, now);
    dispatch(st, now);
  }
}

export function wrapEnd(st: State, e: Ev, now: number): void {
  const a = e.agent!;
  if (e.token !== a.token) return;
  available(st, a, now);
  dispatch(st, now);
}
