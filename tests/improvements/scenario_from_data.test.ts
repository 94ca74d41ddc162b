/**
 * The scenario built from a center's data, checked on the demo center against the scenario that
 * produced its log (the simulator's truth): the same agents, skills, shifts, breaks and standby
 * windows; the calls replayed interval by interval as the log counts them; and, without
 * schedules, the sessions and pauses the log shows.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgentStatesInStore, buildDemoCenter, loadLogs, loadRoster, loadSchedules, openStore, parseScenario, scenarioFromData, writeDemoCenter } from "../../lib/mod.ts";

const center = buildDemoCenter({ days: 4, seed: 7 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-built-")), center);
const truth = parseScenario(center.scenario);
const WRAP = Object.fromEntries(truth.queues.map((q) => [q.name, q.wrap_s]));

async function built(withSchedules: boolean) {
  const store = await openStore();
  await loadLogs(store, [files.queue_log]);
  await loadRoster(store, files.roster);
  if (withSchedules) await loadSchedules(store, files.schedules, { timeZone: center.time_zone });
  await buildAgentStatesInStore(store, { wrapup_by_queue: WRAP });
  const b = await scenarioFromData(store, { timeZone: center.time_zone, wrapup_by_queue: WRAP });
  store.close();
  return b;
}

describe("scenarioFromData", () => {
  it("rebuilds the demo's agents, skills, shifts, breaks and standby windows from its roster and schedules", async () => {
    const { scenario } = await built(true);
    expect(scenario.start_epoch_s).toBe(truth.start_epoch_s);
    expect(scenario.horizon_s).toBe(truth.horizon_s);
    const byId = new Map(scenario.agents.map((a) => [a.id, a]));
    expect(scenario.agents).toHaveLength(truth.agents.length);
    for (const a of truth.agents) {
      const b = byId.get(a.id)!;
      expect([a.id, b.skills, b.on_call]).toEqual([a.id, a.skills, a.on_call]);
      expect([a.id, b.shifts ?? []]).toEqual([a.id, (a.shifts ?? []).map((x) => ({ start_s: x.start_s, end_s: x.end_s }))]);
      expect([a.id, b.breaks.map((x) => [x.start_s, x.end_s, x.reason])]).toEqual([a.id, a.breaks.map((x) => [x.start_s, x.end_s, x.reason])]);
    }
    expect(scenario.queues.map((q) => [q.name, q.wrap_s])).toEqual(truth.queues.map((q) => [q.name, q.wrap_s]).sort());
  }, 120_000);

  it("replays the calls the log offered, interval by interval (counted here from ENTERQUEUE lines)", async () => {
    const { scenario, notes } = await built(true);
    const counts = new Map<string, number[]>();
    for (const line of center.queue_log) {
      const [stamp, , queue, , ev] = line.split("|");
      if (ev !== "ENTERQUEUE") continue;
      const i = Math.floor((Number(stamp) - truth.start_epoch_s) / 1800);
      const row = counts.get(queue!) ?? counts.set(queue!, new Array(truth.horizon_s / 1800).fill(0)).get(queue!)!;
      row[i]++;
    }
    for (const q of scenario.queues) {
      const arr = q.arrivals as { interval_minutes: number; calls_per_interval: number[] };
      expect([q.name, arr.interval_minutes]).toEqual([q.name, 30]);
      expect([q.name, arr.calls_per_interval]).toEqual([q.name, counts.get(q.name)]);
      expect(q.patience_s).toBeGreaterThan(0);
    }
    expect(notes.join(" ")).toContain("no redials");
  }, 120_000);

  it("without schedules takes each agent's logged-in sessions as shifts and pauses as breaks, and says so", async () => {
    const { scenario, notes } = await built(false);
    expect(notes.join(" ")).toMatch(/agent\(s\) without schedules: their logged-in sessions are their shifts/);
    // Agent 1001 (early shift on the first day, 08:00–16:30 local with three pauses): one shift and its three breaks.
    const a = scenario.agents.find((x) => x.id === "1001")!;
    const t = truth.agents.find((x) => x.id === "1001")!;
    expect(a.shifts![0]!.start_s).toBeCloseTo(t.shifts![0]!.start_s, -1);
    // A pause can start late (the agent was on a call when the break began) but never before it.
    for (const [i, b] of t.breaks.filter((x) => x.end_s <= t.shifts![0]!.end_s).entries()) {
      expect(a.breaks[i]!.start_s).toBeGreaterThanOrEqual(b.start_s - 1);
      expect(a.breaks[i]!.end_s).toBeCloseTo(b.end_s, -1);
    }
  }, 120_000);
});
