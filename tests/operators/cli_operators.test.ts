/**
 * `qb agents` and `qb state` end to end (child processes): the JSON contract of the issue, the
 * worked examples' numbers through the CLI, usage errors (exit 2).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import process from "node:process";
import { fixture, ROOT } from "../_helpers.ts";

function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const op = (name: string) => fixture(`operators/${name}`);

const CONTRACT = [
  "logged_in_s", "available_idle_s", "ring_s", "talk_s", "hold_s", "wrap_s", "paused_s", "paused_by_reason", "calls_presented", "calls_answered",
  "ring_no_answer", "occupancy", "utilization", "longest_idle_s", "adherence", "conformance", "shrinkage", "paid_s", "cost", "cost_per_answered_call",
];

describe("qb agents", () => {
  it("prints the JSON contract with Ex. 1's adherence and conformance, names from the roster", () => {
    const r = qb("agents", "-i", op("ex1_adherence.queue_log"), "--schedules", op("ex1_schedule_nested.csv"), "--roster", op("roster.csv"),
      "--adherence-rule", "deduct_per_segment", "--json", "-q");
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.stdout);
    for (const k of ["agent", "name", "team", "department", ...CONTRACT]) expect(row).toHaveProperty(k);
    expect(row).toMatchObject({ agent: "Agent/cy", name: "Cy Example", team: "Support B", scheduled_s: 14400, cost: null, cost_per_answered_call: null });
    expect(row.adherence).toBeCloseTo(1 - 420 / 14400, 12); // 97.08 %
    expect(row.conformance).toBeCloseTo(13215 / 13500, 12);
  });

  it("reads --services as the operators' case work: cases handled and cost per case in the JSON and the table; a missing file exits 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-agents-cases-"));
    const services = join(dir, "services.csv");
    // Ann (24 €/h) is logged in 08:00–09:00 on 2026-03-02 (Ex. 3): two cases of 600 s and 300 s end inside → 6.00 €, 3.00 € per case.
    writeFileSync(services, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      "S1,repair,,support,Agent/ann,2026-03-02T07:00:00Z,2026-03-02T08:30:00Z,closed,resolved,600,",
      "S3,repair,,support,Agent/ann,2026-03-02T08:20:00Z,,open,,300,", "",
    ].join("\n"));
    const r = qb("agents", "-i", op("ex3_idle.queue_log"), "--roster", op("roster.csv"), "--services", services, "--json", "-q");
    expect(r.code, r.stderr).toBe(0);
    const [row] = JSON.parse(r.stdout);
    expect(row).toMatchObject({ agent: "Agent/ann", cases_handled: 2, case_work_s: 900, case_cost: 6, cost_per_handled_case: 3 });
    const t = qb("agents", "-i", op("ex3_idle.queue_log"), "--roster", op("roster.csv"), "--services", services, "-q");
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/cost \/ case/);
    expect(t.stdout).toMatch(/│\s+2 │\s+3\.00 │/);
    // A rejected case is listed with its reason (it was a bare count) and stops the command under --strict.
    const badCase = join(dir, "bad_case.csv");
    writeFileSync(badCase, readFileSync(services, "utf8").replace("S3,repair,,support,Agent/ann,2026-03-02T08:20:00Z,,open,,300,", "S3,repair,,support,Agent/ann,2026-03-02T08:20:00Z,,open,,-5,"));
    const listed = qb("agents", "-i", op("ex3_idle.queue_log"), "--services", badCase);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/rejected: .*bad_case\.csv:3: field 'handling_s': handling_s must be a number ≥ 0, got '-5'/);
    expect(listed.stderr).toMatch(/qb: note: case work: 1 of 1 cases credited to operators/);
    const strict = qb("agents", "-i", op("ex3_idle.queue_log"), "--services", badCase, "--strict");
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^qb: error: --strict: .*bad_case\.csv:3/m);
    const bad = qb("agents", "-i", op("ex3_idle.queue_log"), "--services", join(dir, "missing.csv"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--services/m);
  });

  it("groups by team and interval with a window, wrap-up per queue, and says what it assumed", () => {
    const r = qb("agents", "-i", op("ex2_occupancy.queue_log"), "--roster", op("roster.csv"), "--wrapup", "support=180",
      "--by", "team,interval", "--from", "2026-03-03T09:00", "--to", "2026-03-03T09:30", "--json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ team: "Support A", department: "Service", interval_start: "2026-03-03T09:00:00+00:00", logged_in_s: 1800, available_idle_s: 390 });
    expect(rows[0].occupancy).toBeCloseTo(0.72, 12);
    expect(rows[0].cost).toBeCloseTo(30 * 0.5, 12); // Bea: half an hour logged in (no schedule) at 30/h
    expect(r.stderr).toContain("wrap-up assumed: support 180 s, others 0 s");
    expect(qb("agents", "-i", op("ex3_idle.queue_log"), "--wrapup-s", "15", "--json").stderr).toContain("wrap-up assumed: 15 s after every call");
  });

  it("warns of a --wrapup queue no call uses, and of agents in both queue_log and FreeSWITCH states", () => {
    const fs = join(mkdtempSync(join(tmpdir(), "qb-ops-cli-")), "fs.csv");
    writeFileSync(fs, "timestamp,agent,status,state\n2026-03-05 08:00:00,Agent/ann,Available,Waiting\n2026-03-05 09:00:00,Agent/ann,Logged Out,Waiting\n");
    const r = qb("agents", "-i", op("ex3_idle.queue_log"), "--wrapup", "suport=30", "--wrapup", "support=10", "--agent-states", fs, "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("qb: warning: --wrapup names queue(s) no loaded call uses: suport (their wrap-up assumes nothing)");
    expect(r.stderr).toContain("qb: note: 1 agent(s) appear in queue_log and in FreeSWITCH states; their states come from FreeSWITCH");
    // Agent/ann's states are FreeSWITCH's hour logged in, not Ex. 3's queue_log session.
    expect(JSON.parse(r.stdout).find((x: { agent: string }) => x.agent === "Agent/ann")).toMatchObject({ logged_in_s: 3600, talk_s: 0 });
  });

  it("refuses a UTF-16 roster and a roster with a column twice, naming the file (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-ops-cli-"));
    const utf16 = join(dir, "roster16.csv"), twice = join(dir, "twice.csv");
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("agent,name,team\nAgent/ann,Ann,A\n", "utf16le")]));
    writeFileSync(twice, "agent,name,team,name\nAgent/ann,Ann,A,Anna\n");
    for (const [file, message] of [[utf16, "UTF-16 is not supported"], [twice, "column 'name' appears twice in the header"]] as const) {
      const r = qb("agents", "-i", op("ex3_idle.queue_log"), "--roster", file);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it("shows the indicators chosen with --columns in the table, seconds as hours, and refuses an unknown one", () => {
    const r = qb("agents", "-q", "-i", op("ex1_adherence.queue_log"), "--schedules", op("ex1_schedule_flat.csv"), "--columns", "scheduled_s,shrinkage,longest_idle_s");
    expect(r.code).toBe(0);
    const [head, row] = r.stdout.split("\n").filter((l) => l.startsWith("│"));
    expect(head!.split("│").map((x) => x.trim()).filter(Boolean)).toEqual(["agent", "name", "team", "scheduled h", "shrinkage", "longest idle s"]);
    // Ex. 1's shift is 09:00–13:00: 4 scheduled hours.
    expect(row!.split("│").map((x) => x.trim())[4]).toBe("4.0");
    const bad = qb("agents", "-i", op("ex1_adherence.queue_log"), "--columns", "occupancy,bogus");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("qb: error: --columns: unknown indicator(s) 'bogus'");
  });

  it("names a roster's rejected lines on stderr, and stops at the first with --strict", () => {
    const roster = join(mkdtempSync(join(tmpdir(), "qb-ops-cli-")), "roster_bad.csv");
    writeFileSync(roster, "agent,name,hourly_cost\nAgent/ann,Ann,20\n,Nobody,20\nAgent/cy,Cy,twenty\n");
    const r = qb("agents", "-i", op("ex3_idle.queue_log"), "--roster", roster, "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("4 lines read = 1 used + 1 ignored + 2 rejected");
    expect(r.stderr).toContain(`rejected: ${roster}:3: field 'agent': agent must not be empty`);
    expect(r.stderr).toContain(`rejected: ${roster}:4: field 'hourly_cost'`);
    const strict = qb("agents", "-i", op("ex3_idle.queue_log"), "--roster", roster, "--strict");
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`qb: error: --strict: ${roster}:3: field 'agent': agent must not be empty`);
    for (const cols of ["ring_s,ring_s", "constructor", "toString"]) expect(qb("agents", "-i", op("ex3_idle.queue_log"), "--columns", cols).code).toBe(2);
  });

  it("exits 2 with a qb: message for a bad --by, --from, --to or --wrapup, before loading", () => {
    for (const [args, message] of [
      [["--by", "teams"], "--by must be agent, team or department"],
      [["--from", "yesterday"], "--from must be a date or date-time"],
      [["--from", "2026-03-03", "--to", "2026-03-02T12:00"], "--to must be after --from"],
      [["--wrapup", "support"], "--wrapup must be QUEUE=SECONDS"],
    ] as const) {
      const r = qb("agents", "-i", op("ex3_idle.queue_log"), ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`qb: error: ${message}`);
    }
  });
});

describe("qb state", () => {
  it("gives every agent's state on the three axes and the time in it", () => {
    const r = qb("state", "-i", op("ex3_idle.queue_log"), "--at", "2026-03-02T08:07:00", "--wrapup-s", "30", "--json", "-q");
    expect(r.code).toBe(0);
    // Ex. 3: on call 08:05–08:09 (c1, answered at 08:05:00): 120 s in state at 08:07.
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({
      agent: "Agent/ann", session: "logged_in", availability: "available", work: "talking", state: "on_call", call_id: "c1", time_in_state_s: 120, after_data_end: false,
    })]);
    const paused = JSON.parse(qb("state", "-i", op("ex3_idle.queue_log"), "--at", "2026-03-02T08:34:00", "--json", "-q").stdout);
    // Ex. 3: the first call ended at 08:09:00, 25 minutes before 08:34 (§2 (c), time since the last call).
    expect(paused[0]).toMatchObject({ state: "paused", reason: "Coffee", time_in_state_s: 840, since_last_call_s: 1500 });
  });

  it("lists every roster agent, those without an event yet as logged out with no time in state", () => {
    const r = qb("state", "-i", op("ex3_idle.queue_log"), "--roster", op("roster.csv"), "--at", "2026-03-02T08:07:00", "--json", "-q");
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { agent: string; state: string; time_in_state_s: number | null }) => [x.agent, x.state, x.time_in_state_s])).toEqual([
      ["Agent/ann", "on_call", 120], ["Agent/bea", "logged_out", null], ["Agent/cy", "logged_out", null],
    ]);
    // In the table a logged-out agent is neither available nor idle: "–" on both axes (work showed "idle").
    const t = qb("state", "-i", op("ex3_idle.queue_log"), "--roster", op("roster.csv"), "--at", "2026-03-02T08:07:00", "-q");
    const bea = t.stdout.split("\n").find((l) => l.includes("Agent/bea"))!.split("│").map((c) => c.trim());
    expect(bea.slice(3, 8)).toEqual(["logged_out", "logged_out", "–", "n/a", "–"]);
  });

  it("refuses --json on the report and a --day outside the window", () => {
    expect(qb("operators-report", "-i", op("ex3_idle.queue_log"), "--json", "-o", "x.html").code).toBe(2);
    const r = qb("operators-report", "-i", op("ex3_idle.queue_log"), "--from", "2026-03-02", "--to", "2026-03-02", "--day", "2026-03-05", "-o", "x.html");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--day 2026-03-05 is outside the window of --from/--to");
  });
});

describe("qb operators-report", () => {
  it("writes one page per local day with --period day, each page's numbers those of its day", () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-ops-pages-"));
    const T = 1_772_618_400; // 2026-03-04 10:00:00 UTC
    const log = join(dir, "two_days.queue_log");
    // Ann: logged in 1 h on the 4th and 2 h on the 5th (UTC), one 60 s call each day.
    writeFileSync(log, [
      `${T}|NONE|NONE|Agent/ann|AGENTLOGIN|SIP/ann`, `${T + 600}|c1|support|NONE|ENTERQUEUE||555|1`, `${T + 605}|c1|support|Agent/ann|CONNECT|5|c1.1|1`,
      `${T + 665}|c1|support|Agent/ann|COMPLETECALLER|5|60|1`, `${T + 3600}|NONE|NONE|Agent/ann|AGENTLOGOFF|SIP/ann|3600`,
      `${T + 86_400}|NONE|NONE|Agent/ann|AGENTLOGIN|SIP/ann`, `${T + 87_000}|c2|support|NONE|ENTERQUEUE||556|1`,
      `${T + 87_010}|c2|support|Agent/ann|CONNECT|10|c2.1|1`, `${T + 87_070}|c2|support|Agent/ann|COMPLETECALLER|10|60|1`,
      `${T + 93_600}|NONE|NONE|Agent/ann|AGENTLOGOFF|SIP/ann|7200`,
    ].join("\n") + "\n");
    const r = qb("operators-report", "-i", log, "--roster", op("roster.csv"), "--period", "day", "-o", join(dir, "ops.html"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(join(dir, "ops-2026-03-04.html"));
    expect(r.stderr).toContain(join(dir, "ops-2026-03-05.html"));
    const pages = ["2026-03-04", "2026-03-05"].map((d) => Deno.readTextFileSync(join(dir, `ops-${d}.html`)));
    expect(pages[0]).toMatch(/<h1>(<bdi>)?Operator performance — 2026-03-04/);
    expect(pages[0]).toContain("2026-03-04T00:00:00+00:00 to 2026-03-05T00:00:00+00:00 (end excluded)");
    // The logged-in tile of each page: 1.0 h, then 2.0 h (by hand from the log above).
    expect(pages[0]).toMatch(/Logged in<\/div><div class="value">1\.0 h/);
    expect(pages[1]).toMatch(/Logged in<\/div><div class="value">2\.0 h/);
    expect(qb("operators-report", "-i", log, "--period", "day", "--day", "2026-03-04", "-o", join(dir, "x.html")).code).toBe(2);
  });
});
