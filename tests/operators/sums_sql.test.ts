/**
 * The operator sums in SQL (`sums_sql.ts`, behind `operatorKpis`) against the reference rules of
 * `accumulate.ts` (`sumAgent`, pure TypeScript: schedule layers, pro-rata split across periods,
 * stretches, idle before calls), fed here agent by agent from the same store: the same seconds,
 * counts, adherence and idle measures per agent and period, on the demo center's week with its
 * roster and schedules, under each period kind, time attribution and adherence rule, and a window.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildDemoCenter, countedOutOfAdherence, layerSchedule, loadLogs, loadRoster, loadSchedules, openStore, operatorKpis, type OperatorKpiOptions,
  PeriodSplitter, type SchedulePiece, type StateSegment, type Store, writeDemoCenter,
} from "../../lib/mod.ts";
import { sumAgent } from "../../lib/operators/accumulate.ts";

const center = buildDemoCenter({ days: 7, seed: 11 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-sums-sql-")), center);
const WRAP = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));
const ZONE = center.time_zone;

/** Reference rows (agent × period key) from sumAgent over the store's states and schedules. */
async function reference(store: Store, o: OperatorKpiOptions & { from_ms: number; to_ms: number; to_is_data_end: boolean }) {
  const [from, to] = [o.from_ms, o.to_ms];
  const splitter = new PeriodSplitter(o.period ?? "period", ZONE, o.interval_minutes ?? 30);
  // Every segment (the idle before a call counts from the previous call, whatever the window).
  const segs = await store.query<StateSegment>(`
    SELECT agent, epoch_ms(started_at) AS started_at, epoch_ms(ended_at) AS ended_at, session, availability, reason, work, queue, call_id, open
    FROM agent_states ORDER BY agent, started_at`);
  // At the end of the data, a call answered at its very last instant counts.
  const toOp = o.to_is_data_end ? "<=" : "<";
  const sched = await store.query<SchedulePiece & { agent: string }>(`
    SELECT agent, category, epoch_ms(starts_at) AS starts_at, epoch_ms(ends_at) AS ends_at, row_number() OVER (ORDER BY source, line) AS "order"
    FROM schedules WHERE ends_at > make_timestamptz(${from * 1000}) AND starts_at < make_timestamptz(${to * 1000})`);
  const calls = await store.query<{ agent: string; at: number; kind: string }>(`
    SELECT agent, epoch_ms(answered_at) AS "at", 'answered' AS kind FROM call_stints WHERE direction = 'inbound' AND agent IS NOT NULL
      AND answered_at >= make_timestamptz(${from * 1000}) AND answered_at ${toOp} make_timestamptz(${to * 1000})
    UNION ALL SELECT agent, epoch_ms("at"), event FROM agent_events WHERE event IN ('RINGNOANSWER', 'RINGCANCELED')
      AND "at" >= make_timestamptz(${from * 1000}) AND "at" ${toOp} make_timestamptz(${to * 1000})`);
  const agents = new Set([...segs.map((s) => s.agent), ...sched.map((s) => s.agent)]);
  const out = new Map<string, Record<string, number | null>>();
  for (const agent of agents) {
    const layers = layerSchedule(sched.filter((s) => s.agent === agent));
    const sums = sumAgent(segs.filter((s) => s.agent === agent), layers, from, to, splitter, o.pause_categories, o.time_attribution ?? "split");
    for (const s of sums.values()) {
      if (s.logged_in_s + s.ring_s + s.talk_s + s.hold_s + s.wrap_s + s.other_call_s + s.scheduled_s === 0) continue;
      const n = s.idle_before_call.length;
      out.set(`${agent}|${s.period.key}`, {
        logged_in_s: s.logged_in_s, available_idle_s: s.available_idle_s, ring_s: s.ring_s, talk_s: s.talk_s, wrap_s: s.wrap_s,
        other_call_s: s.other_call_s, paused_s: s.paused_s, scheduled_s: s.scheduled_s, calls_answered: 0, ring_no_answer: 0, ring_canceled: 0,
        adherence: s.scheduled_s > 0 ? 1 - countedOutOfAdherence(s.out_of_adherence_s, o.adherence_rule ?? "raw", o.adherence_threshold_s ?? 60) / s.scheduled_s : null,
        shrinkage: s.scheduled_s > 0 ? (s.planned_shrinkage_s + s.unplanned_shrinkage_s) / s.scheduled_s : null,
        conformance: s.scheduled_on_queue_s > 0 ? s.on_queue_s / s.scheduled_on_queue_s : null,
        longest_idle_s: s.idle_stretches_s.length ? Math.max(...s.idle_stretches_s) : null,
        idle_before_call_s: n ? s.idle_before_call.reduce((t, x) => t + x.excl_s, 0) / n : null,
        idle_before_call_incl_s: n ? s.idle_before_call.reduce((t, x) => t + x.incl_s, 0) / n : null,
      });
    }
  }
  for (const c of calls) {
    const k = `${c.agent}|${splitter.at(c.at).key}`;
    const r = out.get(k) ?? out.set(k, { logged_in_s: 0, talk_s: 0, calls_answered: 0, ring_no_answer: 0, ring_canceled: 0 }).get(k)!;
    const f = c.kind === "answered" ? "calls_answered" : c.kind === "RINGNOANSWER" ? "ring_no_answer" : "ring_canceled";
    r[f] = (r[f] ?? 0) + 1;
  }
  return out;
}

