/**
 * The demo center read back through the operator side: each agent's talk and logged-in time
 * equal the simulator's own accounting (it knows the truth; the log rounds instants to whole
 * seconds), team totals equal the sum of their agents, paid cost equals Σ scheduled hours ×
 * hourly cost computed here from the schedules, and the center runs at a realistic occupancy.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoCenter, loadLogs, loadRoster, loadSchedules, loadServices, openStore, operatorKpis, writeDemoCenter } from "../../lib/mod.ts";

const center = buildDemoCenter({ days: 7, seed: 42 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-demo-truth-")), center);
const WRAP = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));

async function rows(by: "agent" | "team") {
  const store = await openStore();
  await loadLogs(store, [files.queue_log]);
  await loadRoster(store, files.roster);
  await loadSchedules(store, files.schedules);
  const r = await operatorKpis(store, { by, wrapup_by_queue: WRAP, timeZone: center.time_zone });
  store.close();
  return r;
}

describe("the demo center through the operator side", () => {
  it("gives each agent the simulator's own talk and logged-in time, and costs its scheduled hours", async () => {
    const agents = await rows("agent");
    expect(agents).toHaveLength(60);
    for (const r of agents) {
      const truth = center.agent_time_by_agent_s[r.agent!] ?? { talking: 0, wrap: 0, idle: 0, ringing: 0, paused: 0 };
      // Rounding: each CONNECT and COMPLETE instant is logged to the whole second (≤ 1 s per answered call),
      // each login and logoff too.
      expect(Math.abs(r.talk_s - truth.talking)).toBeLessThanOrEqual(r.calls_answered + 1);
      const logged = truth.talking + truth.wrap + truth.idle + truth.ringing + truth.paused;
      expect(Math.abs(r.logged_in_s - logged)).toBeLessThanOrEqual(2 * 7 + 2);
      // Paid time = scheduled on-queue shifts (breaks and lunch lie inside them); standby agents are paid what they worked.
      const shifts = center.schedules.filter((s) => s.agent === r.agent && s.activity === "on_queue");
      const scheduled_h = shifts.reduce((h, s) => h + (Date.parse(s.ends_at) - Date.parse(s.starts_at)) / 3_600_000, 0);
      const cost = center.roster.find((x) => x.agent === r.agent)!.hourly_cost;
      if (shifts.length) expect(r.cost).toBeCloseTo(cost * scheduled_h, 6);
      else expect(r.cost).toBeCloseTo((cost * r.logged_in_s) / 3600, 6);
    }
  }, 120_000);

  it("credits each agent the demo's own cases and case handling time, costed as the simulator costed them", async () => {
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    await loadRoster(store, files.roster);
    await loadServices(store, files.services);
    const agents = await operatorKpis(store, { by: "agent", wrapup_by_queue: WRAP, timeZone: center.time_zone });
    store.close();
    // The simulator's truth: a case's work ends when it closes (an open case: at its opening); the data ends at the
    // log's last line. Each case's own cost was rounded to the cent by the simulator.
    const end_ms = Number(center.queue_log[center.queue_log.length - 1]!.split("|")[0]) * 1000;
    let credited = 0;
    for (const r of agents) {
      const mine = center.services.filter((c) => c.agent === r.agent && Date.parse(c.closed_at ?? c.opened_at) <= end_ms);
      credited += mine.length;
      expect([r.agent, r.cases_handled]).toEqual([r.agent, mine.length]);
      expect(r.case_work_s).toBe(mine.reduce((s, c) => s + c.handling_s, 0));
      expect(Math.abs(r.case_cost! - mine.reduce((s, c) => s + c.cost, 0))).toBeLessThanOrEqual(0.005 * mine.length + 1e-9);
    }
    // Left out: only cases that close after the last line (closing 1.5–3 days after opening on average, in a 7-day log).
    expect(credited).toBeGreaterThan(0.75 * center.services.length);
  }, 120_000);

  it("rolls teams up to the sum of their agents and runs at 75–88 % occupancy per team", async () => {
    const [agents, teams] = [await rows("agent"), await rows("team")];
    for (const t of teams) {
      const members = agents.filter((a) => a.team === t.team);
      for (const k of ["logged_in_s", "talk_s", "wrap_s", "paused_s", "calls_answered", "ring_no_answer"] as const) {
        expect(t[k]).toBeCloseTo(members.reduce((s, a) => s + a[k], 0), 6);
      }
      expect(t.cost).toBeCloseTo(members.reduce((s, a) => s + a.cost!, 0), 6);
      expect(t.occupancy).toBeGreaterThanOrEqual(0.75);
      expect(t.occupancy).toBeLessThanOrEqual(0.88);
    }
  }, 120_000);

  it("calls standby agents in only within their on-call schedule windows, and logs them off by its end", () => {
    const standby = center.roster.filter((r) => r.on_call).map((r) => r.agent);
    const windows = (agent: string) => center.schedules.filter((s) => s.agent === agent && s.activity === "on_call").map((s) => [Date.parse(s.starts_at) / 1000, Date.parse(s.ends_at) / 1000]);
    let logins = 0;
    for (const line of center.queue_log) {
      const [t, , , agent, event] = line.split("|");
      if (!standby.includes(agent!) || (event !== "AGENTLOGIN" && event !== "AGENTLOGOFF")) continue;
      if (event === "AGENTLOGIN") logins++;
      // A logoff may wait for the call in progress at the window's end: allow the longest call (an hour).
      const slack = event === "AGENTLOGOFF" ? 3600 : 0;
      expect(windows(agent!).some(([a, b]) => Number(t) >= a! && Number(t) <= b! + slack)).toBe(true);
    }
    expect(logins).toBeGreaterThan(0); // the pool is used
  });
});
