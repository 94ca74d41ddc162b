/**
 * Break collisions: a hand-computed schedule and log, and the demo center's known weak spot
 * (every early-shift agent breaks at 10:00 local, at the morning peak; issue 13).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { breakCollisions, buildDemoCenter, loadLogs, loadSchedules, openStore, writeDemoCenter } from "../../lib/mod.ts";

describe("breakCollisions", () => {
  it("finds the slot where half the shift is on a break at the busiest time (hand count)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-weak-"));
    const schedules = join(dir, "schedules.csv"), log = join(dir, "queue_log");
    const rows = ["agent,activity,starts_at,ends_at"];
    for (const a of ["Agent/1", "Agent/2", "Agent/3"]) rows.push(`${a},on_queue,2026-03-02T08:00:00Z,2026-03-02T12:00:00Z`, `${a},break,2026-03-02T10:00:00Z,2026-03-02T10:15:00Z`);
    writeFileSync(schedules, rows.join("\n") + "\n");
    const T = Date.parse("2026-03-02T00:00:00Z") / 1000;
    const enter = (hhmm: string, i: number) => `${T + Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3)) * 60 + i}|c${hhmm}${i}|sales|NONE|ENTERQUEUE||555|1`;
    // Offered per 30-minute slot: 08:00 2, 09:00 2, 10:00 6, 11:00 1, the other four 0.
    writeFileSync(log, [..."ab".split("").map((_, i) => enter("08:10", i)), ..."ab".split("").map((_, i) => enter("09:10", i)), ..."abcdef".split("").map((_, i) => enter("10:05", i)), enter("11:10", 0), ""].join("\n"));
    const store = await openStore();
    await loadLogs(store, [log]);
    await loadSchedules(store, schedules);
    const spots = await breakCollisions(store);
    store.close();
    // 10:00–10:30: 3 agents × 900 s / 1,800 s = 1.5 on break of 3 on shift (50 %), 6 calls: the busiest of 8 slots; 6 / 1.5 =
    // 4 calls per available agent, above the median slot's (per agent: 2/3, 0, 2/3, 0, 4, 0, 1/3, 0 → sorted down, the 4th: 1/3).
    // No other slot has a break.
    expect(spots).toEqual([{
      kind: "break_collision", queue: null, when: "10:00–10:30 (UTC)", size: 1.5, size_unit: "agents on a break or lunch (mean)",
      evidence: { days: 1, offered_mean: 6, busy_rank: 1, slots: 8, on_shift_mean: 3, on_break_mean: 1.5, break_share: 0.5, calls_per_available_agent: 4,
        median_calls_per_available_agent: 1 / 3 },
    }]);
  });

  it("names the demo center's synchronized breaks: the early shift's at 10:00 (the issue's weak spot) and the mid shift's at 15:00, the busiest slot", async () => {
    const center = buildDemoCenter({ days: 7, seed: 42 });
    const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-weak-demo-")), center);
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    await loadSchedules(store, files.schedules, { timeZone: center.time_zone });
    const spots = await breakCollisions(store, { timeZone: center.time_zone });
    store.close();
    // Counted here from the demo's own schedule (7 days of October, CEST = UTC+2): for the slot starting at `utcHour`,
    // agents on shift and on a break or lunch per day (seconds in the slot / 1,800), averaged over the days with a shift.
    const slot = (utcHour: number) => {
      const perDay = new Map<string, { shift: number; brk: number }>();
      for (const s of center.schedules) {
        const day = s.starts_at.slice(0, 10), a = Date.parse(`${day}T${String(utcHour).padStart(2, "0")}:00:00Z`);
        const overlap = Math.max(0, Math.min(Date.parse(s.ends_at), a + 1_800_000) - Math.max(Date.parse(s.starts_at), a)) / 1_800_000;
        if (overlap === 0) continue;
        const d = perDay.get(day) ?? perDay.set(day, { shift: 0, brk: 0 }).get(day)!;
        if (s.activity === "on_queue") d.shift += overlap;
        if (s.activity === "break" || s.activity === "lunch") d.brk += overlap;
      }
      const days = [...perDay.values()].filter((d) => d.shift > 0);
      return { days: days.length, on_shift: days.reduce((x, d) => x + d.shift, 0) / days.length, on_break: days.reduce((x, d) => x + d.brk, 0) / days.length };
    };
    // The early shift's break at 10:00 local (08:00 UTC), the weak spot, is found, with the schedule's numbers.
    const ten = spots.find((x) => x.when === `10:00–10:30 (${center.time_zone})`)!;
    const t = slot(8);
    expect(ten).toBeDefined();
    expect([ten.evidence.days, ten.evidence.on_shift_mean, ten.evidence.on_break_mean]).toEqual([t.days, t.on_shift, t.on_break]);
    expect(ten.evidence.break_share).toBeGreaterThan(0.4);
    // Its calls per available agent: the slot's calls over the agents the schedule leaves on the phones.
    expect(ten.evidence.calls_per_available_agent).toBeCloseTo(ten.evidence.offered_mean / (t.on_shift - t.on_break), 9);
    expect(ten.evidence.calls_per_available_agent!).toBeGreaterThanOrEqual(ten.evidence.median_calls_per_available_agent);
    // And the bigger one: the mid shift's break at 15:00 local (13:00 UTC), in the busiest slot of the day, ranked first.
    const three = spots[0]!, f = slot(13);
    expect(three.when).toBe(`15:00–15:30 (${center.time_zone})`);
    expect([three.evidence.days, three.evidence.on_shift_mean, three.evidence.on_break_mean]).toEqual([f.days, f.on_shift, f.on_break]);
    expect(three.evidence.busy_rank).toBe(1);
  }, 120_000);
});
