import { describe, expect, it } from "vitest";
import { erlangA, erlangC, parseLogText, parseScenario, queueKpis, simulate, storeParsedLog, openStore } from "../../lib/mod.ts";
import type { Estimate, ScenarioInput } from "../../lib/mod.ts";

const pool = (n: number, skills: Record<string, number>, extra: object = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `${1000 + i}`, skills, ...extra }));

/** A stationary single queue: 100 calls / 30 min (200 per hour), AHT 180 s — the E1 / Erlang A table load. */
const single = (agents: number, patience_s: number | null): ScenarioInput => ({
  seed: 7, horizon_s: 200_000, warmup_s: 5_000, replications: 10,
  queues: [{ name: "q", arrivals: { rate_per_hour: 200 }, aht_s: 180, patience_s }],
  agents: pool(agents, { q: 1 }),
});

const inside = (e: Estimate, value: number) => expect(value, `${value} in [${e.ci_low}, ${e.ci_high}]`).toSatisfy((v: number) => v >= e.ci_low && v <= e.ci_high);

// Fourteen theory-vs-simulation checks below: each interval is at the Bonferroni level
// 1 − 0.05/14, so that all of them hold together with 95 % probability (a plain 95 % interval
// misses one check in twenty by design).
const FAMILY = { confidence: 1 - 0.05 / 14 };

describe("simulate() against queueing theory (lib/queueing, itself checked against published tables)", () => {
  it.each([[12, 300], [14, 300]] as const)("reproduces Erlang A with %i agents (patience %i s) within its own confidence intervals", (N, patience) => {
    const r = simulate(single(N, patience), FAMILY);
    const q = r.queues[0]!;
    const th = erlangA({ calls: 100, period_s: 1800, aht_s: 180, patience_s: patience, agents: N });
    inside(q.p_wait, th.p_wait);
    inside(q.p_abandon, th.p_abandon);
    // The simulator reports V2 (short abandons ≤ 5 s out of the denominator) as every command, and V1.
    expect(r.sl_variant).toBe("V2");
    inside(q.service_level, th.service_levels.answered_within_over_offered_less_short_abandons);
    inside(q.service_level_v1, th.service_levels.answered_within_over_offered);
    inside(q.asa_s, th.asa_s);
  });

  it("reproduces Erlang C without abandonment (11 agents at 10 Erlangs)", () => {
    const q = simulate(single(11, null), FAMILY).queues[0]!;
    const th = erlangC({ calls: 100, period_s: 1800, aht_s: 180, agents: 11 });
    inside(q.p_wait, th.p_wait);
    inside(q.service_level, th.service_level); // no abandons: V2 = V1
    inside(q.service_level_v1, th.service_level);
    inside(q.asa_s, th.asa_s);
    expect(q.p_abandon.mean).toBe(0);
  });
});

describe("simulate() determinism and validation", () => {
  const small: ScenarioInput = { seed: 3, horizon_s: 20_000, replications: 3, queues: [{ name: "q", arrivals: { rate_per_hour: 150 }, aht_s: 200, patience_s: 120 }], agents: pool(9, { q: 1 }) };
  it("gives the same numbers for the same seed and different ones for another seed", () => {
    expect(simulate(small)).toEqual(simulate(small));
    expect(simulate({ ...small, seed: 4 }).tallies).not.toEqual(simulate(small).tallies);
  });

  it("rejects unknown keys and unknown queues with their paths", () => {
    expect(() => parseScenario({ ...small, queues: [{ name: "q", arrivals: { rate_per_hour: 1 }, aht_s: 1, aht: 2 }] })).toThrow('queues.0: Unrecognized key: "aht"');
    expect(() => parseScenario({ ...small, agents: [{ id: "a", skills: { nope: 1 } }] })).toThrow("agents.0.skills.nope: unknown queue 'nope'; queues are q");
    expect(() => parseScenario({ ...small, horizon_s: -5 })).toThrow(TypeError);
  });
});

