/**
 * A ClickHouse cluster as the distributed backend: derived stints, agent events, agent state
 * segments and services (cases) loaded from a store into `Distributed` tables sharded by call id
 * (stints), agent (events, segments) and case id, each over a local `MergeTree` on every shard
 * partitioned by (UTC day, center). Call-level logic
 * (multi-stint calls, ring-all, pause pairing) stays in queuebook's ingest: only derived rows
 * travel, and every stint of a call sits on one shard. Source: SCALE.md "Cluster recipe".
 *
 * @module
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { createReadStream, rmSync } from "node:fs";
import { join } from "node:path";
import { makeScratchDir, sqlString, type Store } from "../store/mod.ts";
import { chIdent, chString } from "./sql.ts";
import { DONE_STATUS_SQL, OPEN_STATUS_SQL } from "../services/kpis.ts";

/** Where the cluster is and how to reach it. */
export interface ClickHouseOptions {
  /** HTTP URL of the node queries are sent to (e.g. `http://127.0.0.1:8124`). */
  url: string;
  /** The cluster name of the servers' `remote_servers` (e.g. `qb`). */
  cluster: string;
  /** Database of queuebook's tables (default `queuebook`); created where missing. */
  database?: string;
  /**
   * HTTP URLs of one node of every shard, where DDL and partition drops run one node at a time
   * (a cluster without ZooKeeper/Keeper). Absent: they run once with `ON CLUSTER` (a production
   * cluster with Keeper).
   */
  shard_urls?: readonly string[];
  /** User and password (default `default`, none). */
  username?: string;
  password?: string;
}

/** The center the rows of a load belong to, when not given (the data model has one center per load). */
export const DEFAULT_CENTER = "default";

/**
 * What the indicator functions need of a ClickHouse server: the qualified name of one of
 * queuebook's tables, and a query returning rows (64-bit integers as numbers). A
 * {@link ClickHouseBackend} is one; a test runs the same SQL on another server through it.
 */
export interface ClickHouseQueries {
  table(name: string): string;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

/** A connection to the cluster (see {@link openClickHouse}). */
export class ClickHouseBackend implements ClickHouseQueries {
  readonly database: string;
  readonly #main: ClickHouseClient;
  readonly #shards: ClickHouseClient[];
  constructor(readonly options: ClickHouseOptions) {
    this.database = options.database ?? "queuebook";
    chIdent(this.database);
    chIdent(options.cluster);
    const client = (url: string) =>
      createClient({
        // The client's defaults are user "default" with no password; credentials may also come in the URL.
        url, ...(options.username !== undefined && { username: options.username }), ...(options.password !== undefined && { password: options.password }), request_timeout: 600_000, compression: { request: false, response: false },
        // Long queries keep the connection alive with progress headers (both settings exist on 18.16).
        clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: "10000" },
        // Errors reach the caller as exceptions; the client's own log would print them again on stderr.
        log: { level: ClickHouseLogLevel.OFF },
      });
    this.#main = client(options.url);
    this.#shards = (options.shard_urls ?? []).map(client);
  }

  /** `db`.`name` of one of queuebook's tables. */
  table(name: string): string {
    return `${chIdent(this.database)}.${chIdent(name)}`;
  }

  /** Runs a statement that returns nothing on the main node. */
  async command(sql: string): Promise<void> {
    await this.#main.command({ query: sql });
  }

  /** Runs a statement on every shard (or once `ON CLUSTER`, spliced in by `onCluster`). */
  async onEveryShard(sql: (onCluster: string) => string): Promise<void> {
    if (this.#shards.length > 0) {
      for (const s of this.#shards) await s.command({ query: sql("") });
      return;
    }
    try {
      await this.#main.command({ query: sql(` ON CLUSTER ${chIdent(this.options.cluster)}`) });
    } catch (err) {
      const m = (err as Error).message;
      if (/DDL background thread is not initialized|ZooKeeper|Keeper/i.test(m)) {
        throw new Error(`the cluster runs no distributed DDL (no ClickHouse Keeper or ZooKeeper for ON CLUSTER): give the HTTP URL of one node of every shard (--shard-url, shard_urls), where queuebook creates its tables node by node (${m.split("\n")[0]})`);
      }
      throw err;
    }
  }

  /** Runs a query on the main node; rows as objects (64-bit integers as numbers). */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const r = await this.#main.query({ query: sql, format: "JSONEachRow", clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
    return await r.json<T>();
  }

