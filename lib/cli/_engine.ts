/**
 * Private: `--engine clickhouse` of `qb kpis` — the loaded stints and agent events sent to a
 * ClickHouse cluster, and the indicators computed there with the same definitions.
 *
 * @module
 */
import { type Command, Option } from "commander";
import process from "node:process";
import { type AgentKpiRow, agentKpis, type KpiOptions, type QueueDimension, type QueueKpiRow, queueKpis } from "../indicators/mod.ts";
import { agentKpisOnCluster, chString, DEFAULT_CENTER, loadIntoClickHouse, openClickHouse, queueKpisOnCluster } from "../distributed/mod.ts";
import type { Store } from "../store/mod.ts";
import { collect, safe, UsageError } from "./_common.ts";

/** The engine options as parsed. */
export interface EngineCliOptions {
  engine: "duckdb" | "clickhouse";
  url?: string;
  cluster?: string;
  shardUrl: string[];
  database: string;
  center: string;
  quiet: boolean;
}

/** Adds `--engine`, `--url`, `--cluster`, `--shard-url`, `--database`, `--center`. */
export function withEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--engine <engine>", "where the indicators are computed: duckdb (in process), or clickhouse (the loaded rows are sent to a cluster first)").choices(["duckdb", "clickhouse"]).default("duckdb"))
    .option("--url <url>", "ClickHouse: HTTP URL of the node queries go to (e.g. http://127.0.0.1:8124); required with --engine clickhouse")
    .option("--cluster <name>", "ClickHouse: cluster name of the servers' remote_servers (e.g. qb); required with --engine clickhouse")
    .option("--shard-url <url>", "ClickHouse: HTTP URL of one node per shard, where tables are created and partitions replaced (repeat; without it: ON CLUSTER, which needs Keeper)", collect, [])
    .option("--database <name>", "ClickHouse: database of queuebook's tables", "queuebook")
    .option("--center <name>", "ClickHouse: the center these rows belong to (a load replaces that center's days of its sources)", DEFAULT_CENTER);
}

/** A URL (or a message holding URLs) as printed: a password in it (`http://user:secret@host`) replaced by `***`. */
export function shownUrl(url: string): string {
  return safe(url.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/gi, "$1:***@"));
}

/** Checks the engine options before anything is loaded. @throws {UsageError} */
export function checkEngineOptions(o: EngineCliOptions): void {
  if (o.engine !== "clickhouse") {
    for (const [flag, v] of [["--url", o.url], ["--cluster", o.cluster], ["--shard-url", o.shardUrl.length ? "x" : undefined]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} is an option of --engine clickhouse`);
    }
    return;
  }
  if (!o.url || !o.cluster) throw new UsageError("--engine clickhouse needs --url URL and --cluster NAME");
  for (const u of [o.url, ...o.shardUrl]) {
    if (!/^https?:\/\/[^\s/]+/.test(u)) throw new UsageError(`--url/--shard-url must be an http(s) URL such as http://127.0.0.1:8124, got '${shownUrl(u)}'`);
  }
  for (const [flag, v] of [["--cluster", o.cluster], ["--database", o.database]] as const) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new UsageError(`${flag} must be a ClickHouse name (letters, digits, _), got '${safe(v)}'`);
  }
  // The same center names as archives' (qb export --center).
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(o.center)) throw new UsageError(`--center must be letters, digits, '.', '_' or '-' (at most 100), got '${safe(o.center.slice(0, 100))}'`);
}

/**
 * The queue (`dims` without `agent`) or agent indicators of the loaded store: in DuckDB, or on
 * the cluster after loading the store's rows into it as `--center`.
 */
export async function engineKpis(store: Store, dims: readonly string[], k: KpiOptions, o: EngineCliOptions): Promise<(QueueKpiRow | AgentKpiRow)[]> {
  if (o.engine === "duckdb") return dims[0] === "agent" ? await agentKpis(store, k) : await queueKpis(store, dims as QueueDimension[], k);
  let ch;
  try {
    ch = await openClickHouse({ url: o.url!, cluster: o.cluster!, database: o.database, shard_urls: o.shardUrl });
  } catch (err) {
    throw new UsageError(`cannot use the ClickHouse cluster at ${shownUrl(o.url!)}: ${shownUrl((err as Error).message.split("\n")[0]!)}`);
  }
  try {
    const sent = await loadIntoClickHouse(ch, store, o.center);
    if (!o.quiet) {
      process.stderr.write(`clickhouse ${shownUrl(o.url!)} (cluster ${o.cluster}): ${sent.call_stints} stints, ${sent.agent_events} agent events, ${sent.agent_states} agent-state segments and ${sent.services} services loaded as center '${safe(o.center)}'\n`);
      // As with --db: what the cluster already held for this center is in the results, and said so.
      const mine = new Set((await store.query<{ source: string }>("SELECT DISTINCT source FROM call_stints")).map((r) => r.source));
      const held = (await ch.query<{ source: string }>(`SELECT DISTINCT source FROM ${ch.table("call_stints")} WHERE center = ${chString(o.center)} ORDER BY source`))
        .map((r) => r.source).filter((x) => !mine.has(x));
      if (held.length) process.stderr.write(`qb: note: the cluster's center '${safe(o.center)}' also holds ${held.length} source(s) loaded earlier, included in the results: ${held.slice(0, 10).map(safe).join(", ")}${held.length > 10 ? ", …" : ""}\n`);
    }
    return dims[0] === "agent" ? await agentKpisOnCluster(ch, k, o.center) : await queueKpisOnCluster(ch, dims as QueueDimension[], k, o.center);
  } finally {
    await ch.close();
  }
}
