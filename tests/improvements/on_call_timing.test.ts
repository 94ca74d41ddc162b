/**
 * The on-call timing weak spot on a hand-written day: a standby agent logged in only in the one
 * quiet interval of the morning.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgentStatesInStore, intervalObservations, loadLogs, loadRoster, onCallTiming, openStore } from "../../lib/mod.ts";

describe("onCallTiming", () => {
  it("flags a standby pool whose hours fall where the load is below the median (hand count)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-oncall-"));
    const T = Date.parse("2026-03-02T08:00:00Z") / 1000;
    const lines: string[] = [`${T}|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1`, `${T + 3600}|NONE|NONE|Agent/2|AGENTLOGIN|SIP/2`, `${T + 5400}|NONE|NONE|Agent/2|AGENTLOGOFF|SIP/2|1800`];
    // Calls per 30 minutes: 08:00 10, 08:30 10, 09:00 1, 09:30 10; each answered at once by Agent/1 and talked 120 s.
    let n = 0;
    for (const [slot, calls] of [[0, 10], [1, 10], [2, 1], [3, 10]] as const) {
      for (let k = 0; k < calls; k++) {
        const t = T + slot * 1800 + k * 170, id = `c${++n}`;
        lines.push(`${t}|${id}|sales|NONE|ENTERQUEUE||555|1`, `${t}|${id}|sales|Agent/1|CONNECT|0|${id}.1|0`, `${t + 120}|${id}|sales|Agent/1|COMPLETECALLER|0|120|1`);
      }
    }
    lines.push(`${T + 7200}|NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1|7200`);
    writeFileSync(join(dir, "queue_log"), lines.sort((a, b) => Number(a.split("|")[0]) - Number(b.split("|")[0])).join("\n") + "\n");
    writeFileSync(join(dir, "roster.csv"), "agent,name,team,department,hourly_cost,skills,on_call\nAgent/1,Ann,A,D,20,sales:1,false\nAgent/2,Bob,A,D,25,sales:1,true\n");
    const store = await openStore();
    await loadLogs(store, [join(dir, "queue_log")]);
    await loadRoster(store, join(dir, "roster.csv"));
    await buildAgentStatesInStore(store, {});
    const obs = await intervalObservations(store, { timeZone: "UTC" });
    const spots = await onCallTiming(store, obs);
    store.close();
    // Calls per available agent: 10/1, 10/1, 1/2 (Agent/2 in), 10/1 → sorted 0.5, 10, 10, 10; the median (lower middle) 10.
    // Agent/2's 0.5 h are all in the 09:00 interval, below it: share 1, size 0.5 h.
    expect(spots).toEqual([{
      kind: "on_call_timing", queue: null, when: null, size: 0.5, size_unit: "standby hours logged in off-peak",
      evidence: { on_call_agents: 1, standby_hours_logged_in: 0.5, off_peak_hours: 0.5, off_peak_share: 1, median_calls_per_available_agent: 10 },
    }]);
  });
});