  /** Inserts rows into a Distributed table, returning when every shard has them. */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#main.insert({ table, values: rows as Record<string, unknown>[], format: "JSONEachRow", clickhouse_settings: { insert_distributed_sync: 1 } });
  }

  /**
   * Inserts a file of JSON lines (one object per row, the table's column names) into a Distributed
   * table, streamed, returning when every shard has the rows.
   */
  async insertFile(table: string, path: string): Promise<void> {
    const r = await this.#main.exec({
      query: `INSERT INTO ${table} FORMAT JSONEachRow`, values: createReadStream(path), clickhouse_settings: { insert_distributed_sync: 1 },
    });
    for await (const _ of r.stream) { /* drain the (empty) response */ }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#main.close();
    for (const s of this.#shards) await s.close();
  }
}

/** The local tables' columns (ClickHouse types), also the order rows are sent in. */
const STINT_COLUMNS: readonly [string, string][] = [
  ["center", "String"], ["source", "String"], ["call_id", "String"], ["stint_no", "Int32"], ["queue", "Nullable(String)"], ["direction", "String"],
  ["entered_at", "DateTime('UTC')"], ["entered_ms", "Int64"], ["answered_ms", "Nullable(Int64)"], ["ended_at", "Nullable(DateTime('UTC'))"],
  ["ended_ms", "Nullable(Int64)"], ["agent", "Nullable(String)"], ["outcome", "String"], ["wait_s", "Nullable(Float64)"], ["ring_s", "Nullable(Float64)"],
  ["talk_s", "Nullable(Float64)"], ["hold_s", "Nullable(Float64)"], ["wrap_s", "Nullable(Float64)"], ["position_entered", "Nullable(Int32)"],
  ["caller", "Nullable(String)"], ["transfer_to", "Nullable(String)"], ["reconstructed", "UInt8"], ["ended_by", "Nullable(String)"],
];
const AGENT_EVENT_COLUMNS: readonly [string, string][] = [
  ["center", "String"], ["source", "String"], ["line", "Nullable(Int64)"], ["agent", "String"], ["at", "DateTime('UTC')"], ["at_ms", "Int64"],
  ["event", "String"], ["queue", "Nullable(String)"], ["reason", "Nullable(String)"], ["call_id", "Nullable(String)"], ["ring_ms", "Nullable(Float64)"],
];

const SERVICE_COLUMNS: readonly [string, string][] = [
  ["center", "String"], ["source", "String"], ["line", "Nullable(Int64)"], ["service_id", "String"], ["group", "Nullable(String)"],
  ["channel", "Nullable(String)"], ["agent", "Nullable(String)"], ["status", "Nullable(String)"], ["is_done", "UInt8"], ["is_open", "UInt8"],
  ["opened_at", "DateTime('UTC')"], ["opened_ms", "Int64"], ["solved_ms", "Nullable(Int64)"], ["latest_ms", "Nullable(Int64)"],
  ["reopens", "Nullable(Int32)"], ["sla_breached", "Nullable(UInt8)"], ["reassigned", "Nullable(UInt8)"], ["first_reply_min", "Nullable(Float64)"],
  ["first_reply_bh_min", "Nullable(Float64)"], ["resolution_min", "Nullable(Float64)"], ["resolution_bh_min", "Nullable(Float64)"],
  ["csat_good", "UInt8"], ["csat_bad", "UInt8"], ["csat_score", "Nullable(Int32)"], ["cost", "Nullable(Float64)"],
];

const AGENT_STATE_COLUMNS: readonly [string, string][] = [
  ["center", "String"], ["source", "String"], ["agent", "String"], ["started_at", "DateTime('UTC')"], ["started_ms", "Int64"], ["ended_ms", "Nullable(Int64)"],
  ["duration_s", "Nullable(Float64)"], ["session", "Nullable(String)"], ["availability", "Nullable(String)"], ["reason", "Nullable(String)"],
  ["work", "Nullable(String)"], ["state", "Nullable(String)"], ["queue", "Nullable(String)"], ["call_id", "Nullable(String)"], ["open", "UInt8"],
];

