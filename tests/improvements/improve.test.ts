/**
 * The improvement workflow on the demo center (issue 13): its weak spots, the staggered 10:00
 * breaks improving abandonment in simulation with an interval that excludes 0, a proposal that
 * cannot help (agents added at night, when no call comes) ranked last, and the numbers a
 * manager would check — counted here from the demo's own files.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAgentStatesInStore, buildDemoCenter, improve, isoInZone, loadLogs, loadRoster, loadSchedules, localWindows, openStore, operatorKpis, parseScenario,
  readTargets, writeDemoCenter,
} from "../../lib/mod.ts";
import type { ImprovementResult, Proposal } from "../../lib/mod.ts";

const center = buildDemoCenter({ days: 7, seed: 42 });
const dir = mkdtempSync(join(tmpdir(), "qb-improve-"));
const files = writeDemoCenter(dir, center);
const ZONE = center.time_zone;
const WRAP = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));
// The demo's scenario with one more queue that no call reaches (a chat queue not yet opened), one agent cross-skilled on it.
const raw = JSON.parse(readFileSync(files.scenario, "utf8"));
raw.queues.push({ name: "chat", arrivals: { rate_per_hour: 0 }, aht_s: 300 });
raw.agents[0].skills.chat = 3;
const scenario = parseScenario(raw);
const days = [...new Set(center.schedules.map((s) => isoInZone(Date.parse(s.starts_at), ZONE).slice(0, 10)))].sort();

/** A control: two agents on sales 01:00–05:00 every day, when no call comes. */
const night: Proposal = {
  kind: "add_agents", title: "Two agents on sales at night", addresses: [], parameters: { queue: "sales", count: 2 },
  changes: [{ kind: "add_agents", count: 2, skills: { sales: 1 }, shifts: localWindows(days, "01:00", "05:00", ZONE, scenario.start_epoch_s, scenario.horizon_s), answer_probability: 1, hourly_cost: 22 }],
};

/** The control: agents added to an idle queue, all day. */
const idleQueue: Proposal = {
  kind: "add_agents", title: "Two agents on the idle chat queue", addresses: [], parameters: { queue: "chat", count: 2 },
  changes: [{ kind: "add_agents", count: 2, skills: { chat: 1 }, shifts: localWindows(days, "08:00", "20:00", ZONE, scenario.start_epoch_s, scenario.horizon_s), answer_probability: 1, hourly_cost: 22 }],
};

