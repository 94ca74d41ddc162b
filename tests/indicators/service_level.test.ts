import { describe, expect, it } from "vitest";
import { serviceLevel, type ServiceLevelCounts } from "../../lib/mod.ts";

// Textbook counts from ../shared/data/README.md ("Service-level variants"): answered 1,000;
// abandoned 60; answered within 20 s 860; abandoned within 20 s 20; short abandons (≤ 5 s) 10.
const textbook: ServiceLevelCounts = {
  offered: 1060, answered: 1000, abandoned: 60, short_abandoned: 10, timeouts: 0,
  answered_within: 860, abandoned_within: 20,
};

describe("serviceLevel()", () => {
  it.each([
    ["V1", 0.8113], // 860 / 1060
    ["V2", 0.8190], // 860 / 1050
    ["V3", 0.8600], // 860 / 1000
    ["V4", 0.8302], // 880 / 1060
    ["V5", 0.8269], // 860 / 1040
    ["V6", 0.8208], // 870 / 1060
  ] as const)("gives the published %s on the textbook counts", (variant, published) => {
    expect(serviceLevel(textbook, variant)).toBeCloseTo(published, 4);
  });

  it("defaults to V2, excluding short abandons from the denominator", () => {
    expect(serviceLevel(textbook)).toBe(860 / 1050);
  });

  it("V7 removes flow-outs from the denominator", () => {
    // 860 answered within of 1,100 offered of which 40 timed out: 860 / 1060.
    expect(serviceLevel({ ...textbook, offered: 1100, timeouts: 40 }, "V7")).toBe(860 / 1060);
  });

  it("is null, never 0 or NaN, when the denominator is empty", () => {
    const empty = { offered: 0, answered: 0, abandoned: 0, short_abandoned: 0, timeouts: 0, answered_within: 0, abandoned_within: 0 };
    for (const v of ["V1", "V2", "V3", "V4", "V5", "V6", "V7"] as const) expect(serviceLevel(empty, v)).toBeNull();
    // All offered calls were short abandons: V2's denominator is empty.
    expect(serviceLevel({ ...empty, offered: 3, abandoned: 3, short_abandoned: 3 }, "V2")).toBeNull();
  });

  it("rejects an unknown variant with a RangeError naming it", () => {
    expect(() => serviceLevel(textbook, "V9" as "V1")).toThrow(RangeError);
    expect(() => serviceLevel(textbook, "V9" as "V1")).toThrow("variant must be one of V1–V7, got 'V9'");
  });
});
