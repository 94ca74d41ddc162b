import { describe, expect, it } from "vitest";
import { erlangA, type ErlangAMetrics, requiredAgents } from "../../lib/mod.ts";

// Published vectors: ../shared/data/README.md, "Erlang C / B" cases E1–E4 and the Erlang A table.
const E1 = { calls: 100, period_s: 1800, aht_s: 180, threshold_s: 20 };

describe("requiredAgents()", () => {
  it("E1: 80/20 at 10 Erlangs needs 14 agents; with 30 % shrinkage 20 scheduled", () => {
    const r = requiredAgents({ ...E1, target_sl: 0.8, shrinkage: 0.3 });
    expect([r.required_agents, r.scheduled_agents]).toEqual([14, 20]); // 14 / 0.7 = 20 exactly
    expect(r.binding).toEqual(["service_level"]);
    // Fractional: linear between SL(13) = 0.7955948 and SL(14) = 0.88835.
    expect(r.required_agents_fractional).toBeCloseTo(13 + (0.8 - 0.7955948) / (0.88835 - 0.7955948), 4);
  });

  it("E2: an occupancy cap of 0.70 raises it to 15 (ceil(10/0.7))", () => {
    const r = requiredAgents({ ...E1, target_sl: 0.8, max_occupancy: 0.7 });
    expect(r.required_agents).toBe(15);
    expect(r.required_agents_fractional).toBeCloseTo(10 / 0.7, 9);
  });

  it("E3: 20 Erlangs: 80/60 needs 23 (22 gives 0.7084); ASA ≤ 120 s needs 22 (51.1 s; 21 gives 136.9 s)", () => {
    const sl = requiredAgents({ calls: 200, period_s: 1800, aht_s: 180, threshold_s: 60, target_sl: 0.8 });
    expect(sl.required_agents).toBe(23);
    expect(sl.achieved.service_level).toBeCloseTo(0.8471, 4);
    const asa = requiredAgents({ calls: 200, period_s: 1800, aht_s: 180, target_asa_s: 120 });
    expect(asa.required_agents).toBe(22);
    expect(asa.achieved.asa_s).toBeCloseTo(51.1, 1);
  });

  it("E4: 342 calls / 30 min, AHT 430 s, 80/20 needs 90", () => {
    expect(requiredAgents({ calls: 342, period_s: 1800, aht_s: 430, target_sl: 0.8 }).required_agents).toBe(90);
  });

  it("Erlang A: 80/20 with 300 s patience needs 13 (SL 0.772279 with 12, 0.858178 with 13)", () => {
    const r = requiredAgents({ ...E1, model: "a", patience_s: 300, target_sl: 0.8 });
    expect(r.required_agents).toBe(13);
    const abandon = requiredAgents({ ...E1, model: "a", patience_s: 300, target_abandon: 0.03 });
    expect(abandon.required_agents).toBe(13); // P(Ab) 0.042711 with 12, 0.024963 with 13
  });

  it("meets every target at once: the largest requirement wins", () => {
    const r = requiredAgents({ ...E1, target_sl: 0.8, target_asa_s: 5, max_occupancy: 0.9 });
    // ASA 7.836 s with 14 agents is above 5 s: more are needed than for 80/20.
    expect(r.required_agents).toBeGreaterThan(14);
    expect(r.achieved.asa_s).toBeLessThanOrEqual(5);
    expect(r.binding).toEqual(["asa"]);
  });

  it("solves 10,000 calls per hour, AHT 360 s, 80/20 in Erlang C and A", () => {
    const c = requiredAgents({ calls: 10_000, period_s: 3600, aht_s: 360, target_sl: 0.8 });
    expect(c.required_agents).toBeGreaterThan(1000);
    expect(c.achieved.service_level).toBeGreaterThanOrEqual(0.8);
    expect(c.required_agents_fractional).toBeGreaterThan(c.required_agents - 1);
    const a = requiredAgents({ calls: 10_000, period_s: 3600, aht_s: 360, target_sl: 0.8, model: "a", patience_s: 300 });
    expect(a.required_agents).toBeLessThan(c.required_agents); // abandonment relieves the queue
    // The target applies to V2 by default (as every command), and to V1 when asked.
    expect(a.sl_variant).toBe("V2");
    expect(a.service_level).toBe((a.achieved as ErlangAMetrics).service_levels.answered_within_over_offered_less_short_abandons);
    expect(a.service_level).toBeGreaterThanOrEqual(0.8);
    const v1 = requiredAgents({ calls: 10_000, period_s: 3600, aht_s: 360, target_sl: 0.8, model: "a", patience_s: 300, sl_variant: "V1" });
    expect(v1.achieved.service_level).toBeGreaterThanOrEqual(0.8);
    expect(v1.required_agents).toBeGreaterThanOrEqual(a.required_agents); // V1 ≤ V2 for the same agents
    // Long names are the same variants.
    expect(requiredAgents({ calls: 10_000, period_s: 3600, aht_s: 360, target_sl: 0.8, model: "a", patience_s: 300, sl_variant: "answered_within_over_offered" }).required_agents).toBe(v1.required_agents);
    expect(() => requiredAgents({ calls: 100, period_s: 1800, aht_s: 180, target_sl: 0.8, sl_variant: "V9" as "V1" })).toThrow(/Unknown service-level variant 'V9'/);
  });

  it("rejects impossible or missing targets", () => {
    expect(() => requiredAgents({ ...E1 })).toThrow("give at least one of target_sl, target_asa_s, target_abandon, max_occupancy");
    expect(() => requiredAgents({ ...E1, target_sl: 1 })).toThrow("Cannot compute required agents: target_sl must be in [0, 1), got 1");
    expect(() => requiredAgents({ ...E1, target_sl: 0.8, shrinkage: 1 })).toThrow("shrinkage must be in [0, 1), got 1");
    expect(() => requiredAgents({ ...E1, target_sl: 0.8, model: "a" })).toThrow("patience_s must be a finite number > 0 seconds, got NaN");
  });
});

