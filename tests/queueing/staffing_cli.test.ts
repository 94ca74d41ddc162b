/** `qb staffing` totals: they lead with the schedulable agent-hours (whole agents per interval), computed here from the plan it prints. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "../_helpers.ts";
import { erlangA } from "../../lib/mod.ts";

describe("qb staffing totals", () => {
  it("print the whole-agent total first and the fractional requirement after it", () => {
    const f = join(mkdtempSync(join(tmpdir(), "qb-staffing-")), "demand.csv");
    writeFileSync(f, "queue,interval_start,calls,aht_s\nsales,2026-10-05T09:00:00Z,100,180\nsales,2026-10-05T09:30:00Z,37,240\nsales,2026-10-05T10:00:00Z,5,200\n");
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "staffing", "--input", f, "--model", "c", "--target-sl", "0.8", "--shrinkage", "0.3", "--json"], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { scheduled_agents: number; scheduled_agents_fractional: number; required_agents_fractional: number }[];
    expect(plan).toHaveLength(3);
    // 30-minute intervals: each agent is half an agent-hour.
    const whole = plan.reduce((s, p) => s + p.scheduled_agents * 0.5, 0);
    const required = plan.reduce((s, p) => s + p.required_agents_fractional * 0.5, 0);
    const after = plan.reduce((s, p) => s + p.scheduled_agents_fractional * 0.5, 0);
    expect(r.stderr).toContain(`sales: 3 intervals, 142 calls, ${whole.toFixed(1)} scheduled agent-hours (whole agents per interval, shrinkage included); ` +
      `requirement ${required.toFixed(1)} agent-hours before shrinkage, ${after.toFixed(1)} after (fractional, summed)`);
    expect(whole).toBeGreaterThanOrEqual(after);
  });

  it("staff Erlang A to service level V2 by default and name it on every row; --sl-variant V1 staffs to V1", () => {
    const f = join(mkdtempSync(join(tmpdir(), "qb-staffing-")), "demand.csv");
    writeFileSync(f, "queue,interval_start,calls,aht_s,patience_s\nsales,2026-10-05T09:00:00Z,100,180,300\n");
    const run = (...extra: string[]) => {
      const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "staffing", "--input", f, "--model", "a", "--target-sl", "0.8", "--json", ...extra], { encoding: "utf8", cwd: ROOT });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { required_agents: number; service_level: number; sl_variant: string }[])[0]!;
    };
    const v2 = run(), v1 = run("--sl-variant", "V1");
    expect([v2.sl_variant, v1.sl_variant]).toEqual(["V2", "V1"]);
    // Independently: erlangA's variants (themselves checked against uniformization) at N and N − 1.
    const at = (N: number) => erlangA({ calls: 100, period_s: 1800, aht_s: 180, patience_s: 300, agents: N, threshold_s: 20 }).service_levels;
    expect(at(v2.required_agents).answered_within_over_offered_less_short_abandons).toBeGreaterThanOrEqual(0.8);
    expect(at(v2.required_agents - 1).answered_within_over_offered_less_short_abandons).toBeLessThan(0.8);
    expect(at(v1.required_agents).answered_within_over_offered).toBeGreaterThanOrEqual(0.8);
    expect(at(v1.required_agents - 1).answered_within_over_offered).toBeLessThan(0.8);
    expect(v2.service_level).toBeCloseTo(at(v2.required_agents).answered_within_over_offered_less_short_abandons, 12);
  });
});
