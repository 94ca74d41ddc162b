/**
 * Builds call stints and agent events from normalized `queue_log` events (any container): the
 * reference state machine of queuebook's queue semantics. The bulk loader builds well-formed
 * calls in SQL and hands every other call to {@link buildCallStints}; tests prove both equal.
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { verbKind } from "./queue_log_verbs.ts";
import { addNote, type AgentEvent, type CallStint, type IngestCounts, ignoreLine, type Reject, type StintOutcome } from "./types.ts";

export { AGENT_EVENTS, INFO_EVENTS, SYSTEM_EVENTS } from "./queue_log_verbs.ts";

/** Flow-out verbs and their outcome. */
const FLOW_OUTS: Record<string, StintOutcome> = {
  ABANDON: "abandoned",
  EXITWITHTIMEOUT: "timeout",
  EXITEMPTY: "exit_empty",
  EXITWITHKEY: "exit_key",
  WITHDRAW: "withdrawn",
};
const OUTBOUND_END: Record<string, StintOutcome> = {
  OUTANSWER: "answered",
  OUTCANCEL: "not_connected",
  OUTCHANUNAVAIL: "not_connected",
  OUTCONGESTION: "not_connected",
  OUTBUSY: "not_connected",
  OUTNOANSWER: "not_connected",
  OUTTRANSFER: "transferred",
};

/** Clock steps (seconds) tolerated between a logged duration and the log's own timestamps. */
export const CLOCK_TOLERANCE_S = 1;

/**
 * Verbs after which the caller's channel is gone (the caller hung up): no later event of the
 * same call can be real, so one is rejected as logged out of order (issue 9 item 6).
 */
export const HANGUP_ENDS: ReadonlySet<string> = new Set(["ABANDON", "COMPLETECALLER"]);

/**
 * Rule `clamped_to_timestamps` (issue 9 item 7): a logged holdtime, calltime or waittime longer
 * than the time between the call's own events (plus {@link CLOCK_TOLERANCE_S}) is replaced by
 * that time and counted in `notes.clamped_to_timestamps`.
 */
export const CLAMP_NOTE = "clamped_to_timestamps";

/**
 * Rule `clock_steps_tolerated` (issue 9 item 6): an event of a call logged at most
 * {@link CLOCK_TOLERANCE_S} earlier than an event above it in the same file (a clock stepped
 * back, or a timestamp rounded down) keeps its file position and takes that event's instant;
 * counted in `notes.clock_steps_tolerated`. A larger step back is ordered by time.
 */
export const CLOCK_STEP_NOTE = "clock_steps_tolerated";

/**
 * One call's events in processing order: {@link compareEvents} order after small clock steps
 * back within a file are tolerated (see {@link CLOCK_STEP_NOTE}). Pure; `counts` gains the note.
 *
 * @param events the events of ONE call, in any order
 */
export function orderCallEvents(events: readonly QueueLogEvent[], counts: IngestCounts): QueueLogEvent[] {
  const tol = CLOCK_TOLERANCE_S * 1000;
  const inFile = [...events].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.line - b.line);
  let steps = 0;
  let latest = -Infinity;
  const seen = new Set<string>();
  const out = inFile.map((e, i) => {
    if (i > 0 && inFile[i - 1]!.source !== e.source) latest = -Infinity;
    // A line logged twice (a log concatenated with itself) is a duplicate, not a clock step.
    const key = `${e.at}|${e.event}|${e.queue.trim()}|${e.agent.trim()}|${e.data.join("|")}`;
    const repeat = seen.has(key);
    seen.add(key);
    if (!repeat && e.at < latest && latest - e.at <= tol) {
      steps++;
      return { ...e, at: latest };
    }
    latest = Math.max(latest, e.at);
    return e;
  });
  if (steps > 0) addNote(counts, CLOCK_STEP_NOTE, steps);
  return out.sort(compareEvents);
}

/** Options of {@link buildStints}. */
export interface BuildStintsOptions {
  /** Stop at the first unusable line with a {@link LogParseError} (default `false`: reject it). */
  strict?: boolean;
}