describe("requiredAgents() edge cases found by hostile testing", () => {
  const base = { calls: 100, period_s: 1800, aht_s: 180 };
  it("never staffs 0 agents for offered calls, even for targets met by an empty queue", () => {
    const r = requiredAgents({ ...base, model: "a", patience_s: 30, target_asa_s: 60 });
    expect(r.required_agents).toBeGreaterThan(0);
  });

  it("meets tiny targets for real (relative tolerance)", () => {
    const r = requiredAgents({ ...base, model: "a", patience_s: 60, target_abandon: 1e-12 });
    expect(r.achieved.p_abandon).toBeLessThanOrEqual(1e-12 * (1 + 1e-9));
    const c = requiredAgents({ ...base, target_asa_s: 1e-9 });
    expect(c.achieved.asa_s).toBeLessThanOrEqual(1e-9 * (1 + 1e-9));
  });

  it("solves very long patience like Erlang C instead of failing on the overloaded states", () => {
    const a = requiredAgents({ ...base, model: "a", patience_s: 1e12, target_sl: 0.3 });
    expect(a.required_agents).toBe(11); // Erlang C: SL 0.3896 with 11 agents (E1)
  });

  it("returns the true minimum at 1e6 Erlangs: N meets the target and N − 1 does not (issue 9 item 10)", () => {
    const big = { calls: 1e7, period_s: 1800, aht_s: 180, patience_s: 300, model: "a" as const, target_sl: 0.8 };
    const r = requiredAgents(big);
    expect(r.binding).toEqual(["service_level"]);
    const at = (agents: number) => erlangA({ ...big, agents, threshold_s: 20 }).service_levels.answered_within_over_offered_less_short_abandons;
    expect(at(r.required_agents)).toBeGreaterThanOrEqual(0.8);
    expect(at(r.required_agents - 1)).toBeLessThan(0.8);
    // Fluid (Whitt 2004) sanity check: with patience 300 s and AHT 180 s the requirement is a little below A = 1e6.
    expect(r.required_agents).toBeGreaterThan(0.9e6);
    expect(r.required_agents).toBeLessThan(1e6);
  }, 60_000);

  it("is an error, not a guess, when the minimum may lie where Erlang A cannot be evaluated (issue 9 item 10)", () => {
    // Patience of 11 days at 1e6 Erlangs: P(abandon) ≤ 5 % is met near N = 0.95·A, where ~1e8 callers would wait.
    expect(() => requiredAgents({ calls: 1e7, period_s: 1800, aht_s: 180, patience_s: 1e6, model: "a", target_abandon: 0.05 }))
      .toThrow(/Erlang A cannot be evaluated with \d+ agents .* the minimum may lie there/);
  }, 60_000);

  it("refuses loads above 1e6 Erlangs and impossible occupancy caps quickly", () => {
    expect(() => requiredAgents({ calls: 1, period_s: 1e-9 * 1e3, aht_s: 180, target_sl: 0.8 })).toThrow(/above the supported 1e\+6 Erlangs/);
    expect(() => requiredAgents({ ...base, max_occupancy: 1e-300 })).toThrow(/need more than/);
  });
});
