import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demandFromKpis, estimatePatience, LogParseError, readDemandTable, staffingPlan, sumStaffing } from "../../lib/mod.ts";
import { fixture, storeWith } from "../_helpers.ts";

describe("staffingPlan()", () => {
  it("staffs each row like requiredAgents, with 0 agents for an empty interval (E1 / E3 vectors)", () => {
    const plan = staffingPlan([
      { queue: "q1", interval_start: "09:00", calls: 100, aht_s: 180 }, // E1: 10 Erlangs → 14
      { queue: "q1", interval_start: "09:30", calls: 0, aht_s: 180 },
      { queue: "q2", interval_start: "09:00", calls: 342, aht_s: 430 }, // E4: → 90
    ], { target_sl: 0.8, shrinkage: 0.3 });
    expect(plan.map((r) => [r.required_agents, r.scheduled_agents])).toEqual([[14, 20], [0, 0], [90, 129]]); // ceil(90/0.7) = 129
    expect(plan[0]!.binding).toBe("service_level");
  });

  it("adds fractional requirements and rounds once at the end", () => {
    const plan = staffingPlan([
      { queue: "q", interval_start: "a", calls: 100, aht_s: 180 },
      { queue: "q", interval_start: "b", calls: 100, aht_s: 180 },
    ], { target_sl: 0.8 });
    const [total] = sumStaffing(plan);
    // Each 30-minute interval needs 13.0475 agents (fractional, E1): 2 × 13.0475 × 0.5 h.
    expect(total!.required_agent_hours).toBeCloseTo(13.0475, 4);
    // Rounded once to whole agent-intervals: ceil(2 × 13.0475) = 27 half-hours = 13.5 h, against 2 × 14 × 0.5 = 14 h per interval.
    expect(total!.scheduled_agent_hours_rounded).toBe(13.5);
    expect(total!.scheduled_agent_hours_per_interval_rounding).toBe(14);
    // One interval: rounding once can never exceed rounding per interval (it was ceil to whole hours: 4 h > 3.5 h).
    const [one] = sumStaffing(staffingPlan([{ queue: "r", interval_start: "a", calls: 33, aht_s: 247 }], { target_sl: 0.8 }));
    expect([one!.scheduled_agent_hours_rounded, one!.scheduled_agent_hours_per_interval_rounding]).toEqual([3.5, 3.5]); // 7 agents × 0.5 h
  });

  it("names the row when a target cannot be computed", () => {
    expect(() => staffingPlan([{ queue: "q", interval_start: "x", calls: 10, aht_s: 180 }], { target_sl: 0.8, model: "a" }))
      .toThrow("Row q x: Cannot compute required agents: patience_s must be a finite number > 0 seconds, got NaN");
  });
});

describe("estimatePatience()", () => {
  it("divides abandons by the total queue time of all queued calls", async () => {
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const [e] = await estimatePatience(store);
    // outcomes.queue_log: waits 3 (ab), 30 (ab), 300 (timeout), 15 (exit key), 10 (answered) = 358 s; 2 abandons.
    expect(e).toEqual({ queue: "sales", abandons: 2, queued_calls: 5, total_queue_time_s: 358, abandon_rate_per_s: 2 / 358, patience_s: 179 });
    store.close();
  });
});

describe("readDemandTable() and demandFromKpis()", () => {
  it("reads a forecast CSV and names file, line and field of a bad value", () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-demand-"));
    const good = join(dir, "good.csv");
    writeFileSync(good, "Queue;Interval_Start;Offered;AHT_s;Patience_s\nsales;2024-01-01T09:00;100;180;\n");
    expect(readDemandTable(good)).toEqual([{ queue: "sales", interval_start: "2024-01-01T09:00", calls: 100, aht_s: 180, patience_s: null, period_s: null }]);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "queue,interval_start,calls,aht_s\nq,2024-01-01T09:00,10,180\nq,2024-01-01T09:15,10,0\n");
    expect(() => readDemandTable(bad)).toThrow(LogParseError);
    expect(() => readDemandTable(bad)).toThrow(`${bad}:3: field 'aht_s': aht_s must be a number > 0, got '0'`);
    // interval_start must be a date-time, and a queue's interval must not come twice (however it is written).
    const cases: [string, string][] = [
      ["q,notatime,10,180", "2: field 'interval_start': interval_start must be a date-time such as '2024-03-04T09:00', got 'notatime'"],
      ["q,,10,180", "2: field 'interval_start': interval_start must be a date-time such as '2024-03-04T09:00', got ''"],
      ["q,2024-02-30T09:00,10,180", "2: field 'interval_start': interval_start must be a date-time"],
      ["q,2024-01-01T09:00,10,180\nr,2024-01-01T09:00,5,180\nq,2024-01-01 09:00:00,5,180", "4: field 'interval_start': queue 'q' interval 2024-01-01 09:00:00 is already on line 2"],
    ];
    for (const [rows, message] of cases) {
      writeFileSync(bad, `queue,interval_start,calls,aht_s\n${rows}\n`);
      expect(() => readDemandTable(bad)).toThrow(`${bad}:${message}`);
    }
    const missing = join(dir, "missing.csv");
    writeFileSync(missing, "queue,calls\nq,1\n");
    expect(() => readDemandTable(missing)).toThrow("missing column(s) interval_start, aht_s; found queue, calls");
  });

  it("takes the queue's AHT for an interval whose calls were all abandoned", () => {
    const rows = demandFromKpis(
      [{ queue: "q", interval_start: "a", offered: 3, aht_s: null }, { queue: "q", interval_start: "b", offered: 0, aht_s: null }],
      { interval_minutes: 15, aht_by_queue: { q: 200 }, patience_by_queue: { q: 90 } },
    );
    expect(rows).toEqual([{ queue: "q", interval_start: "a", calls: 3, aht_s: 200, patience_s: 90, period_s: 900 }]);
    expect(() => demandFromKpis([{ queue: "z", interval_start: "a", offered: 1, aht_s: null }], { interval_minutes: 15 })).toThrow(RangeError);
  });
});