const CASES: [string, Partial<OperatorKpiOptions>][] = [
  ["30-minute intervals, split attribution, raw adherence", { period: "interval" }],
  ["15-minute intervals, call_end attribution, forgive shorter than 120 s", { period: "interval", interval_minutes: 15, time_attribution: "call_end", adherence_rule: "forgive_shorter_than", adherence_threshold_s: 120 }],
  ["days, deduct 60 s per segment, a window of two days and a half", { period: "day", adherence_rule: "deduct_per_segment", window: true } as Partial<OperatorKpiOptions>],
  ["the whole period, pause 'Coffee' mapped to break", { period: "period", pause_categories: { Coffee: "break" } }],
  ["30-minute intervals in passes of agents (5,000 segments a pass)", { period: "interval", segments_per_pass: 5_000 }],
];

describe("operator sums in SQL equal the reference rules (demo week)", () => {
  for (const [name, extra] of CASES) {
    it(name, async () => {
      const store = await openStore();
      await loadLogs(store, [files.queue_log]);
      await loadRoster(store, files.roster);
      await loadSchedules(store, files.schedules);
      const o: OperatorKpiOptions = { by: "agent", wrapup_by_queue: WRAP, timeZone: ZONE, ...extra };
      // The window: as operatorKpis takes it (from the first state's local midnight to the data's end), or 2.5 days inside.
      const rows0 = await operatorKpis(store, o); // builds the states
      const [b2] = await store.query<{ lo: number; hi: number }>(`SELECT min(epoch_ms(started_at)) AS lo, max(epoch_ms(ended_at)) AS hi FROM agent_states`);
      const lo = new PeriodSplitter("day", ZONE).at(Number(b2!.lo)).start_ms;
      const win = "window" in extra ? { from_ms: lo + 86_400_000 + 3_600_000 * 7.25, to_ms: lo + 86_400_000 * 3.5 } : { from_ms: lo, to_ms: Number(b2!.hi) };
      const rows = "window" in extra ? await operatorKpis(store, { ...o, ...win, states_built: true }) : rows0;
      const ref = await reference(store, { ...o, ...win, to_is_data_end: win.to_ms === Number(b2!.hi) });
      store.close();
      const key = (r: Record<string, unknown>) => `${r.agent}|${r.interval_start ?? r.day ?? r.week ?? "all"}`;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map(key).sort()).toEqual([...ref.keys()].sort());
      for (const r of rows) {
        const x = ref.get(key(r as unknown as Record<string, unknown>))!;
        for (const [f, v] of Object.entries(x)) {
          const got = (r as unknown as Record<string, number | null>)[f];
          if (v === null) expect(got, `${key(r as never)} ${f}`).toBeNull();
          else expect(got, `${key(r as never)} ${f}`).toBeCloseTo(v, 6);
        }
      }
    }, 120_000);
  }
});
