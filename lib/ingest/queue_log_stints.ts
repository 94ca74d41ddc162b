/**
 * Builds call stints and agent events from normalized `queue_log` events (any container).
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { addNote, type AgentEvent, type CallStint, type IngestCounts, ignoreLine, type Reject, type StintOutcome } from "./types.ts";

/** Agent events kept as-is in `agent_events`. RINGNOANSWER / RINGCANCELED also carry `ring_ms`. */
export const AGENT_EVENTS = new Set([
  "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "ADDMEMBER", "REMOVEMEMBER",
  "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "RINGNOANSWER", "RINGCANCELED", "AGENTDUMP",
]);
/** Events about the PBX itself: ignored by rule `system_event`. */
export const SYSTEM_EVENTS = new Set(["QUEUESTART", "CONFIGRELOAD", "QUEUESHUTDOWN"]);
/** Informational call events that change no KPI: ignored by rule `informational_event`. */
export const INFO_EVENTS = new Set(["DID", "INFO", "SYSCOMPAT", "ENTERQUEUE_INFO", "CALLERONHOLD", "CALLEROFFHOLD"]);
/** Flow-out verbs and their outcome. */
const FLOW_OUTS: Record<string, StintOutcome> = {
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

function nullable(s: string): string | null {
  const t = s.trim();
  return t === "" || t === "NONE" ? null : t;
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
 * - Inconsistent lines are rejected, never half-applied: a second ENTERQUEUE of a call already
 *   waiting in that queue, a CONNECT or end event for a stint that already ended, a second
 *   CONNECT, an ABANDON/EXIT after CONNECT, or a talk time longer than the call (negative wait).
 * - RINGNOANSWER / RINGCANCELED are per-agent events with `ring_ms` (milliseconds), never
 *   missed calls. PBXware OUT* verbs make `outbound` stints, kept apart from queue traffic.
 *
 * Events are processed in time order (stable for equal times). `counts` is updated in place:
 * every event is used, ignored by a named rule or rejected.
 *
 * @param events normalized events of one source
 * @param counts the source's counts (mutated)
 * @throws {LogParseError} in strict mode, on the first unusable event (field named)
 * Source: Asterisk documentation "Queue Logs"; QueueMetrics manual, "queue_log verbs".
 */
export function buildStints(events: readonly QueueLogEvent[], counts: IngestCounts, options: BuildStintsOptions = {}): BuiltStints {
  const sorted = [...events].sort((a, b) => a.at - b.at || a.line - b.line);
  const stints: CallStint[] = [];
  const agent_events: AgentEvent[] = [];
  const rejects: Reject[] = [];
  const byCall = new Map<string, CallStint[]>();
  const outbound = new Map<string, CallStint>();
  /** Line that opened each stint (for messages). */
  const openedAt = new Map<CallStint, number>();

  const stintsOf = (e: QueueLogEvent) =>
    (byCall.get(e.call_id) ?? []).filter((s) => s.queue === nullable(e.queue) || nullable(e.queue) === null);
  const openStintOf = (e: QueueLogEvent): CallStint | undefined => stintsOf(e).reverse().find((s) => s.outcome === "open");
  const fail = (e: QueueLogEvent, field: string, reason: string): never => {
    throw new LogParseError(reason, { source: e.source, line: e.line, field });
  };
  const newStint = (e: QueueLogEvent, entered_at: number, reconstructed: boolean): CallStint => {
    const list = byCall.get(e.call_id) ?? [];
    byCall.set(e.call_id, list);
    const s: CallStint = {
      call_id: e.call_id, stint_no: list.length + 1, source: e.source, queue: nullable(e.queue),
      direction: "inbound", entered_at, answered_at: null, ended_at: null, agent: null, outcome: "open",
      wait_s: null, ring_s: null, talk_s: null, hold_s: null, wrap_s: null, position_entered: null,
      caller: null, transfer_to: null, reconstructed,
    };
    list.push(s);
    stints.push(s);
    openedAt.set(s, e.line);
    if (reconstructed) addNote(counts, "reconstructed_stints");
    return s;
  };
  /** Data field i (0-based) as a number; fields were validated by the parsers; empty → null. */
  const num = (e: QueueLogEvent, i: number): number | null => {
    const raw = (e.data[i] ?? "").trim();
    return raw === "" ? null : Number(raw);
  };
  /**
   * The open stint an answer or end event refers to. With no stint of the call in that queue at
   * all, the log began after its ENTERQUEUE: the stint is rebuilt (entry = event − wait − talk).
   * A call whose stint already ended cannot answer or end again: that line is rejected.
   */
  const target = (e: QueueLogEvent, wait_s: number | null, talk_s: number | null): { stint: CallStint | null; back_s: number } => {
    const open = openStintOf(e);
    if (open) return { stint: open, back_s: 0 };
    const ended = stintsOf(e).pop();
    if (ended) {
      fail(e, "event", `${e.event} for call '${e.call_id}' whose stint in '${ended.queue ?? ""}' already ended (${ended.outcome}); the stint began at line ${openedAt.get(ended)}`);
    }
    return { stint: null, back_s: (wait_s ?? 0) + (talk_s ?? 0) };
  };
  /** Wait of a stint answered at `answered_at`: the logged holdtime, else the elapsed time (≥ 0). */
  const waitFor = (e: QueueLogEvent, s: CallStint | null, holdtime: number | null, answered_at: number, field: string): number => {
    if (holdtime !== null) return holdtime;
    if (!s) return 0;
    const w = (answered_at - s.entered_at) / 1000;
    if (w < 0) {
      fail(e, field, `${e.event} implies an answer ${-w} s before the call entered the queue at line ${openedAt.get(s)}`);
    }
    return w;
  };

  for (const e of sorted) {
    try {
      if (SYSTEM_EVENTS.has(e.event)) {
        ignoreLine(counts, "system_event");
        continue;
      }
      if (INFO_EVENTS.has(e.event)) {
        ignoreLine(counts, "informational_event");
        continue;
      }
      if (AGENT_EVENTS.has(e.event)) {
        const agent = nullable(e.agent) ?? fail(e, "agent", `${e.event} needs an agent, got '${e.agent}'`);
        const ring = e.event === "RINGNOANSWER" || e.event === "RINGCANCELED";
        agent_events.push({
          source: e.source, agent, at: e.at, event: e.event, queue: nullable(e.queue),
          reason: ring ? null : nullable(e.data[0] ?? ""), call_id: nullable(e.call_id),
          ring_ms: ring ? num(e, 0) : null,
        });
        counts.used++;
        continue;
      }
      if (e.event in OUTBOUND_END || e.event === "OUTDIAL") {
        let s = outbound.get(e.call_id);
        if (!s) {
          s = {
            call_id: e.call_id, stint_no: 1, source: e.source, queue: nullable(e.queue), direction: "outbound",
            entered_at: e.at, answered_at: null, ended_at: null, agent: nullable(e.agent), outcome: "open",
            wait_s: null, ring_s: null, talk_s: null, hold_s: null, wrap_s: null, position_entered: null,
            caller: nullable(e.data[0] ?? ""), transfer_to: null, reconstructed: e.event !== "OUTDIAL",
          };
          outbound.set(e.call_id, s);
          stints.push(s);
        }
        if (e.event !== "OUTDIAL") {
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
        counts.used++;
        continue;
      }
      switch (e.event) {
        case "ENTERQUEUE": {
          const open = openStintOf(e);
          if (open && open.queue === nullable(e.queue)) {
            fail(e, "event", `ENTERQUEUE for call '${e.call_id}' already waiting in '${open.queue ?? ""}' since line ${openedAt.get(open)}`);
          }
          const s = newStint(e, e.at, false);
          s.caller = nullable(e.data[1] ?? "");
          s.position_entered = num(e, 2);
          break;
        }
        case "CONNECT": {
          const holdtime = num(e, 0);
          const { stint, back_s } = target(e, holdtime, null);
          if (stint && stint.answered_at !== null) {
            fail(e, "event", `CONNECT for call '${e.call_id}' already answered (stint began at line ${openedAt.get(stint)})`);
          }
          const wait_s = waitFor(e, stint, holdtime, e.at, "data1");
          const s = stint ?? newStint(e, e.at - back_s * 1000, true);
          s.answered_at = e.at;
          s.wait_s = wait_s;
          s.ring_s = num(e, 2);
          s.agent = nullable(e.agent) ?? s.agent;
          break;
        }
        case "COMPLETECALLER":
        case "COMPLETEAGENT":
        case "TRANSFER":
        case "BLINDTRANSFER":
        case "ATTENDEDTRANSFER": {
          const transfer = e.event !== "COMPLETECALLER" && e.event !== "COMPLETEAGENT";
          const method = e.event === "ATTENDEDTRANSFER" ? (e.data[0] ?? "").trim().toUpperCase() : "";
          // Layouts: COMPLETE* hold|call|pos; TRANSFER ext|context|hold|call|pos;
          // ATTENDEDTRANSFER BRIDGE|APP: method|x|hold|call|pos; LINK: method|chan1|chan2|hold|call|pos.
          const holdIndex = !transfer ? 0 : method === "LINK" ? 3 : 2;
          const holdtime = num(e, holdIndex);
          const talk_s = num(e, holdIndex + 1);
          const { stint, back_s } = target(e, holdtime, talk_s);
          const answered_at = stint?.answered_at ?? e.at - (talk_s ?? 0) * 1000;
          const wait_s = stint?.answered_at != null ? stint.wait_s! : waitFor(e, stint, holdtime, answered_at, `data${holdIndex + 2}`);
          const s = stint ?? newStint(e, e.at - back_s * 1000, true);
          s.answered_at = answered_at;
          s.wait_s = wait_s;
          s.agent = nullable(e.agent) ?? s.agent;
          s.talk_s = talk_s;
          s.ended_at = e.at;
          s.outcome = transfer ? "transferred" : "answered";
          if (transfer) {
            s.transfer_to = method === "LINK" ? nullable(e.data[2] ?? "") : nullable(e.data[method ? 1 : 0] ?? "");
          }
          break;
        }
        case "ABANDON":
        case "EXITWITHTIMEOUT":
        case "EXITEMPTY":
        case "EXITWITHKEY":
        case "WITHDRAW": {
          const offset = e.event === "EXITWITHKEY" ? 1 : 0;
          const waittime = num(e, 2 + offset);
          const { stint, back_s } = target(e, waittime, null);
          if (stint && stint.answered_at !== null) {
            fail(e, "event", `${e.event} for call '${e.call_id}' that was answered (CONNECT) in stint of line ${openedAt.get(stint)}`);
          }
          const s = stint ?? newStint(e, e.at - back_s * 1000, true);
          s.wait_s = waittime ?? (e.at - s.entered_at) / 1000;
          s.ended_at = e.at;
          s.outcome = e.event === "ABANDON" ? "abandoned" : FLOW_OUTS[e.event]!;
          if (s.position_entered === null) s.position_entered = num(e, 1 + offset);
          break;
        }
        default:
          ignoreLine(counts, `unrecognized_event:${e.event}`);
          continue;
      }
      counts.used++;
    } catch (err) {
      if (!(err instanceof LogParseError) || options.strict) throw err;
      rejects.push({ source: e.source, line: e.line, raw: e.raw, reason: err.message });
      counts.rejected++;
    }
  }
  const open = stints.filter((s) => s.outcome === "open").length;
  if (open > 0) addNote(counts, "open_stints", open);
  return { stints, agent_events, rejects };
}
