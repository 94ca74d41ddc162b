/**
 * Scenario changes and baseline-vs-proposal comparison with common random numbers (issue 13):
 * the changes checked by hand, the streams checked by the callers both runs see, the paired
 * interval against the unpaired one, and the simulated effect of one more agent against Erlang A.
 */
import { describe, expect, it } from "vitest";
import { applyChanges, compareScenarios, createRng, erlangA, pairedDifference, parseChanges, parseScenario, simulateReplication } from "../../lib/mod.ts";
import type { ScenarioInput } from "../../lib/mod.ts";

const pool = (n: number, skills: Record<string, number>, extra: object = {}) => Array.from({ length: n }, (_, i) => ({ id: `${1000 + i}`, skills, ...extra }));

/** 200 calls an hour, AHT 180 s (10 Erlangs), patience 300 s: the Erlang A table load of simulate.test.ts. */
const single = (agents: number, replications = 10): ScenarioInput => ({
  seed: 11, horizon_s: 100_000, warmup_s: 5_000, replications,
  queues: [{ name: "q", arrivals: { rate_per_hour: 200 }, aht_s: 180, patience_s: 300 }],
  agents: pool(agents, { q: 1 }),
});

describe("scenario changes", () => {
  it("adds agents with their hours and labour cost, and sets priorities (hand count)", () => {
    const base = { horizon_s: 36_000, queues: [{ name: "a", arrivals: { rate_per_hour: 10 }, aht_s: 100 }, { name: "b", arrivals: { rate_per_hour: 10 }, aht_s: 100 }], agents: [...pool(3, { a: 1 }), { id: "x", skills: { b: 1 } }] };
    const r = applyChanges(base, parseChanges([
      { kind: "add_agents", count: 2, skills: { b: 1 }, shifts: [{ start_s: 0, end_s: 18_000 }, { start_s: 21_600, end_s: 36_000 }], hourly_cost: 20 },
      { kind: "priority", agents: "all", with_skill: "a", skills: { b: 2 } },
    ]));
    // 2 agents × (5 h + 4 h) = 18 agent-hours, × 20 = 360.
    expect([r.added_agent_hours, r.added_labour_cost]).toEqual([18, 360]);
    expect(r.scenario.agents.map((a) => [a.id, a.skills])).toEqual([
      ["1000", { a: 1, b: 2 }], ["1001", { a: 1, b: 2 }], ["1002", { a: 1, b: 2 }], ["x", { b: 1 }], ["added-1", { b: 1 }], ["added-2", { b: 1 }],
    ]);
    expect(r.notes[1]).toBe("priority: 3 agent(s) set to b:2");
    // The input is left as it was.
    expect(base.agents[0]!.skills).toEqual({ a: 1 });
    expect(() => applyChanges(base, parseChanges({ kind: "priority", agents: ["x"], skills: { b: null } }))).toThrow(/no skill left/);
    expect(() => applyChanges(base, parseChanges({ kind: "priority", agents: ["nobody"], skills: { b: 1 } }))).toThrow(/unknown agent/);
    expect(() => parseChanges({ kind: "add_agent", count: 1 })).toThrow(/Invalid change/);
    expect(() => applyChanges(base, parseChanges({ kind: "add_agents", count: 1, skills: { c: 1 } }))).toThrow(/unknown queue 'c'/);
  });

  it("refuses changes that would do nothing or count twice, naming the field (hostile pass, helper-29)", () => {
    const base = { horizon_s: 36_000, queues: [{ name: "a", arrivals: { rate_per_hour: 10 }, aht_s: 100 }], agents: pool(2, { a: 1 }) };
    // Two identical shifts are one: 10 h, not 20 h (cost 100, not 200).
    const twice = applyChanges(base, parseChanges({ kind: "add_agents", count: 1, skills: { a: 1 }, shifts: [{ start_s: 0, end_s: 36_000 }, { start_s: 0, end_s: 36_000 }], hourly_cost: 10 }));
    expect([twice.added_agent_hours, twice.added_labour_cost]).toEqual([10, 100]);
    for (const [change, message] of [
      [{ kind: "move_breaks", from: "10:00", to: "10:00", shift_s: 60 }, "the window is empty"],
      [{ kind: "move_breaks", from: "10:00", to: "11:00", shift_s: 60, agents: ["nobody"] }, "move_breaks.agents: unknown agent(s) nobody"],
      [{ kind: "move_breaks", from: "10:00", to: "11:00", shift_s: 60, time_zone: "Not/AZone" }, "move_breaks.time_zone: unknown IANA zone"],
      [{ kind: "priority", agents: "all", skills: { nosuchqueue: null } }, "priority: unknown queue 'nosuchqueue'"],
      [{ kind: "priority", agents: "all", with_skill: "nosuchqueue", skills: { a: 2 } }, "priority: unknown queue 'nosuchqueue'"],
      [{ kind: "add_agents", count: 1, skills: { a: 1 }, shifts: [] }, "shifts"],
      [{ kind: "add_agents", count: 1, skills: { a: 1 }, shifts: [{ start_s: 40_000, end_s: 50_000 }] }, "at or after the horizon"],
      [{ kind: "on_call_pool", size: 1001, skills: { a: 1 }, queue_threshold: 3 }, "size"],
      [{ kind: "priority", agents: "all", skills: {}, overflow: [{ from: "a", to: "a", after_s: 5 }] }, "cannot overflow to itself"],
    ] as const) {
      expect(() => applyChanges(base, parseChanges(change)), message).toThrow(message);
    }
    expect(() => parseScenario({ ...base, agents: [...base.agents, { id: "1000", skills: { a: 1 } }] })).toThrow(/agent id '1000' is given twice/);
    // One overflow per queue (re-check, helper-30: the first of two was silently dropped).
    const two = { ...base, queues: [...base.queues, { name: "b", arrivals: { rate_per_hour: 1 }, aht_s: 100 }, { name: "c", arrivals: { rate_per_hour: 1 }, aht_s: 100 }], agents: [...base.agents, { id: "x", skills: { b: 1, c: 1 } }] };
    expect(() => applyChanges(two, parseChanges({ kind: "priority", agents: "all", skills: {}, overflow: [{ from: "a", to: "b", after_s: 10 }, { from: "a", to: "c", after_s: 20 }] }))).toThrow(/'a' overflows twice/);
    expect(() => parseScenario({ ...base, start_epoch_s: 1e300 })).toThrow(/start_epoch_s/);
  });

  it("staggers the breaks of a local window inside their shifts, and leaves in place a break that would leave its shift", () => {
    // 00:00 UTC = 01:00 in Rome (CET, January). Five agents on 07:00–15:00 UTC with a 15-minute break at 09:00 UTC (10:00 in Rome);
    // agent 1003's shift ends at 09:30 UTC, so its break cannot move 45 minutes later.
    const epoch = Date.parse("2026-01-12T00:00:00Z") / 1000;
    const agents = pool(5, { q: 1 }).map((a) => ({
      ...a, shifts: [{ start_s: 7 * 3600, end_s: 15 * 3600 }],
      breaks: [{ start_s: 9 * 3600, end_s: 9.25 * 3600, reason: "break" }, { start_s: 12 * 3600, end_s: 12.5 * 3600, reason: "lunch" }],
    }));
    agents[3]!.shifts = [{ start_s: 7 * 3600, end_s: 9.5 * 3600 }];
    const base = { horizon_s: 86_400, start_epoch_s: epoch, queues: [{ name: "q", arrivals: { rate_per_hour: 10 }, aht_s: 100 }], agents };
    const r = applyChanges(base, parseChanges({ kind: "move_breaks", from: "10:00", to: "10:30", time_zone: "Europe/Rome", stagger: { groups: 4, step_s: 900 } }));
    // Ranks 0..4 move 0, 15, 30, 45, 0 minutes; rank 3 (agent 1003, shift to 09:30) cannot: its break stays at 09:00.
    expect(r.scenario.agents.map((a) => a.breaks[0]!.start_s / 3600)).toEqual([9, 9.25, 9.5, 9, 9]);
    expect(r.scenario.agents.map((a) => a.breaks[1]!.start_s / 3600)).toEqual([12, 12, 12, 12, 12]); // lunch at 13:00 Rome: outside the window
    expect(r.notes[0]).toBe("move_breaks: 2 break(s) starting 10:00–10:30 (Europe/Rome) moved staggered in 4 groups of 900 s; 1 left in place (the move would leave the shift or overlap another break)");
    // In UTC the window holds no break.
    expect(applyChanges(base, parseChanges({ kind: "move_breaks", from: "10:00", to: "10:30", shift_s: 900 })).notes[0]).toMatch(/^move_breaks: 0 break/);
  });
});

