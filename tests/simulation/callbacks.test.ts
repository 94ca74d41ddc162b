/**
 * Callback offers in the simulator (issue 13's `callbacks` change): nothing changes when nobody
 * accepts; every caller is accounted for (live outcomes + callbacks = ENTERQUEUE lines of the
 * log); every EXITWITHKEY comes after the offer delay; callbacks are made or left pending; and
 * offering them cuts live abandons (paired, common random numbers).
 */
import { describe, expect, it } from "vitest";
import { applyChanges, compareScenarios, createRng, parseChanges, parseScenario, simulateReplication } from "../../lib/mod.ts";

const base = {
  seed: 4, horizon_s: 40_000, replications: 10,
  queues: [{ name: "q", arrivals: { rate_per_hour: 230 }, aht_s: 180, patience_s: 240 }, { name: "r", arrivals: { rate_per_hour: 40 }, aht_s: 200, patience_s: 300 }],
  agents: Array.from({ length: 12 }, (_, i) => ({ id: `${100 + i}`, skills: i < 9 ? { q: 1, r: 2 } : { r: 1, q: 2 } })),
};
const withCallbacks = (acceptance: number) => applyChanges(base, parseChanges({ kind: "callbacks", offer_after_s: 45, acceptance })).scenario;

describe("callback offers", () => {
  it("change nothing when nobody accepts (the decisions have their own stream)", () => {
    const a = simulateReplication(parseScenario(base), createRng(9));
    const b = simulateReplication(withCallbacks(0), createRng(9));
    expect(b.queues.map((q) => ({ ...q }))).toEqual(a.queues);
    expect(b.queues[0]!.callbacks).toBe(0);
  });

  it("account for every caller, offer after the delay, and make or keep every callback", () => {
    const rep = simulateReplication(withCallbacks(0.37), createRng(9), { queue_log: true });
    const lines = rep.queue_log.map((l) => l.split("|"));
    for (const [i, t] of rep.queues.entries()) {
      const name = base.queues[i]!.name;
      const entered = lines.filter((f) => f[2] === name && f[4] === "ENTERQUEUE").length;
      const keys = lines.filter((f) => f[2] === name && f[4] === "EXITWITHKEY");
      // Live outcomes + open + callbacks taken = callers who entered (no warm-up here).
      expect([name, t.offered + t.open + t.callbacks]).toEqual([name, entered]);
      expect([name, keys.length]).toEqual([name, t.callbacks]);
      // EXITWITHKEY(key|position|origposition|waittime): the wait is at least the offer delay (rounded to seconds).
      for (const f of keys) expect(Number(f[8])).toBeGreaterThanOrEqual(45);
      expect([name, t.callbacks_served + t.callbacks_pending]).toEqual([name, t.callbacks]);
      if (t.callbacks_served) expect(t.callback_delay_s / t.callbacks_served).toBeGreaterThan(0);
    }
    // 37 % of those still waiting at 45 s: some callbacks at this load (12 agents, ≈ 10.4 Erlangs).
    expect(rep.queues[0]!.callbacks).toBeGreaterThan(50);
  });

  it("cut live abandons, with a paired interval below zero", () => {
    const c = compareScenarios(base, [{ name: "callbacks", changes: parseChanges({ kind: "callbacks", offer_after_s: 45 }) }]);
    const d = c.variants[0]!.differences.all;
    expect(d.abandoned.ci_high!).toBeLessThan(0);
    expect(d.callbacks.variant!).toBeGreaterThan(0);
    // Offered (live) calls fall by about the callbacks taken.
    expect(Math.abs(d.offered.mean! + d.callbacks.variant!)).toBeLessThan(0.05 * d.callbacks.variant! + 5);
    expect(() => applyChanges(base, parseChanges({ kind: "callbacks", queues: ["nope"] }))).toThrow(/unknown queue\(s\) nope/);
  }, 60_000);
});
