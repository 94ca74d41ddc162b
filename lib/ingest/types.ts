/**
 * Records produced by the parsers before they reach DuckDB.
 *
 * @module
 */
import { LogParseError } from "./errors.ts";

/** Outcome of one queue visit (stint). See DESIGN.md "Domain semantics". */
export type StintOutcome =
  | "answered"
  | "abandoned"
  | "timeout"
  | "exit_empty"
  | "exit_key"
  | "withdrawn"
  | "transferred"
  | "not_connected"
  | "open";

/** One (call, queue visit): a row of `call_stints`. Instants are epoch milliseconds (UTC). */
export interface CallStint {
  call_id: string;
  stint_no: number;
  source: string;
  queue: string | null;
  direction: "inbound" | "outbound";
  entered_at: number;
  answered_at: number | null;
  ended_at: number | null;
  agent: string | null;
  outcome: StintOutcome;
  wait_s: number | null;
  ring_s: number | null;
  talk_s: number | null;
  hold_s: number | null;
  wrap_s: number | null;
  position_entered: number | null;
  caller: string | null;
  transfer_to: string | null;
  /** True when the stint's entry was rebuilt from a later event (its ENTERQUEUE precedes the log). */
  reconstructed: boolean;
  /** Who hung up an answered call (COMPLETEAGENT / COMPLETECALLER); null otherwise or unknown. */
  ended_by: "agent" | "caller" | null;
}

/** One raw agent event: a row of `agent_events`. `at` is epoch milliseconds (UTC). */
export interface AgentEvent {
  source: string;
  agent: string;
  at: number;
  event: string;
  queue: string | null;
  reason: string | null;
  call_id: string | null;
  /** Ring time of RINGNOANSWER / RINGCANCELED, in milliseconds as Asterisk logs it. */
  ring_ms: number | null;
}

/** An input line that could not be used: a row of `rejects`. */
export interface Reject {
  source: string;
  line: number;
  raw: string;
  reason: string;
}

/**
 * How every line of one input was accounted for.
 * Invariant: `lines_read = used + ignored + rejected`, and `ignored` is the sum of
 * `ignored_by_rule`.
 */
export interface IngestCounts {
  source: string;
  format: string;
  lines_read: number;
  used: number;
  ignored: number;
  rejected: number;
  ignored_by_rule: Record<string, number>;
  /** Extra facts worth printing (e.g. clamped clock offsets, reconstructed stints). */
  notes: Record<string, number>;
}

/** What one parser returns for one input. */
export interface ParsedLog {
  stints: CallStint[];
  /** The line of each stint of `stints` (same order), when a stint comes from one row (CDRs, Technion). */
  stint_lines?: number[];
  agent_events: AgentEvent[];
  rejects: Reject[];
  counts: IngestCounts;
}

/** Creates empty counts for a source. */
export function emptyCounts(source: string, format: string): IngestCounts {
  return { source, format, lines_read: 0, used: 0, ignored: 0, rejected: 0, ignored_by_rule: {}, notes: {} };
}

/** Adds one line ignored by a named rule. */
export function ignoreLine(counts: IngestCounts, rule: string): void {
  counts.ignored++;
  counts.ignored_by_rule[rule] = (counts.ignored_by_rule[rule] ?? 0) + 1;
}

/**
 * Keeps a bad record as a reject (its parse error's message) and counts it; rethrows in strict
 * mode and for any error that is not a {@link LogParseError}.
 */
export function rejectRecord(err: unknown, at: { source: string; line: number; raw: string }, rejects: Reject[], counts: IngestCounts, strict = false): void {
  if (!(err instanceof LogParseError) || strict) throw err;
  rejects.push({ ...at, reason: err.message });
  counts.rejected++;
}

/** Adds to a named note counter. */
export function addNote(counts: IngestCounts, note: string, n = 1): void {
  counts.notes[note] = (counts.notes[note] ?? 0) + n;
}