describe("simulate() improvement levers move outcomes in the certain direction", () => {
  it("gives the priority queue the shorter wait", () => {
    const r = simulate({
      seed: 11, horizon_s: 100_000, warmup_s: 2_000, replications: 8,
      queues: [
        { name: "vip", arrivals: { rate_per_hour: 90 }, aht_s: 180 },
        { name: "std", arrivals: { rate_per_hour: 90 }, aht_s: 180 },
      ],
      agents: pool(10, { vip: 1, std: 2 }),
    });
    const [vip, std] = r.queues;
    expect(vip!.asa_s.ci_high).toBeLessThan(std!.asa_s.ci_low);
    expect(vip!.service_level.ci_low).toBeGreaterThan(std!.service_level.ci_high);
  });

  it("lowers abandonment with an on-call pool at a peak", () => {
    const base: ScenarioInput = {
      seed: 5, horizon_s: 30_000, replications: 8,
      queues: [{ name: "q", arrivals: { interval_minutes: 60, calls_per_interval: [100, 100, 300, 300, 300, 100, 100, 100, 100] }, aht_s: 240, patience_s: 120 }],
      agents: [...pool(8, { q: 1 }), ...Array.from({ length: 6 }, (_, i) => ({ id: `oc${i}`, skills: { q: 1 }, on_call: true }))],
    };
    const without = simulate(base).queues[0]!;
    const withPool = simulate({ ...base, on_call: { queue_threshold: 4, activation_delay_s: 300, min_active_s: 1800 } }).queues[0]!;
    expect(withPool.p_abandon.ci_high).toBeLessThan(without.p_abandon.ci_low);
  });
});

describe("simulated queue_log read back by ingest", () => {
  it("gives the simulator's own counts of offered, answered, abandoned and timeouts per queue", async () => {
    const r = simulate({
      seed: 21, horizon_s: 30_000, replications: 2, ring_s: 3, start_epoch_s: 1_727_000_000,
      queues: [
        { name: "sales", arrivals: { interval_minutes: 30, calls_per_interval: [40, 80, 120, 60] }, aht_s: 200, service: "lognormal", service_cv: 0.8, wrap_s: 20, patience_s: 150 },
        { name: "support", arrivals: { rate_per_hour: 100 }, aht_s: 300, patience_s: 600, timeout_s: 240 },
      ],
      agents: [
        ...pool(6, { sales: 1, support: 2 }, { answer_probability: 0.9, breaks: [{ start_s: 7200, end_s: 8100, reason: "lunch" }] }),
        ...Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, skills: { support: 1 }, shifts: [{ start_s: 0, end_s: 20_000 }] })),
      ],
    }, { keep: true });
    const first = r.first!;
    const parsed = parseLogText(first.queue_log.join("\n") + "\n", "sim.queue_log");
    expect(parsed.counts.rejected).toBe(0);
    expect(parsed.counts.lines_read).toBe(parsed.counts.used + parsed.counts.ignored);
    const store = await openStore();
    await storeParsedLog(store, parsed);
    const measured = await queueKpis(store, ["queue"]);
    for (const t of first.queues) {
      const m = measured.find((x) => x.queue === t.queue)!;
      expect([m.offered, m.answered, m.abandoned, m.timeouts, m.open]).toEqual([t.offered, t.answered, t.abandoned, t.timeouts, t.open]);
    }
    const rna = parsed.agent_events.filter((e) => e.event === "RINGNOANSWER").length;
    expect(rna).toBeGreaterThan(0); // 10 % of presentations ring out, never counted as missed calls
    store.close();
  });
});

