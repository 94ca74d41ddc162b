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
    expect([row.sl_variant, row.sl_threshold_s, row.short_abandon_s]).toEqual(["V2", 20, 5]); // the one default, named
    // The long name (and a lower-case id) name the same variant, as in qb erlang.
    const long = JSON.parse(qb("kpis", "--input", fixture("outcomes.queue_log"), "--json", "--sl-variant", "answered_within_over_offered").stdout)[0];
    expect([long.sl_variant, long.service_level]).toEqual(["V1", row.service_level_v1]);
    expect(JSON.parse(qb("kpis", "--input", fixture("outcomes.queue_log"), "--json", "--sl-variant", "v3").stdout)[0].sl_variant).toBe("V3");
    const bad = qb("kpis", "--input", fixture("outcomes.queue_log"), "--sl-variant", "V9");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--sl-variant must be one of V1, V2, V3, V4, V5, V6, V7 or their long names/m);
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

  it("prints a readable table by default, naming the service-level variant and threshold", () => {
    const r = qb("kpis", "--input", fixture("outcomes.queue_log"), "--by", "queue", "--sl-threshold-s", "20");
    expect(r.code).toBe(0);
    // The same hand count as the JSON contract above: 5 offered, 1 answered, 2 abandoned, 2 timeouts, SL 25 %.
    const row = r.stdout.split("\n").find((l) => l.includes("sales"))!.split("│").map((c) => c.trim()).filter(Boolean);
    expect(row.slice(0, 6)).toEqual(["sales", "5", "1", "2", "2", "25.0 %"]);
    expect(r.stdout).toContain("SL V2 ≤ 20 s");
    expect(r.stdout).toContain("service level V2 (DESIGN.md), threshold 20 s");
  });

  it("rejects a bad option value with a usage error", () => {
    const r = qb("kpis", "--input", fixture("outcomes.queue_log"), "--interval-minutes", "7");
    expect(r.code).toBe(2); // a usage error (issue 9 item 18: it exited 1 before)
    expect(r.stderr).toContain("interval_minutes must be one of 5, 10, 15, 20, 30, 60, got 7");
  });
});

