import { describe, expect, it } from "vitest";
import { intervalStaffing } from "../../lib/mod.ts";
import { fixture, storeWith } from "../_helpers.ts";

describe("intervalStaffing()", () => {
  it("joins offered calls with the agents who answered in the interval (hand count of outcomes.queue_log)", async () => {
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const [row] = await intervalStaffing(store, { timeZone: "Europe/Rome", interval_minutes: 30 });
    // 5 offered (a1, a2 abandoned; t1 timeout; k1 exit; s1 answered by Agent/ann after 10 s, 100 s talk).
    // 2024-03-04 09:50Z = 10:50 in Rome (Monday): interval 10:30.
    expect(row).toEqual({
      interval_start: "2024-03-04T10:30:00+01:00", hour: 10, dow: 1, offered: 5, answered: 1, abandoned: 2,
      answered_within: 1, agents_active: 1, talk_s: 100, load_erlangs: (5 * 100) / 1800,
    });
    store.close();
  });

  it("counts distinct agents per queue when asked", async () => {
    const store = await storeWith([fixture("multi_stint.queue_log"), fixture("ring_all.queue_log")]);
    const rows = await intervalStaffing(store, { by_queue: true, interval_minutes: 60 });
    expect(rows.map((r) => [r.queue, r.offered, r.agents_active])).toEqual([["sales", 1, 0], ["support", 2, 1]]);
    store.close();
  });
});
