/**
 * The live side of a followed `queue_log`: the lines of the current window (today, plus a
 * look-back for sessions and pauses begun earlier) parsed by the historical parser and rebuilt,
 * after every change, into a store by the historical code (stints, agent events, agent states),
 * so that live numbers are history's numbers.
 *
 * @module
 */
import { buildStints, type IngestCounts, parseQueueLogLine, type QueueLogEvent, type Reject, storeParsedLog } from "../ingest/mod.ts";
import { LogParseError, MAX_LINE_BYTES } from "../ingest/mod.ts";
import { type AgentStateOptions, buildAgentStatesInStore } from "../operators/mod.ts";
import { sqlString, type Store } from "../store/mod.ts";
import type { TailLine, TailRead } from "./tail.ts";

const encoder = new TextEncoder();
/** Whether a line passes the bulk parser's limit in UTF-8 bytes (counted only when its UTF-16 length could). */
const tooLong = (text: string) => text.length > MAX_LINE_BYTES || (text.length * 3 > MAX_LINE_BYTES && encoder.encode(text).length > MAX_LINE_BYTES);

/** Options of {@link LiveLog}: wrap-up of the agent states, and how far ahead of the clock a line may be. */
export interface LiveLogOptions extends AgentStateOptions {
  /**
   * A line dated more than this many seconds after this machine's clock is rejected (field
   * `time`): a corrupt or far-future line would otherwise become "now" (default 900).
   */
  max_future_s?: number;
  /**
   * The day start (reset boundary) at or before an instant "now" (epoch ms → epoch ms): lines
   * older than `lookback_ms` before the day start of the latest "now" are dropped as they arrive,
   * so a long log is never held whole. Without it every line is kept until {@link LiveLog.setWindowStart}.
   */
  day_start_of?: (now_ms: number) => number;
  /** Look-back before the day start kept for sessions and pauses begun earlier (ms; default 0). */
  lookback_ms?: number;
  /** What "now" is while lines arrive: the clock (`wall`, default) or the latest event (`data`). */
  clock?: "wall" | "data";
}

/** Line accounting of the live window (`lines_read = used + ignored + rejected`, as for a load). */
export interface LiveCounts extends IngestCounts {
  /** Times the followed file was replaced (rotation) or cut (truncation) while followed. */
  restarts: number;
}

/**
 * The events of a followed log inside a moving window, and the store rebuilt from them.
 *
 * Every appended line is parsed once by `parseQueueLogLine` (the historical parser): a bad line
 * is kept in `rejects` with its line number and reason, a blank one is ignored by rule
 * `blank_line`, a line older than the window by rule `before_window`. {@link rebuild} then runs
 * the historical stint builder (`buildStints`) over the window's events, writes the result with
 * `storeParsedLog` and rebuilds `agent_states` with `buildAgentStatesInStore`.
 */
export class LiveLog {
  #events: QueueLogEvent[] = [];
  /** Rejected lines with the instant they arrived at (the latest event's, else the clock's). */
  #rejects: { reject: Reject; arrived_ms: number }[] = [];
  #rejectsAged = 0;
  #blank = 0;
  #before = 0;
  #read = 0;
  #restarts = 0;
  #windowStart = -Infinity;
  #dirty = true;
  #lastEventMs: number | null = null;

  /**
   * @param store a store of its own (its log tables are replaced on every rebuild)
   * @param source the followed path, stored as the source of every row
   * @param options wrap-up options of the agent states, and the future limit
   */
  constructor(readonly store: Store, readonly source: string, readonly options: LiveLogOptions = {}) {}

  /** The latest event instant read (epoch ms), or null before any. */
  get last_event_ms(): number | null {
    return this.#lastEventMs;
  }

  /** True when lines arrived (or the window moved) since the last {@link rebuild}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /**
   * Adds what a poll of the tail read.
   * @param wallNow this machine's clock (epoch ms): lines dated too far after it are rejected
   */
  add(read: TailRead, wallNow = Date.now()): void {
    if (read.restart) this.#restarts++, this.#dirty = true;
    for (const l of read.lines) this.#addLine(l, wallNow);
  }

  /** The last day start found: days last at least 23 h, so for 22 h after it the day start is the same (no zone arithmetic per line). */
  #day: number | null = null;
  #windowAt(now: number): number {
    const f = this.options.day_start_of;
    if (!f) return this.#windowStart;
    if (this.#day === null || now < this.#day || now >= this.#day + 22 * 3_600_000) this.#day = f(now);
    return Math.max(this.#day - (this.options.lookback_ms ?? 0), this.#windowStart);
  }

  /** The source name of the lines of file `file` of the tail (0: the followed path itself). */
  sourceOf(file: number): string {
    return file === 0 ? this.source : `${this.source} (after restart ${file})`;
  }

  #reject(r: Reject, wallNow: number): void {
    this.#rejects.push({ reject: r, arrived_ms: this.#lastEventMs ?? wallNow });
  }

