/**
 * LiveMonitor: hand-counted snapshots of a small log followed as it grows (wall clock injected),
 * day roll-over, stale data, rejects; and live = history on a demo-center morning (the monitor's
 * numbers against the bulk load and the historical indicator functions on the same lines).
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  agentStateAt, buildAgentStatesInStore, buildDemoCenter, dayStartBefore, LiveMonitor, loadLogs, openStore, queueKpis, writeDemoCenter, loadRoster,
} from "../../lib/mod.ts";

const T0 = Date.UTC(2026, 10, 10, 9, 0, 0); // 2026-11-10T09:00:00Z
const s = (offset_s: number) => String(T0 / 1000 + offset_s);
const line = (offset_s: number, call: string, queue: string, agent: string, event: string, ...data: string[]) =>
  [s(offset_s), call, queue, agent, event, ...data].join("|");

async function monitorOn(lines: string[], options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "qb-live-"));
  const file = join(dir, "queue_log");
  writeFileSync(file, lines.map((l) => l + "\n").join(""));
  const store = await openStore();
  const m = new LiveMonitor(store, file, { timeZone: "UTC", stale_after_s: 120, refresh_s: 5, ...options }, T0);
  return { m, store, file, append: (...ls: string[]) => appendFileSync(file, ls.map((l) => l + "\n").join("")) };
}

describe("LiveMonitor on a growing log (hand-counted)", () => {
  it("counts waiting, answered at CONNECT, abandons, pauses and rejects as the lines arrive", async () => {
    const { m, store, append } = await monitorOn([
      line(-3600, "NONE", "NONE", "Agent/1001", "AGENTLOGIN", "1001"),
      line(-3600, "NONE", "sales", "Agent/1001", "ADDMEMBER", ""),
      line(-3590, "NONE", "sales", "Agent/1002", "ADDMEMBER", ""),
    ]);
    let st = (await m.step(T0 + 1000))!;
    expect(st.queues.map((q) => q.queue)).toEqual(["sales"]);
    expect(st.queues[0]).toMatchObject({ waiting: 0, offered_today: 0, agents_logged_in: 2, agents_available: 2, agents_paused: 0 });
    // A call enters and waits 10 s.
    append(line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555111", "1"));
    st = (await m.step(T0 + 10_000))!;
    expect(st.waiting).toEqual([{ call_id: "c1", queue: "sales", position: 1, wait_s: 10, caller: "555111", stint_no: 1 }]);
    expect(st.queues[0]).toMatchObject({ waiting: 1, longest_wait_s: 10, offered_today: 0 });
    // Answered after 12 s by 1001 (still talking: answered, counted at CONNECT); 1002 pauses for lunch.
    append(line(12, "c1", "sales", "Agent/1001", "CONNECT", "12", "SIP/1001-0001", "2"), line(30, "NONE", "sales", "Agent/1002", "PAUSE", "lunch"));
    // A second caller abandons after 4 s (a short abandon: S = 5 s); then a malformed line.
    append(line(40, "c2", "sales", "NONE", "ENTERQUEUE", "", "555222", "1"), line(44, "c2", "sales", "NONE", "ABANDON", "1", "1", "4"), "garbage without fields");
    st = (await m.step(T0 + 60_000))!;
    expect(st.waiting).toEqual([]);
    // Offered 2 = 1 answered + 1 abandoned; V2 = AnsT / (Off − AbS) = 1 / (2 − 1) = 100 %; ASA = 12 s.
    expect(st.queues[0]).toMatchObject({ offered_today: 2, answered_today: 1, abandoned_today: 1, service_level_today: 1, asa_s_today: 12 });
    expect(st.total).toMatchObject({ offered_today: 2, answered_today: 1, abandoned_today: 1 });
    expect(st.queues[0]).toMatchObject({ agents_logged_in: 2, agents_available: 0, agents_handling: 1, agents_paused: 1, paused_by_reason: { lunch: 1 } });
    const [a1, a2] = st.agents;
    expect(a1).toMatchObject({ agent: "Agent/1001", state: "on_call", work: "talking", queue: "sales", caller: "555111", calls_today: 1, time_in_state_s: 48 });
    expect(a2).toMatchObject({ agent: "Agent/1002", state: "paused", availability: "paused", pause_reason: "lunch", time_in_state_s: 30, calls_today: 0 });
    // 9 lines = 8 used + 1 rejected, the reject named by file and line.
    expect(st.lines).toMatchObject({ lines_read: 9, used: 8, ignored: 0, rejected: 1 });
    expect(st.recent_rejects[0]!.reason).toMatch(/queue_log:9: field 'fields'/);
    expect(st.stale).toBe(false);
    // Nothing new: no update until refresh_s has passed, then a fresh one (waits and times grow), flagged stale after 120 s.
    expect(await m.step(T0 + 61_000)).toBeNull();
    st = (await m.step(T0 + 200_000))!;
    expect(st.agents[0]!.time_in_state_s).toBe(188);
    expect(st.stale).toBe(true);
    expect(st.log_idle_s).toBe(140);
    m.close();
    store.close();
  });

  it("restarts today's counters at the reset time, keeping agent sessions begun before it", async () => {
    const { m, store } = await monitorOn([
      line(-3600, "NONE", "sales", "Agent/1001", "ADDMEMBER", ""),
      line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555111", "1"),
      line(5, "c1", "sales", "Agent/1001", "CONNECT", "5", "SIP/1001-0001", "1"),
      line(65, "c1", "sales", "Agent/1001", "COMPLETECALLER", "5", "60", "1"),
    ], { reset_at: "06:00", lookback_h: 24 });
    let st = (await m.step(T0 + 70_000))!;
    expect(st.day_start).toBe("2026-11-10T06:00:00+00:00");
    expect(st.total.offered_today).toBe(1);
    // 06:00:10 the next day: a new day, no calls yet; the agent (added 22 h before, within the 24 h look-back) is still a logged-in member.
    st = (await m.step(Date.UTC(2026, 10, 11, 6, 0, 10), true))!;
    expect(st.day_start).toBe("2026-11-11T06:00:00+00:00");
    expect(st.total).toMatchObject({ offered_today: 0, answered_today: 0, agents_logged_in: 1 });
    expect(st.agents[0]).toMatchObject({ agent: "Agent/1001", session: "logged_in", calls_today: 0 });
    m.close();
    store.close();
  });

  it("ends an assumed wrap-up as time passes without new lines", async () => {
    const { m, store } = await monitorOn([
      line(-600, "NONE", "sales", "Agent/1001", "ADDMEMBER", ""),
      line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555111", "1"),
      line(2, "c1", "sales", "Agent/1001", "CONNECT", "2", "SIP/1001-0001", "1"),
      line(62, "c1", "sales", "Agent/1001", "COMPLETEAGENT", "2", "60", "1"),
    ], { wrapup_by_queue: { sales: 30 }, refresh_s: 1 });
    // 10 s after the call: in wrap-up (30 s assumed for sales) since the end of the call.
    let st = (await m.step(T0 + 72_000))!;
    expect(st.agents[0]).toMatchObject({ state: "wrap_up", time_in_state_s: 10, calls_today: 1, minutes_since_last_call: 10 / 60 });
    expect(st.queues[0]).toMatchObject({ agents_wrap_up: 1, agents_available: 0 });
    // 40 s after: the wrap-up ended at 30 s; available since then.
    st = (await m.step(T0 + 102_000))!;
    expect(st.agents[0]).toMatchObject({ state: "available", time_in_state_s: 10, minutes_since_last_call: 40 / 60 });
    expect(st.queues[0]).toMatchObject({ agents_wrap_up: 0, agents_available: 1 });
    m.close();
    store.close();
  });

  it("keeps the day's calls through a rotation and a truncation of the log, and counts every line", async () => {
    const { m, store, file, append } = await monitorOn([
      line(-600, "NONE", "sales", "Agent/1001", "ADDMEMBER", ""),
      line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555111", "1"),
    ]);
    expect((await m.step(T0 + 5_000))!.total.waiting).toBe(1);
    // logrotate: the file moves away and a new one starts; the call is answered in the new file.
    renameSync(file, file + ".1");
    writeFileSync(file, line(8, "c1", "sales", "Agent/1001", "CONNECT", "8", "SIP/1001-0001", "1") + "\n");
    let st = (await m.step(T0 + 10_000))!;
    expect(st.total).toMatchObject({ waiting: 0, offered_today: 1, answered_today: 1 });
    expect(st.lines).toMatchObject({ lines_read: 3, used: 3, rejected: 0, restarts: 1 });
    // copytruncate: the same file cut to nothing, then a new call that abandons.
    truncateSync(file, 0);
    append(line(20, "c2", "sales", "NONE", "ENTERQUEUE", "", "555222", "1"), line(50, "c2", "sales", "NONE", "ABANDON", "1", "1", "30"));
    st = (await m.step(T0 + 60_000))!;
    expect(st.total).toMatchObject({ offered_today: 2, answered_today: 1, abandoned_today: 1 });
    expect(st.lines).toMatchObject({ lines_read: 5, used: 5, restarts: 2 });
    m.close();
    store.close();
  });

  it("judges a service-level target at its own threshold and cuts long rejects sent to clients", async () => {
    // Two answered calls waiting 10 s and 40 s: within 20 s 1 of 2 (50 %), within 60 s 2 of 2 (100 %).
    const { m, store, append } = await monitorOn([
      line(-600, "NONE", "tech", "Agent/1001", "ADDMEMBER", ""),
      line(0, "c1", "tech", "NONE", "ENTERQUEUE", "", "1", "1"), line(10, "c1", "tech", "Agent/1001", "CONNECT", "10", "SIP/1", "1"),
      line(20, "c1", "tech", "Agent/1001", "COMPLETECALLER", "10", "10", "1"),
      line(30, "c2", "tech", "NONE", "ENTERQUEUE", "", "2", "1"), line(70, "c2", "tech", "Agent/1001", "CONNECT", "40", "SIP/1", "1"),
    ], {
      targets: [
        { kpi: "service_level", scope_type: "queue", scope: "tech", direction: "at_least", target: 0.8, threshold_s: 60, period: null },
        { kpi: "service_level", scope_type: "center", scope: "all", direction: "at_least", target: 0.8, threshold_s: null, period: null },
      ],
    });
    append("x".repeat(5_000));
    const st = (await m.step(T0 + 80_000))!;
    expect(st.queues[0]).toMatchObject({ service_level_today: 0.5, service_level_today_at_target: 1, service_level_target_threshold_s: 60, alerts: [] });
    expect(st.total).toMatchObject({ service_level_today: 0.5, service_level_today_at_target: 0.5, alerts: ["service_level"] });
    expect(st.recent_rejects[0]!.raw.length).toBe(200);
    expect(st.lines.rejected).toBe(1);
    m.close();
    store.close();
  });

  it("finds the day start in the center's zone, across a DST change", () => {
    // Europe/Rome: 2026-10-25 is 25 hours long (CEST → CET at 03:00).
    expect(new Date(dayStartBefore(Date.UTC(2026, 9, 25, 12), "Europe/Rome")).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(new Date(dayStartBefore(Date.UTC(2026, 9, 26, 12), "Europe/Rome")).toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect(new Date(dayStartBefore(Date.UTC(2026, 9, 26, 5), "Europe/Rome", "06:30")).toISOString()).toBe("2026-10-25T05:30:00.000Z");
    expect(() => dayStartBefore(0, "UTC", "24:00")).toThrow(RangeError);
  });
});

describe("live = history", () => {
  it("gives the bulk load's counters and agent states on a demo morning, queue by queue and agent by agent", async () => {
    const center = buildDemoCenter({ days: 1, seed: 7 });
    const dir = mkdtempSync(join(tmpdir(), "qb-live-demo-"));
    const files = writeDemoCenter(dir, center);
    // The morning up to 10:05 local (08:05Z in October, CEST): the first peak with its break collision.
    const cut = Date.UTC(2026, 9, 5, 8, 5) / 1000;
    const morning = center.queue_log.filter((l) => Number(l.split("|")[0]) <= cut);
    const file = join(dir, "live_queue_log");
    writeFileSync(file, morning.join("\n") + "\n");
    const wrapup_by_queue = { sales: 30, support: 45, billing: 40, tech: 60 };
    const live = await openStore();
    await loadRoster(live, files.roster);
    const m = new LiveMonitor(live, file, { timeZone: "Europe/Rome", clock: "data", wrapup_by_queue });
    const st = (await m.step(Date.now(), true))!;
    // History: the bulk path (SQL parse and stints), the same functions the reports use.
    const hist = await openStore();
    await loadRoster(hist, files.roster);
    await loadLogs(hist, [file]);
    // Live, the events of an instant are in effect at that instant: the states run 1 ms past it.
    await buildAgentStatesInStore(hist, { wrapup_by_queue }, Number(st.as_of_ms) + 1);
    const dayStart = Date.UTC(2026, 9, 4, 22);
    expect(st.day_start).toBe("2026-10-05T00:00:00+02:00");
    const rows = await queueKpis(hist, ["queue"], { timeZone: "Europe/Rome", from_ms: dayStart });
    expect(rows.length).toBe(4);
    expect(rows.reduce((n, r) => n + r.offered, 0)).toBeGreaterThan(300);
    for (const r of rows) {
      const q = st.queues.find((x) => x.queue === r.queue)!;
      expect({ q: r.queue, offered: q.offered_today, answered: q.answered_today, abandoned: q.abandoned_today, sl: q.service_level_today, asa: q.asa_s_today, aht: q.aht_s_today })
        .toEqual({ q: r.queue, offered: r.offered, answered: r.answered, abandoned: r.abandoned, sl: r.service_level, asa: r.asa_s, aht: r.aht_s });
    }
    const [{ n }] = await hist.query<{ n: number }>(`SELECT count(*) AS n FROM call_stints WHERE outcome = 'open' AND answered_at IS NULL`) as [{ n: number }];
    expect(st.waiting.length).toBe(Number(n));
    const states = await agentStateAt(hist, st.as_of_ms);
    expect(st.agents.length).toBe(states.length);
    for (const h of states) {
      const a = st.agents.find((x) => x.agent === h.agent)!;
      expect({ agent: a.agent, state: a.state, work: a.work, reason: a.pause_reason, t: a.time_in_state_s })
        .toEqual({ agent: h.agent, state: h.state, work: h.work, reason: h.availability === "paused" ? h.reason ?? "" : null, t: h.time_in_state_s });
    }
    // The 10:00 break collision of the demo is visible live: paused agents at the peak.
    expect(st.total.agents_paused).toBeGreaterThan(0);
    m.close();
    live.close();
    hist.close();
  }, 120_000);
});
