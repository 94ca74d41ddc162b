import { describe, expect, it } from "vitest";
import { agentKpis, LogParseError, parseLogFile, queueKpis } from "../../lib/mod.ts";
import { fixture, storeWith } from "../_helpers.ts";

describe("queue_log stints (hand-written fixtures)", () => {
  it("joins a multi-stint call: timeout in one queue, answered in the next", async () => {
    const store = await storeWith([fixture("multi_stint.queue_log")]);
    const stints = await store.query("SELECT queue, stint_no, outcome, wait_s, talk_s, agent FROM call_stints ORDER BY stint_no");
    expect(stints).toEqual([
      { queue: "sales", stint_no: 1, outcome: "timeout", wait_s: 60, talk_s: null, agent: null },
      { queue: "support", stint_no: 2, outcome: "answered", wait_s: 15, talk_s: 200, agent: "Agent/ann" },
    ]);
    const [call] = await store.query("SELECT outcome, stints, total_wait_s, first_queue, last_queue FROM calls");
    // One customer call: last stint's outcome, waits added 60 + 15 s.
    expect(call).toEqual({ outcome: "answered", stints: 2, total_wait_s: 75, first_queue: "sales", last_queue: "support" });
    const byQueue = await queueKpis(store, ["queue"]);
    expect(byQueue.map((r) => [r.queue, r.offered, r.answered, r.timeouts])).toEqual([["sales", 1, 0, 1], ["support", 1, 1, 0]]);
    store.close();
  });

  it("counts ring-all RINGNOANSWER per agent (ms → s), never as missed calls", async () => {
    const store = await storeWith([fixture("ring_all.queue_log")]);
    const [q] = await queueKpis(store, []);
    expect([q!.offered, q!.answered, q!.abandoned, q!.asa_s, q!.aht_s]).toEqual([1, 1, 0, 8, 120]);
    const agents = await agentKpis(store);
    expect(agents.map((a) => [a.agent, a.presented, a.answered, a.ring_no_answer, a.ring_no_answer_s])).toEqual([
      ["Agent/ann", 1, 1, 0, 0],
      ["Agent/bob", 1, 0, 1, 8],
      ["Agent/cy", 1, 0, 1, 7.5],
    ]);
    store.close();
  });

  it("reads ATTENDEDTRANSFER with LINK, whose time fields shift by one", async () => {
    const store = await storeWith([fixture("attended_transfer_link.queue_log")]);
    const [s] = await store.query("SELECT outcome, wait_s, talk_s, transfer_to, agent FROM call_stints");
    expect(s).toEqual({ outcome: "transferred", wait_s: 12, talk_s: 95, transfer_to: "Local/2000@internal-0002", agent: "Agent/ann" });
    const [q] = await queueKpis(store, []);
    expect([q!.offered, q!.answered, q!.aht_s]).toEqual([1, 1, 95]);
    store.close();
  });

  it("keeps abandon, timeout and exit-with-key apart", async () => {
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const [q] = await queueKpis(store, [], { sl_threshold_s: 20, short_abandon_s: 5 });
    // a1 abandons after 3 s (short), a2 after 30 s, t1 times out (300 s), k1 exits with key (15 s),
    // s1 answered after 10 s. Offered 5 = 1 answered + 2 abandoned + 2 flow-outs.
    expect(q).toMatchObject({
      offered: 5, answered: 1, abandoned: 2, short_abandoned: 1, timeouts: 2,
      answered_within: 1, abandoned_within: 1, max_wait_s: 300,
    });
    expect(q!.abandon_rate).toBe(2 / 5);
    expect(q!.service_level_v1).toBe(1 / 5);
    expect(q!.service_level_v2).toBe(1 / 4); // 1 / (5 − 1 short abandon)
    expect(q!.service_level_v7).toBe(1 / 3); // 1 / (5 − 2 flow-outs)
    // DESIGN.md (corrected, issue 9 item 9): Σ wait of every offered stint, flow-outs included.
    expect(q!.avg_wait_s).toBe((10 + 3 + 30 + 300 + 15) / 5);
    const outcomes = await store.query("SELECT call_id, outcome FROM call_stints ORDER BY call_id");
    expect(outcomes).toEqual([
      { call_id: "a1", outcome: "abandoned" }, { call_id: "a2", outcome: "abandoned" },
      { call_id: "k1", outcome: "exit_key" }, { call_id: "s1", outcome: "answered" }, { call_id: "t1", outcome: "timeout" },
    ]);
    store.close();
  });

  it("attributes a call across midnight to its entry day and keeps the DST fall-back hour twice", async () => {
    const store = await storeWith([fixture("midnight_dst.queue_log")]);
    const o = { timeZone: "Europe/Berlin", interval_minutes: 30 };
    const days = await queueKpis(store, ["day"], o);
    expect(days.map((d) => [d.day, d.offered])).toEqual([["2024-03-10", 1], ["2024-03-31", 2], ["2024-10-27", 2]]);
    const intervals = await queueKpis(store, ["interval"], o);
    expect(intervals.map((r) => r.interval_start)).toEqual([
      "2024-03-10T23:30:00+01:00",
      "2024-03-31T01:30:00+01:00", // 01:45 CET
      "2024-03-31T03:00:00+02:00", // 03:15 CEST, 30 minutes later: 02:xx does not exist
      "2024-10-27T02:30:00+02:00", // first 02:30 (CEST)
      "2024-10-27T02:30:00+01:00", // second 02:30 (CET), an hour later
    ]);
    const hourly = await queueKpis(store, ["interval"], { ...o, interval_minutes: 60 });
    expect(hourly.map((r) => r.interval_start)).toContain("2024-10-27T02:00:00+01:00");
    store.close();
  });

  it("rejects malformed lines with file, line and field, and counts reconcile", () => {
    const parsed = parseLogFile(fixture("malformed.queue_log"));
    const c = parsed.counts;
    expect([c.lines_read, c.used, c.ignored, c.rejected]).toEqual([9, 5, 1, 3]);
    expect(c.lines_read).toBe(c.used + c.ignored + c.rejected);
    expect(c.ignored_by_rule).toEqual({ blank_line: 1 });
    expect(parsed.rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, expect.stringContaining("field 'fields': expected at least 5 '|'-separated fields, got 1")],
      [5, expect.stringContaining("field 'time': time must be epoch seconds between 1970 and 2200, got '1709alpha'")],
      [7, expect.stringContaining("field 'data1': CONNECT holdtime must be a non-negative number up to 30 days, got 'ten'")],
    ]);
    expect(parsed.rejects[0]!.raw).toBe("garbage line without pipes");
  });

  it("stops at the first bad line in strict mode, naming file, line and field", () => {
    const path = fixture("malformed.queue_log");
    expect(() => parseLogFile(path, { strict: true })).toThrow(LogParseError);
    try {
      parseLogFile(path, { strict: true });
    } catch (err) {
      const e = err as LogParseError;
      expect([e.line, e.field]).toEqual([4, "fields"]);
      expect(e.message).toBe(`${path}:4: field 'fields': expected at least 5 '|'-separated fields, got 1`);
    }
  });

  it("reads a database-table export with local-time strings in the source time zone", async () => {
    const store = await storeWith([fixture("db_export.csv")], { sourceTimeZone: "Europe/Rome" });
    const rows = await store.query("SELECT call_id, outcome, wait_s, talk_s, epoch(entered_at) AS entered_s FROM call_stints ORDER BY call_id");
    expect(rows).toEqual([
      // 2024-07-01 09:00:00 in Rome (CEST, +02:00) = 07:00:00Z = 1719817200
      { call_id: "c1", outcome: "answered", wait_s: 25, talk_s: 240, entered_s: 1719817200 },
      { call_id: "c2", outcome: "abandoned", wait_s: 12, talk_s: null, entered_s: 1719824700 },
      { call_id: "c3", outcome: "open", wait_s: null, talk_s: null, entered_s: 1719817200 + 600 },
    ]);
    const [q] = await queueKpis(store, []);
    expect([q!.offered, q!.open]).toEqual([2, 1]);
    store.close();
  });
});
