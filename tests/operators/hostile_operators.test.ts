/**
 * Regressions of a hostile sweep of the operator side: occupancy bounded when handling falls
 * outside a session, absurd ring times, states after an agent's last event, the DST fall-back
 * hour, logged-out agents, two rosters in one database, windows outside the data.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentStateAt, loadLogs, loadRoster, openStore, operatorKpis } from "../../lib/mod.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-ops-hostile-"));
const T = 1_772_618_400; // 2026-03-04 10:00:00 UTC
const file = (name: string, lines: string[]) => {
  const p = join(dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
};

describe("operator side under hostile input", () => {
  it("keeps occupancy ≤ 100 % when a call goes on after a logoff, and clamps absurd ring times", async () => {
    const log = file("logoff_in_call.queue_log", [
      `${T}|NONE|NONE|a4|AGENTLOGIN|SIP/a4`, `${T + 100}|c4|support|NONE|ENTERQUEUE||555|1`,
      `${T + 110}|c4|support|a4|CONNECT|10|c4.1|99999`, `${T + 200}|NONE|NONE|a4|AGENTLOGOFF|SIP/a4|200`,
      `${T + 400}|c4|support|a4|COMPLETECALLER|10|290|1`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const [r] = await operatorKpis(store, { wrapup_s: 30, occupancy_includes_ring: true });
    store.close();
    // By hand: logged in 10:00–10:03:20, the call 10:01:50–10:06:40 goes on after the logoff (counted as working),
    // its ring cut at its entry (10 s, not 99,999 s), no wrap-up after a logoff: logged in 400 s, handling 10 + 290.
    expect(r).toMatchObject({ logged_in_s: 400, ring_s: 10, talk_s: 290, wrap_s: 0 });
    expect(r!.occupancy).toBeCloseTo(300 / 400, 12);
    expect(r!.utilization).toBeLessThanOrEqual(1);
  });

  it("gives logged out, not the last call, for an agent after its last event; past the data's end it says so", async () => {
    const log = file("after_last.queue_log", [
      `${T}|NONE|support|a1|ADDMEMBER|`, `${T + 100}|c5|support|NONE|ENTERQUEUE||555|1`, `${T + 105}|c5|support|a5|CONNECT|5|c5.1|0`,
      `${T + 305}|c5|support|a5|COMPLETEAGENT|5|200|1`, `${T + 3600}|NONE|support|a1|REMOVEMEMBER|`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    await operatorKpis(store, {});
    const at = await agentStateAt(store, (T + 1800) * 1000);
    expect(at.map((s) => [s.agent, s.state, s.time_in_state_s, s.after_data_end])).toEqual([["a1", "available", 1800, false], ["a5", "logged_out", 1495, false]]);
    const late = await agentStateAt(store, (T + 7200) * 1000);
    expect(late.every((s) => s.after_data_end || s.state === "logged_out")).toBe(true);
    store.close();
  });

  it("keeps the repeated hour of a DST fall-back as its own interval, as the queue indicators do", async () => {
    // 2026-10-25, Europe/Rome: 00:00–01:00 UTC is 02:00 CEST, 01:00–02:00 UTC is 02:00 CET.
    const t0 = Date.UTC(2026, 9, 25, 0, 0) / 1000;
    const log = file("dst.queue_log", [`${t0 - 600}|NONE|support|a|ADDMEMBER|`, `${t0 + 7800}|NONE|support|a|REMOVEMEMBER|`]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const rows = await operatorKpis(store, { period: "interval", interval_minutes: 60, timeZone: "Europe/Rome" });
    store.close();
    expect(rows.map((r) => [r.interval_start, r.logged_in_s])).toEqual([
      ["2026-10-25T01:00:00+02:00", 600], ["2026-10-25T02:00:00+02:00", 3600], ["2026-10-25T02:00:00+01:00", 3600], ["2026-10-25T03:00:00+01:00", 600],
    ]);
  });

  it("counts only agents with activity, makes no rows for logged-out periods, and gives no rows for a window outside the data", async () => {
    const log = file("days.queue_log", [
      `${T}|NONE|support|a|ADDMEMBER|`, `${T + 3600}|NONE|support|a|REMOVEMEMBER|`,
      `${T + 86_400 * 3}|NONE|support|b|ADDMEMBER|`, `${T + 86_400 * 3 + 60}|NONE|support|b|REMOVEMEMBER|`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const days = await operatorKpis(store, { by: "agent", period: "day" });
    expect(days.map((r) => [r.agent, r.day])).toEqual([["a", "2026-03-04"], ["b", "2026-03-07"]]);
    const center = await operatorKpis(store, { by: "center", period: "day", states_built: true });
    expect(center.map((r) => r.agents)).toEqual([1, 1]);
    expect(await operatorKpis(store, { from_ms: (T + 86_400 * 10) * 1000, states_built: true })).toEqual([]);
    store.close();
  });

  it("takes an agent's roster row from the last roster loaded into a database", async () => {
    const log = file("one.queue_log", [`${T}|NONE|support|Agent/x|ADDMEMBER|`, `${T + 60}|NONE|support|Agent/x|REMOVEMEMBER|`]);
    const a = file("roster_a.csv", ["agent,name,team", "Agent/x,Old Name,A"]);
    const b = file("roster_b.csv", ["agent,name,team", "Agent/x,New Name,B"]);
    const store = await openStore();
    await loadLogs(store, [log]);
    await loadRoster(store, a);
    await new Promise((r) => setTimeout(r, 5));
    await loadRoster(store, b);
    const rows = await operatorKpis(store, {});
    const now = await agentStateAt(store, (T + 30) * 1000);
    store.close();
    expect(rows.map((r) => [r.agent, r.name, r.team])).toEqual([["Agent/x", "New Name", "B"]]);
    expect(now.map((r) => r.name)).toEqual(["New Name"]);
  });

  it("counts a call answered at the data's last instant, and an agent without session events as logged in while it handles", async () => {
    const log = file("no_session.queue_log", [
      `${T}|c1|support|NONE|ENTERQUEUE||555|1`, `${T + 10}|c1|support|a9|CONNECT|10|c1.1|2`, `${T + 70}|c1|support|a9|COMPLETECALLER|10|60|1`,
      `${T + 100}|c2|support|NONE|ENTERQUEUE||556|1`, `${T + 105}|c2|support|a9|CONNECT|5|c2.1|1`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const [r] = await operatorKpis(store, {});
    store.close();
    // By hand: rings 8–10 s and 104–105 s, talks 10–70 s; the second call is answered at the data's end (105 s).
    expect(r).toMatchObject({ agent: "a9", logged_in_s: 63, ring_s: 3, talk_s: 60, available_idle_s: 0, calls_answered: 2 });
    expect(r!.occupancy).toBeCloseTo(60 / 63, 12);
  });

  it("starts a ring-no-answer no earlier than its call's entry", async () => {
    const log = file("rna_entry.queue_log", [
      `${T}|NONE|support|a8|ADDMEMBER|`, `${T + 330}|c3|support|NONE|ENTERQUEUE||557|1`, `${T + 340}|c3|support|a8|RINGNOANSWER|99999999`,
      `${T + 400}|c3|support|NONE|ABANDON|1|1|70`, `${T + 1000}|NONE|support|a8|REMOVEMEMBER|`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const [r] = await operatorKpis(store, {});
    store.close();
    // By hand: member 0–1000 s; the ring is cut to 600 s, then at the call's entry (330 s): 10 s.
    expect(r).toMatchObject({ logged_in_s: 1000, ring_s: 10, available_idle_s: 990, ring_no_answer: 1 });
  });

  it("measures the idle before a call from the previous call whatever the window, and ignores a --from before the data", async () => {
    const log = file("ibc_window.queue_log", [
      `${T}|NONE|NONE|a7|AGENTLOGIN|SIP/a7`, `${T + 95}|c4|support|NONE|ENTERQUEUE||558|1`, `${T + 100}|c4|support|a7|CONNECT|5|c4.1|0`,
      `${T + 160}|c4|support|a7|COMPLETECALLER|5|60|1`, `${T + 200}|NONE|NONE|a7|PAUSE|Coffee`, `${T + 250}|NONE|NONE|a7|UNPAUSE|`,
      `${T + 395}|c5|support|NONE|ENTERQUEUE||559|1`, `${T + 400}|c5|support|a7|CONNECT|5|c5.1|0`, `${T + 460}|c5|support|a7|COMPLETECALLER|5|60|1`,
      `${T + 600}|NONE|NONE|a7|AGENTLOGOFF|SIP/a7|600`,
    ]);
    const store = await openStore();
    await loadLogs(store, [log]);
    const [inWindow] = await operatorKpis(store, { from_ms: (T + 220) * 1000 });
    const all = await operatorKpis(store, { period: "interval", interval_minutes: 5, states_built: true });
    const early = await operatorKpis(store, { period: "interval", interval_minutes: 5, states_built: true, from_ms: Date.UTC(2016, 0, 1) });
    store.close();
    // By hand: c5's idle since c4 ended at 160 s: 40 s idle + 50 s paused + 150 s idle = 240 s, of it available 190 s —
    // the same with a window opening at 220 s, inside the pause.
    expect(inWindow).toMatchObject({ calls_answered: 1, idle_before_call_s: 190, idle_before_call_incl_s: 240 });
    // Ten years of 5-minute intervals before the data add nothing (and cost nothing).
    expect(early).toEqual(all);
  });

  it("gives logged out for an agent whose session ended at the data's last instant", async () => {
    const log = file("end_logoff.queue_log", [`${T}|NONE|support|a6|ADDMEMBER|`, `${T + 3600}|NONE|support|a6|REMOVEMEMBER|`]);
    const store = await openStore();
    await loadLogs(store, [log]);
    await operatorKpis(store, {});
    const [at, after] = [await agentStateAt(store, (T + 3600) * 1000), await agentStateAt(store, (T + 7200) * 1000)];
    store.close();
    for (const [r] of [at, after]) expect(r).toMatchObject({ agent: "a6", session: "logged_out", state: "logged_out", since_ms: (T + 3600) * 1000 });
  });
});