  #addLine(l: TailLine, wallNow: number): void {
    this.#read++;
    this.#dirty = true;
    const source = this.sourceOf(l.file ?? 0);
    if (l.text.trim() === "") {
      this.#blank++;
      return;
    }
    if (tooLong(l.text)) {
      const reason = `${source}:${l.line}: field 'fields': line longer than ${MAX_LINE_BYTES} bytes (kept: its first 200 characters)`;
      this.#reject({ source, line: l.line, raw: l.text.slice(0, 200), reason }, wallNow);
      return;
    }
    let e: QueueLogEvent;
    try {
      e = parseQueueLogLine(l.text, { source, line: l.line });
    } catch (err) {
      if (!(err instanceof LogParseError)) throw err;
      this.#reject({ source, line: l.line, raw: l.text, reason: err.message }, wallNow);
      return;
    }
    const ahead_s = (e.at - wallNow) / 1000;
    const limit_s = this.options.max_future_s ?? 900;
    if (ahead_s > limit_s) {
      const reason = `${source}:${l.line}: field 'time': instant ${new Date(e.at).toISOString()} is ${Math.round(ahead_s)} s after this machine's clock ` +
        `(more than ${limit_s} s: a corrupt line or a wrong clock)`;
      this.#reject({ source, line: l.line, raw: l.text, reason }, wallNow);
      return;
    }
    // The latest event read, in the window or not ("data as of").
    if (this.#lastEventMs === null || e.at > this.#lastEventMs) this.#lastEventMs = e.at;
    const now = this.options.clock === "data" ? this.#lastEventMs : wallNow;
    if (e.at < this.#windowAt(now)) {
      this.#before++;
      return;
    }
    this.#events.push(e);
  }

  /**
   * Moves the window's start (epoch ms): events before it are dropped (counted as
   * `before_window`) at the next rebuild.
   */
  setWindowStart(ms: number): void {
    if (ms <= this.#windowStart) return;
    this.#windowStart = ms;
    const kept = this.#events.filter((e) => e.at >= ms);
    if (kept.length !== this.#events.length) {
      this.#before += this.#events.length - kept.length;
      this.#events = kept;
      this.#dirty = true;
    }
    // Rejects that arrived before the window leave it too (counted by rule `rejected_before_window`).
    const keptRejects = this.#rejects.filter((r) => r.arrived_ms >= ms);
    if (keptRejects.length !== this.#rejects.length) {
      this.#rejectsAged += this.#rejects.length - keptRejects.length;
      this.#rejects = keptRejects;
      this.#dirty = true;
    }
  }

  /** The window's line accounting after the last rebuild. */
  counts: LiveCounts = { source: "", format: "asterisk", lines_read: 0, used: 0, ignored: 0, rejected: 0, ignored_by_rule: {}, notes: {}, restarts: 0 };

  /** Rejected lines of the window (parse and build), in arrival order. */
  rejects: Reject[] = [];

  /**
   * Rebuilds the store from the window's events with the historical code: `call_stints`,
   * `agent_events`, `rejects`, `ingest_runs`, then `agent_states` up to `end_ms` (a live log is
   * observed until now: open sessions, pauses and calls run to it). With no new lines only the
   * agent states are rebuilt, and only when `end_ms` moved.
   *
   * @param end_ms the end of the observation (epoch ms); null: the last event
   */
  async rebuild(end_ms: number | null = null): Promise<void> {
    if (!this.#dirty) {
      // Time passed without lines: sessions, pauses and wrap-ups run on to the new end.
      if (end_ms !== null && end_ms !== this.#builtEnd) await this.#buildStates(end_ms);
      return;
    }
    this.#dirty = false;
    const counts: IngestCounts = { source: this.source, format: "asterisk", lines_read: 0, used: 0, ignored: 0, rejected: 0, ignored_by_rule: {}, notes: {} };
    const built = buildStints(this.#events, counts);
    if (this.#blank) counts.ignored_by_rule.blank_line = this.#blank;
    if (this.#before) counts.ignored_by_rule.before_window = this.#before;
    if (this.#rejectsAged) counts.ignored_by_rule.rejected_before_window = this.#rejectsAged;
    counts.ignored += this.#blank + this.#before + this.#rejectsAged;
    counts.rejected += this.#rejects.length;
    counts.lines_read = counts.used + counts.ignored + counts.rejected;
    const rejects = [...this.#rejects.map((r) => r.reject), ...built.rejects];
    this.rejects = rejects;
    this.counts = { ...counts, restarts: this.#restarts };
    // The log's rows only: the roster's and schedules' rejects and runs stay.
    const mine = `(source = ${sqlString(this.source)} OR starts_with(source, ${sqlString(`${this.source} (after restart `)}))`;
    await this.store.exec(`DELETE FROM call_stints; DELETE FROM agent_events; DELETE FROM rejects WHERE ${mine};
      DELETE FROM ingest_runs WHERE ${mine}; DELETE FROM events;`);
    await storeParsedLog(this.store, { stints: built.stints, agent_events: built.agent_events, rejects, counts });
    await this.#buildStates(end_ms);
  }

  #builtEnd: number | null = null;

  async #buildStates(end_ms: number | null): Promise<void> {
    await buildAgentStatesInStore(this.store, this.options, end_ms);
    this.#builtEnd = end_ms;
  }

  /** Lines read from the followed file(s) so far (every line, in the window or not). */
  get lines_seen(): number {
    return this.#read;
  }
}