/** Result of {@link buildStints}. */
export interface BuiltStints {
  stints: CallStint[];
  agent_events: AgentEvent[];
  rejects: Reject[];
}

/** `NONE` and blank mean "no value" in queue_log fields. */
export function nullable(s: string): string | null {
  const t = s.trim();
  return t === "" || t === "NONE" ? null : t;
}

/** Data field i (0-based) as a number; fields were validated by the parsers; empty → null. */
function num(e: QueueLogEvent, i: number): number | null {
  const raw = (e.data[i] ?? "").trim();
  return raw === "" ? null : Number(raw);
}

/**
 * Orders events as the state machine reads them: by instant, then source name, then line, so
 * that the order never depends on the order in which files were given or loaded.
 */
export function compareEvents(a: QueueLogEvent, b: QueueLogEvent): number {
  return a.at - b.at || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.line - b.line;
}

/** "line N" of event `at`, with "of 'file'" when it is in another file than event `e`. */
function lineOf(at: QueueLogEvent, e: QueueLogEvent): string {
  return `line ${at.line}${at.source === e.source ? "" : ` of '${at.source}'`}`;
}

/** The state of one call while its events are applied. */
class CallState {
  readonly stints: CallStint[] = [];
  readonly rejects: Reject[] = [];
  /** Open stints in creation order (rarely more than one). */
  private readonly open: CallStint[] = [];
  /** Last stint per queue (`""` for a stint without queue). */
  private readonly lastByQueue = new Map<string, CallStint>();
  private outbound: CallStint | null = null;
  /** Inbound stints so far (a counter: counting them per new stint was quadratic). */
  private inboundStints = 0;
  /** The event that opened each stint (its line is cited in reject messages). */
  readonly openedBy = new Map<CallStint, QueueLogEvent>();
  /** The event with which the caller hung up (ABANDON, COMPLETECALLER), if any yet. */
  hungUp: QueueLogEvent | null = null;

  constructor(readonly counts: IngestCounts) {}

  /** "line N" of the event that opened `s`, naming its file when it is not `e`'s. */
  openedAt(s: CallStint, e: QueueLogEvent): string {
    return lineOf(this.openedBy.get(s)!, e);
  }

  fail(e: QueueLogEvent, field: string, reason: string): never {
    throw new LogParseError(reason, { source: e.source, line: e.line, field });
  }

  /** The latest open stint in the event's queue (any queue when the event has none). */
  openStintOf(e: QueueLogEvent): CallStint | undefined {
    const q = nullable(e.queue);
    for (let i = this.open.length - 1; i >= 0; i--) {
      const s = this.open[i]!;
      if (q === null || s.queue === q) return s;
    }
    return undefined;
  }

  /** True when the call has (had) a stint in the event's queue (any stint when it names none). */
  hasStintFor(e: QueueLogEvent): boolean {
    return this.lastStintOf(e) !== undefined;
  }

  private lastStintOf(e: QueueLogEvent): CallStint | undefined {
    const q = nullable(e.queue);
    return q === null ? this.stints.filter((s) => s.direction === "inbound").at(-1) : this.lastByQueue.get(q);
  }

  newStint(e: QueueLogEvent, entered_at: number, reconstructed: boolean): CallStint {
    const s: CallStint = {
      call_id: e.call_id, stint_no: ++this.inboundStints, source: e.source,
      queue: nullable(e.queue), direction: "inbound", entered_at, answered_at: null, ended_at: null, agent: null,
      outcome: "open", wait_s: null, ring_s: null, talk_s: null, hold_s: null, wrap_s: null, position_entered: null,
      caller: null, transfer_to: null, reconstructed, ended_by: null,
    };
    this.stints.push(s);
    this.open.push(s);
    this.lastByQueue.set(s.queue ?? "", s);
    this.openedBy.set(s, e);
    if (reconstructed) addNote(this.counts, "reconstructed_stints");
    return s;
  }