describe("simulate() edge cases found by hostile testing", () => {
  const one = (extra: object): ScenarioInput => ({
    seed: 2, horizon_s: 7200, replications: 2,
    queues: [{ name: "q", arrivals: { rate_per_hour: 60 }, aht_s: 100 }],
    agents: [{ id: "a", skills: { q: 1 }, ...extra }],
  });
  it("treats back-to-back and overlapping shifts as one working period", () => {
    const whole = simulate(one({ shifts: [{ start_s: 0, end_s: 7200 }] }));
    expect(simulate(one({ shifts: [{ start_s: 0, end_s: 1800 }, { start_s: 1800, end_s: 7200 }] }))).toEqual(whole);
    expect(simulate(one({ shifts: [{ start_s: 0, end_s: 3600 }, { start_s: 1800, end_s: 7200 }] }))).toEqual(whole);
  });

  it("applies a break that began before the shift for its remaining time", () => {
    const r = simulate(one({ shifts: [{ start_s: 3600, end_s: 7200 }], breaks: [{ start_s: 3000, end_s: 4500, reason: "lunch" }] }), { keep: true });
    const log = r.first!.queue_log;
    expect(log.some((l) => l.endsWith("|PAUSE|lunch"))).toBe(true);
  });

  it("keeps arriving across tiny piecewise intervals (no stall at boundaries)", () => {
    const rate = simulate({ ...one({}), queues: [{ name: "q", arrivals: { rate_per_hour: 36 }, aht_s: 10 }] });
    const piece = simulate({ ...one({}), queues: [{ name: "q", arrivals: { interval_minutes: 1 / 60, calls_per_interval: [0.01] }, aht_s: 10 }] });
    // 36 calls per hour either way: 72 expected in 2 hours.
    expect(piece.queues[0]!.offered.mean!).toBeGreaterThan(40);
    expect(rate.queues[0]!.offered.mean!).toBeGreaterThan(40);
  });

  it("reports undefined rates as null and clips intervals to their range", () => {
    const r = simulate({ ...one({}), queues: [{ name: "q", arrivals: { rate_per_hour: 0 }, aht_s: 10 }] });
    expect(r.queues[0]!.service_level.mean).toBeNull();
    const busy = simulate({ ...one({}), queues: [{ name: "q", arrivals: { rate_per_hour: 60 }, aht_s: 100, patience_s: 30 }] });
    const p = busy.queues[0]!.p_abandon;
    expect(p.ci_low!).toBeGreaterThanOrEqual(0);
    expect(busy.occupancy.ci_high!).toBeLessThanOrEqual(1);
  });

  it("rejects scenarios that cannot run: a queue nobody serves, a warm-up past the horizon, too many calls", () => {
    expect(() => parseScenario({ ...one({}), queues: [{ name: "q", arrivals: { rate_per_hour: 1 }, aht_s: 1 }, { name: "r", arrivals: { rate_per_hour: 1 }, aht_s: 1 }] }))
      .toThrow("queues.1.name: no agent has the skill 'r'");
    expect(() => parseScenario({ ...one({}), warmup_s: 9000 })).toThrow("warmup_s: must be less than horizon_s (7200)");
    expect(() => parseScenario({ ...one({}), queues: [{ name: "q", arrivals: { rate_per_hour: 1e20 }, aht_s: 1 }] })).toThrow(/more than the limit of 2e\+7/);
  });

  it("refuses, with the estimate and before starting, runs that would hang or exhaust memory (issue 9 item 15)", () => {
    const q = { name: "q", arrivals: { rate_per_hour: 200 }, aht_s: 180, patience_s: 60 };
    // 100,000 agents: 200/h × 10 h × 10 replications = 20,000 calls × 1e5 agents = 2e9 agent visits per… → refused.
    const t0 = performance.now();
    expect(() => parseScenario({ seed: 1, horizon_s: 36_000, replications: 10, queues: [q], agents: pool(100_000, { q: 1 }) }))
      .toThrow(/needs about .* agent visits \(2\.00e\+4 calls × 100000 agents/);
    // 100,000 agents and few calls: every login looks at every agent (1e5² per replication) → refused too.
    expect(() => parseScenario({ seed: 1, horizon_s: 3600, replications: 2, queues: [{ ...q, arrivals: { rate_per_hour: 100 } }], agents: pool(100_000, { q: 1 }) }))
      .toThrow(/plus shift changes/);
    // An extreme redial loop: every abandon redials after 1 ms, patience 1 ms → ~5e7 redials per first call.
    expect(() => parseScenario({ seed: 1, horizon_s: 100_000, replications: 2, queues: [{ ...q, patience_s: 0.001, redial: { probability: 1, mean_delay_s: 0.001 } }], agents: pool(2, { q: 1 }) }))
      .toThrow(/calls \(redials included\)/);
    // Piecewise rates over 1e12 s in 1-minute intervals: 1.7e10 interval steps.
    expect(() => parseScenario({ seed: 1, horizon_s: 1e12, replications: 2, queues: [{ ...q, arrivals: { interval_minutes: 1, calls_per_interval: [1e-12] } }], agents: pool(2, { q: 1 }) }))
      .toThrow(/arrival intervals/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("runs a zero-rate scenario over a long horizon at once (no calls, no stepping)", () => {
    const r = simulate({ seed: 1, horizon_s: 1e7, replications: 2, queues: [{ name: "q", arrivals: { interval_minutes: 1, calls_per_interval: [0, 0] }, aht_s: 60 }], agents: pool(1, { q: 1 }) });
    expect(r.queues[0]!.offered.mean).toBe(0);
  });
});

describe("simulate() patience distributions, redials and on-call costs", () => {
  const queue = { name: "q", arrivals: { rate_per_hour: 240 }, aht_s: 180 };
  const base = (q: object, extra: object = {}): ScenarioInput => ({ seed: 9, horizon_s: 20_000, replications: 4, queues: [{ ...queue, ...q }], agents: pool(10, { q: 1 }), ...extra });

  it("draws patience from a given (empirical) distribution", () => {
    // Every caller is willing to wait 1e9 s: nobody abandons, whatever the wait.
    const r = simulate(base({ patience_s: 1, patience_distribution: "empirical", patience_samples_s: [1e9] }));
    expect(r.queues[0]!.p_abandon.mean).toBe(0);
    const lognormal = simulate(base({ patience_s: 60, patience_distribution: "lognormal", patience_cv: 0.5 }));
    expect(lognormal.queues[0]!.p_abandon.mean!).toBeGreaterThan(0);
    expect(() => parseScenario(base({ patience_s: 1, patience_distribution: "empirical" }))).toThrow("queues.0.patience_samples_s: required with patience_distribution 'empirical'");
  });

  it("calls an on-call agent in only within its standby windows (its shifts) and sends it off at the window's end", () => {
    // One regular agent drowned by 120 calls/h from the start: the trigger (3 waiting) holds all along;
    // the standby agent's only window is 3,600–7,200 s.
    const r = simulate({
      seed: 3, horizon_s: 10_800, replications: 2, start_epoch_s: 1_727_000_000,
      queues: [{ name: "q", arrivals: { rate_per_hour: 120 }, aht_s: 300, patience_s: 100_000 }],
      agents: [{ id: "1", skills: { q: 1 } }, { id: "9", skills: { q: 1 }, on_call: true, shifts: [{ start_s: 3600, end_s: 7200 }] }],
      on_call: { queue_threshold: 3, activation_delay_s: 60, min_active_s: 1800 },
    }, { keep: true });
    const t0 = 1_727_000_000;
    const standby = r.first!.queue_log.filter((l) => l.split("|")[3] === "Agent/9" && /\|AGENT(LOGIN|LOGOFF)\|/.test(l)).map((l) => [l.split("|")[4], Number(l.split("|")[0]) - t0]);
    // Called in at the first event after 3,600 s (the trigger is checked on events; calls arrive every 30 s on
    // average), logged in 60 s later, kept while the trigger holds, off at 7,200 s (after its call).
    expect(standby[0]![0]).toBe("AGENTLOGIN");
    expect(standby[0]![1]).toBeGreaterThanOrEqual(3660);
    expect(standby[0]![1]).toBeLessThan(3660 + 600);
    expect(standby.filter(([e]) => e === "AGENTLOGIN")).toHaveLength(1);
    const off = standby.find(([e]) => e === "AGENTLOGOFF")!;
    expect(off[1]).toBeGreaterThanOrEqual(7200);
    expect(off[1]).toBeLessThan(7200 + 3600); // finishes the call in progress, then leaves
  });

  it("brings abandoning callers back as redials with the same caller number", () => {
    const r = simulate(base({ patience_s: 40, redial: { probability: 1, mean_delay_s: 120 } }), { keep: true });
    expect(r.queues[0]!.redials.mean!).toBeGreaterThan(0);
    const callers = r.first!.queue_log.filter((l) => l.includes("|ENTERQUEUE|")).map((l) => l.split("|")[6]);
    expect(new Set(callers).size).toBeLessThan(callers.length);
  });

  it("calls the standby pool in on the oldest wait and charges activations and hours", () => {
    const scenario = base({ patience_s: 600 }, {
      agents: [...pool(7, { q: 1 }), ...Array.from({ length: 3 }, (_, i) => ({ id: `oc${i}`, skills: { q: 1 }, on_call: true }))],
      on_call: { oldest_wait_s: 60, activation_delay_s: 120, min_active_s: 1800, cost_per_activation: 10, cost_per_hour: 30 },
    });
    const r = simulate(scenario);
    const oc = r.on_call;
    expect(oc.activations.mean!).toBeGreaterThan(0);
    // cost = 10 × activations + 30 × agent-hours, replication by replication, hence on average.
    expect(oc.cost.mean!).toBeCloseTo(10 * oc.activations.mean! + 30 * oc.agent_hours.mean!, 6);
  });
});

describe("simulate() P(wait) with ring time", () => {
  it("counts calls that queued, not the ring time every answered call has", () => {
    const r = simulate({ seed: 4, horizon_s: 20_000, replications: 3, ring_s: 4, queues: [{ name: "q", arrivals: { rate_per_hour: 20 }, aht_s: 60 }], agents: pool(5, { q: 1 }) });
    // 0.33 Erlangs on 5 agents: almost nobody queues, though every answered call rings 4 s.
    expect(r.queues[0]!.p_wait.mean!).toBeLessThan(0.01);
    expect(r.queues[0]!.asa_s.mean!).toBeGreaterThanOrEqual(4);
  });
});