/** The tables: local name, Distributed name, columns, sort key, partition instant, sharding key. */
export const CH_TABLES = {
  call_stints: { columns: STINT_COLUMNS, order: "(center, entered_ms, call_id)", day: "entered_at", shard: "cityHash64(call_id)" },
  agent_events: { columns: AGENT_EVENT_COLUMNS, order: "(center, agent, at_ms)", day: "at", shard: "cityHash64(agent)" },
  agent_states: { columns: AGENT_STATE_COLUMNS, order: "(center, agent, started_ms)", day: "started_at", shard: "cityHash64(agent)" },
  services: { columns: SERVICE_COLUMNS, order: "(center, opened_ms, service_id)", day: "opened_at", shard: "cityHash64(service_id)" },
} as const;

/**
 * Connects to the cluster and creates queuebook's database and tables where missing (on every
 * shard: the local `MergeTree` tables and the `Distributed` tables over them).
 *
 * @throws {Error} when a server cannot be reached or refuses the DDL (its message, with `Code: N`)
 * @example
 * ```ts
 * const ch = await openClickHouse({ url: "http://127.0.0.1:8124", cluster: "qb", shard_urls: ["http://127.0.0.1:8124", "http://127.0.0.1:8125"] });
 * await loadIntoClickHouse(ch, store);
 * ```
 */
export async function openClickHouse(options: ClickHouseOptions): Promise<ClickHouseBackend> {
  const ch = new ClickHouseBackend(options);
  try {
    const db = chIdent(ch.database);
    await ch.onEveryShard((on) => `CREATE DATABASE IF NOT EXISTS ${db}${on}`);
    for (const [name, t] of Object.entries(CH_TABLES)) {
      const cols = t.columns.map(([c, type]) => `${chIdent(c)} ${type}`).join(", ");
      await ch.onEveryShard((on) =>
        `CREATE TABLE IF NOT EXISTS ${ch.table(`${name}_local`)}${on} (${cols}) ENGINE = MergeTree() PARTITION BY (toYYYYMMDD(${t.day}), center, source) ORDER BY ${t.order}`
      );
      await ch.onEveryShard((on) =>
        `CREATE TABLE IF NOT EXISTS ${ch.table(name)}${on} (${cols}) ENGINE = Distributed(${chIdent(options.cluster)}, ${db}, ${chIdent(`${name}_local`)}, ${t.shard})`
      );
    }
    return ch;
  } catch (err) {
    await ch.close();
    throw err;
  }
}

/**
 * SQL (DuckDB) selecting the rows of one of {@link CH_TABLES} to send as the rows of `center`,
 * with the columns of that table (instants as UTC `YYYY-MM-DD hh:mm:ss` and epoch ms; flags
 * derived here), ending in a `WHERE` clause a caller may extend with `AND …`.
 */
export function clickHouseRowsSql(name: keyof typeof CH_TABLES, center: string): string {
  const utc = (c: string) => `strftime(${c} AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S')`;
  const c = `'${center.replaceAll("'", "''")}' AS center`;
  if (name === "agent_states") {
    // Segments come from every source's events together: one partition per (day, center), source ''.
    return `SELECT ${c}, '' AS source, agent, ${utc("started_at")} AS started_at, epoch_ms(started_at) AS started_ms, epoch_ms(ended_at) AS ended_ms, duration_s,
        session, availability, reason, work, state, queue, call_id, CASE WHEN open THEN 1 ELSE 0 END AS open
      FROM agent_states WHERE started_at IS NOT NULL AND agent IS NOT NULL`;
  }
  if (name === "services") {
    // The status words and survey answers are classified here, by the SQL that serviceKpis uses
    // (DuckDB's Unicode lower(), TRY_CAST): only the derived flags travel.
    const score = "TRY_CAST(csat AS INTEGER)";
    return `SELECT ${c}, coalesce(source, '') AS source, line, service_id, "group", channel, agent, status,
        CASE WHEN ${DONE_STATUS_SQL} THEN 1 ELSE 0 END AS is_done, CASE WHEN ${OPEN_STATUS_SQL} THEN 1 ELSE 0 END AS is_open,
        ${utc("opened_at")} AS opened_at, epoch_ms(opened_at) AS opened_ms, epoch_ms(solved_at) AS solved_ms,
        epoch_ms(greatest(updated_at, opened_at, solved_at, closed_at)) AS latest_ms, reopens,
        CASE WHEN sla_breached THEN 1 WHEN NOT sla_breached THEN 0 END AS sla_breached, CASE WHEN reassigned THEN 1 WHEN NOT reassigned THEN 0 END AS reassigned,
        first_reply_min, first_reply_bh_min, resolution_min, resolution_bh_min,
        CASE WHEN csat = 'good' OR ${score} IN (4, 5) THEN 1 ELSE 0 END AS csat_good, CASE WHEN csat = 'bad' OR ${score} IN (1, 2, 3) THEN 1 ELSE 0 END AS csat_bad,
        CASE WHEN ${score} BETWEEN 1 AND 5 THEN ${score} END AS csat_score, cost
      FROM services WHERE opened_at IS NOT NULL`;
  }
  return name === "call_stints"
    ? `SELECT ${c}, coalesce(source, '') AS source, call_id, stint_no, queue, direction, ${utc("entered_at")} AS entered_at, epoch_ms(entered_at) AS entered_ms,
        epoch_ms(answered_at) AS answered_ms, ${utc("ended_at")} AS ended_at, epoch_ms(ended_at) AS ended_ms, agent, outcome, wait_s, ring_s,
        talk_s, hold_s, wrap_s, position_entered, caller, transfer_to, CASE WHEN reconstructed THEN 1 ELSE 0 END AS reconstructed, ended_by
      FROM call_stints WHERE entered_at IS NOT NULL`
    : `SELECT ${c}, coalesce(source, '') AS source, line, agent, ${utc('"at"')} AS "at", epoch_ms("at") AS at_ms, event, queue, reason, call_id, ring_ms
      FROM agent_events WHERE "at" IS NOT NULL AND agent IS NOT NULL`;
}

