/**
 * The `queue_log` verbs as data: which verbs are agent, system, informational, call or outbound
 * events, and which data fields of each verb are numeric. Both ingest paths read these tables:
 * the in-memory parsers (JavaScript) and the bulk loader (SQL generated from them), so a verb
 * is defined once.
 *
 * @module
 */

/** Agent events kept in `agent_events`. RINGNOANSWER / RINGCANCELED also carry `ring_ms`. */
export const AGENT_EVENTS: ReadonlySet<string> = new Set([
  "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "ADDMEMBER", "REMOVEMEMBER",
  "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "RINGNOANSWER", "RINGCANCELED", "AGENTDUMP",
]);
/** Events about the PBX itself: ignored by rule `system_event`. */
export const SYSTEM_EVENTS: ReadonlySet<string> = new Set(["QUEUESTART", "CONFIGRELOAD", "QUEUESHUTDOWN"]);
/** Informational call events that change no KPI: ignored by rule `informational_event`. */
export const INFO_EVENTS: ReadonlySet<string> = new Set(["DID", "INFO", "SYSCOMPAT", "ENTERQUEUE_INFO", "CALLERONHOLD", "CALLEROFFHOLD"]);
/** Inbound call verbs that open, answer or end a queue stint. */
export const CALL_EVENTS: ReadonlySet<string> = new Set([
  "ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
  "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "WITHDRAW",
]);
/** Outbound verbs (PBXware): `OUTDIAL` starts a call, the others end it. */
export const OUTBOUND_EVENTS: ReadonlySet<string> = new Set([
  "OUTDIAL", "OUTANSWER", "OUTCANCEL", "OUTCHANUNAVAIL", "OUTCONGESTION", "OUTBUSY", "OUTNOANSWER", "OUTTRANSFER",
]);

/** What ingest does with a verb. */
export type VerbKind = "agent" | "call" | "outbound" | "system" | "informational" | "unrecognized";

/** Classifies a verb (upper case). */
export function verbKind(event: string): VerbKind {
  if (AGENT_EVENTS.has(event)) return "agent";
  if (CALL_EVENTS.has(event)) return "call";
  if (OUTBOUND_EVENTS.has(event)) return "outbound";
  if (SYSTEM_EVENTS.has(event)) return "system";
  if (INFO_EVENTS.has(event)) return "informational";
  return "unrecognized";
}

/** A numeric data field of a verb: 0-based index into `data`, its name, scale to seconds. */
export interface NumericField {
  readonly index: number;
  readonly name: string;
  /** 1 for seconds, 0.001 for milliseconds. */
  readonly scale: number;
}

const f = (index: number, name: string, scale = 1): NumericField => ({ index, name, scale });
const COMPLETE = [f(0, "holdtime"), f(1, "calltime"), f(2, "origposition")];
const EXIT = [f(0, "position"), f(1, "origposition"), f(2, "waittime")];
const TRANSFER = [f(2, "holdtime"), f(3, "calltime"), f(4, "origposition")];
const OUT_END = [f(3, "ring time"), f(4, "talk time")];

/**
 * Numeric data fields per verb (Asterisk "Queue Logs" field layouts). ATTENDEDTRANSFER has two
 * layouts: `LINK|chan1|chan2|hold|call|pos` ({@link ATTENDED_LINK_FIELDS}) and
 * `BRIDGE|…|hold|call|pos` / `APP|…` (this table).
 */
export const NUMERIC_FIELDS: Readonly<Record<string, readonly NumericField[]>> = {
  ENTERQUEUE: [f(2, "position")],
  CONNECT: [f(0, "holdtime"), f(2, "ringtime")],
  COMPLETECALLER: COMPLETE,
  COMPLETEAGENT: COMPLETE,
  ABANDON: EXIT,
  EXITWITHTIMEOUT: EXIT,
  EXITEMPTY: EXIT,
  WITHDRAW: EXIT,
  EXITWITHKEY: [f(1, "position"), f(2, "origposition"), f(3, "waittime")],
  RINGNOANSWER: [f(0, "ringtime (ms)", 0.001)],
  RINGCANCELED: [f(0, "ringtime (ms)", 0.001)],
  TRANSFER,
  BLINDTRANSFER: TRANSFER,
  ATTENDEDTRANSFER: TRANSFER,
  OUTANSWER: OUT_END, OUTCANCEL: OUT_END, OUTCHANUNAVAIL: OUT_END, OUTCONGESTION: OUT_END,
  OUTBUSY: OUT_END, OUTNOANSWER: OUT_END, OUTTRANSFER: OUT_END,
};
/** Numeric fields of `ATTENDEDTRANSFER LINK|chan1|chan2|holdtime|calltime|origposition`. */
export const ATTENDED_LINK_FIELDS: readonly NumericField[] = [f(3, "holdtime"), f(4, "calltime"), f(5, "origposition")];

/** Numeric fields of one event, given its verb and first data field. */
export function numericFieldsOf(event: string, data0: string): readonly NumericField[] {
  if (event === "ATTENDEDTRANSFER" && data0.trim().toUpperCase() === "LINK") return ATTENDED_LINK_FIELDS;
  return NUMERIC_FIELDS[event] ?? [];
}

/** Latest instant accepted: 2200-01-01T00:00:00Z, in epoch seconds. */
export const MAX_EPOCH_S = 7_258_118_400;
/** Longest duration accepted in a data field: 30 days, in seconds. */
export const MAX_DURATION_S = 2_592_000;
/** Longest input line accepted, in bytes; a longer line is rejected (never read forever). */
export const MAX_LINE_BYTES = 65_536;
