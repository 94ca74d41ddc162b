/**
 * Benchmark: agent states and the per-agent × 30-minute-interval operator table, for the demo
 * center's month (60 agents) and for a generated 1,000-agent log of N calls, against a minimal
 * hand-written DuckDB build from the same loaded events and stints (sessions and pauses by LEAD,
 * ringing and talking from the stints, seconds per agent, 30-minute bucket of the start and state;
 * no overlay of the axes, no wrap-up, no splitting, no roster, no schedules), in the same process;
 * and, as the Operators issue asks, against a minimal GROUP BY over the built segments.
 *
 * Run: `deno task bench:states [N]` (default 200000 generated calls). Prints wall time, peak
 * resident memory (reset between runs through /proc/self/clear_refs) and the ratio.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgentStatesInStore, buildDemoCenter, loadLogs, loadRoster, loadSchedules, openStore, operatorKpis, writeDemoCenter } from "../lib/mod.ts";
import { generateQueueLog } from "./gen_queue_log.ts";

function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch { /* not Linux */ }
}
const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1] ?? NaN) / 1024;

async function run(label: string, log: string, extra: { roster?: string; schedules?: string; wrap?: Record<string, number> }) {
  const store = await openStore();
  await loadLogs(store, [log]);
  if (extra.roster) await loadRoster(store, extra.roster);
  if (extra.schedules) await loadSchedules(store, extra.schedules);
  resetPeak();
  let t0 = performance.now();
  const built = await buildAgentStatesInStore(store, { wrapup_by_queue: extra.wrap ?? {}, wrapup_s: 30 });
  const states_ms = performance.now() - t0;
  const rows = await operatorKpis(store, { by: "agent", period: "interval", states_built: true, timeZone: "Europe/Rome" });
  const ours_ms = performance.now() - t0;
  const ours_rss = peakMiB();
  resetPeak();
  t0 = performance.now();
  // The minimal hand-written build: sessions and pauses by LEAD over the agent events, ringing
  // and talking from the stints, summed per agent, 30-minute bucket of the start and state — no
  // overlay of the axes, no wrap-up, no clipping, no splitting across intervals, no roster.
  const minimal = await store.query(`
    WITH ev AS (
      SELECT agent, "at" AS s, lead("at") OVER (PARTITION BY agent ORDER BY "at", line) AS e,
        CASE WHEN event IN ('AGENTLOGOFF', 'REMOVEMEMBER') THEN 'logged_out' WHEN event = 'PAUSE' THEN 'paused' ELSE 'available' END AS state
      FROM agent_events WHERE event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE')
    ), seg AS (
      SELECT agent, s, e, state FROM ev WHERE e IS NOT NULL
      UNION ALL SELECT agent, answered_at - to_seconds(coalesce(ring_s, 0)), answered_at, 'ringing' FROM call_stints WHERE answered_at IS NOT NULL AND agent IS NOT NULL
      UNION ALL SELECT agent, answered_at, ended_at, 'on_call' FROM call_stints WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL AND agent IS NOT NULL
    )
    SELECT agent, time_bucket(INTERVAL 30 MINUTE, s) AS iv, state, sum(epoch(e) - epoch(s)) AS seconds FROM seg GROUP BY ALL`);
  const min_ms = performance.now() - t0;
  const min_rss = peakMiB();
  // The Operators issue's baseline: a minimal GROUP BY over the same, already built, segments.
  resetPeak();
  t0 = performance.now();
  const over = await store.query(`SELECT agent, time_bucket(INTERVAL 30 MINUTE, started_at) AS iv, state, sum(duration_s) AS s FROM agent_states GROUP BY ALL`);
  const over_ms = performance.now() - t0;
  store.close();
  console.log(`${label}: ${built.agents} agents, ${built.segments.toLocaleString("en-US")} segments, ${rows.length.toLocaleString("en-US")} agent × interval rows`);
  console.log(`  queuebook states + operator table: ${(ours_ms / 1000).toFixed(2)} s (states ${(states_ms / 1000).toFixed(2)} s), peak RSS ${ours_rss.toFixed(0)} MiB`);
  console.log(`  minimal DuckDB build (LEAD over events + stints, by start bucket): ${(min_ms / 1000).toFixed(2)} s (${minimal.length.toLocaleString("en-US")} rows), peak RSS ${min_rss.toFixed(0)} MiB`);
  console.log(`  ratio: ${(ours_ms / min_ms).toFixed(1)}× time, ${(ours_rss / min_rss).toFixed(2)}× peak memory (the minimal build overlays nothing, clips nothing, splits nothing)`);
  console.log(`  minimal GROUP BY over the built segments: ${(over_ms / 1000).toFixed(2)} s (${over.length.toLocaleString("en-US")} rows): ratio ${(ours_ms / over_ms).toFixed(1)}× (it builds nothing)`);
}

const n = Number(Deno.args[0] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), "qb-bench-states-"));
const center = buildDemoCenter({ days: 28, seed: 42 });
const files = writeDemoCenter(dir, center);
await run("demo month", files.queue_log, {
  roster: files.roster, schedules: files.schedules, wrap: Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0])),
});
const gen = `/tmp/queuebook_bench_${n}.queue_log`;
if (!existsSync(gen)) generateQueueLog(n, gen, 1);
await run(`generated ${n.toLocaleString("en-US")} calls (1,000 agents)`, gen, {});
