/**
 * The live monitor's loop: follow the log, rebuild on change, publish snapshots.
 *
 * @module
 */
import { DateTime } from "luxon";
import type { Reject } from "../ingest/mod.ts";
import type { AgentStateOptions } from "../operators/mod.ts";
import type { Store } from "../store/mod.ts";
import { ianaZone, isoInZone } from "../time/mod.ts";
import { LiveLog, type LiveCounts } from "./live_log.ts";
import { monitorSnapshot, type MonitorSnapshot, type SnapshotOptions } from "./snapshot.ts";
import { LogTail } from "./tail.ts";

/** The accounting of a reference file the monitor was started with (roster, schedules, targets). */
export interface InputSummary {
  kind: "roster" | "schedules" | "targets";
  source: string;
  lines_read: number;
  used: number;
  ignored: number;
  rejected: number;
  /** Its first rejected rows (at most 20), in line order. */
  rejects: Reject[];
}

/** Options of {@link LiveMonitor}. */
export interface LiveMonitorOptions extends SnapshotOptions, AgentStateOptions {
  /** Local time `HH:MM` at which today's counters restart (default `00:00`, in `timeZone`). */
  reset_at?: string;
  /** Hours before the day start whose events are kept for agent states (sessions, pauses begun earlier; default 12). */
  lookback_h?: number;
  /** The log is stale when it has not grown for this many seconds (default 120). */
  stale_after_s?: number;
  /**
   * `"wall"` (default): now is the machine's clock. `"data"`: now is the latest event's instant
   * (a replayed or old log).
   */
  clock?: "wall" | "data";
  /** Seconds between snapshots while the log does not move (waits and times in state grow; default 5). */
  refresh_s?: number;
  /** A line dated more than this many seconds after this machine's clock is rejected (default 900). */
  max_future_s?: number;
  /** Milliseconds a rotated file is still read for late lines once quiet (default 60 000). */
  drain_ms?: number;
  /** Reference files loaded with the monitor, shown with their accounting on every state. */
  inputs?: InputSummary[];
}

/** What the monitor publishes: the snapshot and the state of the feed. */
export interface MonitorState extends MonitorSnapshot {
  /** Publication number (1, 2, …): a client that sees a gap missed an update. */
  seq: number;
  clock: "wall" | "data";
  /** The followed file. */
  source: string;
  /** The latest event's instant (ISO), null before any. */
  data_as_of: string | null;
  /** Seconds since the log last grew (wall clock). */
  log_idle_s: number;
  stale: boolean;
  stale_after_s: number;
  reset_at: string;
  /** Line accounting of the window (`lines_read = used + ignored + rejected`). */
  lines: LiveCounts;
  /** The last rejected lines (at most 20): parse rejects in arrival order, then the stint builder's (by call). */
  recent_rejects: Reject[];
  /** Wrap-up assumed, seconds per queue and for the others. */
  wrapup: { by_queue: Record<string, number>; others_s: number };
  /** The roster, schedules and targets files and their line accounting. */
  inputs: InputSummary[];
}

/**
 * The day start (reset boundary) before an instant: the latest local `HH:MM` in `zone` at or
 * before `ms` (a boundary inside a DST gap moves to the first valid minute after it).
 *
 * @throws {RangeError} for a bad zone or a time that is not `HH:MM`
 */
export function dayStartBefore(ms: number, zone: string, reset_at = "00:00"): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(reset_at);
  if (!m) throw new RangeError(`Cannot reset counters: reset time must be HH:MM (00:00 to 23:59), got '${reset_at}'`);
  const local = DateTime.fromMillis(ms, { zone: ianaZone(zone) });
  let b = local.set({ hour: Number(m[1]), minute: Number(m[2]), second: 0, millisecond: 0 });
  if (b.toMillis() > ms) b = b.minus({ days: 1 }).set({ hour: Number(m[1]), minute: Number(m[2]) });
  return b.toMillis();
}

/**
 * Follows a `queue_log` and computes the monitor's state: {@link step} reads what was appended,
 * rebuilds the store when something changed (or the day rolled over) and returns a new state;
 * between changes it returns a fresh state every `refresh_s` seconds, else null.
 */