/** Rows sent per insert (bounded scratch space: about 300 bytes a stint). */
export const CH_ROWS_PER_INSERT = 1_000_000;

/**
 * Loads the store's derived stints, agent events, agent state segments (as built, if they are)
 * and services (cases) into the cluster as the rows of `center`: the (UTC day, center, source)
 * partitions the store has rows for are dropped on every shard first, so loading the same data
 * again replaces it (idempotent), and other days, sources and centers stay (agent segments,
 * built from every source together, are replaced per day and center).
 *
 * @param center the center the rows belong to (default {@link DEFAULT_CENTER})
 * @returns the rows sent per table
 */
export async function loadIntoClickHouse(ch: ClickHouseBackend, store: Store, center = DEFAULT_CENTER): Promise<{ call_stints: number; agent_events: number; agent_states: number; services: number }> {
  const sent = { call_stints: 0, agent_events: 0, agent_states: 0, services: 0 };
  const scratch = makeScratchDir("queuebook-clickhouse-");
  const file = join(scratch, "page.json");
  try {
    for (const name of Object.keys(CH_TABLES) as (keyof typeof CH_TABLES)[]) await sendTable(ch, store, name, center, file, sent);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return sent;
}

/** Replaces one table's (day, center) partitions on the cluster by the store's rows. */
async function sendTable(ch: ClickHouseBackend, store: Store, name: keyof typeof CH_TABLES, center: string, file: string, sent: Record<string, number>): Promise<void> {
  const t = CH_TABLES[name];
  // The (day, source) partitions this load replaces: another source's rows of the same day stay.
  const parts = await store.query<{ d: number; source: string }>(
    `SELECT DISTINCT CAST(replace(left("${t.day}", 10), '-', '') AS INTEGER) AS d, source FROM (${clickHouseRowsSql(name, center)}) ORDER BY d, source`,
  );
  for (const { d, source } of parts) {
    await ch.onEveryShard((on) => `ALTER TABLE ${ch.table(`${name}_local`)}${on} DROP PARTITION (${Number(d)}, ${chString(center)}, ${chString(source)})`);
  }
  // Pages by row id (no sort, no OFFSET rescans), each written by DuckDB as JSON lines and
  // streamed to the server: 100k rows through JavaScript objects took 4 s, as a file 0.2 s.
  const [{ last }] = await store.query<{ last: number | null }>(`SELECT max(rowid) AS last FROM ${name}`) as [{ last: number | null }];
  for (let from = 0; last !== null && from <= Number(last); from += CH_ROWS_PER_INSERT) {
    const page = `${clickHouseRowsSql(name, center)} AND rowid >= ${from} AND rowid < ${from + CH_ROWS_PER_INSERT}`;
    const [{ rows }] = await store.query<{ rows: number }>(`SELECT count(*) AS rows FROM (${page})`) as [{ rows: number }];
    if (Number(rows) === 0) continue;
    await store.exec(`COPY (${page}) TO ${sqlString(file)} (FORMAT json)`);
    await ch.insertFile(ch.table(name), file);
    sent[name] += Number(rows);
  }
}
