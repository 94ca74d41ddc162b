/**
 * evaluateTargets on the demo center (7 days): every value checked against DuckDB SQL written
 * here over `call_stints` and `agent_states` (not the product's indicator functions), the tech
 * queue's SL target at its own 60 s, per-day periods with trend and periods met, not_evaluable
 * with reasons, and the status rules (amber band, attainment) on hand-computed cases.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  attainmentOf, buildDemoCenter, evaluateTargets, loadLogs, loadRoster, loadSchedules, openStore, readTargets, statusOf, type Store, writeDemoCenter,
} from "../../lib/mod.ts";

const center = buildDemoCenter({ days: 7, seed: 42 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-targets-eval-")), center);
const ZONE = center.time_zone;
const WRAP = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));

async function demoStore(roster = true): Promise<Store> {
  const store = await openStore();
  await loadLogs(store, [files.queue_log]);
  if (roster) await loadRoster(store, files.roster);
  await loadSchedules(store, files.schedules);
  return store;
}

/** Abandon rate, SL V2 at T (short abandons ≤ 5 s) and ASA per queue, written here from the definitions of DESIGN.md. */
async function queueTruth(store: Store, T: number, where = "true"): Promise<Map<string, { abandon_rate: number; sl: number; asa_s: number; offered: number }>> {
  const rows = await store.query<{ queue: string; offered: number; ab: number; within: number; short: number; asa: number }>(`
    SELECT queue, count(*) AS offered, count(*) FILTER (outcome = 'abandoned') AS ab,
      count(*) FILTER (answered_at IS NOT NULL AND wait_s <= ${T}) AS within,
      count(*) FILTER (outcome = 'abandoned' AND wait_s <= 5) AS short,
      avg(wait_s) FILTER (answered_at IS NOT NULL) AS asa
    FROM call_stints WHERE direction = 'inbound' AND outcome <> 'open' AND (${where}) GROUP BY queue`);
  return new Map(rows.map((r) => [r.queue, {
    offered: Number(r.offered), abandon_rate: Number(r.ab) / Number(r.offered), sl: Number(r.within) / (Number(r.offered) - Number(r.short)), asa_s: Number(r.asa),
  }]));
}

