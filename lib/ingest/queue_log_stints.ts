/**
 * Builds call stints and agent events from normalized `queue_log` events (any container).
 *
 * @module
 */
import { LogParseError } from "./errors.ts";
import type { QueueLogEvent } from "./queue_log_event.ts";
import { type AgentEvent, type CallStint, type IngestCounts, ignoreLine, addNote, type Reject, type StintOutcome } from "./types.ts";

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

  const openStintOf = (e: QueueLogEvent): CallStint | undefined => {
    const list = byCall.get(e.call_id);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.outcome === "open" && (s.queue === nullable(e.queue) || nullable(e.queue) === null)) return s;
    }
    return undefined;
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
    if (reconstructed) addNote(counts, "reconstructed_stints");
    return s;
  };
  /** Reads data field i (0-based) as a non-negative number; empty → null. */
  const num = (e: QueueLogEvent, i: number, what: string): number | null => {
    const raw = (e.data[i] ?? "").trim();
    if (raw === "") return null;
    const x = Number(raw);
    if (!(x >= 0) || !/^\d+(\.\d+)?$/.test(raw)) {
      throw new LogParseError(`${e.event} ${what} must be a non-negative number, got '${raw.slice(0, 40)}'`, {
        source: e.source, line: e.line, field: `data${i + 1}`,
      });
    }
    return x;
  };
  /** Stint a terminal/connect event refers to; rebuilt when the log starts after its ENTERQUEUE. */
  const stintFor = (e: QueueLogEvent, wait_s: number | null, talk_s: number | null): CallStint => {
    const open = openStintOf(e);
    if (open) return open;
    const back_s = (wait_s ?? 0) + (talk_s ?? 0);
    return newStint(e, e.at - back_s * 1000, true);
  };
  const answer = (s: CallStint, e: QueueLogEvent, wait_s: number | null, answered_at: number) => {
    if (s.answered_at === null) {
      s.answered_at = answered_at;
      s.wait_s = wait_s ?? (answered_at - s.entered_at) / 1000;
    }
    s.agent = nullable(e.agent) ?? s.agent;
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
        const agent = nullable(e.agent);
        if (agent === null) {
          throw new LogParseError(`${e.event} needs an agent, got '${e.agent}'`, { source: e.source, line: e.line, field: "agent" });
        }
        const ring = e.event === "RINGNOANSWER" || e.event === "RINGCANCELED";
        agent_events.push({
          source: e.source, agent, at: e.at, event: e.event, queue: nullable(e.queue),
          reason: ring ? null : nullable(e.data[0] ?? ""), call_id: nullable(e.call_id),
          ring_ms: ring ? num(e, 0, "ring time (ms)") : null,
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
          const ring_s = num(e, 3, "ring time");
          const talk_s = num(e, 4, "talk time");
          s.outcome = OUTBOUND_END[e.event]!;
          s.ended_at = e.at;
          s.ring_s = ring_s;
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
          const s = newStint(e, e.at, false);
          s.caller = nullable(e.data[1] ?? "");
          s.position_entered = num(e, 2, "position");
          break;
        }
        case "CONNECT": {
          const wait_s = num(e, 0, "holdtime");
          const ring_s = num(e, 2, "ringtime");
          const s = stintFor(e, wait_s, null);
          answer(s, e, wait_s, e.at);
          s.ring_s = ring_s;
          break;
        }
        case "COMPLETECALLER":
        case "COMPLETEAGENT": {
          const wait_s = num(e, 0, "holdtime");
          const talk_s = num(e, 1, "calltime");
          const s = stintFor(e, wait_s, talk_s);
          answer(s, e, wait_s, e.at - (talk_s ?? 0) * 1000);
          s.talk_s = talk_s;
          s.ended_at = e.at;
          s.outcome = "answered";
          break;
        }
        case "ABANDON":
        case "EXITWITHTIMEOUT":
        case "EXITEMPTY":
        case "EXITWITHKEY":
        case "WITHDRAW": {
          const offset = e.event === "EXITWITHKEY" ? 1 : 0;
          const wait_s = num(e, 2 + offset, "waittime");
          const s = stintFor(e, wait_s, null);
          s.wait_s = wait_s ?? (e.at - s.entered_at) / 1000;
          s.ended_at = e.at;
          s.outcome = e.event === "ABANDON" ? "abandoned" : FLOW_OUTS[e.event]!;
          if (s.position_entered === null) s.position_entered = num(e, 1 + offset, "origposition");
          break;
        }
        case "TRANSFER":
        case "BLINDTRANSFER":
        case "ATTENDEDTRANSFER": {
          const method = e.event === "ATTENDEDTRANSFER" ? (e.data[0] ?? "").trim().toUpperCase() : "";
          // Field layout: ext|context|hold|call|pos, BRIDGE|APP: method|x|hold|call|pos,
          // LINK: method|chan1|chan2|hold|call|pos (one more field, so the times shift).
          const holdIndex = method === "LINK" ? 3 : 2;
          const wait_s = num(e, holdIndex, "holdtime");
          const talk_s = num(e, holdIndex + 1, "calltime");
          const s = stintFor(e, wait_s, talk_s);
          answer(s, e, wait_s, e.at - (talk_s ?? 0) * 1000);
          s.talk_s = talk_s;
          s.ended_at = e.at;
          s.outcome = "transferred";
          s.transfer_to = method === "LINK" ? nullable(e.data[2] ?? "") : nullable(e.data[method ? 1 : 0] ?? "");
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
