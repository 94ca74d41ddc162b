/**
 * Private: agents' working periods in the simulator — login, logoff, becoming available, shifts,
 * breaks and the on-call (standby) pool.
 *
 * @module
 */
import {
  type Agent, BREAK_END, dispatch, ev, headOf, IDLE, ONCALL_END, PAUSED, setStatus, SHIFT_START, type State, write,
} from "./_sim_state.ts";

export function login(st: State, a: Agent, t: number): void {
  a.logoffPending = false; // a shift starting as another ends continues the working period
  if (a.loggedIn) return;
  a.loggedIn = true;
  if (st.log) {
    write(st, t, "NONE", "NONE", a.name, "AGENTLOGIN", a.id);
    for (const q of a.skillQ) write(st, t, "NONE", st.s.queues[q]!.name, a.name, "ADDMEMBER", "");
  }
  setStatus(st, a, IDLE, t);
}

export function logoff(st: State, a: Agent, t: number): void {
  const since = st.onCallSince.get(a.idx);
  if (since !== undefined) {
    st.onCall.active_s += t - since;
    st.onCallSince.delete(a.idx);
  }
  if (st.log) {
    for (const q of a.skillQ) write(st, t, "NONE", st.s.queues[q]!.name, a.name, "REMOVEMEMBER", "");
    write(st, t, "NONE", "NONE", a.name, "AGENTLOGOFF", a.id, Math.round(t));
  }
  setStatus(st, a, 0, t);
  a.loggedIn = false;
  a.logoffPending = false;
  a.onCallActive = false;
}

/** The agent finished a call (or its wrap-up, or a ring): logs off, pauses or becomes idle. */
export function available(st: State, a: Agent, t: number): void {
  a.call = null;
  if (a.logoffPending) return logoff(st, a, t);
  if (a.pause && a.pause.end > t) {
    if (st.log) write(st, t, "NONE", "NONE", a.name, "PAUSE", a.pause.reason);
    return setStatus(st, a, PAUSED, t);
  }
  a.pause = null;
  setStatus(st, a, IDLE, t);
}

export function shiftStart(st: State, a: Agent, t: number): void {
  if (a.onCall && !a.loggedIn) st.onCallSince.set(a.idx, t);
  login(st, a, t);
  // A break that began before the shift still applies for its remaining time.
  const active = a.breaks.find((b) => b.start < t && t < b.end);
  if (active && a.status === IDLE) {
    a.pause = { reason: active.reason, end: active.end };
    if (st.log) write(st, t, "NONE", "NONE", a.name, "PAUSE", active.reason);
    setStatus(st, a, PAUSED, t);
    st.heap.push(ev(active.end, BREAK_END, a));
  }
  dispatch(st, t);
}

export function shiftEnd(st: State, a: Agent, t: number, oncallEnd: boolean): void {
  const oc = st.s.on_call;
  if (oncallEnd && oc && triggered(st, t)) {
    // Stays while the trigger holds, never past the end of its standby window.
    const end = a.windows?.find((x) => x.start_s <= t && t < x.end_s)?.end_s ?? (a.windows ? null : Infinity);
    if (end !== null && end !== undefined && t < end) {
      st.heap.push(ev(Math.min(t + oc.min_active_s, end), ONCALL_END, a));
      return;
    }
  }
  if (!a.loggedIn) return;
  if (a.status === IDLE || a.status === PAUSED) {
    if (a.status === PAUSED && st.log) write(st, t, "NONE", "NONE", a.name, "UNPAUSE", "");
    logoff(st, a, t);
  } else {
    a.logoffPending = true;
  }
}

export function breakStart(st: State, a: Agent, t: number, reason: string, end: number): void {
  if (!a.loggedIn) return;
  a.pause = { reason, end };
  st.heap.push(ev(end, BREAK_END, a));
  if (a.status === IDLE) {
    if (st.log) write(st, t, "NONE", "NONE", a.name, "PAUSE", reason);
    setStatus(st, a, PAUSED, t);
  }
}

export function breakEnd(st: State, a: Agent, t: number): void {
  a.pause = null;
  if (a.status === PAUSED) {
    if (st.log) write(st, t, "NONE", "NONE", a.name, "UNPAUSE", "");
    setStatus(st, a, IDLE, t);
    dispatch(st, t);
  }
}

/** The longest current wait (0 when no call waits). */
function oldestWait(st: State, t: number): number {
  let oldest = Infinity;
  for (let q = 0; q < st.Q; q++) {
    const c = headOf(st, q);
    if (c) oldest = Math.min(oldest, c.arrival);
  }
  return oldest === Infinity ? 0 : t - oldest;
}

/** The on-call trigger: enough calls waiting (those still waiting, not ringing), or the oldest waited long enough. */
export function triggered(st: State, t: number): boolean {
  const oc = st.s.on_call!;
  return (oc.queue_threshold !== undefined && st.nWaiting >= oc.queue_threshold) ||
    (oc.oldest_wait_s !== undefined && oldestWait(st, t) >= oc.oldest_wait_s);
}

/** The end of the standby window of `a` in which a call-in at `t` would log in (activation delay included); null: none. */
function windowEnd(st: State, a: Agent, t: number): number | null {
  if (!a.windows) return Infinity;
  const at = t + st.s.on_call!.activation_delay_s;
  const w = a.windows.find((x) => x.start_s <= t && at < x.end_s);
  return w ? w.end_s : null;
}

/** Calls in the first standby agent free to come, when the trigger holds. */
export function maybeCallIn(st: State, t: number): void {
  const oc = st.s.on_call;
  if (!oc || !triggered(st, t)) return;
  const standby = st.onCallAgents.find((a) => !a.onCallActive && windowEnd(st, a, t) !== null);
  if (!standby) return;
  const end = windowEnd(st, standby, t)!;
  standby.onCallActive = true;
  st.onCall.activations++;
  st.heap.push(ev(t + oc.activation_delay_s, SHIFT_START, standby));
  st.heap.push(ev(Math.min(t + oc.activation_delay_s + oc.min_active_s, end), ONCALL_END, standby));
}