describe("evaluateTargets on the demo center", () => {
  it("gives the demo's targets over the whole window the values of SQL written here, SL at each target's own threshold", async () => {
    const store = await demoStore();
    const targets = readTargets(files.targets).rows;
    const rows = await evaluateTargets(store, targets, { timeZone: ZONE, operator: { wrapup_by_queue: WRAP } });
    expect(rows).toHaveLength(targets.length); // period all: one row per target
    const at20 = await queueTruth(store, 20), at60 = await queueTruth(store, 60);
    for (const r of rows.filter((x) => x.scope_type === "queue")) {
      const truth = (r.kpi === "service_level" && r.threshold_s === 60 ? at60 : at20).get(r.scope)!;
      const expected = r.kpi === "service_level" ? truth.sl : r.kpi === "abandon_rate" ? truth.abandon_rate : r.kpi === "asa_s" ? truth.asa_s : null;
      if (expected === null) continue; // aht_s: talk + hold + wrap per handled call, checked below through the status only
      expect(r.value, `${r.scope} ${r.kpi}`).toBeCloseTo(expected, 9);
      const met = r.direction === "at_least" ? expected >= r.target : expected <= r.target;
      expect(r.met).toBe(met);
      expect(r.status).toBe(met ? "green" : "red");
      expect(r.gap).toBeCloseTo(expected - r.target, 9);
      expect(r.periods_evaluated).toBe(1);
      expect(r.periods_met).toBe(met ? 1 : 0);
    }
    // The tech queue's service level is judged at its own 60 s (the demo's target), not at 20 s.
    const tech = rows.find((r) => r.scope === "tech" && r.kpi === "service_level")!;
    expect(tech.threshold_s).toBe(60);
    expect(tech.value).toBeCloseTo(at60.get("tech")!.sl, 9);
    expect(tech.value).not.toBeCloseTo(at20.get("tech")!.sl, 3);
    expect(tech.sl_variant).toBe("V2");
    // The center's SL at 20 s: over every queue's stints.
    const all = [...at20.values()];
    const [c] = await store.query<{ within: number; off: number; short: number }>(`
      SELECT count(*) FILTER (answered_at IS NOT NULL AND wait_s <= 20) AS within, count(*) AS off, count(*) FILTER (outcome = 'abandoned' AND wait_s <= 5) AS short
      FROM call_stints WHERE direction = 'inbound' AND outcome <> 'open'`);
    expect(all.reduce((s, q) => s + q.offered, 0)).toBe(Number(c!.off));
    expect(rows.find((r) => r.scope_type === "center")!.value).toBeCloseTo(Number(c!.within) / (Number(c!.off) - Number(c!.short)), 9);
    // Team occupancy = (talk + hold + wrap + other calls) / (logged in − paused), from agent_states and the roster, here.
    const occ = await store.query<{ team: string; occ: number }>(`
      SELECT a.team, (sum(duration_s) FILTER (work IN ('talking', 'on_hold', 'wrap_up', 'other_call'))) /
        (sum(duration_s) FILTER (session = 'logged_in') - coalesce(sum(duration_s) FILTER (session = 'logged_in' AND work = 'idle' AND availability = 'paused'), 0)) AS occ
      FROM agent_states s JOIN agents a USING (agent) GROUP BY a.team`);
    for (const o of occ) expect(rows.find((r) => r.scope_type === "team" && r.scope === o.team && r.kpi === "occupancy")!.value).toBeCloseTo(Number(o.occ), 9);
    // The demo's abandonment targets (≤ 5 %) are missed where SQL says so, and reported red.
    const missed = [...at20].filter(([, q]) => q.abandon_rate > 0.05).map(([n]) => n).sort();
    expect(rows.filter((r) => r.kpi === "abandon_rate" && r.status === "red").map((r) => r.scope).sort()).toEqual(missed);
    expect(missed.length).toBeGreaterThanOrEqual(3);
    store.close();
  }, 180_000);

  it("evaluates per local day with the trend against the previous day and the days met", async () => {
    const store = await demoStore();
    const t = { kpi: "abandon_rate", scope_type: "queue" as const, scope: "sales", direction: "at_most" as const, target: 0.1, threshold_s: null, period: null };
    const rows = await evaluateTargets(store, [t], { timeZone: ZONE, period: "day" });
    const days = await store.query<{ day: string; rate: number }>(`
      SELECT strftime(timezone('${ZONE}', entered_at), '%Y-%m-%d') AS day, count(*) FILTER (outcome = 'abandoned') / count(*) AS rate
      FROM call_stints WHERE queue = 'sales' AND direction = 'inbound' AND outcome <> 'open' GROUP BY day ORDER BY day`);
    expect(rows.map((r) => r.period_start)).toEqual(days.map((d) => d.day));
    rows.forEach((r, i) => {
      expect(r.value).toBeCloseTo(Number(days[i]!.rate), 9);
      const prev = i === 0 ? null : Number(days[i - 1]!.rate);
      expect(r.trend).toBe(prev === null ? null : r.value! < prev ? "better" : r.value! > prev ? "worse" : "same");
    });
    const met = days.filter((d) => Number(d.rate) <= 0.1).length;
    expect(rows.every((r) => r.periods_met === met && r.periods_evaluated === days.length)).toBe(true);
    // A week evaluated once over the same days: the rate over all of them.
    const [w] = await evaluateTargets(store, [{ ...t, period: "month" }], { timeZone: ZONE, states_built: true });
    expect(w!.period_start).toBe("2026-10-01");
    expect(w!.value).toBeCloseTo((await queueTruth(store, 20)).get("sales")!.abandon_rate, 9);
    store.close();
  }, 180_000);

  it("says not_evaluable, with the reason, when the data cannot give the KPI — never met", async () => {
    const store = await demoStore(false); // no roster: no teams
    const base = { direction: "at_least" as const, target: 0.5, threshold_s: null, period: null };
    const rows = await evaluateTargets(store, [
      { ...base, kpi: "fcr", scope_type: "queue", scope: "sales" },
      { ...base, kpi: "occupancy", scope_type: "team", scope: "Sales" },
      { ...base, kpi: "service_level", scope_type: "queue", scope: "no-such-queue" },
      { ...base, kpi: "occupancy", scope_type: "queue", scope: "sales" },
    ], { timeZone: ZONE });
    expect(rows.map((r) => r.status)).toEqual(Array(4).fill("not_evaluable"));
    expect(rows.every((r) => r.met === null && r.value === null)).toBe(true);
    expect(rows[0]!.reason).toMatch(/'fcr' is not an indicator queuebook computes/);
    expect(rows[1]!.reason).toMatch(/no agent time of team 'Sales' in the period \(teams come from the roster: is it there, and loaded\?\)/);
    expect(rows[2]!.reason).toMatch(/no calls in queue 'no-such-queue'/);
    expect(rows[3]!.reason).toMatch(/occupancy is an operator indicator/);
    store.close();
  }, 180_000);
});

