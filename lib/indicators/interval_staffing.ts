/**
 * Observed staffing per interval: how many agents handled calls, next to the interval's
 * demand and outcomes — the table staffing models are fitted on.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { bucketSql, type KpiOptions, resolveKpiOptions, scopeFilter } from "./options.ts";

/** One interval of observed staffing and outcomes (all queues together, or per queue). */
export interface IntervalStaffingRow {
  queue?: string;
  /** Interval start, ISO 8601 with the zone's offset. */
  interval_start: string;
  /** Local hour of day (0–23) and ISO weekday (1 = Monday … 7 = Sunday) of the interval start. */
  hour: number;
  dow: number;
  offered: number;
  answered: number;
  abandoned: number;
  answered_within: number;
  /** Distinct agents who answered at least one call in the interval (a lower bound of staffed agents). */
  agents_active: number;
  /** Σ talk seconds of calls answered in the interval. */
  talk_s: number;
  /** Offered load in Erlangs: offered × (interval AHT, else the period AHT) / interval length. */
  load_erlangs: number;
}

/**
 * Joins, per interval, the calls offered (by entry time) with the agents observed answering
 * (by answer time). Logs without agent sessions do not say who was logged in, so
 * `agents_active` (agents who answered a call in the interval) is the staffing measure; it
 * undercounts idle agents, which a model should keep in mind.
 *
 * @param store a loaded store
 * @param options time zone, interval length, T (for `answered_within`), `by_queue` (default false)
 * @returns rows ordered by (queue,) interval; intervals with no offered call are left out
 * Source: DESIGN.md definitions; Koole (2013) §1.5 on measuring staffing from ACD data.
 */
export async function intervalStaffing(store: Store, options: KpiOptions & { by_queue?: boolean } = {}): Promise<IntervalStaffingRow[]> {
  const o = resolveKpiOptions(options);
  const enter = bucketSql("entered_at", o);
  const answer = bucketSql("answered_at", o);
  const q = options.by_queue ? "coalesce(queue, '(none)')" : "'(all)'";
  const rows = await store.query<Record<string, number | string>>(`
    WITH demand AS (
      SELECT ${q} AS queue, ${enter.interval_start_ms} AS t,
        count(*) FILTER (outcome <> 'open') AS offered,
        count(*) FILTER (outcome <> 'open' AND answered_at IS NOT NULL) AS answered,
        count(*) FILTER (outcome = 'abandoned') AS abandoned,
        count(*) FILTER (outcome <> 'open' AND answered_at IS NOT NULL AND wait_s <= ${Number(o.sl_threshold_s)}) AS answered_within
      FROM call_stints WHERE direction = 'inbound'${scopeFilter(o)} GROUP BY 1, 2
    ), supply AS (
      SELECT ${q} AS queue, ${answer.interval_start_ms} AS t,
        count(DISTINCT agent) AS agents_active, coalesce(sum(talk_s), 0) AS talk_s, count(*) AS handled
      FROM call_stints WHERE direction = 'inbound' AND answered_at IS NOT NULL AND agent IS NOT NULL${scopeFilter(o)} GROUP BY 1, 2
    ), period AS (
      SELECT ${q} AS queue, avg(talk_s) AS aht_s FROM call_stints
      WHERE direction = 'inbound' AND answered_at IS NOT NULL AND talk_s IS NOT NULL${scopeFilter(o)} GROUP BY 1
    )
    SELECT d.queue, d.t, d.offered, d.answered, d.abandoned, d.answered_within,
      coalesce(s.agents_active, 0) AS agents_active, coalesce(s.talk_s, 0) AS talk_s,
      coalesce(s.talk_s / nullif(s.handled, 0), p.aht_s) AS aht_s
    FROM demand d LEFT JOIN supply s USING (queue, t) LEFT JOIN period p USING (queue)
    WHERE d.offered > 0
    ORDER BY d.queue, d.t`);
  const seconds = o.interval_minutes * 60;
  return rows.map((r) => {
    const iso = isoInZone(Number(r.t), o.timeZone);
    const local = new Date(iso.slice(0, 19) + "Z");
    return {
      ...(options.by_queue ? { queue: String(r.queue) } : {}),
      interval_start: iso,
      hour: local.getUTCHours(),
      dow: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
      offered: Number(r.offered), answered: Number(r.answered), abandoned: Number(r.abandoned),
      answered_within: Number(r.answered_within), agents_active: Number(r.agents_active), talk_s: Number(r.talk_s),
      load_erlangs: (Number(r.offered) * Number(r.aht_s ?? 0)) / seconds,
    };
  });
}