describe("common random numbers", () => {
  it("gives both runs the same callers: arrival times of first calls are equal with one agent more", () => {
    const a = simulateReplication(parseScenario(single(10)), createRng(5), { calls: true });
    const b = simulateReplication(parseScenario(single(11)), createRng(5), { calls: true });
    const first = (r: typeof a) => r.calls.map((c) => c.arrival_s).sort((x, y) => x - y);
    // Redials aside (none here), the same arrival instants, whatever the staffing did to them.
    expect(a.calls.length).toBeGreaterThan(5000);
    expect(first(a)).toEqual(first(b));
  });

  it("gives an exact zero for a change that changes nothing, and a paired interval much narrower than the unpaired one", () => {
    const c = compareScenarios(single(10), [
      { name: "same", changes: parseChanges({ kind: "priority", agents: "all", skills: { q: 1 } }) },
      { name: "+1", changes: parseChanges({ kind: "add_agents", count: 1, skills: { q: 1 } }) },
    ]);
    const same = c.variants[0]!.differences.all.p_abandon;
    expect([same.mean, same.ci_low, same.ci_high]).toEqual([0, 0, 0]);
    const plus = c.variants[1]!.differences.all.p_abandon;
    expect(plus.ci_high!).toBeLessThan(0);
    const paired = plus.ci_high! - plus.ci_low!, unpaired = plus.unpaired_ci_high! - plus.unpaired_ci_low!;
    expect(paired).toBeLessThan(unpaired / 2);
    // One agent more at 10 Erlangs: Erlang A's drop in P(abandon), 10 → 11 agents (lib/queueing, checked against published
    // tables), within the simulated paired interval widened by its own standard error for the warm-up and horizon ends.
    const th = (n: number) => erlangA({ calls: 100, period_s: 1800, aht_s: 180, patience_s: 300, agents: n }).p_abandon;
    const drop = th(11) - th(10);
    expect(drop).toBeGreaterThan(plus.ci_low! - plus.se!);
    expect(drop).toBeLessThan(plus.ci_high! + plus.se!);
  }, 120_000);

  it("computes the paired and the Welch interval of a hand example", () => {
    // base 1, 2, 3, 4; variant 2, 2.5, 4.5, 5: differences 1, 0.5, 1.5, 1 → mean 1, sd √(1/6), se √(1/6)/2;
    // t(0.975, 3) = 3.182446305.
    const d = pairedDifference([1, 2, 3, 4], [2, 2.5, 4.5, 5]);
    const se = Math.sqrt(1 / 6) / 2;
    expect(d.mean).toBe(1);
    expect(d.se).toBeCloseTo(se, 12);
    expect(d.ci_low).toBeCloseTo(1 - 3.182446305 * se, 8);
    // Welch: s²b = 5/3, s²v = 13/6 (mean 3.5); se² = (5/3 + 13/6)/4; df = se⁴ / ((5/12)² / 3 + (13/24)² / 3) = 5.8996…;
    // t(0.975, 5.8996) = 2.457039 (scipy.stats.t.ppf), so the upper end is 1 + 2.457039 × 0.978945 = 3.405306.
    const sb = 5 / 3 / 4, sv = 13 / 6 / 4, df = (sb + sv) ** 2 / (sb ** 2 / 3 + sv ** 2 / 3);
    expect(df).toBeCloseTo(5.899628, 5);
    expect(d.unpaired_ci_high).toBeCloseTo(3.405306, 5);
    expect(d.unpaired_ci_low).toBeCloseTo(1 - (3.405306 - 1), 5);
  });
});