describe("targets of several periods at once", () => {
  it("gives a week its own value beside a day target starting at the same instant, and evaluates a repeated target once", async () => {
    const store = await demoStore();
    const base = { kpi: "abandon_rate", scope_type: "queue" as const, scope: "sales", direction: "at_most" as const, target: 0.05, threshold_s: null };
    const rows = await evaluateTargets(store, [{ ...base, period: "day" }, { ...base, period: "week" }, { ...base, period: null }], { timeZone: ZONE, period: "day" });
    // The demo's 7 days start on Monday 2026-10-05: one ISO week, whose first day starts at the same instant.
    const week = rows.filter((r) => r.period === "week");
    expect(week).toHaveLength(1);
    const [w] = await store.query<{ rate: number }>(`
      SELECT count(*) FILTER (outcome = 'abandoned') / count(*) AS rate FROM call_stints
      WHERE queue = 'sales' AND direction = 'inbound' AND outcome <> 'open'`);
    expect(week[0]!.value).toBeCloseTo(Number(w!.rate), 9);
    const monday = rows.find((r) => r.period === "day" && r.period_start === "2026-10-05")!;
    expect(monday.value).not.toBeCloseTo(week[0]!.value!, 6);
    // The third row (no period, so --period day) is the first one again: evaluated once, said so.
    const last = rows[rows.length - 1]!;
    expect(last.status).toBe("not_evaluable");
    expect(last.reason).toMatch(/the same target as target 1 once the defaults apply \(period day\)/);
    store.close();
  }, 180_000);

  it("says a center agent-time KPI is not evaluable on a day without agent time (not 0, not missed)", async () => {
    const store = await demoStore();
    const t = { kpi: "calls_answered", scope_type: "center" as const, scope: "all", direction: "at_least" as const, target: 100, threshold_s: null, period: "day" };
    // From the Saturday before the demo's first Monday: two days without data.
    const rows = await evaluateTargets(store, [t], { timeZone: ZONE, from_ms: Date.parse("2026-10-03T00:00:00+02:00"), to_ms: Date.parse("2026-10-07T00:00:00+02:00") });
    expect(rows.map((r) => [r.period_start, r.status])).toEqual([
      ["2026-10-03", "not_evaluable"], ["2026-10-04", "not_evaluable"], ["2026-10-05", "green"], ["2026-10-06", "green"],
    ]);
    expect(rows[0]!.reason).toBe("no agent time in the period");
    expect(rows[2]!.trend).toBeNull(); // no value the day before
    expect(rows[0]!.periods_evaluated).toBe(2);
    store.close();
  }, 180_000);
});

describe("per-interval targets", () => {
  it("evaluates a target per 30-minute interval of a day, each with SQL's value; an interval without calls is not evaluable", async () => {
    const store = await demoStore();
    const from_ms = Date.parse("2026-10-05T00:00:00+02:00"), to_ms = Date.parse("2026-10-06T00:00:00+02:00");
    const t = { kpi: "service_level", scope_type: "queue" as const, scope: "sales", direction: "at_least" as const, target: 0.8, threshold_s: null, period: "interval" };
    const rows = await evaluateTargets(store, [t], { timeZone: ZONE, from_ms, to_ms });
    expect(rows).toHaveLength(48);
    expect(rows[0]!.period_start).toBe("2026-10-05T00:00:00+02:00");
    expect(rows[20]!.period_start).toBe("2026-10-05T10:00:00+02:00");
    const iv = await store.query<{ start: string; sl: number }>(`
      SELECT strftime(timezone('${ZONE}', time_bucket(INTERVAL 30 MINUTE, entered_at, '${ZONE}')), '%Y-%m-%dT%H:%M:%S') || '+02:00' AS start,
        count(*) FILTER (answered_at IS NOT NULL AND wait_s <= 20) / (count(*) - count(*) FILTER (outcome = 'abandoned' AND wait_s <= 5)) AS sl
      FROM call_stints WHERE queue = 'sales' AND direction = 'inbound' AND outcome <> 'open'
        AND entered_at >= make_timestamptz(${from_ms * 1000}) AND entered_at < make_timestamptz(${to_ms * 1000}) GROUP BY ALL ORDER BY start`);
    const truth = new Map(iv.map((r) => [r.start, Number(r.sl)]));
    expect(truth.size).toBeGreaterThan(10);
    for (const r of rows) {
      if (truth.has(r.period_start)) expect(r.value, r.period_start).toBeCloseTo(truth.get(r.period_start)!, 9);
      else expect(r.status, r.period_start).toBe("not_evaluable");
    }
    expect(rows[0]!.periods_evaluated).toBe(truth.size);
    expect(rows[0]!.periods_met).toBe([...truth.values()].filter((x) => x >= 0.8).length);
    store.close();
  }, 180_000);
});

describe("target status rules (hand-computed)", () => {
  it("is green on target, amber within the band, red beyond; attainment is value/target or target/value", () => {
    const sl = { direction: "at_least" as const, target: 0.8, amber: 0.05 };
    expect(statusOf(sl, 0.8)).toBe("green");
    expect(statusOf(sl, 0.8000000000000002 - 4e-16)).toBe("green"); // rounding noise is on target
    expect(statusOf(sl, 0.78)).toBe("amber"); // 0.75 ≤ 0.78 < 0.8
    expect(statusOf(sl, 0.75)).toBe("amber");
    expect(statusOf(sl, 0.74)).toBe("red");
    expect(statusOf({ direction: "at_most", target: 30 }, 31)).toBe("red"); // no band: missed is red
    expect(statusOf({ direction: "at_most", target: 30, amber: 5 }, 34)).toBe("amber");
    expect(attainmentOf({ direction: "at_least", target: 0.8 }, 0.72)).toBeCloseTo(0.9, 12); // 0.72 / 0.8
    expect(attainmentOf({ direction: "at_most", target: 30 }, 20)).toBeCloseTo(1.5, 12); // 30 / 20
    expect(attainmentOf({ direction: "at_most", target: 30 }, 0)).toBeNull();
  });
});