export class LiveMonitor {
  readonly tail: LogTail;
  readonly live: LiveLog;
  #seq = 0;
  #lastGrowthWall: number;
  #lastPublishWall = -Infinity;
  #dayStart = -Infinity;
  readonly options: Required<Pick<LiveMonitorOptions, "reset_at" | "lookback_h" | "stale_after_s" | "clock" | "refresh_s">> & LiveMonitorOptions;

  /**
   * @param store an empty store of its own (roster and schedules may be loaded into it)
   * @param path the log to follow
   */
  constructor(readonly store: Store, readonly path: string, options: LiveMonitorOptions = {}, wallNow = Date.now()) {
    this.options = { reset_at: "00:00", lookback_h: 12, stale_after_s: 120, clock: "wall", refresh_s: 5, ...options };
    dayStartBefore(wallNow, options.timeZone ?? "UTC", this.options.reset_at); // validates the zone and the time
    this.tail = new LogTail(path, { drain_ms: options.drain_ms });
    const zone = options.timeZone ?? "UTC";
    this.live = new LiveLog(store, path, {
      wrapup_s: options.wrapup_s, wrapup_by_queue: options.wrapup_by_queue, max_future_s: options.max_future_s, clock: this.options.clock,
      day_start_of: (ms) => dayStartBefore(ms, zone, this.options.reset_at), lookback_ms: this.options.lookback_h * 3_600_000,
    });
    this.#lastGrowthWall = wallNow;
  }

  /** The instant "now" for the snapshot: the wall clock, or the latest event (`clock: "data"`). */
  now(wallNow: number): number {
    return this.options.clock === "data" ? this.live.last_event_ms ?? wallNow : wallNow;
  }

  /**
   * One round: read the tail; rebuild and snapshot when lines came or the day changed, or when
   * `refresh_s` passed.
   *
   * @param wallNow the machine's clock (epoch ms; tests pass their own)
   * @param force return a state even if nothing changed
   * @param final the file is read for the last time (`--once`): a last line without its line end counts
   * @returns the new state, or null when there is nothing new to publish
   */
  async step(wallNow = Date.now(), force = false, final = false): Promise<MonitorState | null> {
    // A large file comes in slices (bounded memory: lines before the window are dropped as they
    // arrive), with a pause between them for the server to answer.
    for (let more = true; more;) {
      const read = this.tail.poll(wallNow, final);
      if (read.lines.length || read.restart) this.#lastGrowthWall = wallNow;
      this.live.add(read, wallNow);
      more = read.more;
      if (more) await new Promise((r) => setTimeout(r, 0));
    }
    const zone = this.options.timeZone ?? "UTC";
    const now = this.now(wallNow);
    const dayStart = dayStartBefore(now, zone, this.options.reset_at);
    if (dayStart !== this.#dayStart) {
      this.#dayStart = dayStart;
      this.live.setWindowStart(dayStart - this.options.lookback_h * 3_600_000);
    }
    const changed = this.live.dirty;
    if (!changed && !force && wallNow - this.#lastPublishWall < this.options.refresh_s * 1000) return null;
    // The events of the instant `now` are in effect at it: the states run 1 ms past it.
    await this.live.rebuild(now + 1);
    const snap = await monitorSnapshot(this.store, now, dayStart, this.options);
    this.#lastPublishWall = wallNow;
    const last = this.live.last_event_ms;
    const idle = Math.max(0, (wallNow - this.#lastGrowthWall) / 1000);
    return {
      ...snap, seq: ++this.#seq, clock: this.options.clock, source: this.path,
      data_as_of: last === null ? null : isoInZone(last, zone), log_idle_s: idle, stale: idle > this.options.stale_after_s,
      stale_after_s: this.options.stale_after_s, reset_at: this.options.reset_at, lines: this.live.counts,
      recent_rejects: this.live.rejects.slice(-20).map((r) => ({ ...r, raw: r.raw.slice(0, 200), reason: r.reason.slice(0, 500) })),
      wrapup: { by_queue: { ...(this.options.wrapup_by_queue ?? {}) }, others_s: this.options.wrapup_s ?? 0 },
      inputs: (this.options.inputs ?? []).map((i) => ({ ...i, rejects: i.rejects.slice(0, 20).map((r) => ({ ...r, raw: r.raw.slice(0, 200), reason: r.reason.slice(0, 500) })) })),
    };
  }

  /** Stops following. */
  close(): void {
    this.tail.close();
  }
}
