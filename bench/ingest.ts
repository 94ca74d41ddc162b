/**
 * Benchmark: load + queue KPIs (by queue and 30-minute interval) + agent KPIs of a generated
 * native queue_log of N calls, against the minimal hand-written DuckDB query on the same file
 * (`read_csv` + GROUP BY stints + interval and agent KPIs), run in the same process.
 *
 * Run: `deno task bench:ingest N` (default 100000). Prints wall time and peak resident memory
 * of each (peak reset between the two through /proc/self/clear_refs) and their ratio.
 */
import { existsSync, writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { agentKpis, loadLogs, openStore, queueKpis } from "../lib/mod.ts";
import { generateQueueLog } from "./gen_queue_log.ts";

const n = Number(Deno.args[0] ?? 100_000);
const file = Deno.args[1] ?? `/tmp/queuebook_bench_${n}.queue_log`;
if (!existsSync(file)) {
  console.log(`generating ${n.toLocaleString("en-US")} calls into ${file} …`);
  console.log(JSON.stringify(generateQueueLog(n, file, 1)));
}
const TZ = "Europe/Rome";

function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch { /* not Linux: peak is since start */ }
}
function peakMiB(): number {
  const m = /VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function baseline(): Promise<{ ms: number; rss: number; offered: number }> {
  resetPeak();
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(":memory:");
  const c = await inst.connect();
  await c.run("SET TimeZone = 'UTC'");
  await c.run(`CREATE TABLE ev AS SELECT * FROM read_csv('${file}', delim = '|', header = false, quote = '', escape = '',
    null_padding = true, strict_mode = false, auto_detect = false,
    columns = {'t': 'VARCHAR', 'callid': 'VARCHAR', 'queue': 'VARCHAR', 'agent': 'VARCHAR', 'event': 'VARCHAR',
      'd1': 'VARCHAR', 'd2': 'VARCHAR', 'd3': 'VARCHAR', 'd4': 'VARCHAR', 'd5': 'VARCHAR'})`);
  await c.run(`CREATE TABLE st AS SELECT callid, queue,
      min(t::BIGINT) FILTER (event = 'ENTERQUEUE') AS entered,
      max(try_cast(d1 AS DOUBLE)) FILTER (event = 'CONNECT') AS wait_ans,
      max(try_cast(d3 AS DOUBLE)) FILTER (event = 'ABANDON') AS wait_ab,
      max(try_cast(d2 AS DOUBLE)) FILTER (event IN ('COMPLETECALLER', 'COMPLETEAGENT')) AS talk,
      bool_or(event = 'CONNECT') AS ans, bool_or(event = 'ABANDON') AS ab,
      any_value(agent) FILTER (event = 'CONNECT') AS agent
    FROM ev WHERE callid <> 'NONE' GROUP BY callid, queue`);
  const q = await c.runAndReadAll(`SELECT queue, time_bucket(INTERVAL 30 MINUTE, timezone('${TZ}', to_timestamp(entered))) AS iv,
      count(*) AS offered, count(*) FILTER (ans) AS answered, count(*) FILTER (ab) AS abandoned,
      count(*) FILTER (ans AND wait_ans <= 20) AS within, avg(talk) AS aht
    FROM st GROUP BY ALL`);
  await c.runAndReadAll(`SELECT agent, count(*), sum(talk) FROM st WHERE agent IS NOT NULL GROUP BY agent`);
  const offered = q.getRowObjectsJS().reduce((s, r) => s + Number(r.offered), 0);
  const ms = performance.now() - t0;
  c.closeSync();
  inst.closeSync();
  return { ms, rss: peakMiB(), offered };
}

async function product(): Promise<{ ms: number; rss: number; offered: number; lines: number; phases: Record<string, number> }> {
  resetPeak();
  const t0 = performance.now();
  const store = await openStore();
  if (Deno.env.get("QB_BENCH_MEMORY")) await store.exec(`SET memory_limit = '${Deno.env.get("QB_BENCH_MEMORY")}'`);
  const phases: Record<string, number> = {};
  let phase = "start", since = t0;
  const enter = (p: string) => {
    const now = performance.now();
    if (phase) phases[phase] = (phases[phase] ?? 0) + now - since;
    phase = p;
    since = now;
  };
  const [counts] = await loadLogs(store, [file], { onProgress: (p) => p.phase !== phase && enter(p.phase) });
  enter("queue KPIs");
  const rows = await queueKpis(store, ["queue", "interval"], { timeZone: TZ, interval_minutes: 30 });
  enter("agent KPIs");
  await agentKpis(store);
  enter("");
  const ms = performance.now() - t0;
  store.close();
  return { ms, rss: peakMiB(), offered: rows.reduce((s, r) => s + r.offered, 0), lines: counts!.lines_read, phases };
}

// Alternate the two, twice, and keep the faster run of each (shared machine: noise is one-sided).
const b: Awaited<ReturnType<typeof baseline>>[] = [];
const p: Awaited<ReturnType<typeof product>>[] = [];
for (let i = 0; i < 2; i++) {
  b.push(await baseline());
  p.push(await product());
}
const best = <T extends { ms: number }>(xs: T[]) => xs.reduce((a, x) => (x.ms < a.ms ? x : a));
const B = best(b), P = best(p);
const fmt = (x: number) => (x / 1000).toFixed(2);
console.log(`calls: ${n.toLocaleString("en-US")}  lines: ${P.lines.toLocaleString("en-US")}`);
console.log(`minimal DuckDB query: ${fmt(B.ms)} s, peak RSS ${B.rss.toFixed(0)} MiB (offered ${B.offered.toLocaleString("en-US")}, stint-level approximation)`);
console.log(`queuebook load + queue KPIs + agent KPIs: ${fmt(P.ms)} s, peak RSS ${P.rss.toFixed(0)} MiB (offered ${P.offered.toLocaleString("en-US")})`);
console.log(`  phases (s): ${Object.entries(P.phases).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ")}`);
console.log(`ratio queuebook / minimal query: ${(P.ms / B.ms).toFixed(2)}× time, ${(P.rss / B.rss).toFixed(2)}× peak memory`);
