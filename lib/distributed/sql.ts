/**
 * The ClickHouse dialect of the queue and agent indicators' partial aggregates: SQL that both
 * ClickHouse 18.16 (Debian) and current ClickHouse accept (SCALE.md "Dialect rules"): no
 * `FILTER` (`countIf`, `sumIf`, `maxIf`), no window functions, no named subqueries, no query
 * parameters (literals escaped here, strictly), no `toStartOfInterval`, outputs named apart
 * from their inputs (aliases are global). Only counts, sums and maxima leave the servers: every
 * ratio is taken in TypeScript after the merge (`queueRowsFromCounts`, `agentRowsFromCounts`).
 *
 * @module
 */
import type { QueueDimension, ResolvedKpiOptions } from "../indicators/mod.ts";

/**
 * A ClickHouse string literal: backslash and quote escaped, every control character as `\xHH`.
 * Source: ClickHouse "Syntax: String literals" (the escapes 18.16 and current servers share).
 */
export function chString(s: string): string {
  let out = "'";
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += c === "\\" || c === "'" ? `\\${c}` : code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
  }
  return out + "'";
}

/** A ClickHouse identifier, back-quoted (names of databases, tables and clusters). */
export function chIdent(s: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new RangeError(`Cannot use '${s}' as a ClickHouse name: letters, digits and _ only`);
  return `\`${s}\``;
}

/** A finite number as a SQL literal. @throws {RangeError} */
const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot write ${x} into ClickHouse SQL`);
  return String(x);
};

/**
 * The local day and the interval start (epoch ms) of an instant, DST-safe: the wall clock in
 * the zone read back as if UTC (`wall`), the bucket of the wall clock, and the offset in force
 * at the instant taken off again — the formula of DuckDB's `bucketSql` (the repeated hour of a
 * fall-back gives two intervals). Source: SCALE.md "DST-safe local buckets".
 *
 * @param seconds a `DateTime('UTC')` column (the instant, to the second)
 */
export function chBucket(seconds: string, o: ResolvedKpiOptions): { day: string; interval_start_ms: string } {
  const tz = chString(o.timeZone);
  const wall = `toInt64(toDateTime(toString(${seconds}, ${tz}), 'UTC'))`;
  const w = num(o.interval_minutes * 60);
  return {
    day: `toString(toDate(${seconds}, ${tz}))`,
    interval_start_ms: `(intDiv(${wall}, ${w}) * ${w} - (${wall} - toInt64(${seconds}))) * 1000`,
  };
}

/** `AND …` of the options' window and sources, on `call_stints` or `agent_events` columns. */
export function chScope(o: ResolvedKpiOptions, on: "call_stints" | "agent_events", center: string | null): string {
  const at = on === "agent_events" ? "at_ms" : o.attribution === "ended" ? "ifNull(ended_ms, entered_ms)" : "entered_ms";
  let f = center === null ? "" : ` AND center = ${chString(center)}`;
  if (o.sources) f += ` AND source IN (${o.sources.length ? o.sources.map(chString).join(", ") : "''"})${o.sources.length ? "" : " AND 0"}`;
  if (o.from_ms !== null) f += ` AND ${at} >= ${num(Math.round(o.from_ms))}`;
  if (o.to_ms !== null) f += ` AND ${at} < ${num(Math.round(o.to_ms))}`;
  return f;
}

/** A nullable condition as 0/1 (NULL → 0), for `countIf`/`sumIf` on 18.16. */
const cond = (c: string) => `ifNull(${c}, 0)`;

/**
 * The queue indicators' partial aggregates per group over the `call_stints` Distributed table,
 * with the column names of DuckDB's `countsSql` (and `max_wait_n`: how many waits `max_wait_s`
 * saw, since ClickHouse gives 0 where DuckDB gives NULL).
 */
export function chQueueCountsSql(table: string, dims: readonly QueueDimension[], o: ResolvedKpiOptions, center: string | null): string {
  const at = o.attribution === "entered" ? "entered_at" : "ifNull(ended_at, entered_at)";
  const b = chBucket(at, o);
  const keys: string[] = [];
  const cols: string[] = [];
  if (dims.includes("queue")) cols.push("ifNull(queue, '(none)') AS queue_key"), keys.push("queue_key");
  if (dims.includes("day")) cols.push(`${b.day} AS day_key`), keys.push("day_key");
  if (dims.includes("interval")) cols.push(`${b.interval_start_ms} AS interval_key`), keys.push("interval_key");
  const T = num(o.sl_threshold_s), S = num(o.short_abandon_s);
  const closed = "outcome != 'open'";
  const ans = `${closed} AND isNotNull(answered_ms)`;
  const ab = "outcome = 'abandoned'";
  const handled = `${ans} AND isNotNull(talk_s)`;
  return `SELECT ${cols.length ? cols.join(", ") + "," : ""}
  countIf(${closed}) AS n_offered, countIf(${ans}) AS n_answered, countIf(${ab}) AS n_abandoned,
  countIf(${ab} AND ${cond(`wait_s <= ${S}`)}) AS n_short_abandoned,
  countIf(outcome IN ('timeout', 'exit_empty', 'exit_key', 'withdrawn')) AS n_timeouts,
  countIf(${ans} AND ${cond(`wait_s <= ${T}`)}) AS n_answered_within,
  countIf(${ab} AND ${cond(`wait_s <= ${T}`)}) AS n_abandoned_within,
  countIf(outcome = 'open') AS n_open,
  sumIf(ifNull(wait_s, 0), ${ans}) AS sum_wait_answered, sumIf(ifNull(wait_s, 0), ${ab}) AS sum_wait_abandoned,
  sumIf(ifNull(wait_s, 0), ${closed}) AS sum_wait_offered,
  maxIf(ifNull(wait_s, 0), ${closed} AND isNotNull(wait_s)) AS max_wait, countIf(${closed} AND isNotNull(wait_s)) AS max_wait_n,
  countIf(${handled}) AS n_handled, sumIf(ifNull(talk_s, 0), ${handled}) AS sum_talk,
  sumIf(ifNull(talk_s, 0) + ifNull(hold_s, 0) + ifNull(wrap_s, 0), ${handled}) AS sum_handle