  close(s: CallStint, at: number, outcome: StintOutcome): void {
    s.ended_at = at;
    s.outcome = outcome;
    const i = this.open.indexOf(s);
    if (i >= 0) this.open.splice(i, 1);
  }

  /**
   * The open stint an answer or end event refers to. With no stint of the call in that queue at
   * all, the log began after its ENTERQUEUE: the stint is rebuilt (entry = event − wait − talk).
   * A call whose stint already ended cannot answer or end again: that line is rejected.
   */
  target(e: QueueLogEvent, wait_s: number | null, talk_s: number | null): { stint: CallStint | null; back_s: number } {
    const open = this.openStintOf(e);
    if (open) return { stint: open, back_s: 0 };
    const ended = this.lastStintOf(e);
    if (ended) {
      this.fail(e, "event", `${e.event} for call '${e.call_id}' whose stint in '${ended.queue ?? ""}' already ended (${ended.outcome}); the stint began at ${this.openedAt(ended, e)}`);
    }
    return { stint: null, back_s: (wait_s ?? 0) + (talk_s ?? 0) };
  }

  /**
   * Wait of a stint answered at `answered_at`: the logged holdtime, else the elapsed time (≥ 0);
   * a holdtime longer than the elapsed time (plus the tolerance) is clamped to it.
   */
  waitFor(e: QueueLogEvent, s: CallStint | null, holdtime: number | null, answered_at: number, field: string): number {
    if (!s) return holdtime ?? 0;
    const w = (answered_at - s.entered_at) / 1000;
    if (w < 0) {
      this.fail(e, field, `${e.event} implies an answer ${-w} s before the call entered the queue at ${this.openedAt(s, e)}`);
    }
    if (holdtime === null) return w;
    return s.reconstructed ? holdtime : this.clamp(holdtime, w);
  }

  /** A logged duration, clamped to the elapsed time between the events when longer (counted). */
  clamp(logged: number, elapsed_s: number): number {
    if (logged <= elapsed_s + CLOCK_TOLERANCE_S) return logged;
    addNote(this.counts, CLAMP_NOTE);
    return Math.max(0, elapsed_s);
  }

  outboundStint(e: QueueLogEvent): CallStint {
    if (!this.outbound) {
      this.outbound = {
        call_id: e.call_id, stint_no: 1, source: e.source, queue: nullable(e.queue), direction: "outbound",
        entered_at: e.at, answered_at: null, ended_at: null, agent: nullable(e.agent), outcome: "open",
        wait_s: null, ring_s: null, talk_s: null, hold_s: null, wrap_s: null, position_entered: null,
        caller: nullable(e.data[0] ?? ""), transfer_to: null, reconstructed: e.event !== "OUTDIAL", ended_by: null,
      };
      this.stints.push(this.outbound);
    }
    return this.outbound;
  }
}

type Handler = (c: CallState, e: QueueLogEvent) => void;

function enterQueue(c: CallState, e: QueueLogEvent): void {
  const open = c.openStintOf(e);
  if (open && open.queue === nullable(e.queue)) {
    if (open.answered_at !== null) {
      c.fail(e, "event", `ENTERQUEUE for call '${e.call_id}' logged after the call was answered in '${open.queue ?? ""}' (its stint began at ${c.openedAt(open, e)}): out of time order`);
    }
    c.fail(e, "event", `ENTERQUEUE for call '${e.call_id}' already waiting in '${open.queue ?? ""}' since ${c.openedAt(open, e)}`);
  }
  const s = c.newStint(e, e.at, false);
  s.caller = nullable(e.data[1] ?? "");
  s.position_entered = num(e, 2);
}

