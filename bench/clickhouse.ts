/**
 * Benchmark (informational): the queue and agent indicators of a generated log of N calls on a
 * two-shard ClickHouse cluster against DuckDB in this process, from the same loaded stints.
 * Both shards run on this one machine, so the cluster cannot show a cluster's gain: the ratio
 * says what the distributed path costs here, not what it buys on many machines.
 *
 * Run: `deno run -A bench/clickhouse.ts [N] [--url URL --shard-url U1 --shard-url U2]`
 * (default 1,000,000 calls; 4,000,000 gives about 4M stints). Without `--url` it starts its own
 * cluster with `scripts/clickhouse_cluster.sh` (Debian's clickhouse-server must be installed)
 * and stops it at the end.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  agentKpis, agentKpisOnCluster, loadIntoClickHouse, loadLogs, openClickHouse, openStore, queueKpis, queueKpisOnCluster,
} from "../lib/mod.ts";
import { generateQueueLog } from "./gen_queue_log.ts";

const args = [...Deno.args];
const flag = (name: string) => {
  const out: string[] = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name)) out.push(...args.splice(i, 2).slice(1));
  return out;
};
let url = flag("--url")[0];
let shards = flag("--shard-url");
const n = Number(args[0] ?? 1_000_000);
const file = `/tmp/queuebook_bench_${n}.queue_log`;
if (!existsSync(file)) {
  console.log(`generating ${n.toLocaleString("en-US")} calls into ${file} …`);
  generateQueueLog(n, file, 1);
}
let dir: string | null = null;
if (!url) {
  dir = mkdtempSync(join(tmpdir(), "qb-bench-ch-"));
  const r = spawnSync("bash", [new URL("../scripts/clickhouse_cluster.sh", import.meta.url).pathname, "start", dir, "18700"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot start the cluster: ${r.stderr}`);
  url = "http://127.0.0.1:18701";
  shards = [url, "http://127.0.0.1:18702"];
}
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const x = await f();
  return [x, performance.now() - t0];
};
const store = await openStore();
const ch = await openClickHouse({ url, cluster: "qb", shard_urls: shards, database: "qb_bench" });
try {
  const [, loadMs] = await time(() => loadLogs(store, [file]));
  const [sent, sendMs] = await time(() => loadIntoClickHouse(ch, store, "bench"));
  const o = { timeZone: "Europe/Rome", interval_minutes: 30 };
  console.log(`calls: ${n.toLocaleString("en-US")}; stints: ${sent.call_stints.toLocaleString("en-US")}; agent events: ${sent.agent_events.toLocaleString("en-US")}`);
  console.log(`load into DuckDB (queuebook ingest): ${s(loadMs)}; rows sent to the cluster: ${s(sendMs)}`);
  for (const [label, duck, house] of [
    ["queue KPIs by queue × 30-min interval", () => queueKpis(store, ["queue", "interval"], o), () => queueKpisOnCluster(ch, ["queue", "interval"], o, "bench")],
    ["agent KPIs", () => agentKpis(store, o), () => agentKpisOnCluster(ch, o, "bench")],
  ] as const) {
    // Alternated twice, the faster of each (a shared machine's noise is one-sided).
    const d: number[] = [], c: number[] = [];
    let rows = [0, 0];
    for (let i = 0; i < 2; i++) {
      const [a, ad] = await time(duck as () => Promise<unknown[]>);
      const [b, bd] = await time(house as () => Promise<unknown[]>);
      d.push(ad), c.push(bd), rows = [a.length, b.length];
    }
    const [bd, bc] = [Math.min(...d), Math.min(...c)];
    console.log(`${label}: DuckDB ${s(bd)} (${rows[0]} rows), ClickHouse 2 shards ${s(bc)} (${rows[1]} rows): ratio ClickHouse / DuckDB ${(bc / bd).toFixed(2)}×`);
  }
  console.log("informational: both shards share this one 2-core machine, so this cannot show a cluster's gain (SCALE.md).");
} finally {
  await ch.close();
  store.close();
  if (dir) {
    spawnSync("bash", [new URL("../scripts/clickhouse_cluster.sh", import.meta.url).pathname, "stop", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
