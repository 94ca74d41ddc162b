/** Period keys in a zone, and the splitter's bucket cache agreeing with a direct lookup everywhere. */
import { describe, expect, it } from "vitest";
import { periodOf, PeriodSplitter } from "../../lib/mod.ts";

describe("periods", () => {
  it("gives local interval, day and ISO-week keys, DST-safe", () => {
    // 2026-10-25 in Rome: 03:00 CEST becomes 02:00 CET; 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET.
    expect(periodOf("interval", Date.UTC(2026, 9, 25, 0, 40), "Europe/Rome").key).toBe("2026-10-25T02:30:00+02:00");
    expect(periodOf("interval", Date.UTC(2026, 9, 25, 1, 40), "Europe/Rome").key).toBe("2026-10-25T02:30:00+01:00"); // the repeated hour: its own interval
    expect(periodOf("day", Date.UTC(2026, 9, 24, 22, 30), "Europe/Rome").key).toBe("2026-10-25"); // 00:30 local
    expect(periodOf("week", Date.UTC(2026, 9, 25, 12), "Europe/Rome").key).toBe("2026-10-19"); // Sunday → Monday 19th
    expect(periodOf("interval", Date.UTC(2026, 2, 2, 9, 7), "Asia/Kathmandu", 15).key).toBe("2026-03-02T14:45:00+05:45"); // UTC+05:45
  });

  for (const [zone, minutes] of [["Europe/Rome", 30], ["Asia/Kathmandu", 15], ["America/St_Johns", 5], ["Australia/Lord_Howe", 60]] as const) {
    it(`caches by 5-minute buckets without changing a period (${zone}, ${minutes} min, around a DST change)`, () => {
      const split = new PeriodSplitter("interval", zone, minutes);
      const days = new PeriodSplitter("day", zone);
      for (let t = Date.UTC(2026, 9, 24); t < Date.UTC(2026, 9, 27); t += 60_000 + 7_000) {
        expect(split.at(t)).toEqual(periodOf("interval", t, zone, minutes));
        expect(days.at(t)).toEqual(periodOf("day", t, zone));
      }
    });
  }
});
