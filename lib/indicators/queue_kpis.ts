/**
 * Queue indicators per queue, day and interval: volumes, service level, abandonment, waits, AHT.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { bucketSql, type KpiOptions, resolveKpiOptions, type ResolvedKpiOptions, scopeFilter, sqlString } from "./options.ts";
import { ratio, serviceLevel, type ServiceLevelCounts, SL_VARIANTS, type SlVariant } from "./service_level.ts";

/** Grouping dimensions of {@link queueKpis}. */
export type QueueDimension = "queue" | "day" | "interval";

/** One row of {@link queueKpis}. Counts are stints; times are seconds; rates are fractions or null. */
export interface QueueKpiRow extends ServiceLevelCounts {
  queue?: string;
  day?: string;
  /** Interval start, ISO 8601 with the report time zone's offset. */
  interval_start?: string;
  /** Stints still in progress at the end of the data (not offered yet). */
  open: number;
  /** Service level in the chosen variant. */
  service_level: number | null;
  service_level_v1: number | null;
  service_level_v2: number | null;
  service_level_v3: number | null;
  service_level_v4: number | null;
  service_level_v5: number | null;
  service_level_v6: number | null;
  service_level_v7: number | null;
  /** Ab / Off. */
  abandon_rate: number | null;
  /** (Ab − AbS) / (Off − AbS). */
  abandon_rate_excl_short: number | null;
  /** Σ wait of answered / Ans. */
  asa_s: number | null;
  /** Σ wait of every offered stint (answered, abandoned and flow-outs) / Off. */
  avg_wait_s: number | null;
  max_wait_s: number | null;
  /** Σ (talk + hold + wrap) / handled calls (answered with a known talk time). */
  aht_s: number | null;
  talk_s: number;
  handled: number;
}

/** SQL computing the counts per group (also used by tests as the single SQL source). */
function countsSql(dims: readonly QueueDimension[], store_o: ReturnType<typeof resolveKpiOptions>): string {
  const o = store_o;
  const at = o.attribution === "entered" ? "entered_at" : "coalesce(ended_at, entered_at)";
  const b = bucketSql(at, o);
  const cols: string[] = [];
  if (dims.includes("queue")) cols.push("coalesce(queue, '(none)') AS queue");
  if (dims.includes("day")) cols.push(`${b.day} AS day`);
  if (dims.includes("interval")) cols.push(`${b.interval_start_ms} AS interval_start_ms`);
  const keys = cols.map((c) => c.slice(c.lastIndexOf(" AS ") + 4));
  const T = Number(o.sl_threshold_s), S = Number(o.short_abandon_s);
  const closed = "outcome <> 'open'";
  const ans = `${closed} AND answered_at IS NOT NULL`;
  const ab = "outcome = 'abandoned'";
  const handled = `${ans} AND talk_s IS NOT NULL`;
  return `
    WITH s AS (
      SELECT *${cols.length ? ", " + cols.join(", ") : ""}
      FROM call_stints WHERE direction = 'inbound'${scopeFilter(o)}
    )
    SELECT ${keys.length ? keys.join(", ") + "," : ""}
      count(*) FILTER (${closed}) AS offered,
      count(*) FILTER (${ans}) AS answered,
      count(*) FILTER (${ab}) AS abandoned,
      count(*) FILTER (${ab} AND wait_s <= ${S}) AS short_abandoned,
      count(*) FILTER (outcome IN ('timeout', 'exit_empty', 'exit_key', 'withdrawn')) AS timeouts,
      count(*) FILTER (${ans} AND wait_s <= ${T}) AS answered_within,
      count(*) FILTER (${ab} AND wait_s <= ${T}) AS abandoned_within,
      count(*) FILTER (outcome = 'open') AS open,
      coalesce(sum(wait_s) FILTER (${ans}), 0) AS wait_answered_s,
      coalesce(sum(wait_s) FILTER (${ab}), 0) AS wait_abandoned_s,
      coalesce(sum(wait_s) FILTER (${closed}), 0) AS wait_offered_s,
      max(wait_s) FILTER (${closed}) AS max_wait_s,
      count(*) FILTER (${handled}) AS handled,
      coalesce(sum(talk_s) FILTER (${handled}), 0) AS talk_s,
      coalesce(sum(talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) FILTER (${handled}), 0) AS handle_s
    FROM s
    ${keys.length ? `GROUP BY ${keys.join(", ")} ORDER BY ${keys.join(", ")}` : ""}`;
}