function connect(c: CallState, e: QueueLogEvent): void {
  const holdtime = num(e, 0);
  const { stint, back_s } = c.target(e, holdtime, null);
  if (stint && stint.answered_at !== null) {
    c.fail(e, "event", `CONNECT for call '${e.call_id}' already answered (stint began at ${c.openedAt(stint, e)})`);
  }
  const wait_s = c.waitFor(e, stint, holdtime, e.at, "data1");
  const s = stint ?? c.newStint(e, e.at - back_s * 1000, true);
  s.answered_at = e.at;
  s.wait_s = wait_s;
  s.ring_s = num(e, 2);
  s.agent = nullable(e.agent) ?? s.agent;
}

/**
 * COMPLETE* `hold|call|pos`; TRANSFER / BLINDTRANSFER `ext|context|hold|call|pos`;
 * ATTENDEDTRANSFER BRIDGE|APP `method|x|hold|call|pos`, LINK `method|chan1|chan2|hold|call|pos`.
 */
function complete(c: CallState, e: QueueLogEvent): void {
  const transfer = e.event !== "COMPLETECALLER" && e.event !== "COMPLETEAGENT";
  const method = e.event === "ATTENDEDTRANSFER" ? (e.data[0] ?? "").trim().toUpperCase() : "";
  const holdIndex = !transfer ? 0 : method === "LINK" ? 3 : 2;
  const holdtime = num(e, holdIndex);
  let talk_s = num(e, holdIndex + 1);
  const found = c.target(e, holdtime, talk_s);
  const { stint, back_s } = found;
  if (stint?.answered_at != null && talk_s !== null) talk_s = c.clamp(talk_s, (e.at - stint.answered_at) / 1000);
  const answered_at = stint?.answered_at ?? e.at - (talk_s ?? 0) * 1000;
  const wait_s = stint?.answered_at != null ? stint.wait_s! : c.waitFor(e, stint, holdtime, answered_at, `data${holdIndex + 2}`);
  const s = stint ?? c.newStint(e, e.at - back_s * 1000, true);
  s.answered_at = answered_at;
  s.wait_s = wait_s;
  s.agent = nullable(e.agent) ?? s.agent;
  s.talk_s = talk_s;
  c.close(s, e.at, transfer ? "transferred" : "answered");
  s.ended_by = e.event === "COMPLETEAGENT" ? "agent" : e.event === "COMPLETECALLER" ? "caller" : null;
  if (transfer) s.transfer_to = method === "LINK" ? nullable(e.data[2] ?? "") : nullable(e.data[method ? 1 : 0] ?? "");
}

/** ABANDON `pos|origpos|waittime`, EXIT* (EXITWITHKEY `key|pos|origpos|waittime`), WITHDRAW. */
function flowOut(c: CallState, e: QueueLogEvent): void {
  const offset = e.event === "EXITWITHKEY" ? 1 : 0;
  const waittime = num(e, 2 + offset);
  const { stint, back_s } = c.target(e, waittime, null);
  if (stint && stint.answered_at !== null) {
    c.fail(e, "event", `${e.event} for call '${e.call_id}' that was answered (CONNECT) in stint of ${c.openedAt(stint, e)}`);
  }
  const s = stint ?? c.newStint(e, e.at - back_s * 1000, true);
  const elapsed_s = (e.at - s.entered_at) / 1000;
  s.wait_s = waittime === null ? elapsed_s : s.reconstructed ? waittime : c.clamp(waittime, elapsed_s);
  c.close(s, e.at, FLOW_OUTS[e.event]!);
  if (s.position_entered === null) s.position_entered = num(e, 1 + offset);
}

function outbound(c: CallState, e: QueueLogEvent): void {
  const s = c.outboundStint(e);
  if (e.event === "OUTDIAL") return;
  const talk_s = num(e, 4);
  s.outcome = OUTBOUND_END[e.event]!;
  s.ended_at = e.at;
  s.ring_s = num(e, 3);
  if (s.outcome === "answered" || s.outcome === "transferred") {
    s.talk_s = talk_s;
    s.answered_at = e.at - (talk_s ?? 0) * 1000;
  }
  if (s.outcome === "transferred") s.transfer_to = nullable(e.data[1] ?? "");
}

