/**
 * Benchmark: staff one week of 15-minute intervals for 20 queues (13,440 cells) with Erlang A
 * (80/20 and ≤ 5 % abandonment), against a naive scan from N = 1 in the same run.
 *
 * Run: `deno task bench` (or `deno run -A bench/erlang_a_week.ts`). Prints times and the ratio.
 */
import { type DemandRow, erlangA, type StaffingPlanOptions, staffingPlan } from "../lib/mod.ts";

const QUEUES = 20;
const INTERVALS = 7 * 96;
const targets: StaffingPlanOptions = { model: "a", target_sl: 0.8, target_abandon: 0.05, threshold_s: 20, interval_minutes: 15 };

// Deterministic demand: per-queue volume, AHT and patience; intraday and weekday profiles.
const rows: DemandRow[] = [];
for (let q = 0; q < QUEUES; q++) {
  const peak = 10 + ((q * 37) % 140); // calls per 15 min at the daily peak
  const aht_s = 180 + ((q * 53) % 300);
  const patience_s = 120 + ((q * 71) % 480);
  for (let i = 0; i < INTERVALS; i++) {
    const day = Math.floor(i / 96), slot = i % 96, hour = slot / 4;
    const open = hour >= 7 && hour < 21;
    const shape = open ? Math.sin((Math.PI * (hour - 7)) / 14) ** 2 : 0.02;
    const weekday = day >= 5 ? 0.45 : 1;
    rows.push({
      queue: `q${q}`, interval_start: `day${day}-${slot}`, calls: Math.round(peak * shape * weekday * 10) / 10,
      aht_s, patience_s, period_s: 900,
    });
  }
}

function naive(): number {
  let total = 0;
  for (const r of rows) {
    if (r.calls === 0) continue;
    for (let N = 1;; N++) {
      const m = erlangA({ calls: r.calls, period_s: r.period_s!, aht_s: r.aht_s, patience_s: r.patience_s!, agents: N, threshold_s: 20 });
      if (m.service_level >= 0.8 - 1e-9 && m.p_abandon <= 0.05 + 1e-9) {
        total += N;
        break;
      }
    }
  }
  return total;
}

function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
}

staffingPlan(rows.slice(0, 200), targets); // warm-up (JIT)
const [plan, planMs] = timed(() => staffingPlan(rows, targets));
const [naiveTotal, naiveMs] = timed(naive);
const planTotal = plan.reduce((n, r) => n + r.required_agents, 0);
if (planTotal !== naiveTotal) throw new Error(`Search and naive scan disagree: ${planTotal} vs ${naiveTotal} agent-intervals`);
const max = plan.reduce((m, r) => Math.max(m, r.required_agents), 0);
console.log(`cells: ${rows.length} (${QUEUES} queues × ${INTERVALS} intervals), peak requirement ${max} agents, Σ ${planTotal} agent-intervals`);
console.log(`staffingPlan (gallop + bisection): ${planMs.toFixed(0)} ms`);
console.log(`baseline naive scan from N = 1:    ${naiveMs.toFixed(0)} ms`);
console.log(`ratio baseline / staffingPlan:     ${(naiveMs / planMs).toFixed(1)}×`);
