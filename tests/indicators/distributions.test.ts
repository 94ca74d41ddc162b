/**
 * Wait distribution and hour × weekday counts on the outcomes fixture, counted by hand:
 * a1 abandons after 3 s, a2 after 30 s, k1 exits with a key after 15 s, s1 is answered after
 * 10 s, t1 times out after 300 s; all enter on Monday 2024-03-04 between 09:50:00 and 09:50:50 UTC.
 */
import { describe, expect, it } from "vitest";
import { offeredByHourWeekday, waitDistribution } from "../../lib/mod.ts";
import { fixture, storeWith } from "../_helpers.ts";

describe("waitDistribution", () => {
  it("bins offered stints by wait with abandons in the same bins, and gives the cumulative answered share (wait ≤ upper edge)", async () => {
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const bins = await waitDistribution(store, { timeZone: "UTC" }, [0, 10, 20, 60, 300]);
    await expect(waitDistribution(store, {}, [5, 10])).rejects.toThrow(RangeError);
    store.close();
    expect(bins.map((b) => [b.from_s, b.to_s, b.answered, b.abandoned, b.other])).toEqual([
      [0, 10, 0, 1, 0], // a1 3 s
      [10, 20, 1, 0, 1], // s1 answered at exactly 10 s (bins are [from, to)), k1 15 s
      [20, 60, 0, 1, 0], // a2 30 s
      [60, 300, 0, 0, 0],
      [300, null, 0, 0, 1], // t1 300 s
    ]);
    // Cumulative over offered 5: s1 (10 s) is within 10 s — the service level's "≤ T" edge rule.
    expect(bins.map((b) => b.answered_within_share)).toEqual([1 / 5, 1 / 5, 1 / 5, 1 / 5, 1 / 5]);
    expect(bins.reduce((s, b) => s + b.offered, 0)).toBe(5);
  });
});

describe("offeredByHourWeekday", () => {
  it("counts offered calls by local hour and ISO weekday in the report zone, every cell present", async () => {
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const utc = await offeredByHourWeekday(store, { timeZone: "UTC" });
    const rome = await offeredByHourWeekday(store, { timeZone: "Europe/Rome" });
    store.close();
    expect(utc).toHaveLength(7 * 24);
    // Monday 09:50 UTC; 10:50 in Rome (CET, UTC+1, in March).
    expect(utc.filter((c) => c.offered > 0)).toEqual([{ weekday: 1, hour: 9, offered: 5, days: 1 }]);
    expect(rome.filter((c) => c.offered > 0)).toEqual([{ weekday: 1, hour: 10, offered: 5, days: 1 }]);
  });
});

describe("callFlow", () => {
  it("counts calls by stints, transfers and the last stint's outcome (multi-stint and attended-transfer fixtures)", async () => {
    const { callFlow } = await import("../../lib/mod.ts");
    const store = await storeWith([fixture("multi_stint.queue_log"), fixture("attended_transfer_link.queue_log"), fixture("outcomes.queue_log")]);
    const f = await callFlow(store, { timeZone: "UTC" });
    store.close();
    // m1: two stints (timed out of sales, answered in support); x1: one stint, transferred (LINK);
    // outcomes.queue_log: five one-stint calls (2 abandoned, 1 exit with key, 1 answered, 1 timeout).
    expect(f).toEqual({
      calls: 7, one_stint: 6, two_stints: 1, three_or_more_stints: 0, transferred_stints: 1, answered_after_requeue: 1,
      final_outcome: { abandoned: 2, answered: 2, exit_key: 1, timeout: 1, transferred: 1 },
    });
  });
});

describe("callCosts", () => {
  it("costs the handling time at the agent's hourly cost and the line time at the trunk rate", async () => {
    const { callCosts, loadRoster } = await import("../../lib/mod.ts");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const store = await storeWith([fixture("multi_stint.queue_log"), fixture("attended_transfer_link.queue_log")]);
    const roster = join(mkdtempSync(join(tmpdir(), "qb-costs-")), "roster.csv");
    writeFileSync(roster, "agent,name,hourly_cost\nAgent/ann,Ann,36\n");
    await loadRoster(store, roster);
    const rows = await callCosts(store, { timeZone: "UTC", trunk_cost_per_min: 0.01 });
    store.close();
    // support: m1 talk 200 s, x1 talk 95 s (its 12 s is the queue wait, Asterisk's holdtime): 295 s × 36 / 3600 = 2.95; line 215 s + 107 s.
    // sales: m1's first stint timed out after 60 s: line 60 s, nothing handled.
    const [sales, support, total] = rows;
    expect(sales).toMatchObject({ queue: "sales", handled: 0, agent_cost: null, uncosted_stints: 0 });
    expect(sales!.line_min).toBeCloseTo(1, 12);
    expect(sales!.trunk_cost).toBeCloseTo(0.01, 12);
    expect(support).toMatchObject({ queue: "support", handled: 2, uncosted_stints: 0 });
    expect(support!.handling_h).toBeCloseTo(295 / 3600, 12);
    expect(support!.agent_cost).toBeCloseTo(2.95, 12);
    expect(support!.line_min).toBeCloseTo(322 / 60, 12);
    expect(total!.queue).toBeUndefined();
    expect(total!.cost).toBeCloseTo(2.95 + (382 / 60) * 0.01, 12);
    // Answered: m1 (support) and x1: cost per answered call = total / 2.
    expect(total!.cost_per_answered_call).toBeCloseTo((2.95 + (382 / 60) * 0.01) / 2, 12);
  });
});