let result: ImprovementResult;
async function run(): Promise<ImprovementResult> {
  if (result) return result;
  const store = await openStore();
  await loadLogs(store, [files.queue_log]);
  await loadRoster(store, files.roster);
  await loadSchedules(store, files.schedules, { timeZone: ZONE });
  await buildAgentStatesInStore(store, { wrapup_by_queue: WRAP });
  const operators = await operatorKpis(store, { by: "agent", wrapup_by_queue: WRAP, timeZone: ZONE });
  result = await improve(store, {
    timeZone: ZONE, targets: readTargets(files.targets).rows, scenario, replications: 10, operators, extra_proposals: [night, idleQueue],
    costs: { added_agent_hourly: 22, on_call_hourly: 26, call_in: 20, value_per_avoided_abandon: null },
  });
  store.close();
  return result;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** SL V2 and abandonment of a queue in a local slot over the days, counted here from the demo's queue_log lines. */
function fromLog(queue: string, slot: string, threshold_s: number) {
  let offered = 0, within = 0, short = 0, abandoned = 0;
  for (const line of center.queue_log) {
    const [stamp, , q, , ev, ...data] = line.split("|");
    if (q !== queue) continue;
    // A call's outcome line carries its wait; the slot is the one it entered in (stamp − wait).
    const wait = ev === "CONNECT" ? Number(data[0]) : ev === "ABANDON" || ev === "EXITWITHTIMEOUT" ? Number(data[2]) : NaN;
    if (!Number.isFinite(wait)) continue;
    const local = isoInZone((Number(stamp) - wait) * 1000, ZONE).slice(11, 16);
    if (minutes(local) < minutes(slot) || minutes(local) >= minutes(slot) + 30) continue;
    offered++;
    if (ev === "CONNECT" && wait <= threshold_s) within++;
    if (ev === "ABANDON") {
      abandoned++;
      if (wait <= 5) short++;
    }
  }
  return { sl: within / (offered - short), abandon_rate: abandoned / offered, offered };
}

describe("qb improve's workflow on the demo center", () => {
  it("names the weak spots: the 10:00 break collision, target misses with the log's own numbers, a thin skill", async () => {
    const r = await run();
    const kinds = new Set(r.weak_spots.map((w) => w.kind));
    expect(kinds.has("break_collision") && kinds.has("target_miss")).toBe(true);
    expect(r.weak_spots.some((w) => w.kind === "break_collision" && w.when === `10:00–10:30 (${ZONE})`)).toBe(true);
    // Billing: no roster agent has it as a first skill (Sales and Care take it at priority 2).
    expect(r.weak_spots.find((w) => w.kind === "thin_skill")).toMatchObject({ queue: "billing", evidence: { primary_agents: 0 } });
    // Every target miss's worst slot, against the queue_log counted here (wait rounded to seconds in the log: ±1 call).
    const misses = r.weak_spots.filter((w) => w.kind === "target_miss");
    expect(misses.length).toBeGreaterThan(3);
    // Each queue at its SL target's own threshold: the demo's targets.csv gives tech 80 % within 60 s, the others within 20 s.
    const thresholds = Object.fromEntries(center.targets.filter((t) => t.indicator === "service_level" && t.scope_type === "queue").map((t) => [t.scope, Number(t.threshold_s)]));
    expect(thresholds).toEqual({ sales: 20, support: 20, billing: 20, tech: 60 });
    for (const q of ["sales", "tech"]) expect(misses.some((w) => w.queue === q)).toBe(true);
    for (const w of [...misses.slice(0, 4), misses.find((x) => x.queue === "tech")!]) {
      expect(w.evidence.threshold_s).toBe(thresholds[w.queue!]);
      const mine = fromLog(w.queue!, w.evidence.worst_slot as string, thresholds[w.queue!]!);
      expect(Math.abs((w.evidence.offered_mean as number) * (w.evidence.days as number) - mine.offered)).toBeLessThanOrEqual(1);
      expect(Math.abs((w.evidence.service_level as number) - mine.sl)).toBeLessThan(0.01);
      expect((w.evidence.service_level as number) < (w.evidence.service_level_target as number) || (w.evidence.abandon_rate as number) > (w.evidence.abandon_rate_target as number)).toBe(true);
    }
  }, 180_000);

  it("proposes staggering the 10:00 breaks, which cuts abandons in simulation with an interval below 0, at no cost", async () => {
    const r = await run();
    const p = r.proposals.find((x) => x.kind === "move_breaks" && (x.parameters as { from: string }).from === "10:00")!;
    expect(p).toBeDefined();
    expect(p.cost).toBe(0);
    expect(p.simulation!.ci_high!).toBeLessThan(0);
    expect(p.erlang_a!.delta_abandoned!).toBeLessThan(0);
    // Per queue and slot, Erlang A sees the 10:00 slot gain agents (SL up) and the 10:30 slot lose them (SL down) …
    const slots = p.erlang_a!.by_slot!;
    expect([...new Set(slots.map((x) => x.slot))].sort()).toEqual(["10:00", "10:30"]);
    for (const x of slots) expect(x.slot === "10:00" ? x.service_level > x.service_level_base : x.service_level < x.service_level_base).toBe(true);
    // … and its period total is the sum over those slots of calls × the change in P(abandon).
    const sum = slots.reduce((s, x) => s + x.days * x.offered_mean * (x.abandon_rate - x.abandon_rate_base), 0);
    expect(sum).toBeCloseTo(p.erlang_a!.delta_abandoned!, 6);
    // A moved break keeps the agent-time: the linear regression sees nothing and says so.
    expect(p.regression!.valid).toBe(false);
    expect(p.regression!.delta_abandoned).toBeNull();
    expect(p.regression!.note).toMatch(/does not change the total agent-time/);
  }, 180_000);

  it("ranks last the proposals that cannot help (agents on an idle queue, agents at night), costing their hours", async () => {
    const r = await run();
    const [idle, last] = [r.proposals[r.proposals.length - 1]!, r.proposals[r.proposals.length - 2]!];
    // Both change nothing; the dearer one last: 2 × 12 h × 7 days × 22 = 3,696 against 2 × 4 h × 7 × 22 = 1,232.
    expect([idle.title, idle.rank]).toEqual(["Two agents on the idle chat queue", r.proposals.length]);
    expect(idle.cost).toBeCloseTo(2 * 12 * days.length * 22, 6);
    expect([idle.simulation!.delta_abandoned, idle.simulation!.ci_low, idle.simulation!.ci_high]).toEqual([0, 0, 0]);
    expect(idle.erlang_a!.delta_abandoned).toBe(0);
    // The center-wide regression credits any agent-hour, wherever it goes: the methods disagree and the notes say why.
    expect(idle.regression!.delta_abandoned!).toBeLessThan(0);
    expect(idle.notes.join(" ")).toMatch(/regression .* and the simulation .* do not overlap/);
    expect(last.title).toBe("Two agents on sales at night");
    expect(last.cost).toBeCloseTo(2 * 4 * days.length * 22, 6);
    // No call at night: the simulation's callers are the same (common random numbers), so nothing changes, exactly.
    expect([last.simulation!.delta_abandoned, last.simulation!.ci_low, last.simulation!.ci_high]).toEqual([0, 0, 0]);
    expect(last.erlang_a!.delta_abandoned).toBe(0);
    expect(last.cost_per_avoided_abandon).toBeNull();
    // Ranks run 1..n, proposals that help first.
    expect(r.proposals.map((p) => p.rank)).toEqual(r.proposals.map((_, i) => i + 1));
    // Without a value per avoided abandon, no ROI (OPERATIONS.md §6: no unsourced figures).
    expect(r.proposals.every((p) => p.roi === null)).toBe(true);
  }, 180_000);

  it("costs an added agent's hours and gives the cost per avoided abandon on the main estimate", async () => {
    const r = await run();
    const add = r.proposals.find((p) => p.kind === "add_agents" && !p.title.startsWith("Two agents"))!;
    const par = add.parameters as { count: number; agent_hours: number; hourly_cost: number };
    expect(add.cost).toBeCloseTo(par.agent_hours * 22, 6);
    expect(add.cost_per_avoided_abandon).toBeCloseTo(add.cost! / -add.simulation!.delta_abandoned!, 9);
  }, 180_000);
});