describe("qb erlang", () => {
  it("prints the Erlang C contract for E1 with targets and shrinkage", () => {
    const r = qb("erlang", "--model", "c", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--target-sl", "0.8", "--shrinkage", "0.3", "--json");
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    // ../shared/data/README.md E1: A = 10, 14 agents (SL 0.88835, P(wait) 0.1741319), 20 scheduled.
    expect(o).toMatchObject({ offered_load_erlangs: 10, agents: 14, required_agents: 14, scheduled_agents: 20, p_abandon: 0 });
    expect(o.p_wait).toBeCloseTo(0.1741319, 7);
    expect(o.service_level).toBeCloseTo(0.88835, 5);
    for (const k of ["asa_s", "occupancy", "required_agents_fractional"]) expect(o).toHaveProperty(k);
  });

  it("prints Erlang A for given agents and Erlang B blocking", () => {
    const a = JSON.parse(qb("erlang", "--model", "a", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--patience-s", "300", "--agents", "12", "--json").stdout);
    expect(a.p_abandon).toBeCloseTo(0.042711, 6); // published Erlang A table, N = 12
    const b = JSON.parse(qb("erlang", "--model", "b", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--agents", "16", "--json").stdout);
    expect(b.p_block).toBeCloseTo(0.022302, 6); // E5
  });

  it("reports and targets service level V2 by default, as every command, and names the variant", () => {
    const args = ["erlang", "--model", "a", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--patience-s", "300", "--agents", "12", "--json"];
    const a = JSON.parse(qb(...args).stdout);
    expect([a.sl_variant, a.sl_variant_name]).toEqual(["V2", "answered_within_over_offered_less_short_abandons"]); // the id, as kpis writes it
    expect(a.short_abandon_s).toBe(5);
    expect(a.service_level).toBe(a.service_levels.answered_within_over_offered_less_short_abandons);
    // V2 = V1 / (1 − P(abandon within 5 s)): strictly above V1 with abandonment.
    expect(a.service_level).toBeGreaterThan(a.service_levels.answered_within_over_offered);
    const v1 = JSON.parse(qb(...args, "--sl-variant", "V1").stdout);
    expect([v1.sl_variant, v1.service_level]).toEqual(["V1", a.service_levels.answered_within_over_offered]);
    const long = JSON.parse(qb(...args, "--sl-variant", "answered_within_over_answered").stdout);
    expect(long.sl_variant).toBe("V3");
    const bad = qb(...args, "--sl-variant", "V7");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--sl-variant: Unknown service-level variant 'V7'/m);
  });

  it("prints a readable table by default (E1: 14 agents, SL 88.8 %, P(wait) 17.4 %)", () => {
    const r = qb("erlang", "--model", "c", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--agents", "14");
    expect(r.code).toBe(0);
    const value = (label: string) => r.stdout.split("\n").find((l) => l.includes(`│ ${label} `))!.split("│")[2]!.trim();
    expect([value("agents"), value("service level"), value("P(wait)")]).toEqual(["14", "88.8 %", "17.4 %"]);
  });

  it("marks required options in --help", () => {
    const r = qb("erlang", "--help");
    expect(r.stdout).toMatch(/--calls <n>\s+calls offered in the period \(required\)/);
  });

  it("prints an unstable queue with null waits, never a negative number", () => {
    const o = JSON.parse(qb("erlang", "--calls", "100", "--period-s", "1800", "--aht-s", "180", "--agents", "9", "--json").stdout);
    expect(o).toMatchObject({ stable: false, service_level: 0, asa_s: null, p_wait: 1 });
  });

  it("is a usage error without agents or targets", () => {
    const r = qb("erlang", "--calls", "100", "--period-s", "1800", "--aht-s", "180");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("give --agents, or at least one of --target-sl");
  });
});

describe("qb fit", () => {
  it("prints the OLS contract on Longley (reference values in ../shared/data/README.md)", () => {
    const r = qb("fit", "--data", fixture("reference/longley.csv"), "--formula", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", "--json");
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of ["n", "df_model", "df_resid", "terms", "r_squared", "adj_r_squared", "f_stat", "f_pvalue", "sigma", "log_likelihood", "aic", "bic", "durbin_watson", "condition_number"]) expect(o).toHaveProperty(k);
    expect([o.n, o.df_model, o.df_resid]).toEqual([16, 6, 9]);
    expect(o.terms[0]).toMatchObject({ term: "const" });
    expect(o.terms[0].coef).toBeCloseTo(-3482258.63459582, 3);
    expect(o.f_stat).toBeCloseTo(330.285339234588, 8);
    expect(Object.keys(o.terms[0])).toEqual(["term", "coef", "se", "t", "p", "ci_low", "ci_high"]);
  });

  it("fits OLS with a clustered covariance on the whole Grunfeld table (11 firms)", () => {
    const r = qb("fit", "--data", fixture("reference/grunfeld.csv"), "--formula", "invest ~ value + capital", "--cov", "cluster:firm", "--json");
    expect(JSON.parse(r.stdout).clusters).toBe(11);
  });

  it("prints the coefficient table by default (Longley, NIST certified const -3482258.63459582)", () => {
    const r = qb("fit", "--data", fixture("reference/longley.csv"), "--formula", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR");
    expect(r.code).toBe(0);
    const row = r.stdout.split("\n").find((l) => l.includes("│ const "))!.split("│").map((c) => c.trim()).filter(Boolean);
    expect(Number(row[1])).toBeCloseTo(-3482258.63459582, -1); // 7 significant digits printed
    expect(r.stdout).toContain("[95 %");
  });

  it("names the collinear columns of a dummy trap and exits 2 (a formula the data cannot fit)", () => {
    const r = qb("fit", "--data", fixture("reference/longley.csv"), "--formula", "TOTEMP ~ GNP + I(GNP**1)");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a linear combination of");
  });

  it("exits 2 with a qb: message for a formula that does not parse or names a missing column", () => {
    const data = fixture("reference/longley.csv");
    const bad = qb("fit", "--data", data, "--formula", "TOTEMP ~ GNP +");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("qb: error: Cannot parse formula 'TOTEMP ~ GNP +' at character 15: expected a term at the end");
    const missing = qb("fit", "--data", data, "--formula", "TOTEMP ~ __proto__");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no column '__proto__'; columns are");
    expect(missing.stderr).not.toContain("TypeError");
  });
});

describe("qb simulate", () => {
  it("prints a table of means with confidence intervals, the same numbers as --json", () => {
    const table = qb("simulate", "--config", fixture("small_scenario.json"));
    const json = JSON.parse(qb("simulate", "--config", fixture("small_scenario.json"), "--json").stdout);
    expect(table.code).toBe(0);
    const q = json.queues[0];
    const row = table.stdout.split("\n").find((l) => l.includes("│ q "))!;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    expect(row).toContain(`${pct(q.service_level.mean)} [${pct(q.service_level.ci_low)}, ${pct(q.service_level.ci_high)}]`);
    expect(table.stdout).toContain(`over ${json.replications} replications (seed 3)`);
    // The same service-level default as every command, named.
    expect([json.sl_variant, json.threshold_s, json.short_abandon_s]).toEqual(["V2", 20, 5]);
    expect(table.stdout).toContain("SL V2");
  });

  it("compares changes with common random numbers (--compare): paired differences, notes, labour; bad change files exit 2", () => {
    const json = JSON.parse(qb("simulate", "--config", fixture("small_scenario.json"), "--compare", fixture("changes/plus1.json"), "--json").stdout);
    const v = json.variants[0];
    expect(v.name).toBe("one more agent");
    // 20,000 s × 25 per hour = 138.89 of labour; the 10th agent at 8.3 Erlangs lowers abandonment in every replication.
    expect(v.added_labour_cost).toBeCloseTo(20_000 / 3600 * 25, 9);
    expect(v.differences.all.p_abandon.mean).toBeLessThan(0);
    expect(v.differences.all.p_abandon.ci_high).toBeLessThan(0);
    // The baseline inside the comparison is the plain run of the same scenario (same seed).
    const plain = JSON.parse(qb("simulate", "--config", fixture("small_scenario.json"), "--json").stdout);
    expect(json.baseline.queues[0].p_abandon).toEqual(plain.queues[0].p_abandon);
    expect(v.differences.all.p_abandon.baseline).toBeCloseTo(plain.queues[0].p_abandon.mean, 12);
    const table = qb("simulate", "--config", fixture("small_scenario.json"), "--compare", fixture("changes/plus1.json"));
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("one more agent");
    expect(table.stdout).toContain("add_agents: 1 agent(s) with q:1");
    for (const [file, message] of [["changes/bad_queue.json", "unknown queue 'nope'"], ["changes/bad_time.json", "a local time HH:MM"], ["nope.json", "nope.json"]] as const) {
      const r = qb("simulate", "--config", fixture("small_scenario.json"), "--compare", fixture(file));
      expect([file, r.code]).toEqual([file, 2]);
      expect(r.stderr).toContain("qb:");
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    // Callers who took a callback are shown beside the live calls (re-check, helper-30: SL looked 99.8 % with no word).
    const cb = qb("simulate", "--config", fixture("small_scenario.json"), "--compare", fixture("changes/callbacks_all.json"));
    expect(cb.code).toBe(0);
    expect(cb.stdout).toContain("callbacks taken base → variant");
    expect(cb.stdout).toContain("callers who took a callback are counted apart");
    // A scenario that is not JSON is a usage error too (exit 2), naming the file.
    const bad = qb("simulate", "--config", fixture("changes/bad_time.json").replace("bad_time.json", "not_json.txt"));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("not_json.txt")]);
  });
});

describe("file options other than --input", () => {
  it("refuse a missing file, a directory and a device with exit 2 (issue 9 item 18)", () => {
    for (const [cmd, opt, rest] of [["fit", "--data", ["--formula", "y ~ x"]], ["simulate", "--config", []], ["staffing", "--input", ["--json", "--target-sl", "0.8"]]] as const) {
      for (const [path, why] of [["/nonexistent/x.csv", "no such file"], [ROOT, "is a directory"], ["/dev/zero", "not a regular file"]]) {
        const r = qb(cmd, opt, path, ...rest);
        expect(r.code, `${cmd} ${opt} ${path}`).toBe(2);
        expect(r.stderr).toContain(why);
      }
    }
  }, 120_000);
});