FROM ${table} WHERE direction = 'inbound'${chScope(o, "call_stints", center)}
${keys.length ? `GROUP BY ${keys.join(", ")} ORDER BY ${keys.join(", ")}` : ""}`;
}

/** Renames a {@link chQueueCountsSql} row to the column names of DuckDB's `countsSql`. */
export function queueCountsRow(r: Record<string, unknown>): Record<string, unknown> {
  const n = (k: string) => Number(r[k]);
  return {
    ...("queue_key" in r ? { queue: r.queue_key } : {}),
    ...("day_key" in r ? { day: r.day_key } : {}),
    ...("interval_key" in r ? { interval_start_ms: n("interval_key") } : {}),
    offered: n("n_offered"), answered: n("n_answered"), abandoned: n("n_abandoned"), short_abandoned: n("n_short_abandoned"),
    timeouts: n("n_timeouts"), answered_within: n("n_answered_within"), abandoned_within: n("n_abandoned_within"), open: n("n_open"),
    wait_answered_s: n("sum_wait_answered"), wait_abandoned_s: n("sum_wait_abandoned"), wait_offered_s: n("sum_wait_offered"),
    max_wait_s: n("max_wait_n") > 0 ? n("max_wait") : null,
    handled: n("n_handled"), talk_s: n("sum_talk"), handle_s: n("sum_handle"),
  };
}

/** The agent indicators' partial aggregates from `call_stints`, per agent (DuckDB's names with a `n_`/`sum_` prefix). */
export function chAgentStintCountsSql(table: string, o: ResolvedKpiOptions, center: string | null): string {
  const inb = "direction = 'inbound'";
  const ans = `${inb} AND outcome != 'open' AND isNotNull(answered_ms)`;
  return `SELECT assumeNotNull(agent) AS agent_key,
  countIf(${ans}) AS n_answered, countIf(${inb} AND outcome = 'transferred') AS n_transferred,
  countIf(${ans} AND isNotNull(talk_s)) AS n_handled, sumIf(ifNull(talk_s, 0), ${inb} AND outcome != 'open') AS sum_talk,
  sumIf(ifNull(talk_s, 0) + ifNull(hold_s, 0) + ifNull(wrap_s, 0), ${ans} AND isNotNull(talk_s)) AS sum_handle,
  countIf(direction = 'outbound') AS n_outbound, countIf(direction = 'outbound' AND isNotNull(answered_ms)) AS n_outbound_connected,
  sumIf(ifNull(talk_s, 0), direction = 'outbound') AS sum_outbound_talk
FROM ${table} WHERE isNotNull(agent)${chScope(o, "call_stints", center)}
GROUP BY agent_key ORDER BY agent_key`;
}

/** The ring-no-answer partial aggregates from `agent_events`, per agent. */
export function chAgentEventCountsSql(table: string, o: ResolvedKpiOptions, center: string | null): string {
  return `SELECT agent AS agent_key, countIf(event = 'RINGNOANSWER') AS n_rna, countIf(event = 'RINGCANCELED') AS n_canceled,
  sumIf(ifNull(ring_ms, 0), event = 'RINGNOANSWER') AS sum_rna_ms
FROM ${table} WHERE event IN ('RINGNOANSWER', 'RINGCANCELED')${chScope(o, "agent_events", center)}
GROUP BY agent_key ORDER BY agent_key`;
}

/** Merges the two agent aggregates (a full outer join in TypeScript) into DuckDB's column names, sorted by agent. */
export function agentCountsRows(stints: readonly Record<string, unknown>[], events: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const by = new Map<string, Record<string, unknown>>();
  const n = (r: Record<string, unknown> | undefined, k: string) => Number(r?.[k] ?? 0);
  for (const r of stints) by.set(String(r.agent_key), { s: r });
  for (const r of events) by.set(String(r.agent_key), { ...(by.get(String(r.agent_key)) ?? {}), e: r });
  return [...by.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((agent) => {
    const { s, e } = by.get(agent) as { s?: Record<string, unknown>; e?: Record<string, unknown> };
    return {
      agent, answered: n(s, "n_answered"), transferred: n(s, "n_transferred"), handled: n(s, "n_handled"), talk_s: n(s, "sum_talk"),
      handle_s: n(s, "sum_handle"), outbound_calls: n(s, "n_outbound"), outbound_connected: n(s, "n_outbound_connected"),
      outbound_talk_s: n(s, "sum_outbound_talk"), ring_no_answer: n(e, "n_rna"), ring_canceled: n(e, "n_canceled"),
      ring_no_answer_s: n(e, "sum_rna_ms") / 1000,
    };
  });
}