/** One handler per call verb. */
const HANDLERS: Record<string, Handler> = {
  ENTERQUEUE: enterQueue,
  CONNECT: connect,
  COMPLETECALLER: complete, COMPLETEAGENT: complete, TRANSFER: complete, BLINDTRANSFER: complete, ATTENDEDTRANSFER: complete,
  ABANDON: flowOut, EXITWITHTIMEOUT: flowOut, EXITEMPTY: flowOut, EXITWITHKEY: flowOut, WITHDRAW: flowOut,
};

/**
 * Applies the call events of ONE call, put in order by {@link orderCallEvents}, and returns its
 * stints and the lines it rejected. Inconsistent lines are rejected, never half-applied: a
 * second ENTERQUEUE of a call already waiting in that queue, a CONNECT or end event for a stint
 * that already ended, a second CONNECT, an ABANDON/EXIT after CONNECT, or a talk time longer
 * than the call (negative wait). `counts` gains `used`, `rejected` and notes.
 *
 * @throws {LogParseError} in strict mode, at the first unusable event
 */
export function buildCallStints(events: readonly QueueLogEvent[], counts: IngestCounts, options: BuildStintsOptions = {}): { stints: CallStint[]; rejects: Reject[] } {
  const c = new CallState(counts);
  for (const e of orderCallEvents(events, counts)) {
    try {
      // After the caller hung up nothing of the call is real; an ENTERQUEUE (or an event for a queue
      // the call never was in) would open a phantom stint: reject it as logged out of time order.
      if (c.hungUp && e.event in HANDLERS && (e.event === "ENTERQUEUE" || !c.hasStintFor(e))) {
        c.fail(e, "event", `${e.event} for call '${e.call_id}' logged after the caller hung up (${c.hungUp.event} at ${lineOf(c.hungUp, e)}): out of time order`);
      }
      const handler = HANDLERS[e.event];
      if (handler) handler(c, e);
      else if (e.event in OUTBOUND_END || e.event === "OUTDIAL") outbound(c, e);
      else throw new Error(`buildCallStints: '${e.event}' is not a call verb`);
      if (HANGUP_ENDS.has(e.event)) c.hungUp = e;
      counts.used++;
    } catch (err) {
      if (!(err instanceof LogParseError) || options.strict) throw err;
      c.rejects.push({ source: e.source, line: e.line, raw: e.raw, reason: err.message });
      counts.rejected++;
    }
  }
  // A call answered and not completed when the data ends is answered (its wait is known, its
  // talk open), not an open stint (OPERATIONS.md §1): interval reports count answers at CONNECT.
  let talkOpen = 0;
  for (const s of c.stints) {
    if (s.outcome === "open" && s.answered_at !== null) [s.outcome, talkOpen] = ["answered", talkOpen + (s.direction === "inbound" ? 1 : 0)];
  }
  if (talkOpen > 0) addNote(counts, "answered_talk_open", talkOpen);
  const open = c.stints.filter((s) => s.outcome === "open").length;
  if (open > 0) addNote(counts, "open_stints", open);
  return { stints: c.stints, rejects: c.rejects };
}

/**
 * Converts one agent event (AGENTLOGIN, PAUSE, RINGNOANSWER, …) into an `agent_events` row.
 * @throws {LogParseError} when the event names no agent
 */
export function toAgentEvent(e: QueueLogEvent): AgentEvent {
  const agent = nullable(e.agent);
  if (agent === null) throw new LogParseError(`${e.event} needs an agent, got '${e.agent}'`, { source: e.source, line: e.line, field: "agent" });
  const ring = e.event === "RINGNOANSWER" || e.event === "RINGCANCELED";
  return {
    source: e.source, agent, at: e.at, event: e.event, queue: nullable(e.queue),
    reason: ring ? null : nullable(e.data[0] ?? ""), call_id: nullable(e.call_id), ring_ms: ring ? num(e, 0) : null,
  };
}

