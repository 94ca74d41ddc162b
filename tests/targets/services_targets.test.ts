/**
 * Service (case) targets (issue 12): evaluated from `services` per center, queue (the case
 * group), operator and team, per period, against a hand count of a five-case export; the reasons
 * when no export is loaded or the scope has no cases; `qb targets --services` prints them.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { evaluateTargets, loadRoster, loadServices, openStore, readTargets } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-svc-targets-"));
const SERVICES = join(dir, "services.csv");
// The demo center's columns. Hand count: 5 cases, 4 solved (S2 still open), cost 2 + 3 + 2 + 4 + 1 = 12.
writeFileSync(SERVICES, [
  "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
  "S1,complaint,c1,support,Agent/1,2026-10-05T08:00:00Z,2026-10-05T10:00:00Z,closed,resolved,600,2.00",
  "S2,complaint,c2,support,Agent/2,2026-10-05T09:00:00Z,,open,,,3.00",
  "S3,account_change,c3,billing,Agent/1,2026-10-06T08:00:00Z,2026-10-06T08:30:00Z,closed,resolved,300,2.00",
  "S4,account_change,c4,billing,Agent/3,2026-10-06T09:00:00Z,2026-10-06T11:00:00Z,closed,resolved,300,4.00",
  "S5,complaint,c5,support,Agent/2,2026-10-06T12:00:00Z,2026-10-06T13:00:00Z,closed,resolved,200,1.00",
  "",
].join("\n"));
const ROSTER = join(dir, "roster.csv");
writeFileSync(ROSTER, "agent,name,team,department,hourly_cost,skills,on_call\nAgent/1,Ann,red,care,20,support,false\nAgent/2,Bob,red,care,20,support,false\nAgent/3,Cy,blue,care,20,billing,false\n");
const TARGETS = join(dir, "targets.csv");
writeFileSync(TARGETS, [
  "kpi,scope_type,scope,direction,target,period",
  "cases,center,,at_least,3,",
  "open_at_snapshot,queue,support,at_most,0,",
  "service_cost,operator,Agent/1,at_most,5,",
  "cases,team,red,at_least,4,",
  "cost_per_solved_case,center,,at_most,2.5,",
  "cases,department,care,at_least,1,",
  "cases,queue,sales,at_least,1,",
  "cases,center,,at_least,3,day",
  "open_at_snapshot,center,,at_most,0,day",
  "",
].join("\n"));

describe("service targets", () => {
  it("evaluate case indicators per scope and period (hand count)", async () => {
    const store = await openStore();
    await loadServices(store, SERVICES);
    await loadRoster(store, ROSTER);
    const rows = await evaluateTargets(store, readTargets(TARGETS).rows, { timeZone: "UTC" });
    const pick = (i: number) => ({ value: rows[i]!.value, status: rows[i]!.status });
    expect(pick(0)).toEqual({ value: 5, status: "green" });
    expect(pick(1)).toEqual({ value: 1, status: "red" }); // S2 still open at the end
    expect(pick(2)).toEqual({ value: 4, status: "green" }); // S1 + S3 = 2 + 2
    expect(pick(3)).toEqual({ value: 4, status: "green" }); // team red = Agent/1 and Agent/2: S1, S2, S3, S5
    expect(pick(4)).toEqual({ value: 3, status: "red" }); // 12 / 4 solved
    expect(rows[5]).toMatchObject({ status: "not_evaluable", met: null });
    expect(rows[5]!.reason).toMatch(/per center, queue \(the case group\), operator or team, not per department/);
    expect(rows[6]).toMatchObject({ status: "not_evaluable", reason: "no case of queue 'sales' in the export" });
    // Per local day: 2 cases on 5 October, 3 on 6 October.
    expect(rows.slice(7, 9).map((r) => [r.period_start, r.value, r.status])).toEqual([["2026-10-05", 2, "red"], ["2026-10-06", 3, "green"]]);
    // The backlog at each day's end counts every open case, whenever created: S2 (opened on the 5th) on both days (hostile sweep, session 8).
    expect(rows.slice(9).map((r) => [r.period_start, r.value, r.status])).toEqual([["2026-10-05", 1, "red"], ["2026-10-06", 1, "red"]]);
    store.close();
  });

  it("are not evaluable without a services export, and qb targets --services prints them", async () => {
    const store = await openStore();
    await loadRoster(store, ROSTER);
    const rows = await evaluateTargets(store, readTargets(TARGETS).rows, { timeZone: "UTC", from_ms: Date.UTC(2026, 9, 5), to_ms: Date.UTC(2026, 9, 7) });
    expect(rows[0]).toMatchObject({ status: "not_evaluable", reason: "cases is a service indicator and no case was loaded (give --services with a non-empty export)" });
    store.close();
    const log = join(dir, "q.log");
    writeFileSync(log, `${Date.UTC(2026, 9, 5, 8) / 1000}|c1|support|NONE|ENTERQUEUE||1|1\n${Date.UTC(2026, 9, 5, 8) / 1000 + 30}|c1|support|NONE|ABANDON|1|1|30\n`);
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "targets", "--targets", TARGETS, "--input", log, "--services", SERVICES, "--roster", ROSTER, "--json"], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json[0]).toMatchObject({ kpi: "cases", scope_type: "center", value: 5, status: "green", met: true });
    expect(r.stderr).toContain("services.csv (demo): 6 lines read = 5 used + 1 ignored + 0 rejected");
  });
});
