/**
 * Backlog over time and its aging: open cases at a series of snapshots (a time series, never a
 * sum), and the age of the open cases at one snapshot in buckets (OPERATIONS.md §4).
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { ianaZone } from "../time/mod.ts";
import { periodsWithBaseline } from "../targets/mod.ts";
import { OPEN_STATUS_SQL } from "./kpis.ts";

/** One snapshot of the backlog. */
export interface BacklogPoint {
  /** Local day (`YYYY-MM-DD`) whose end is the snapshot. */
  day: string;
  /** The snapshot instant (epoch ms): the end of that local day. */
  at_ms: number;
  /** Cases created before the snapshot and not solved by it. */
  open: number;
  /** Cases created that day. */
  created: number;
  /** Cases solved that day (their last solve). */
  solved: number;
}

/**
 * The backlog at the end of every local day from the first case to the last instant of the data:
 * cases created before the snapshot and not solved by then (`solved_at` is the latest solve, so a
 * case reopened and solved again counts as open until its last solve).
 *
 * @param timeZone zone of the days (default UTC)
 * @throws {RangeError} for a bad zone
 */
export async function backlogSeries(store: Store, timeZone = "UTC"): Promise<BacklogPoint[]> {
  ianaZone(timeZone);
  const [b] = await store.query<{ lo: number | null; hi: number | null }>(
    "SELECT epoch_ms(min(opened_at)) AS lo, epoch_ms(greatest(max(opened_at), max(solved_at), max(updated_at))) AS hi FROM services",
  );
  if (b?.lo == null || b.hi == null) return [];
  const days = periodsWithBaseline("day", Number(b.lo), Number(b.hi) + 1, timeZone).slice(1);
  const ends = days.map((d) => `(${d.end_ms}, '${d.key}', ${d.start_ms})`).join(", ");
  const rows = await store.query<{ day: string; at_ms: number; open: number; created: number; solved: number }>(`
    WITH d(end_ms, day, start_ms) AS (VALUES ${ends})
    SELECT d.day, d.end_ms AS at_ms,
      count(*) FILTER (epoch_ms(s.opened_at) < d.end_ms AND (s.solved_at IS NULL OR epoch_ms(s.solved_at) >= d.end_ms)) AS open,
      count(*) FILTER (epoch_ms(s.opened_at) >= d.start_ms AND epoch_ms(s.opened_at) < d.end_ms) AS created,
      count(*) FILTER (epoch_ms(s.solved_at) >= d.start_ms AND epoch_ms(s.solved_at) < d.end_ms) AS solved
    FROM d CROSS JOIN services s GROUP BY d.day, d.end_ms ORDER BY d.end_ms`);
  return rows.map((r) => ({ day: r.day, at_ms: Number(r.at_ms), open: Number(r.open), created: Number(r.created), solved: Number(r.solved) }));
}

/** Age buckets of open cases (days since creation): [lower, upper) in days, with labels. */
export const AGING_BUCKETS: readonly { label: string; from_d: number; to_d: number }[] = [
  { label: "< 1 day", from_d: 0, to_d: 1 }, { label: "1–3 days", from_d: 1, to_d: 3 }, { label: "3–7 days", from_d: 3, to_d: 7 },
  { label: "7–30 days", from_d: 7, to_d: 30 }, { label: "≥ 30 days", from_d: 30, to_d: Infinity },
];

/**
 * The open cases at a snapshot by age (snapshot − created) in {@link AGING_BUCKETS}. Open: at the
 * latest instant of the data by status (new, open, pending, hold), before it by solve times.
 *
 * @param at_ms the snapshot (default the latest instant in the data)
 */
export async function backlogAging(store: Store, at_ms: number | null = null): Promise<{ label: string; open: number }[]> {
  const [b] = await store.query<{ hi: number | null }>("SELECT epoch_ms(greatest(max(opened_at), max(solved_at), max(updated_at), max(closed_at))) AS hi FROM services");
  const latest = b?.hi == null ? null : Number(b.hi);
  const at = at_ms ?? latest;
  if (at === null) return AGING_BUCKETS.map((x) => ({ label: x.label, open: 0 }));
  const open = latest !== null && at >= latest
    ? OPEN_STATUS_SQL
    : `epoch_ms(opened_at) <= ${at} AND (solved_at IS NULL OR epoch_ms(solved_at) > ${at})`;
  const ages = await store.query<{ age_d: number }>(`SELECT (${at} - epoch_ms(opened_at)) / 86400000.0 AS age_d FROM services WHERE ${open}`);
  return AGING_BUCKETS.map((x) => ({ label: x.label, open: ages.filter((a) => Number(a.age_d) >= x.from_d && Number(a.age_d) < x.to_d).length }));
}

/**
 * Open cases per agent at a snapshot (unresolved work): at the data's latest instant or later by
 * status, before it by solve times (as {@link backlogAging}). Cases without an agent are left out.
 *
 * @param at_ms the snapshot (default the latest instant in the data)
 * @returns agent → open cases (agents with none are absent)
 */
export async function openCasesByAgent(store: Store, at_ms: number | null = null): Promise<Map<string, number>> {
  const [b] = await store.query<{ hi: number | null; n: number }>("SELECT epoch_ms(greatest(max(opened_at), max(solved_at), max(updated_at), max(closed_at))) AS hi, count(*) AS n FROM services");
  if (!b || Number(b.n) === 0) return new Map();
  const latest = b.hi == null ? null : Number(b.hi);
  const at = at_ms ?? latest;
  const open = at === null || (latest !== null && at >= latest)
    ? OPEN_STATUS_SQL
    : `epoch_ms(opened_at) <= ${at} AND (solved_at IS NULL OR epoch_ms(solved_at) > ${at})`;
  const rows = await store.query<{ agent: string; n: number }>(`SELECT agent, count(*) AS n FROM services WHERE agent IS NOT NULL AND ${open} GROUP BY agent`);
  return new Map(rows.map((r) => [r.agent, Number(r.n)]));
}
