/**
 * readTargets: the documented and the demo center's columns, and bad rows rejected with file,
 * line and field (rates above 1, negative targets, a second target for the same thing), blank
 * rows ignored, a binary file refused as a whole. Expected rows written out by hand.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, readRoster, readTargets } from "../../lib/mod.ts";

const file = (text: string | Uint8Array) => {
  const f = join(mkdtempSync(join(tmpdir(), "qb-targets-")), "targets.csv");
  writeFileSync(f, text);
  return f;
};

describe("readTargets", () => {
  it("reads the demo center's columns (indicator, comparison) and ignores a row of empty fields", () => {
    const f = file("scope_type,scope,indicator,comparison,target,threshold_s\nqueue,tech,service_level,>=,0.8,60\n,,,,,\ncenter,all,asa_s,<=,30,\n");
    const t = readTargets(f);
    expect(t.rows).toEqual([
      { kpi: "service_level", scope_type: "queue", scope: "tech", direction: "at_least", target: 0.8, threshold_s: 60, period: null, weight: null, amber: null, line: 2 },
      { kpi: "asa_s", scope_type: "center", scope: "all", direction: "at_most", target: 30, threshold_s: null, period: null, weight: null, amber: null, line: 4 },
    ]);
    // 4 lines = 2 used + 2 ignored (header, blank row) + 0 rejected.
    expect(t.counts).toMatchObject({ lines_read: 4, used: 2, ignored: 2, rejected: 0, ignored_by_rule: { header: 1, blank_line: 1 } });
  });

  it("rejects a rate above 1, a negative target and a second target for the same KPI and scope, in line order", () => {
    const f = file([
      "kpi,scope_type,scope,direction,target,threshold_s",
      "service_level,queue,sales,>=,0.8,20", // 2: kept
      "abandon_rate,queue,sales,<=,5,", // 3: 5 % written as 5
      "asa_s,queue,sales,<=,-3,", // 4: negative
      "service_level,queue,sales,>=,0.9,20", // 5: same KPI, scope and threshold as line 2
      "service_level,queue,sales,>=,0.9,60", // 6: another threshold: a different target, kept
      "occupancy,team,Care,<=,85,", // 7: 85 % written as 85
      "asa_s,queue,sales,<=,30,", // 8: kept
    ].join("\n"));
    const t = readTargets(f);
    expect(t.rows.map((r) => r.line)).toEqual([2, 6, 8]);
    expect(t.rejects.map((r) => r.line)).toEqual([3, 4, 5, 7]);
    expect(t.rejects[0]!.reason).toMatch(/targets\.csv:3: field 'target': abandon_rate is a rate written as a fraction \(0\.8 for 80 %\), got 5 \(write 0\.05\)/);
    expect(t.rejects[1]!.reason).toMatch(/:4: field 'target': target must be a number ≥ 0, got '-3'/);
    expect(t.rejects[2]!.reason).toMatch(/:5: field 'kpi': duplicate of line 2 \(a second target for service_level of queue 'sales' at 20 s\)/);
    expect(t.rejects[2]!.raw).toBe("service_level,queue,sales,>=,0.9,20");
    expect(t.rejects[3]!.reason).toMatch(/:7: field 'target': occupancy is a rate .* got 85 \(write 0\.85\)/);
    // 8 lines = 3 used + 1 ignored (header) + 4 rejected.
    expect(t.counts).toMatchObject({ lines_read: 8, used: 3, ignored: 1, rejected: 4 });
  });

  it("rejects an overflowing target, a threshold on a KPI without one and a center target with a scope value; hints only plausible percentages", () => {
    const f = file([
      "kpi,scope_type,scope,direction,target,threshold_s",
      `asa_s,queue,u,<=,${"9".repeat(317)},`, // 2: Infinity once read
      "asa_s,queue,sales,<=,30,20", // 3: ASA has no threshold
      "service_level,center,x,>=,0.8,", // 4: a center has no scope value
      "service_level,center,ALL,>=,0.8,", // 5: kept, as 'all'
      "abandon_rate,queue,sales,<=,1.0000001,", // 6: above 1, not a percentage: no hint
      "abandon_rate_excl_short,queue,sales,<=,80,", // 7: a rate too
    ].join("\n"));
    const t = readTargets(f);
    expect(t.rows.map((r) => [r.line, r.scope])).toEqual([[5, "all"]]);
    expect(t.rejects.map((r) => r.reason.replace(/^.*?:\d+: /, ""))).toEqual([
      `field 'target': target must be a number ≥ 0, got '${"9".repeat(40)}'`,
      "field 'threshold_s': threshold_s applies to service-level targets only (asa_s has none): leave it empty",
      "field 'scope': a center target has no scope value (leave it empty or write all), got 'x'",
      "field 'target': abandon_rate is a rate written as a fraction (0.8 for 80 %), got 1.0000001",
      "field 'target': abandon_rate_excl_short is a rate written as a fraction (0.8 for 80 %), got 80 (write 0.8)",
    ]);
  });

  it("keeps the whole physical line as the raw text of a roster's duplicate agent", () => {
    const t = readRoster(file("agent,name,team,department,hourly_cost\nAgent/1001,Ann,,,20\nAgent/1001,dup,,,\n"));
    expect(t.rejects).toHaveLength(1);
    expect(t.rejects[0]!.raw).toBe("Agent/1001,dup,,,");
    expect(t.rejects[0]!.reason).toMatch(/:3: field 'agent': agent 'Agent\/1001' is already on line 2/);
  });

  it("refuses a binary file or a spreadsheet with a message naming what it is", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(() => readTargets(file(png))).toThrow(InputError);
    // "‰PNG" CR LF, SUB LF, then NUL: the first NUL is on physical line 3.
    expect(() => readTargets(file(png))).toThrow(/is not a text targets CSV: line 3 holds the control byte 0x00/);
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0]);
    expect(() => readTargets(file(xlsx))).toThrow(/starts like a zip archive \(XLSX, ODS\).*export it as CSV/);
  });
});