/**
 * Turns `queue_log` events into `call_stints` (one per call and queue visit) and
 * `agent_events`, following DESIGN.md "Domain semantics":
 * - ENTERQUEUE opens a stint; CONNECT answers it (wait = holdtime, ring = ringtime, seconds);
 *   COMPLETECALLER/COMPLETEAGENT end it (talk = calltime); ABANDON ends it as abandoned
 *   (wait = waittime); EXITWITHTIMEOUT / EXITEMPTY / EXITWITHKEY / WITHDRAW are flow-outs
 *   with their own outcome; TRANSFER / BLINDTRANSFER / ATTENDEDTRANSFER end it as transferred
 *   (ATTENDEDTRANSFER `LINK|chan1|chan2|holdtime|calltime|origposition` has one more field).
 * - A call entering a queue again gets stint 2, 3, …; a stint without an end is `open`.
 * - An end event whose ENTERQUEUE precedes the log rebuilds the stint from its wait and talk
 *   fields (`reconstructed = true`, counted in `notes.reconstructed_stints`).
 * - Inconsistent lines are rejected (see {@link buildCallStints}).
 * - RINGNOANSWER / RINGCANCELED are per-agent events with `ring_ms` (milliseconds), never
 *   missed calls; an agent event repeated exactly (same instant, agent, verb, queue, call and
 *   data: a log concatenated with itself) is rejected as a duplicate. PBXware OUT* verbs make
 *   `outbound` stints, kept apart from queue traffic.
 *
 * Events are processed per call in {@link compareEvents} order; each call's state is its own,
 * so a call costs time linear in its events. `counts` is updated in place: every event is used,
 * ignored by a named rule or rejected.
 *
 * @param events normalized events (one or several sources)
 * @param counts the counts to update (mutated)
 * @throws {LogParseError} in strict mode, on the first unusable event (field named)
 * Source: Asterisk documentation "Queue Logs"; QueueMetrics manual, "queue_log verbs".
 */
export function buildStints(events: readonly QueueLogEvent[], counts: IngestCounts, options: BuildStintsOptions = {}): BuiltStints {
  const sorted = [...events].sort(compareEvents);
  const agent_events: AgentEvent[] = [];
  const rejects: Reject[] = [];
  const byCall = new Map<string, QueueLogEvent[]>();
  const seenAgentEvents = new Map<string, QueueLogEvent>();
  for (const e of sorted) {
    const kind = verbKind(e.event);
    if (kind === "system" || kind === "informational") {
      ignoreLine(counts, kind === "system" ? "system_event" : "informational_event");
    } else if (kind === "unrecognized") {
      ignoreLine(counts, `unrecognized_event:${e.event}`);
    } else if (kind === "agent") {
      try {
        const row = toAgentEvent(e);
        const key = [e.at, e.agent.trim(), e.event, e.queue.trim(), e.call_id, e.data.join("|")].join("\u0000");
        const first = seenAgentEvents.get(key);
        if (first) {
          throw new LogParseError(`duplicate of line ${first.line}${first.source === e.source ? "" : ` of '${first.source}'`} (same instant, agent, event and data)`, { source: e.source, line: e.line, field: "event" });
        }
        seenAgentEvents.set(key, e);
        agent_events.push(row);
        counts.used++;
      } catch (err) {
        if (!(err instanceof LogParseError) || options.strict) throw err;
        rejects.push({ source: e.source, line: e.line, raw: e.raw, reason: err.message });
        counts.rejected++;
      }
    } else {
      const list = byCall.get(e.call_id);
      if (list) list.push(e);
      else byCall.set(e.call_id, [e]);
    }
  }
  const stints: CallStint[] = [];
  for (const list of byCall.values()) {
    const built = buildCallStints(list, counts, options);
    for (const s of built.stints) stints.push(s);
    for (const r of built.rejects) rejects.push(r);
  }
  stints.sort((a, b) => a.entered_at - b.entered_at || (a.call_id < b.call_id ? -1 : a.call_id > b.call_id ? 1 : 0) || a.stint_no - b.stint_no);
  return { stints, agent_events, rejects };
}
