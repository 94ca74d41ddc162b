import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { agentKpis, parseLogFile, queueKpis } from "../../lib/mod.ts";
import { PBXWARE, storeWith } from "../_helpers.ts";

// Independent count: the event column of the raw CSV, read by splitting lines (no field in
// this export contains a comma; the quoted `time` column is last).
function rawEventCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  const lines = readFileSync(PBXWARE, "utf8").trim().split("\n").slice(1);
  for (const line of lines) {
    const event = line.split(",")[5]!;
    counts[event] = (counts[event] ?? 0) + 1;
  }
  return counts;
}

describe("PBXware queue_log export (../shared/data/pbxware_queue_log.csv)", () => {
  it("holds 108 ENTERQUEUE, 93 CONNECT, 12 ABANDON and 1 EXITWITHTIMEOUT (published counts)", () => {
    const raw = rawEventCounts();
    expect([raw.ENTERQUEUE, raw.CONNECT, raw.ABANDON, raw.EXITWITHTIMEOUT]).toEqual([108, 93, 12, 1]);
  });

  it("turns them into 108 inbound stints: 93 connected, 12 abandoned, 1 timeout", async () => {
    const store = await storeWith([PBXWARE]);
    const [s] = await store.query(`SELECT
      count(*) FILTER (direction = 'inbound') AS stints,
      count(*) FILTER (direction = 'inbound' AND answered_at IS NOT NULL) AS connected,
      count(*) FILTER (outcome = 'abandoned') AS abandoned,
      count(*) FILTER (outcome = 'timeout') AS timeouts,
      count(*) FILTER (reconstructed) AS reconstructed
      FROM call_stints`);
    expect(s).toEqual({ stints: 108, connected: 93, abandoned: 12, timeouts: 1, reconstructed: 0 });
    store.close();
  });

  it("never counts RINGNOANSWER rows as missed or abandoned calls", async () => {
    const store = await storeWith([PBXWARE]);
    const [q] = await queueKpis(store, []);
    expect(q!.abandoned).toBe(12); // ABANDON rows only; there are 360 RINGNOANSWER rows
    expect(q!.offered).toBe(q!.answered + q!.abandoned + q!.timeouts);
    const agents = await agentKpis(store);
    expect(agents.reduce((n, a) => n + a.ring_no_answer, 0)).toBe(rawEventCounts().RINGNOANSWER);
    store.close();
  });

  it("leaves the calls cut off at the end of the export open, not abandoned", async () => {
    const store = await storeWith([PBXWARE]);
    const open = await store.query<{ call_id: string }>("SELECT call_id FROM call_stints WHERE direction = 'inbound' AND outcome = 'open' ORDER BY call_id");
    // Last row (uid 1000) is an ENTERQUEUE of 1543942842.2438 with nothing after it.
    expect(open.map((r) => r.call_id)).toContain("1543942842.2438");
    const [q] = await queueKpis(store, []);
    expect(q!.open).toBe(open.length);
    expect(q!.offered + q!.open).toBe(108);
    store.close();
  });

  it("keeps outbound calls (OUTDIAL…) apart from queue traffic, and reconciles every line", async () => {
    const parsed = parseLogFile(PBXWARE);
    const c = parsed.counts;
    expect(c.lines_read).toBe(1001);
    expect(c.lines_read).toBe(c.used + c.ignored + c.rejected);
    expect(c.rejected).toBe(0);
    // 7 QUEUESTART + 11 CONFIGRELOAD are about the PBX, not calls.
    expect(c.ignored_by_rule).toEqual({ header: 1, system_event: 18 });
    const outbound = parsed.stints.filter((s) => s.direction === "outbound");
    expect(new Set(outbound.map((s) => s.call_id)).size).toBe(outbound.length);
    expect(outbound.every((s) => s.queue === null)).toBe(true);
  });
});