/**
 * Computes queue indicators from `call_stints` (inbound only), grouped by any of `queue`,
 * `day` (local date in the time zone) and `interval` (start of the local interval).
 *
 * Definitions (DESIGN.md): offered = answered + abandoned + flow-outs, open stints apart;
 * "within" is wait ≤ T; short abandons wait ≤ S; service level per the chosen variant (all
 * seven are returned as `service_level_v1…v7`); ASA = Σ wait of answered / answered;
 * average wait = Σ wait of every offered stint (answered, abandoned, flow-outs) / offered; AHT = (talk + hold + wrap) /
 * handled. A rate with an empty denominator is `null`. Intervals are attributed by entry time
 * unless `attribution: "ended"`.
 *
 * @param store a loaded store
 * @param by grouping dimensions (default `["queue"]`); `[]` gives one total row
 * @param options see {@link KpiOptions}: time zone (UTC), interval 30 min, T 20 s, S 5 s, V2
 * @returns rows ordered by the grouping keys (see {@link QueueKpiRow})
 * @throws {RangeError} for invalid options (see `resolveKpiOptions`)
 * Source: DESIGN.md "Service level"; COPC CX Standard and ICMI glossary definitions of ASA,
 *   abandonment rate and AHT.
 * @example
 * ```ts
 * const [total] = await queueKpis(store, [], { sl_threshold_s: 20 });
 * total.offered === total.answered + total.abandoned + total.timeouts; // true
 * ```
 */
export async function queueKpis(
  store: Store,
  by: readonly QueueDimension[] = ["queue"],
  options: KpiOptions = {},
): Promise<QueueKpiRow[]> {
  const o = resolveKpiOptions(options);
  for (const d of by) {
    if (d !== "queue" && d !== "day" && d !== "interval") {
      throw new RangeError(`Cannot group queue indicators: dimension must be queue, day or interval, got '${d}'`);
    }
  }
  return queueRowsFromCounts(await store.query(countsSql(by, o)), by, o);
}

/**
 * The queue indicator rows from their additive partial aggregates, one row per group: the one
 * place where every ratio is taken (DuckDB and the distributed backend send the same counts and
 * sums; numbers may arrive as strings or bigints).
 *
 * @param rows per group: the grouping keys (`queue`, `day`, `interval_start_ms`) and the counts
 *   and sums of `countsSql` (`offered`, `answered`, …, `wait_answered_s`, `max_wait_s` or null,
 *   `handled`, `talk_s`, `handle_s`)
 * @param by the grouping dimensions of the rows
 * @param o resolved options (time zone of `interval_start`, SL variant)
 * @returns rows as {@link queueKpis} returns them
 */
export function queueRowsFromCounts(rows: readonly Record<string, unknown>[], by: readonly QueueDimension[], o: ResolvedKpiOptions): QueueKpiRow[] {
  return rows.map((r) => {
    const c = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "queue" || k === "day" || v === null || v === undefined ? v : Number(v)])) as
      Record<string, number> & { queue?: string; day?: string };
    const counts = {
      offered: c.offered, answered: c.answered, abandoned: c.abandoned, short_abandoned: c.short_abandoned,
      timeouts: c.timeouts, answered_within: c.answered_within, abandoned_within: c.abandoned_within,
    };
    const row: QueueKpiRow = {
      ...(by.includes("queue") ? { queue: c.queue } : {}),
      ...(by.includes("day") ? { day: c.day } : {}),
      ...(by.includes("interval") ? { interval_start: isoInZone(c.interval_start_ms, o.timeZone) } : {}),
      ...counts,
      open: c.open,
      service_level: serviceLevel(counts, o.sl_variant),
      service_level_v1: null, service_level_v2: null, service_level_v3: null, service_level_v4: null,
      service_level_v5: null, service_level_v6: null, service_level_v7: null,
      abandon_rate: ratio(c.abandoned, c.offered),
      abandon_rate_excl_short: ratio(c.abandoned - c.short_abandoned, c.offered - c.short_abandoned),
      asa_s: ratio(c.wait_answered_s, c.answered),
      avg_wait_s: ratio(c.wait_offered_s, c.offered),
      max_wait_s: c.max_wait_s ?? null,
      aht_s: ratio(c.handle_s, c.handled),
      talk_s: c.talk_s,
      handled: c.handled,
    };
    for (const v of Object.keys(SL_VARIANTS) as SlVariant[]) {
      row[`service_level_${v.toLowerCase()}` as `service_level_v1`] = serviceLevel(counts, v);
    }
    return row;
  });
}

/** Lists the distinct sources (input files) present in the store. */
export async function listSources(store: Store): Promise<string[]> {
  const rows = await store.query<{ source: string }>("SELECT source FROM ingest_runs ORDER BY source");
  return rows.map((r) => r.source);
}

/** Quotes a string for SQL (re-exported for notebooks writing their own queries). */
export { sqlString };
