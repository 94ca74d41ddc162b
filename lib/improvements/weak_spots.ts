/**
 * Weak spots found in the loaded data (OPERATIONS.md §6, issue 13 "diagnosis"). So far: breaks
 * and lunches scheduled into busy intervals — the scheduled unavailable agents set against the
 * calls offered, per local time slot over the days of the data.
 *
 * @module
 */
import { sqlString, type Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";

/** Kinds of weak spots. */
export type WeakSpotKind = "break_collision" | "target_miss" | "operator_idle" | "operator_unplanned_pause" | "operator_adherence" | "thin_skill" | "on_call_timing";

/** A weak spot: what, where and when, how big, and the numbers that show it (the `qb improve --json` contract). */
export interface WeakSpot {
  kind: WeakSpotKind;
  /** The queue concerned, or null for the whole center. */
  queue: string | null;
  /** When: a local time slot or window, e.g. `10:00–10:30 (Europe/Rome)`; null when it is not about a time. */
  when: string | null;
  /** How big, in `size_unit`. */
  size: number;
  /** The unit of `size`, e.g. `calls per day short of target`, `agents on a break or lunch`. */
  size_unit: string;
  /** The numbers that show it. */
  evidence: Record<string, number | string | null>;
  /** The operator concerned (operator kinds), else absent. */
  agent?: string;
}

/** A break collision (the evidence of {@link breakCollisions}). */
export interface BreakCollision extends WeakSpot {
  kind: "break_collision";
  /** The queue concerned, or null for the whole center. */
  queue: string | null;
  /** Local time slot, e.g. `10:00–10:30 (Europe/Rome)`. */
  when: string;
  /** Mean agents scheduled on a break or lunch in the slot. */
  size: number;
  evidence: {
    /** Days with the slot scheduled. */
    days: number;
    /** Mean inbound stints offered in the slot per day. */
    offered_mean: number;
    /** Rank of the slot by mean offered calls (1 = busiest of the day's slots). */
    busy_rank: number;
    slots: number;
    /** Mean agents scheduled on shift (on queue, breaks inside included) and on a break or lunch. */
    on_shift_mean: number;
    on_break_mean: number;
    /** on_break_mean / on_shift_mean. */
    break_share: number;
    /** offered_mean / (on_shift_mean − on_break_mean); null when every scheduled agent is on a break. */
    calls_per_available_agent: number | null;
    /** The median slot's calls per available agent (the bar a collision is above). */
    median_calls_per_available_agent: number;
  };
}

/** Options of {@link breakCollisions}. */
export interface BreakCollisionOptions {
  /** IANA zone of the slots (default UTC). */
  timeZone?: string;
  /** Slot length in minutes (default 30; it must divide a day). */
  interval_minutes?: number;
  /** Smallest share of the shift on a break that counts (default 0.2). */
  min_break_share?: number;
}

/**
 * Slots where a large share of the scheduled agents is on a break or lunch while the calls per
 * available agent (offered / (on shift − on break)) are at or above the median slot's: the breaks
 * to stagger or move. (Calls alone are not the test: a break at a moderate hour with half the
 * shift away loads each remaining agent as much as the busiest hour does.) Agents per slot are time averages
 * (schedule seconds in the slot / slot length), per day, then averaged over the days that have
 * the slot scheduled; calls are the inbound stints entering in the slot.
 *
 * @returns the colliding slots, biggest first (agents on break × calls offered)
 * @throws {RangeError} for an unknown zone or a slot length that does not divide a day
 * Source: OPERATIONS.md §6 (breaks moved out of a peak); schedules nest as in §2 (a break inside an on-queue shift).
 */
export async function breakCollisions(store: Store, options: BreakCollisionOptions = {}): Promise<BreakCollision[]> {
  const zone = options.timeZone ?? "UTC";
  ianaZone(zone);
  const minutes = options.interval_minutes ?? 30;
  if (!(Number.isInteger(minutes) && minutes > 0 && 1440 % minutes === 0)) throw new RangeError(`Cannot find break collisions: interval_minutes must divide a day, got ${minutes}`);
  const P = minutes * 60_000, z = sqlString(zone);
  // Local slots: a schedule segment's local wall-clock span, cut at slot boundaries.
  const rows = await store.query<{ slot: string; days: number; offered_mean: number; on_shift_mean: number; on_break_mean: number }>(`
    WITH seg AS (
      SELECT category, epoch_ms(timezone(${z}, starts_at)::TIMESTAMP) AS s, epoch_ms(timezone(${z}, ends_at)::TIMESTAMP) AS e
      FROM schedules WHERE ends_at > starts_at AND category IN ('on_queue', 'break', 'lunch')
    ), cut AS (
      SELECT category, s, e, unnest(generate_series(s // ${P} * ${P}, (e - 1) // ${P} * ${P}, ${P})) AS b FROM seg
    ), sched AS (
      SELECT b, sum(least(e, b + ${P}) - greatest(s, b)) FILTER (category = 'on_queue') / ${P} AS on_shift,
        coalesce(sum(least(e, b + ${P}) - greatest(s, b)) FILTER (category IN ('break', 'lunch')), 0) / ${P} AS on_break
      FROM cut GROUP BY b
    ), calls AS (
      SELECT epoch_ms(timezone(${z}, entered_at)::TIMESTAMP) // ${P} * ${P} AS b, count(*) AS offered
      FROM call_stints WHERE direction = 'inbound' GROUP BY 1
    )
    SELECT strftime(make_timestamp(sched.b * 1000), '%H:%M') AS slot, count(*) AS days, avg(coalesce(calls.offered, 0)) AS offered_mean,
      avg(coalesce(on_shift, 0)) AS on_shift_mean, avg(on_break) AS on_break_mean
    FROM sched LEFT JOIN calls USING (b) WHERE coalesce(on_shift, 0) > 0 GROUP BY slot ORDER BY slot`);
  if (rows.length === 0) return [];
  const slots = rows.map((r) => {
    const offered_mean = Number(r.offered_mean), on_shift_mean = Number(r.on_shift_mean), on_break_mean = Number(r.on_break_mean);
    const available = on_shift_mean - on_break_mean;
    return { slot: r.slot, days: Number(r.days), offered_mean, on_shift_mean, on_break_mean, perAgent: available > 0 ? offered_mean / available : Infinity };
  });
  const offered = slots.map((r) => r.offered_mean).sort((a, b) => b - a);
  const loads = slots.map((r) => r.perAgent).sort((a, b) => b - a);
  const median = loads[Math.floor((loads.length - 1) / 2)]!;
  const minShare = options.min_break_share ?? 0.2;
  const end = (slot: string) => {
    const [h, m] = slot.split(":").map(Number) as [number, number];
    const t = (h * 60 + m + minutes) % 1440;
    return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  };
  return slots
    .filter((r) => r.on_break_mean / r.on_shift_mean >= minShare && r.perAgent >= median && r.offered_mean > 0)
    .sort((a, b) => b.on_break_mean * b.offered_mean - a.on_break_mean * a.offered_mean)
    .map((r): BreakCollision => ({
      kind: "break_collision", queue: null, when: `${r.slot}–${end(r.slot)} (${zone})`, size: r.on_break_mean, size_unit: "agents on a break or lunch (mean)",
      evidence: {
        days: r.days, offered_mean: r.offered_mean, busy_rank: offered.indexOf(r.offered_mean) + 1, slots: offered.length,
        on_shift_mean: r.on_shift_mean, on_break_mean: r.on_break_mean, break_share: r.on_break_mean / r.on_shift_mean,
        calls_per_available_agent: Number.isFinite(r.perAgent) ? r.perAgent : null, median_calls_per_available_agent: median,
      },
    }));
}
