/**
 * Patience estimated from logs.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type KpiOptions, resolveKpiOptions } from "../indicators/options.ts";
import { ratio } from "../indicators/service_level.ts";

/** Patience estimate of one queue. */
export interface PatienceEstimate {
  queue: string;
  /** Abandons the estimate rests on. */
  abandons: number;
  /** Queued calls (closed stints) whose time in queue is counted. */
  queued_calls: number;
  /** Σ time in queue of all queued calls (answered, abandoned, flow-outs), seconds. */
  total_queue_time_s: number;
  /** θ̂ = abandons / total queue time, per second (null without queue time). */
  abandon_rate_per_s: number | null;
  /** 1/θ̂, seconds (null without abandons). */
  patience_s: number | null;
}

/**
 * Estimates exponential patience per queue: θ̂ = abandons / total queue time of all queued
 * calls (the maximum-likelihood estimate for exponential patience with censoring by service),
 * and mean patience 1/θ̂.
 *
 * @param store a loaded store
 * @param options `sources` filter (default all)
 * @returns one estimate per queue, ordered by queue; queues without abandons get `patience_s: null`
 * Source: Brown et al. (2005), JASA 100(469), §6 (patience estimation with censored waits);
 *   Mandelbaum & Zeltyn (2007), "θ̂ = P(Ab)/E[W]".
 * @example
 * ```ts
 * const [q] = await estimatePatience(store);
 * q.patience_s; // mean seconds a caller is willing to wait
 * ```
 */
export async function estimatePatience(store: Store, options: KpiOptions = {}): Promise<PatienceEstimate[]> {
  const o = resolveKpiOptions(options);
  const where = o.sources ? ` AND source IN (${o.sources.map((s) => `'${s.replaceAll("'", "''")}'`).join(", ") || "NULL"})` : "";
  const rows = await store.query<{ queue: string; abandons: number; queued_calls: number; total_queue_time_s: number }>(`
    SELECT coalesce(queue, '(none)') AS queue,
      count(*) FILTER (outcome = 'abandoned') AS abandons,
      count(*) AS queued_calls,
      coalesce(sum(wait_s), 0) AS total_queue_time_s
    FROM call_stints
    WHERE direction = 'inbound' AND outcome <> 'open' AND wait_s IS NOT NULL${where}
    GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => ({
    ...r,
    abandon_rate_per_s: ratio(r.abandons, r.total_queue_time_s),
    patience_s: r.abandons > 0 ? r.total_queue_time_s / r.abandons : null,
  }));
}
