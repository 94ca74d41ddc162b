/**
 * Wall-clock → instant across DST changes, against instants written out by hand from the zones'
 * published rules (EU: last Sunday of March 01:00 UTC forward, last Sunday of October 01:00 UTC
 * back; US: second Sunday of March 02:00 local forward, first Sunday of November 02:00 local back).
 */
import { describe, expect, it } from "vitest";
import { localReadings, localTimeKind, localToInstant } from "../../lib/time/mod.ts";

const local = (s: string) => Date.parse(`${s}Z`);

describe("localToInstant and localTimeKind", () => {
  it("take the earlier instant of a repeated hour and shift a gap time forward, east and west of UTC", () => {
    const cases: [string, string, string, "once" | "gap" | "repeated"][] = [
      ["Europe/Rome", "2026-10-25T02:30:00", "2026-10-25T02:30:00+02:00", "repeated"], // was 02:30+01:00 (the later one)
      ["Europe/Rome", "2026-10-25T03:30:00", "2026-10-25T03:30:00+01:00", "once"],
      ["Europe/Rome", "2026-03-29T02:30:00", "2026-03-29T03:30:00+02:00", "gap"],
      ["Europe/Rome", "2026-07-01T12:00:00", "2026-07-01T12:00:00+02:00", "once"],
      ["America/New_York", "2026-11-01T01:30:00", "2026-11-01T01:30:00-04:00", "repeated"],
      ["America/New_York", "2026-03-08T02:30:00", "2026-03-08T03:30:00-04:00", "gap"],
      ["Australia/Sydney", "2026-04-05T02:30:00", "2026-04-05T02:30:00+11:00", "repeated"], // AEDT ends 03:00 on the first Sunday of April
      ["UTC", "2026-10-25T02:30:00", "2026-10-25T02:30:00Z", "once"],
    ];
    for (const [zone, wall, instant, kind] of cases) {
      expect([zone, wall, localToInstant(local(wall), zone)]).toEqual([zone, wall, Date.parse(instant)]);
      expect([zone, wall, localTimeKind(local(wall), zone)]).toEqual([zone, wall, kind]);
    }
  });

  it("localReadings lists both readings of a repeated hour and of a gap time, ascending, and one otherwise", () => {
    const cases: [string, string, string[]][] = [
      ["Europe/Rome", "2026-10-25T02:30:00", ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"]],
      ["Europe/Rome", "2026-03-29T02:30:00", ["2026-03-29T02:30:00+02:00", "2026-03-29T02:30:00+01:00"]], // 00:30Z, 01:30Z
      ["America/New_York", "2026-11-01T01:30:00", ["2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"]],
      ["America/New_York", "2026-07-01T09:00:00", ["2026-07-01T09:00:00-04:00"]],
    ];
    for (const [zone, wall, instants] of cases) {
      expect([zone, wall, localReadings(local(wall), zone)]).toEqual([zone, wall, instants.map((i) => Date.parse(i))]);
    }
  });
});
