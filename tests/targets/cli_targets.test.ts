/** `qb targets`: the --json contract on a hand-counted log, the readable table, and usage errors (exit 2). */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "../_helpers.ts";

function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const T = 1794301200; // 2026-11-10T09:00:00Z
/** Four calls in sales: answered after 5, 10 and 30 s (talk 60 s each), one abandoned after 40 s. */
const LOG = [
  [0, "c1", 5], [100, "c2", 10], [200, "c3", 30],
].flatMap(([t, id, w]) => [
  `${T + (t as number)}|${id}|sales|NONE|ENTERQUEUE||555|1`,
  `${T + (t as number) + (w as number)}|${id}|sales|Agent/1|CONNECT|${w}|x|1`,
  `${T + (t as number) + (w as number) + 60}|${id}|sales|Agent/1|COMPLETECALLER|${w}|60|1`,
]).concat([`${T + 300}|c4|sales|NONE|ENTERQUEUE||556|1`, `${T + 340}|c4|sales|NONE|ABANDON|1|1|40`]);

describe("qb targets", () => {
  const d = mkdtempSync(join(tmpdir(), "qb-targets-cli-"));
  const log = join(d, "queue_log");
  writeFileSync(log, LOG.join("\n") + "\n");
  const targets = join(d, "targets.csv");
  writeFileSync(targets, "kpi,scope_type,scope,direction,target,threshold_s,amber\nservice_level,queue,sales,>=,0.8,,\nabandon_rate,queue,sales,<=,0.05,,\nasa_s,queue,sales,<=,30,,\nservice_level,queue,sales,>=,0.8,30,0.1\n");

  it("prints one JSON row per target with the contract's keys and hand-counted values", () => {
    const r = qb("targets", "--targets", targets, "-i", log, "--json", "-q");
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(4);
    for (const k of ["scope_type", "scope", "kpi", "period_start", "value", "target", "direction", "gap", "attainment", "status", "met", "threshold_s", "reason"]) {
      expect(rows[0]).toHaveProperty(k);
    }
    // SL V2 at 20 s = answered within 20 (c1, c2) / (offered 4 − short abandons 0) = 0.5: red, gap −0.3, attainment 0.5 / 0.8.
    expect(rows[0]).toMatchObject({ scope_type: "queue", scope: "sales", kpi: "service_level", value: 0.5, status: "red", met: false, threshold_s: 20, sl_variant: "V2" });
    expect(rows[0].gap).toBeCloseTo(-0.3, 12);
    expect(rows[0].attainment).toBeCloseTo(0.625, 12);
    // Abandonment 1 / 4 = 0.25 > 0.05: red. ASA (5 + 10 + 30) / 3 = 15 s ≤ 30: green.
    expect(rows[1]).toMatchObject({ kpi: "abandon_rate", value: 0.25, status: "red", met: false });
    expect(rows[2]).toMatchObject({ kpi: "asa_s", value: 15, status: "green", met: true });
    // At its own 30 s: 3 / 4 = 0.75, short of 0.8 but within the 0.1 amber band.
    expect(rows[3]).toMatchObject({ kpi: "service_level", threshold_s: 30, value: 0.75, status: "amber", met: false, amber: 0.1 });
  });

  it("prints a readable table by default and refuses bad options with exit 2", () => {
    const r = qb("targets", "--targets", targets, "-i", log);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/queue sales .*service_level \(20 s, V2\) .*50\.0 %.*≥ 80\.0 %.*red/);
    expect(r.stdout).toContain("4 evaluation(s): 1 green, 3 missed, 0 not evaluable");
    // A service target without --services: "n/a (1)" in the table, its reason in full under it, the target with its unit.
    const withCase = join(d, "with_case.csv");
    writeFileSync(withCase, readFileSync(targets, "utf8").trimEnd() + "\nresolution_median_h,center,all,<=,24,,\n");
    const c = qb("targets", "--targets", withCase, "-i", log);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/center all .*resolution_median_h .*n\/a .*≤ 24\.0 h .*n\/a \(1\)/);
    expect(c.stdout).toContain("n/a (1): resolution_median_h is a service indicator and no case was loaded (give --services with a non-empty export)\n");
    expect(Math.max(...c.stdout.split("\n").map((l) => l.length))).toBeLessThan(200);
    const empty = join(d, "empty.csv");
    writeFileSync(empty, "kpi,scope_type,scope,direction,target\n");
    const e = qb("targets", "--targets", empty, "-i", log);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/holds no usable target \(0 rejected\): nothing to evaluate/);
    for (const [args, message] of [
      [["--period", "year"], /--period/],
      [["--targets", d], /--targets .* is a directory/],
      [["--from", "2026-11-11", "--to", "2026-11-10"], /--to must be after --from/],
    ] as const) {
      const bad = qb("targets", "--targets", targets, "-i", log, ...args);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(/^qb: /);
      expect(bad.stderr).toMatch(message);
    }
  });
});

describe("qb report --sl-target", () => {
  it("reads 80% as 0.8 and refuses 80 with the way to write it", () => {
    const d = mkdtempSync(join(tmpdir(), "qb-sl-target-"));
    const log = join(d, "queue_log");
    writeFileSync(log, LOG.join("\n") + "\n");
    const ok = qb("report", "-i", log, "--sl-target", "80%", "-o", join(d, "r.html"), "-q");
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(d, "r.html"), "utf8")).toContain("target 80.0 %");
    const bad = qb("report", "-i", log, "--sl-target", "80", "-o", join(d, "r2.html"), "-q");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--sl-target must be a fraction between 0 and 1 or a percentage such as 80%, got 80 \(for 80 % write 0\.8 or 80%\)/);
  });
});
