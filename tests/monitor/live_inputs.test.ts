/**
 * LiveMonitor's accounting of bad and late input: a far-future line is a `time` reject and does
 * not become "now" (even with the data clock); rejects leave with the window; the roster's
 * rejects survive the log's rebuilds; a rotated file's late lines (logrotate `create`) are kept;
 * the long-line limit is in UTF-8 bytes. Counts written out by hand.
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveMonitor, loadRoster, openStore } from "../../lib/mod.ts";

const T0 = Date.UTC(2026, 10, 10, 9, 0, 0); // 2026-11-10T09:00:00Z
const line = (offset_s: number, call: string, queue: string, agent: string, event: string, ...data: string[]) =>
  [String(T0 / 1000 + offset_s), call, queue, agent, event, ...data].join("|");

async function monitorOn(lines: string[], options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "qb-live-in-"));
  const file = join(dir, "queue_log");
  writeFileSync(file, lines.map((l) => l + "\n").join(""));
  const store = await openStore();
  const m = new LiveMonitor(store, file, { timeZone: "UTC", refresh_s: 5, ...options }, T0);
  return { m, store, dir, file, append: (...ls: string[]) => appendFileSync(file, ls.map((l) => l + "\n").join("")) };
}

describe("LiveMonitor input accounting", () => {
  it("rejects a line dated far after the clock (field time) and keeps now at the data's latest good line", async () => {
    const year2200 = "7258118400"; // 2200-01-01T00:00:00Z
    const { m, store } = await monitorOn([
      line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555", "1"),
      `${year2200}|c9|sales|NONE|ENTERQUEUE||666|1`,
      line(5, "c1", "sales", "NONE", "ABANDON", "1", "1", "5"),
    ], { clock: "data" });
    const st = (await m.step(T0 + 10_000))!;
    // Data clock: now is the last good event (T0 + 5 s), not 2200.
    expect(st.as_of).toBe("2026-11-10T09:00:05+00:00");
    expect(st.queues[0]).toMatchObject({ offered_today: 1, abandoned_today: 1, waiting: 0 });
    // 3 lines = 2 used + 1 rejected.
    expect(st.lines).toMatchObject({ lines_read: 3, used: 2, rejected: 1 });
    expect(st.recent_rejects[0]!.reason).toMatch(/queue_log:2: field 'time': instant 2200-01-01T00:00:00\.000Z is \d+ s after this machine's clock \(more than 900 s/);
    m.close();
    store.close();
  });

  it("lets rejects leave with the window and keeps the roster's rejects through the log's rebuilds", async () => {
    const { m, store, dir, append } = await monitorOn(["garbage"], { lookback_h: 1 });
    const roster = join(dir, "roster.csv");
    writeFileSync(roster, "agent,name,team,department,hourly_cost\nAgent/1001,Ann,Sales,Front,20\nAgent/1002,Bob,Sales,Front,lots\n");
    await loadRoster(store, roster);
    let st = (await m.step(T0))!;
    expect(st.lines).toMatchObject({ lines_read: 1, rejected: 1, ignored: 0 });
    // The next day (reset 00:00 UTC, look-back 1 h): the window starts 2026-11-10T23:00Z; the garbage arrived at T0 (no event yet: the clock's time).
    append(line(86_400, "c1", "sales", "NONE", "ENTERQUEUE", "", "555", "1"));
    st = (await m.step(T0 + 86_400_000))!;
    // 2 lines = 1 used + 1 ignored (rejected_before_window) + 0 rejected.
    expect(st.lines).toMatchObject({ lines_read: 2, used: 1, ignored: 1, rejected: 0, ignored_by_rule: { rejected_before_window: 1 } });
    expect(st.recent_rejects).toEqual([]);
    const kept = await store.query<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE source LIKE '%roster.csv'`);
    expect(kept.map((r) => r.line)).toEqual([3]);
    expect(kept[0]!.reason).toMatch(/roster\.csv:3: field 'hourly_cost'/);
    m.close();
    store.close();
  });

  it("keeps the lines Asterisk writes to the rotated file before it reopens the path (logrotate create)", async () => {
    const { m, store, dir, file } = await monitorOn([line(0, "c1", "sales", "NONE", "ENTERQUEUE", "", "555", "1")], { drain_ms: 60_000 });
    await m.step(T0 + 1000);
    renameSync(file, join(dir, "queue_log.1"));
    writeFileSync(file, "");
    await m.step(T0 + 2000);
    // Written by the old descriptor after the rename: the call ends in the old file, the next begins in the new.
    appendFileSync(join(dir, "queue_log.1"), line(3, "c1", "sales", "Agent/1001", "CONNECT", "3", "x", "1") + "\n");
    appendFileSync(file, line(4, "c2", "sales", "NONE", "ENTERQUEUE", "", "556", "1") + "\n");
    const st = (await m.step(T0 + 5000))!;
    expect(st.queues[0]).toMatchObject({ answered_today: 1, waiting: 1 });
    expect(st.lines).toMatchObject({ lines_read: 3, used: 3, rejected: 0, restarts: 1 });
    m.close();
    store.close();
  });

  it("judges the long-line limit in UTF-8 bytes (a line of 30,000 'é' is 60,000 bytes: kept; 40,000: rejected)", async () => {
    const ok = line(0, "NONE", "NONE", "Agent/1001", "AGENTLOGIN", "é".repeat(30_000));
    const long = line(1, "NONE", "NONE", "Agent/1002", "AGENTLOGIN", "é".repeat(40_000));
    const { m, store } = await monitorOn([ok, long]);
    const st = (await m.step(T0 + 2000))!;
    expect(st.lines).toMatchObject({ lines_read: 2, used: 1, rejected: 1 });
    expect(st.recent_rejects[0]!.reason).toMatch(/queue_log:2: field 'fields': line longer than 65536 bytes/);
    m.close();
    store.close();
  });
});
