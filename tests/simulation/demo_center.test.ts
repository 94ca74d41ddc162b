import { describe, expect, it } from "vitest";
import { buildDemoCenter, openStore, parseLogText, queueKpis, storeParsedLog } from "../../lib/mod.ts";

describe("buildDemoCenter()", () => {
  const center = buildDemoCenter({ days: 7, seed: 42 });

  it("has 60 operators in 3 teams and 2 departments, with hourly costs and an on-call pool", () => {
    expect(center.roster).toHaveLength(60);
    expect(new Set(center.roster.map((r) => r.team))).toEqual(new Set(["Sales", "Care", "Tech"]));
    expect(new Set(center.roster.map((r) => r.department))).toEqual(new Set(["Commercial", "Customer Care"]));
    expect(center.roster.every((r) => r.hourly_cost > 0)).toBe(true);
    expect(center.roster.filter((r) => r.on_call)).toHaveLength(4);
  });

  it("is the same for the same seed", () => {
    const again = buildDemoCenter({ days: 7, seed: 42 });
    expect(again.queue_log).toEqual(center.queue_log);
    expect(again.services).toEqual(center.services);
    expect(buildDemoCenter({ days: 7, seed: 43 }).queue_log).not.toEqual(center.queue_log);
  });

  it("writes a queue_log that ingest reads without a reject, for all four queues", async () => {
    const parsed = parseLogText(center.queue_log.join("\n") + "\n", "demo");
    expect(parsed.counts.rejected).toBe(0);
    const store = await openStore();
    await storeParsedLog(store, parsed);
    const q = await queueKpis(store, ["queue"], { timeZone: "Europe/Rome" });
    expect(q.map((r) => r.queue)).toEqual(["billing", "sales", "support", "tech"]);
    // Sundays are closed: no call enters on Sunday 2026-10-11 (local).
    const days = await queueKpis(store, ["day"], { timeZone: "Europe/Rome" });
    expect(days.map((d) => d.day)).not.toContain("2026-10-11");
    store.close();
  });

  it("opens assistance cases from answered calls, some still open at the end (backlog)", () => {
    const open = center.services.filter((s) => s.status === "open");
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((s) => s.closed_at === null && s.outcome === null)).toBe(true);
    expect(center.services.filter((s) => s.status === "closed").every((s) => s.closed_at! > s.opened_at)).toBe(true);
    const callIds = new Set(center.queue_log.filter((l) => l.includes("|CONNECT|")).map((l) => l.split("|")[1]));
    expect(center.services.every((s) => callIds.has(s.call_id))).toBe(true);
  });

  it("schedules lunch and breaks inside shifts, in UTC", () => {
    const a = center.schedules.filter((s) => s.agent === "Agent/1001");
    expect(a.some((s) => s.activity === "lunch")).toBe(true);
    expect(a.every((s) => s.starts_at.endsWith("Z") && s.ends_at > s.starts_at)).toBe(true);
    // First Monday early shift: 08:00 in Rome (CEST, UTC+2) = 06:00Z.
    expect(a[0]).toEqual({ agent: "Agent/1001", activity: "on_queue", starts_at: "2026-10-05T06:00:00Z", ends_at: "2026-10-05T14:30:00Z" });
  });
});
