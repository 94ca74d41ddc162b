/**
 * `qb improve`: the JSON contract of issue 13, the HTML report in headless Chromium, and usage
 * errors (exit 2 with a qb: message).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "../_helpers.ts";
import { HAS_CHROMIUM, inspectPage } from "../_browser.ts";

const qb = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), "qb-improve-cli-"));
const demo = join(dir, "demo");
const made = qb("demo", "--days", "4", "--out", demo);

const ESTIMATE_KEYS = ["service_level", "abandon_rate", "delta_abandoned", "ci_low", "ci_high", "valid", "note"];

describe("qb improve", () => {
  it("prints the JSON contract for a demo folder and writes the report, which renders in Chromium", async () => {
    expect(made.code).toBe(0);
    const out = join(dir, "improvements.html");
    const r = qb("improve", "--demo-dir", demo, "--replications", "4", "--json", "--out", out, "--title", "<script>alert(1)</script> Improvements");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.weak_spots.length).toBeGreaterThan(0);
    for (const w of j.weak_spots) for (const k of ["kind", "queue", "when", "size", "evidence"]) expect(w).toHaveProperty(k);
    expect(j.proposals.length).toBeGreaterThan(0);
    for (const p of j.proposals) {
      for (const k of ["kind", "parameters", "rank", "cost", "roi", "erlang_a", "regression", "simulation"]) expect(p).toHaveProperty(k);
      for (const m of ["erlang_a", "regression", "simulation"]) {
        if (p[m] === null) expect(p.notes.join(" ")).toMatch(/can judge|cannot judge|Without a scenario/);
        else for (const k of ESTIMATE_KEYS) expect(p[m]).toHaveProperty(k);
      }
    }
    // The demo's own zone and wrap-up come from its demo.json; every option the run used is in the output.
    expect(j.options).toMatchObject({ time_zone: "Europe/Rome", replications: 4, interval_minutes: 30, sl_threshold_s: 20 });
    expect(j.proposals.map((p: { rank: number }) => p.rank)).toEqual(j.proposals.map((_: unknown, i: number) => i + 1));
    // The table form names the same proposals.
    const table = qb("improve", "--demo-dir", demo, "--replications", "4", "-q");
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(j.proposals[0].title.slice(0, 40));
    if (!HAS_CHROMIUM) return;
    const page = await inspectPage(out, join(dir, "improvements.png"));
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.scriptTags).toBe(0);
    expect(page.svgCount).toBeGreaterThanOrEqual(4);
    expect(page.text).toContain("<script>alert(1)</script> Improvements");
    expect(page.text).toContain("Definitions and assumptions");
  }, 240_000);

  it("builds the scenario from the data when none is given, and simulates the proposals on it", () => {
    const r = qb("improve", "--input", join(demo, "queue_log"), "--roster", join(demo, "roster.csv"), "--schedules", join(demo, "schedules.csv"),
      "--targets", join(demo, "targets.csv"), "--tz", "Europe/Rome", "--wrapup", "sales=30", "--replications", "3", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/scenario built from the data: 4 queues, 60 agents/);
    const j = JSON.parse(r.stdout);
    expect(j.options.scenario).toBe("built from the data");
    expect(j.options.scenario_notes.join(" ")).toContain("no redials");
    expect(j.proposals.length).toBeGreaterThan(0);
    for (const p of j.proposals) expect(p.simulation).not.toBeNull();
  }, 120_000);

  it("refuses what the hostile pass found (helper-29): an output over demo.json, a broken demo.json, a scenario of another period, loose costs", () => {
    const broken = join(dir, "broken");
    qb("demo", "--days", "2", "--out", broken);
    const other = join(dir, "other");
    qb("demo", "--days", "2", "--start-date", "2026-11-02", "--out", other);
    const longer = join(dir, "longer");
    qb("demo", "--days", "3", "--out", longer);
    const costs = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const cases: [string[], string][] = [
      [["--demo-dir", broken, "-o", join(broken, "demo.json")], "is also an input"],
      [["--demo-dir", broken, "--scenario", join(other, "scenario.json")], "covers 2026-11-0"],
      // The same start and one day longer (re-check, helper-30): its Δ would be over three days, not the data's two.
      [["--demo-dir", broken, "--scenario", join(longer, "scenario.json")], "give the scenario of the same period"],
      [["--demo-dir", broken, "--json-out", join(broken, "roster.csv")], "--json-out '"],
      [["--demo-dir", broken, "--costs", costs("hex.csv", "item,value\nadded_agent_hourly,0x10\n")], "hex.csv:2: field 'value': '0x10'"],
      [["--demo-dir", broken, "--costs", costs("huge.csv", "item,value\nadded_agent_hourly,1e308\n")], "huge.csv:2: field 'value'"],
      [["--demo-dir", broken, "--costs", costs("twice.csv", "item,value\ncall_in,1\ncall_in,2\n")], "twice.csv:3: field 'item': 'call_in' is given twice (line 2 too)"],
      [["--demo-dir", broken, "--costs", costs("wide.csv", "item,value\ncall_in,1,9\n")], "wide.csv:2: 3 fields"],
      [["--demo-dir", broken, "--costs", costs("empty.csv", "")], "holds no cost item"],
      [["--demo-dir", demo, "--replications", "1000"], "with --replications 1000: Invalid scenario"],
    ];
    // A demo week ends on a closed Sunday: its own scenario runs a day past the last call and is accepted (CI of 1901ab4 refused it).
    const week = join(dir, "week");
    qb("demo", "--days", "7", "--out", week);
    const ok = qb("improve", "--demo-dir", week, "--replications", "2", "-q");
    expect(ok.code, ok.stderr).toBe(0);
    for (const [args, message] of cases) {
      const r = qb("improve", ...args);
      expect([args.join(" "), r.code, r.stderr.includes(message)], r.stderr).toEqual([args.join(" "), 2, true]);
    }
    // demo.json broken in each way the hostile pass tried: named, exit 2, and the file left as it was for the next run.
    for (const [text, message] of [["garbage{{", "not valid JSON"], ["null", "field '(root)'"], ['{"time_zone":5,"wrapup_s_by_queue":{}}', "field 'time_zone'"], ['{"time_zone":"Not/AZone","wrapup_s_by_queue":{}}', "unknown IANA zone"], ["[]", "field '(root)'"]]) {
      writeFileSync(join(broken, "demo.json"), text);
      const r = qb("improve", "--demo-dir", broken);
      expect([text, r.code, r.stderr.includes("demo.json"), r.stderr.includes(message)], r.stderr).toEqual([text, 2, true, true]);
    }
  }, 180_000);

  it("refuses bad usage with exit 2 and a qb: message", () => {
    const costs = join(dir, "costs.csv");
    writeFileSync(costs, "item,value\nadded_agent_hourly,25\nabandon_cost,3\n");
    const bad = join(dir, "bad_costs.csv");
    writeFileSync(bad, "item,value\nadded_agent_hourly,lots\n");
    for (const [args, message] of [
      [[], "give --input"],
      [["--demo-dir", join(dir, "nowhere")], "is not a folder"],
      [["--demo-dir", demo, "--input", join(demo, "queue_log")], "not both"],
      [["--demo-dir", demo, "--costs", costs], "costs.csv:3: field 'item': 'abandon_cost'"],
      [["--demo-dir", demo, "--costs", bad], "bad_costs.csv:2: field 'value': 'lots'"],
      [["--demo-dir", demo, "--replications", "1"], "--replications"],
      [["--input", join(demo, "queue_log"), "--scenario", join(demo, "roster.csv")], "--scenario"],
    ] as const) {
      const r = qb("improve", ...args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toContain("qb:");
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  }, 120_000);
});
