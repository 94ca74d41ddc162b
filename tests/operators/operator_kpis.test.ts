/**
 * Operator indicators against the hand-computed worked examples of OPERATIONS.md §2 (Ex. 1–3),
 * the agent-state pitfalls of §1 (one hand-written fixture each) and independent computations
 * of roll-ups and cost written here.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAgentStates, caseWorkAccounting, caseWorkSentence, loadFreeswitchStates, loadLogs, loadRoster, loadSchedules, loadServices, openStore, operatorKpis, operatorKpisBy, type OperatorKpiOptions, readSchedules, type StateEvent,
} from "../../lib/mod.ts";
import { fixture } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-operators-"));
const op = (name: string) => fixture(`operators/${name}`);

async function kpis(logs: string[], options: OperatorKpiOptions, extra: { roster?: string; schedules?: string } = {}) {
  const store = await openStore();
  await loadLogs(store, logs);
  if (extra.roster) await loadRoster(store, extra.roster);
  if (extra.schedules) await loadSchedules(store, extra.schedules);
  const rows = await operatorKpis(store, options);
  store.close();
  return rows;
}

describe("OPERATIONS.md worked examples", () => {
  it("Ex. 3: idle from queue_log events with a 30 s wrap-up", async () => {
    const [r] = await kpis([op("ex3_idle.queue_log")], { wrapup_s: 30 });
    // Login 3,600 s, talk 480, ring 10, pause 900, wrap-up 60; available-idle 2,150 in stretches 295, 630, 295, 930.
    expect(r).toMatchObject({ logged_in_s: 3600, talk_s: 480, ring_s: 10, paused_s: 900, wrap_s: 60, available_idle_s: 2150, longest_idle_s: 930 });
    expect(r!.paused_by_reason).toEqual({ Coffee: 900 });
    // Idle before call: 295 s and 1,855 s with pauses and wrap-up, 295 s and 925 s without → means 1,075 s and 610 s.
    expect([r!.idle_before_call_incl_s, r!.idle_before_call_s]).toEqual([(295 + 1855) / 2, (295 + 925) / 2]);
    expect(r!.occupancy).toBeCloseTo(540 / 2700, 12); // 20.00 % without ring
    const [withRing] = await kpis([op("ex3_idle.queue_log")], { wrapup_s: 30, occupancy_includes_ring: true });
    expect(withRing!.occupancy).toBeCloseTo(550 / 2700, 12); // 20.37 %
    expect(Math.round(withRing!.occupancy! * 10000) / 100).toBe(20.37);
  });

  it("Ex. 2: occupancy and utilization of 09:00–09:30, time split across intervals by activity", async () => {
    const rows = await kpis([op("ex2_occupancy.queue_log")], { wrapup_s: 180, period: "interval" });
    const r = rows.find((x) => x.interval_start === "2026-03-03T09:00:00+00:00")!;
    // Logged in 1,800 s, paused 300, ring 30, talk 600 + 300 (call B's part before 09:30), wrap-up 180.
    expect(r).toMatchObject({ logged_in_s: 1800, paused_s: 300, ring_s: 30, talk_s: 900, wrap_s: 180, available_idle_s: 390 });
    expect(r.occupancy).toBeCloseTo((900 + 180) / 1500, 12); // 72.00 %
    expect(r.utilization).toBeCloseTo(1080 / 1800, 12); // 60.00 %
    const next = rows.find((x) => x.interval_start === "2026-03-03T09:30:00+00:00")!;
    expect(next).toMatchObject({ talk_s: 180, wrap_s: 180 }); // call B's last 180 s and its wrap-up 09:33–09:36
    const [ring] = (await kpis([op("ex2_occupancy.queue_log")], { wrapup_s: 180, period: "interval", occupancy_includes_ring: true }))
      .filter((x) => x.interval_start === "2026-03-03T09:00:00+00:00");
    expect(ring!.occupancy).toBeCloseTo(1110 / 1500, 12); // 74.00 %
    // Whole call credited to its ending interval (the alternative): call B's 300 s leave 09:00 and look idle there.
    const [end] = (await kpis([op("ex2_occupancy.queue_log")], { wrapup_s: 180, period: "interval", time_attribution: "call_end" }))
      .filter((x) => x.interval_start === "2026-03-03T09:00:00+00:00");
    expect(end).toMatchObject({ talk_s: 600, available_idle_s: 690 });
    expect(end!.occupancy).toBeCloseTo(780 / 1500, 12); // 52.00 %
    expect(end!.utilization).toBeCloseTo(780 / 1800, 12); // 43.33 %
  });

  for (const schedule of ["ex1_schedule_nested.csv", "ex1_schedule_flat.csv"]) {
    it(`Ex. 1: adherence under the three threshold rules and conformance (${schedule})`, async () => {
      const expected = { raw: 1 - 645 / 14400, forgive_shorter_than: 1 - 600 / 14400, deduct_per_segment: 1 - 420 / 14400 } as const;
      for (const [rule, adherence] of Object.entries(expected)) {
        const [r] = await kpis([op("ex1_adherence.queue_log")], { adherence_rule: rule as never, adherence_threshold_s: 60 }, { schedules: op(schedule) });
        expect(r!.adherence).toBeCloseTo(adherence, 12); // 95.52 %, 95.83 %, 97.08 %
        expect(r!.scheduled_s).toBe(14400);
        expect(r!.conformance).toBeCloseTo(13215 / 13500, 12); // 97.89 %
        // Shrinkage by hand: planned = the 900 s break; unplanned = scheduled on-queue time off the queue: 120 + 300 + 45.
        expect(r!.shrinkage_planned).toBeCloseTo(900 / 14400, 12);
        expect(r!.shrinkage_unplanned).toBeCloseTo(465 / 14400, 12);
      }
    });
  }
});

describe("agent-state pitfalls (OPERATIONS.md §1)", () => {
  const T = Date.UTC(2026, 2, 2, 8, 0, 0);
  const ev = (s: number, event: string, reason: string | null = null, queue: string | null = null): StateEvent =>
    ({ at: T + s * 1000, event, reason, queue, ring_ms: null, line: s });

  it("a PAUSE while paused changes the reason at that instant; the pause goes on from the first PAUSE", () => {
    const notes: Record<string, number> = {};
    const segs = buildAgentStates("a", [ev(0, "ADDMEMBER", null, "q"), ev(60, "PAUSE", "Lunch"), ev(120, "PAUSE", "Meeting"), ev(300, "UNPAUSE"), ev(600, "REMOVEMEMBER", null, "q")], [], T + 600_000, {}, notes);
    expect(segs.map((s) => [s.started_at - T, s.ended_at - T, s.availability, s.reason])).toEqual([
      [0, 60_000, "available", null], [60_000, 120_000, "paused", "Lunch"], [120_000, 300_000, "paused", "Meeting"], [300_000, 600_000, "available", null],
    ]);
    expect(notes).toEqual({});
  });

  it("ADDMEMBER with data PAUSED starts the session paused", () => {
    const segs = buildAgentStates("a", [ev(0, "ADDMEMBER", "PAUSED", "q"), ev(90, "UNPAUSE"), ev(200, "REMOVEMEMBER", null, "q")], [], T + 200_000);
    expect(segs.map((s) => [s.started_at - T, s.availability, s.reason])).toEqual([[0, "paused", ""], [90_000, "available", null]]);
  });

  it("an UNPAUSE with no open pause is ignored by a named rule, not an error", () => {
    const notes: Record<string, number> = {};
    const segs = buildAgentStates("a", [ev(0, "AGENTLOGIN"), ev(10, "UNPAUSE"), ev(100, "AGENTLOGOFF")], [], T + 100_000, {}, notes);
    expect(notes).toEqual({ unpause_without_pause: 1 });
    expect(segs.map((s) => [s.started_at - T, s.ended_at - T, s.session, s.availability])).toEqual([[0, 100_000, "logged_in", "available"]]);
  });

  it("a logoff ends a pause, and a session open at the end of the data ends there flagged open", () => {
    const segs = buildAgentStates("a", [ev(0, "AGENTLOGIN"), ev(10, "PAUSE", "Break"), ev(50, "AGENTLOGOFF"), ev(70, "AGENTLOGIN")], [], T + 100_000);
    expect(segs.map((s) => [s.started_at - T, s.ended_at - T, s.session, s.availability, s.open])).toEqual([
      [0, 10_000, "logged_in", "available", false], [10_000, 50_000, "logged_in", "paused", false],
      [50_000, 70_000, "logged_out", "available", false], [70_000, 100_000, "logged_in", "available", true],
    ]);
  });

  it("clips wrap-up at the next call, at a pause and at a logoff; a call not completed is talk open to the end", () => {
    const call = (id: string, a: number, e: number | null) =>
      ({ call_id: id, queue: "q", direction: "inbound" as const, entered_at: T + a * 1000 - 5000, answered_at: T + a * 1000, ended_at: e === null ? null : T + e * 1000, ring_s: null });
    const segs = buildAgentStates("a", [ev(0, "AGENTLOGIN"), ev(400, "PAUSE", "x"), ev(500, "UNPAUSE"), ev(700, "AGENTLOGOFF"), ev(800, "AGENTLOGIN")],
      [call("c1", 100, 200), call("c2", 220, 380), call("c3", 600, 690), call("c4", 900, null)], T + 1000_000, { wrapup_s: 60 });
    const wrap = segs.filter((s) => s.work === "wrap_up").map((s) => [s.call_id, s.started_at - T, s.ended_at - T]);
    // c1 wrap-up 200–260 cut at c2's answer (220); c2's cut at the PAUSE (400); c3's cut at the logoff (700).
    expect(wrap).toEqual([["c1", 200_000, 220_000], ["c2", 380_000, 400_000], ["c3", 690_000, 700_000]]);
    const last = segs.at(-1)!;
    expect([last.work, last.call_id, last.started_at - T, last.ended_at - T, last.open]).toEqual(["talking", "c4", 900_000, 1000_000, true]);
  });

  it("without a wrap-up option assumes none", () => {
    const segs = buildAgentStates("a", [ev(0, "AGENTLOGIN")], [{ call_id: "c", queue: "q", direction: "inbound", entered_at: T, answered_at: T + 10_000, ended_at: T + 70_000, ring_s: 2 }], T + 100_000);
    expect(segs.map((s) => s.work)).toEqual(["idle", "ringing", "talking", "idle"]);
  });
});

describe("FreeSWITCH mod_callcenter as a second source", () => {
  it("maps status and state changes onto the three axes, Idle after a queue call as wrap-up", async () => {
    const store = await openStore();
    await loadLogs(store, [op("ex3_idle.queue_log")]);
    const counts = await loadFreeswitchStates(store, op("freeswitch_states.csv"));
    expect(counts).toMatchObject({ lines_read: 11, used: 9, ignored: 1, rejected: 1 }); // "Sleeping" is no status
    const rows = await operatorKpis(store, {});
    store.close();
    const fs = rows.find((r) => r.agent === "1001@default")!;
    // By hand: logged in 08:00–09:00; ringing 08:10:00–08:10:10, in a call to 08:15:10, Idle (wrap-up) to 08:15:40,
    // On Break 08:30–08:45; the rest waiting: 3,600 − 10 − 300 − 30 − 900 = 2,360 s.
    expect(fs).toMatchObject({ logged_in_s: 3600, ring_s: 10, talk_s: 300, wrap_s: 30, paused_s: 900, available_idle_s: 2360, paused_by_reason: { "On Break": 900 } });
    expect(fs.occupancy).toBeCloseTo(330 / 2700, 12);
    // Agent/ann still comes from queue_log (Ex. 3 without wrap-up): the two sources side by side.
    expect(rows.find((r) => r.agent === "Agent/ann")).toMatchObject({ logged_in_s: 3600, talk_s: 480 });
  });
});

describe("roster, schedules, roll-ups and cost", () => {
  it("rolls agents up to teams and departments with sums that equal their agents', and cost = Σ paid hours × hourly cost", async () => {
    const logs = [op("ex3_idle.queue_log"), op("ex2_occupancy.queue_log"), op("ex1_adherence.queue_log")];
    const roster = op("roster.csv");
    const agents = await kpis(logs, { wrapup_s: 30 }, { roster });
    const teams = await kpis(logs, { wrapup_s: 30, by: "team" }, { roster });
    const depts = await kpis(logs, { wrapup_s: 30, by: "department" }, { roster });
    expect(agents.map((r) => [r.agent, r.name, r.team])).toEqual([
      ["Agent/ann", "Ann Example", "Support A"], ["Agent/bea", "Bea <script>alert(1)</script>", "Support A"], ["Agent/cy", "Cy Example", "Support B"],
    ]);
    const a = teams.find((t) => t.team === "Support A")!;
    const members = agents.filter((r) => r.team === "Support A");
    for (const k of ["logged_in_s", "talk_s", "paused_s", "available_idle_s", "calls_answered"] as const) expect(a[k]).toBe(members.reduce((s, r) => s + r[k], 0));
    expect(a.agents).toBe(2);
    expect(a.paused_by_reason).toEqual({ Coffee: 900, Admin: 300 });
    // Paid time is logged-in time here (no schedules): Ann 1 h at 24, Bea 2 h at 30 → 84; Cy has no hourly cost.
    expect(members.map((r) => r.cost)).toEqual([24 * 1, 30 * 2]);
    expect(a.cost).toBe(84);
    expect(a.cost_per_answered_call).toBe(84 / 4);
    expect(agents.find((r) => r.agent === "Agent/cy")!.cost).toBeNull(); // "n/a", never 0
    expect(depts).toHaveLength(1);
    expect(depts[0]!.cost).toBeNull(); // one agent of the department has no cost
    expect(depts[0]!.logged_in_s).toBe(agents.reduce((s, r) => s + r.logged_in_s, 0));
    // No schedules loaded: no adherence, conformance or shrinkage (not 0, not 100 %).
    expect([a.adherence, a.conformance, a.shrinkage]).toEqual([null, null, null]);
    // Several groupings from one computation of the per-agent sums give each grouping's own rows.
    const store = await openStore();
    await loadLogs(store, logs);
    await loadRoster(store, roster);
    const by = await operatorKpisBy(store, { wrapup_s: 30 }, ["agent", "team", "department"]);
    store.close();
    expect(by).toEqual({ agent: agents, team: teams, department: depts });
  });

  it("rejects bad roster and schedule rows with file, line and field, and the counts reconcile", async () => {
    const roster = join(dir, "roster_bad.csv");
    writeFileSync(roster, "agent,name,hourly_cost,on_call\nAgent/1,A,20,yes\n,B,20,\nAgent/3,C,twenty,\nAgent/1,D,10,\nAgent/5,E,,maybe\n\n");
    const schedules = join(dir, "schedules_bad.csv");
    writeFileSync(schedules, "agent,activity,starts_at,ends_at\nAgent/1,On queue,2026-03-04 09:00,2026-03-04 10:00\nAgent/1,snooze,2026-03-04 10:00,2026-03-04 11:00\n" +
      "Agent/1,break,2026-03-04 12:00,2026-03-04 11:00\nAgent/1,break,not a time,2026-03-04 11:00\n");
    const store = await openStore();
    const rc = await loadRoster(store, roster);
    const sc = await loadSchedules(store, schedules, { activityMap: { nap: "break" } });
    expect(rc).toMatchObject({ lines_read: 7, used: 1, ignored: 2, rejected: 4 });
    expect(sc).toMatchObject({ lines_read: 5, used: 1, ignored: 1, rejected: 3 });
    const rejects = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects ORDER BY source, line");
    expect(rejects.map((r) => r.reason.replace(/^.*?(\d+): /, "$1: "))).toEqual([
      "3: field 'agent': agent must not be empty",
      "4: field 'hourly_cost': hourly_cost must be a number ≥ 0, got 'twenty'",
      "5: field 'agent': agent 'Agent/1' is already on line 2",
      "6: field 'on_call': on_call must be true/false, yes/no, 1/0 or empty, got 'maybe'",
      "3: field 'activity': unknown activity 'snooze': map it to one of on_queue, break, lunch, training, meeting, coaching, absence, on_call",
      "4: field 'ends_at': ends_at must be after starts_at",
      "5: field 'starts_at': starts_at must be a date-time such as 2026-10-05T06:00:00Z, got 'not a time'",
    ]);
    const [s] = await store.query<{ category: string }>("SELECT category FROM schedules");
    expect(s!.category).toBe("on_queue"); // "On queue" maps to on_queue (case, spaces and hyphens do not matter)
    store.close();
    expect(() => readSchedules(schedules, { activityMap: { nap: "siesta" } })).toThrow(/category must be one of/);
  });

  it("of two schedule rows over the same span, takes the one listed later, whatever other agents' rows", async () => {
    const rows = async (extra: string) => {
      const f = join(dir, `tie${extra ? "_extra" : ""}.csv`);
      writeFileSync(f, `agent,activity,starts_at,ends_at\n${extra}Agent/cy,On queue,2026-03-04 09:00,2026-03-04 13:00\nAgent/cy,break,2026-03-04 09:00,2026-03-04 13:00\n`);
      return (await kpis([op("ex1_adherence.queue_log")], {}, { schedules: f })).find((r) => r.agent === "Agent/cy")!;
    };
    const [alone, withOther] = [await rows(""), await rows("Agent/zz,On queue,2026-03-04 09:00,2026-03-04 10:00\n")];
    // The break (listed last) covers the whole 4 h: all of it planned shrinkage, nothing on queue scheduled.
    for (const r of [alone, withOther]) expect(r).toMatchObject({ scheduled_s: 4 * 3600, shrinkage_planned: 1, conformance: null });
    expect(withOther.adherence).toBe(alone.adherence);
  });

  it("rejects a local schedule time the DST change skips, and keeps the same time with an offset or on another night", () => {
    // Europe/Rome, 29 March 2026: clocks go from 02:00 to 03:00 (IANA tz database), so 02:30 local never happens.
    const schedules = join(dir, "schedules_dst.csv");
    writeFileSync(schedules, "agent,activity,starts_at,ends_at\nAgent/1,On queue,2026-03-29 02:30,2026-03-29 06:00\n" +
      "Agent/1,On queue,2026-03-29T02:30:00+01:00,2026-03-29 06:00\nAgent/1,On queue,2026-03-28 02:30,2026-03-28 06:00\n");
    const file = readSchedules(schedules, { timeZone: "Europe/Rome" });
    expect(file.counts).toMatchObject({ lines_read: 4, used: 2, ignored: 1, rejected: 1 });
    expect(file.rejects[0]!.reason).toContain(":2: field 'starts_at': starts_at '2026-03-29 02:30' does not exist in Europe/Rome");
    // With its offset, 02:30+01:00 is 01:30 UTC; on the 28th, 02:30 is CET (UTC+1), 01:30 UTC.
    expect(file.rows.map((r) => new Date(r.starts_at).toISOString())).toEqual(["2026-03-29T01:30:00.000Z", "2026-03-28T01:30:00.000Z"]);
  });
});

describe("case work (services) as the operators' other work, with its cost per handled case", () => {
  it("credits each case's handling time where the work ended, inside the window, and costs it at the roster's hourly cost (hand-computed)", async () => {
    const services = join(dir, "services.csv");
    // Ann (roster: 24 €/h) is logged in 2026-03-02 08:00–09:00 UTC (ex3_idle.queue_log), the data's span.
    writeFileSync(services, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      "S1,repair,,support,Agent/ann,2026-03-02T07:00:00Z,2026-03-02T08:30:00Z,closed,resolved,600,", // solved 08:30: in
      "S2,repair,,support,Agent/ann,2026-03-02T08:10:00Z,2026-03-03T10:00:00Z,closed,resolved,1200,", // solved after the data's end: out
      "S3,repair,,support,Agent/ann,2026-03-02T08:20:00Z,,open,,300,", // unsolved: credited at its opening, 08:20: in
      "S4,repair,,support,Agent/ann,2026-03-02T08:00:00Z,,open,,,", // no handling time: left out
      "S5,repair,,support,Agent/zed,2026-03-02T08:00:00Z,2026-03-02T08:40:00Z,closed,resolved,900,", // an agent with no state: no row
      "S6,repair,,support,Agent/ann,2026-03-02T08:00:00Z,,open,,99999999999999999999,", // over 30 days of work: rejected
      "S7,repair,,support,Agent/ann,2026-03-02T08:00:00Z,2026-03-02T08:30:00Z,closed,resolved,7200,", // 2 h of work in 30 min open: rejected
      "",
    ].join("\n"));
    const store = await openStore();
    await loadLogs(store, [op("ex3_idle.queue_log")]);
    await loadRoster(store, op("roster.csv"));
    const sc = await loadServices(store, services);
    expect([sc.used, sc.rejected]).toEqual([5, 2]);
    expect((await store.query<{ reason: string }>("SELECT reason FROM rejects WHERE source LIKE '%services.csv' ORDER BY line")).map((r) => r.reason.replace(/^.*?: /, ""))).toEqual([
      "field 'handling_s': handling_s must be at most 30 days (2592000 s), got 100000000000000000000",
      "field 'handling_s': handling_s (7200) exceeds the time the case was open (1800 s)",
    ]);
    const [ann] = await operatorKpis(store, { wrapup_s: 30 });
    // S1 + S3: 2 cases, 900 s; cost 24 €/h × 900 s / 3,600 = 6.00 €, 3.00 € per case.
    expect(ann).toMatchObject({ agent: "Agent/ann", cases_handled: 2, case_work_s: 900 });
    expect(ann!.case_cost).toBeCloseTo(6, 10);
    expect(ann!.cost_per_handled_case).toBeCloseTo(3, 10);
    // Calls are untouched: occupancy of Ex. 3 is still 540 / 2,700.
    expect(ann!.occupancy).toBeCloseTo(540 / 2700, 12);
    // From 08:25 on: S1 only (S3 ended at 08:20): 600 s, 4.00 €.
    const [late] = await operatorKpis(store, { wrapup_s: 30, states_built: true, from_ms: Date.parse("2026-03-02T08:25:00Z") });
    expect([late!.cases_handled, late!.case_work_s, late!.case_cost]).toEqual([1, 600, 4]);
    // By 15-minute interval: S3 in 08:15–08:30, S1 in 08:30–08:45.
    const iv = await operatorKpis(store, { wrapup_s: 30, states_built: true, period: "interval", interval_minutes: 15 });
    expect(iv.filter((r) => r.cases_handled > 0).map((r) => [r.interval_start, r.cases_handled, r.case_work_s])).toEqual([
      ["2026-03-02T08:15:00+00:00", 1, 300], ["2026-03-02T08:30:00+00:00", 1, 600],
    ]);
    // Every case accounted for: S1, S3 credited; S2 after the data's end; S4 without handling time; S5 of an agent without states.
    expect(await caseWorkAccounting(store)).toEqual({ cases: 5, credited: 2, outside_window: 1, no_handling: 1, agent_without_states: 1, no_agent: 0 });
    expect(caseWorkSentence(await caseWorkAccounting(store))).toBe(
      "case work: 2 of 5 cases credited to operators; left out: 1 ended outside the window, 1 of agents with no agent state in the data, 1 without a handling time",
    );
    // The team row sums the same parts.
    const [team] = await operatorKpis(store, { wrapup_s: 30, states_built: true, by: "team" });
    expect([team!.team, team!.cases_handled, team!.case_work_s, team!.cost_per_handled_case]).toEqual(["Support A", 2, 900, 3]);
    store.close();
  });
});
