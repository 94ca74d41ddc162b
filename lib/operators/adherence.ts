/**
 * Schedules against actual states: the activity scheduled at each instant (layers: the
 * innermost activity wins, so a break inside an on-queue shift is the break), the actual
 * activity of a state segment, and whether the two agree (OPERATIONS.md §2, Ex. 1).
 *
 * @module
 */
import { activityKey, DEFAULT_ACTIVITY_MAP, type ScheduleCategory } from "../ingest/mod.ts";
import type { StateSegment } from "./agent_states.ts";

/** A scheduled activity (epoch ms). */
export interface SchedulePiece {
  category: ScheduleCategory;
  starts_at: number;
  ends_at: number;
  /** Order of the row in its files (higher: listed later), to break a full tie; absent: 0. */
  order?: number;
}

/** What an agent actually does: a schedule category, `offline`, or `away` (an unplanned pause). */
export type ActualActivity = ScheduleCategory | "offline" | "away";

/**
 * The non-overlapping activity layers of one agent's schedule rows: at every instant the
 * innermost (shortest) scheduled activity covering it, the later-starting one on a tie, and of
 * two rows with the same span the one listed later (`order`).
 *
 * @returns pieces in time order; gaps (nothing scheduled) are absent
 */
export function layerSchedule(rows: readonly SchedulePiece[]): SchedulePiece[] {
  const cuts = [...new Set(rows.flatMap((r) => [r.starts_at, r.ends_at]))].sort((a, b) => a - b);
  const out: SchedulePiece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    let best: SchedulePiece | null = null;
    for (const r of rows) {
      if (r.starts_at > a || r.ends_at < b) continue;
      const shorter = best && r.ends_at - r.starts_at < best.ends_at - best.starts_at;
      const tieLater = best && r.ends_at - r.starts_at === best.ends_at - best.starts_at &&
        (r.starts_at > best.starts_at || (r.starts_at === best.starts_at && (r.order ?? 0) > (best.order ?? 0)));
      if (!best || shorter || tieLater) best = r;
    }
    if (!best) continue;
    const last = out.at(-1);
    if (last && last.ends_at === a && last.category === best.category) last.ends_at = b;
    else out.push({ category: best.category, starts_at: a, ends_at: b });
  }
  return out;
}

/**
 * Maps pause reasons to schedule categories: by `map` (reason, case-insensitive → category),
 * else by the activity names of the schedules (`break`, `lunch`, `training`, `meeting`,
 * `coaching` and their synonyms), else `away` (an unplanned pause).
 */
export function pauseCategory(reason: string | null, map: Readonly<Record<string, string>> = {}): ActualActivity {
  const r = activityKey(reason ?? "");
  const mapped = Object.entries(map).find(([k]) => activityKey(k) === r)?.[1] ?? DEFAULT_ACTIVITY_MAP[r];
  return mapped && mapped !== "on_queue" && mapped !== "on_call" && mapped !== "absence" ? (mapped as ScheduleCategory) : "away";
}

/**
 * The actual activity of a state segment: handling (any work) and available time are
 * `on_queue`; a pause is its reason's category ({@link pauseCategory}); logged out is `offline`.
 */
export function actualActivity(s: Pick<StateSegment, "session" | "availability" | "reason" | "work">, pauseMap: Readonly<Record<string, string>> = {}): ActualActivity {
  if (s.work !== "idle") return "on_queue";
  if (s.session === "logged_out") return "offline";
  return s.availability === "paused" ? pauseCategory(s.reason, pauseMap) : "on_queue";
}

/**
 * Whether an actual activity adheres to a scheduled one: on-queue time needs the agent on the
 * queue; scheduled absence needs it offline; a break, lunch, training, meeting or coaching
 * needs that activity or the agent logged out (a lunch taken logged off adheres). Scheduled
 * on-call (standby) time is not paid working time and is not evaluated (null).
 */
export function adheres(scheduled: ScheduleCategory, actual: ActualActivity): boolean | null {
  if (scheduled === "on_call") return null;
  if (scheduled === "on_queue") return actual === "on_queue";
  if (scheduled === "absence") return actual === "offline";
  return actual === scheduled || actual === "offline";
}

/** How the adherence exception threshold T is applied (OPERATIONS.md §2). */
export type AdherenceRule = "raw" | "forgive_shorter_than" | "deduct_per_segment";

/**
 * The out-of-adherence seconds that count, from the lengths of the out-of-adherence segments
 * (seconds): all of them (`raw`); those at least T long (`forgive_shorter_than`); or each less
 * T, floored at 0 (`deduct_per_segment`).
 */
export function countedOutOfAdherence(segments_s: readonly number[], rule: AdherenceRule, threshold_s: number): number {
  let total = 0;
  for (const s of segments_s) total += rule === "raw" ? s : rule === "forgive_shorter_than" ? (s < threshold_s ? 0 : s) : Math.max(0, s - threshold_s);
  return total;
}
