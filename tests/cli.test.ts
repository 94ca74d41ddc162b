import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fixture, ROOT } from "./_helpers.ts";

function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("qb kpis", () => {
  it("prints the JSON contract with snake_case keys", () => {
    const r = qb("kpis", "--input", fixture("outcomes.queue_log"), "--by", "queue", "--json");
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.stdout);
    for (const key of ["queue", "offered", "answered", "abandoned", "short_abandoned", "timeouts", "answered_within", "abandoned_within", "service_level", "abandon_rate", "asa_s", "avg_wait_s", "max_wait_s", "aht_s"]) {
      expect(row).toHaveProperty(key);
    }
    // Hand count of outcomes.queue_log: 5 offered, 1 answered within 20 s, 1 short abandon.
    expect([row.queue, row.offered, row.service_level]).toEqual(["sales", 5, 0.25]);
    expect(r.stderr).toContain("11 lines read = 11 used + 0 ignored + 0 rejected");
  });

  it("groups by queue and interval with ISO 8601 starts in the report time zone", () => {
    const r = qb("kpis", "--input", fixture("midnight_dst.queue_log"), "--by", "queue,interval", "--tz", "Europe/Berlin", "--json");
    const rows = JSON.parse(r.stdout);
    expect(rows[0]).toMatchObject({ queue: "support", interval_start: "2024-03-10T23:30:00+01:00", offered: 1 });
  });

  it("fails in strict mode with file, line and field", () => {
    const r = qb("kpis", "--input", fixture("malformed.queue_log"), "--strict");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("malformed.queue_log:4: field 'fields'");
  });

  it("rejects a bad option value with a usage error", () => {
    const r = qb("kpis", "--input", fixture("outcomes.queue_log"), "--interval-minutes", "7");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("interval_minutes must be one of 5, 10, 15, 20, 30, 60, got 7");
  });
});
