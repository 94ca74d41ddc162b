/**
 * Overflow after a wait (issue 13's priority assignment): calls of a busy queue still waiting
 * after `after_s` join an idle queue's line and its agents take them — never sooner.
 */
import { describe, expect, it } from "vitest";
import { applyChanges, compareScenarios, createRng, parseChanges, parseScenario, simulateReplication } from "../../lib/mod.ts";

const base = {
  seed: 5, horizon_s: 30_000, replications: 8,
  queues: [{ name: "busy", arrivals: { rate_per_hour: 200 }, aht_s: 180, patience_s: 200 }, { name: "quiet", arrivals: { rate_per_hour: 20 }, aht_s: 180, patience_s: 200 }],
  agents: [...Array.from({ length: 9 }, (_, i) => ({ id: `A${i}`, skills: { busy: 1 } })), ...Array.from({ length: 4 }, (_, i) => ({ id: `B${i}`, skills: { quiet: 1 } }))],
};
const change = parseChanges({ kind: "priority", agents: ["B0"], skills: { quiet: 1 }, overflow: [{ from: "busy", to: "quiet", after_s: 30 }] });

describe("overflow after a wait", () => {
  it("lets the idle queue's agents take the busy queue's calls only after the wait, tallied in their own queue", () => {
    const plain = simulateReplication(parseScenario(base), createRng(3), { calls: true });
    const over = simulateReplication(applyChanges(base, change).scenario, createRng(3), { calls: true });
    const byB = (r: typeof plain) => r.calls.filter((c) => c.queue === "busy" && c.outcome === "answered" && c.agent!.startsWith("Agent/B"));
    expect(byB(plain)).toHaveLength(0);
    expect(byB(over).length).toBeGreaterThan(50);
    for (const c of byB(over)) expect(c.wait_s).toBeGreaterThanOrEqual(30);
    // Same callers (common random numbers): the busy queue offers the same calls, its own.
    expect(over.queues[0]!.offered + over.queues[0]!.open).toBe(plain.queues[0]!.offered + plain.queues[0]!.open);
    expect(applyChanges(base, change).notes[0]).toBe("priority: 1 agent(s) set to quiet:1; overflow busy → quiet after 30 s");
    expect(() => parseScenario({ ...base, queues: [{ ...base.queues[0]!, overflow: { to: "nope", after_s: 5 } }, base.queues[1]!] })).toThrow(/overflow\.to: unknown queue 'nope'/);
  });

  it("cuts the busy queue's abandons, with a paired interval below zero", () => {
    const c = compareScenarios(base, [{ name: "overflow", changes: change }]);
    expect(c.variants[0]!.differences.queues[0]!.abandoned.ci_high!).toBeLessThan(0);
  }, 60_000);
});
