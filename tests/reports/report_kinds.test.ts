/**
 * `qb report --kind`: the calls, operator and services reports from one load, each listing the
 * demo's targets of its own kind with the statuses `qb targets` gives them; usage errors exit 2.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildDemoCenter, writeDemoCenter } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-report-kinds-"));
const center = buildDemoCenter({ days: 3, seed: 7 });
const files = writeDemoCenter(dir, center);
const qb = (...args: string[]) => spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
const inputs = ["-i", files.queue_log, "--roster", files.roster, "--schedules", files.schedules, "--services", files.services, "--targets", files.targets, "--tz", center.time_zone];

/** Status of each target row of a report's Targets table: "scope kpi" → status. */
function statuses(html: string): Map<string, string> {
  const table = /<h2>Targets<\/h2>[\s\S]*?<table[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "").replace(/[\u2066-\u2069]/g, "").trim()));
  return new Map(rows.filter((r) => r.length > 7).map((r) => [`${r[0]} ${r[1]!.replace(/ \(.*\)$/, "")}`, r[7]!.split(" ")[0]!]));
}

describe("qb report --kind", () => {
  it("writes the three reports from one load, each with its own targets and the statuses of qb targets", () => {
    const out = join(dir, "reports");
    const r = qb("report", "--kind", "all", ...inputs, "--title", "Demo <center>", "-o", out, "-q");
    expect(r.status, r.stderr).toBe(0);
    for (const k of ["calls", "operators", "services"]) expect(existsSync(join(out, `${k}_report.html`)), k).toBe(true);
    const t = qb("targets", ...inputs, "--json", "-q");
    expect(t.status, t.stderr).toBe(0);
    const truth = new Map((JSON.parse(t.stdout) as { scope_type: string; scope: string; kpi: string; status: string }[])
      .map((x) => [`${x.scope_type} ${x.scope} ${x.kpi}`, x.status === "not_evaluable" ? "n/a" : x.status]));
    const kinds: Record<string, (kpi: string, scope: string) => boolean> = {
      calls: (kpi, scope) => ["service_level", "asa_s", "abandon_rate", "aht_s"].includes(kpi) && !scope.startsWith("team"),
      operators: (kpi) => ["occupancy", "adherence"].includes(kpi),
      services: (kpi) => ["resolution_median_h", "open_at_snapshot", "cost_per_solved_case"].includes(kpi),
    };
    for (const [k, mine] of Object.entries(kinds)) {
      const html = readFileSync(join(out, `${k}_report.html`), "utf8");
      expect(html).toContain(`Demo &lt;center&gt;`);
      const got = statuses(html);
      const want = [...truth].filter(([key]) => { const [st, sc, kpi] = key.split(" "); return mine(kpi!, `${st} ${sc}`); });
      expect(want.length, k).toBeGreaterThan(3);
      expect(got.size, k).toBe(want.length);
      for (const [key, status] of want) expect(got.get(key), `${k}: ${key}`).toBe(status);
    }
    // The demo misses some of each kind's targets (its abandonment, adherence and backlog targets).
    expect([...truth.values()].filter((s) => s === "red").length).toBeGreaterThan(2);
  }, 180_000);

  it("refuses a services report without an export, and a file as the directory of --kind all (exit 2)", () => {
    const a = qb("report", "--kind", "services", "-i", files.queue_log, "-o", join(dir, "s.html"));
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/^qb: .*--kind services needs --services FILE/m);
    const file = join(dir, "plain.txt");
    writeFileSync(file, "x");
    const b = qb("report", "--kind", "all", "-i", files.queue_log, "--services", files.services, "-o", file);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/is a file: with --kind all, --out names a directory/);
    expect(readFileSync(file, "utf8")).toBe("x");
    // An empty --out, and a directory that cannot be made, are usage errors too (hostile sweep, session 8).
    const empty = qb("report", "--kind", "all", "-i", files.queue_log, "--services", files.services, "-o", "");
    expect([empty.status, /^qb: .*--out is empty/m.test(empty.stderr)]).toEqual([2, true]);
    const proc = qb("report", "--kind", "all", "-i", files.queue_log, "--services", files.services, "-o", "/proc/qb-no-such-dir");
    expect([proc.status, /^qb: .*Cannot create the --out directory '\/proc\/qb-no-such-dir'/m.test(proc.stderr)]).toEqual([2, true]);
  }, 60_000);
});
