import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogs, LogParseError, openStore, parseLogFile, parseLogText, queueKpis } from "../../lib/mod.ts";

// Regression tests for defects found by feeding hostile input to the CLI.
const T0 = 1709545800; // 2024-03-04T09:50:00Z
const lines = (...l: string[]) => l.join("\n") + "\n";
const reconciles = (c: { lines_read: number; used: number; ignored: number; rejected: number }) =>
  c.lines_read === c.used + c.ignored + c.rejected;

describe("bad input", () => {
  it("a rejected line leaves no trace in the figures", () => {
    const p = parseLogText(lines(`${T0}|p1|sales|NONE|ENTERQUEUE||555|abc`, `${T0 + 100}|p2|sales|NONE|ABANDON|1|xyz|30`), "leak.log");
    expect(p.counts.rejected).toBe(2);
    expect(p.stints).toEqual([]);
    expect(p.rejects.map((r) => r.reason)).toEqual([
      "leak.log:1: field 'data3': ENTERQUEUE position must be a non-negative number up to 30 days, got 'abc'",
      "leak.log:2: field 'data2': ABANDON origposition must be a non-negative number up to 30 days, got 'xyz'",
    ]);
  });

  it("rejects out-of-range times and durations with file, line and field instead of aborting", () => {
    const p = parseLogText(lines(
      `99999999999999999999|h1|sales|NONE|ENTERQUEUE||555|1`,
      `${T0}|h2|sales|Agent/a|COMPLETECALLER|99999999999999|10|1`,
      `${T0 + 5}|h3|sales|NONE|ENTERQUEUE||555|1`,
    ), "huge.log");
    expect(p.rejects.map((r) => r.reason)).toEqual([
      "huge.log:1: field 'time': time must be epoch seconds between 1970 and 2200, got '99999999999999999999'",
      "huge.log:2: field 'data1': COMPLETECALLER holdtime must be a non-negative number up to 30 days, got '99999999999999'",
    ]);
    expect(p.stints.map((s) => s.call_id)).toEqual(["h3"]);
    expect(reconciles(p.counts)).toBe(true);
  });

  it("keeps a good file's results when another input has bad lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-bad-"));
    writeFileSync(join(dir, "good.log"), lines(`${T0}|g1|sales|NONE|ENTERQUEUE||555|1`, `${T0 + 9}|g1|sales|NONE|ABANDON|1|1|9`));
    writeFileSync(join(dir, "bad.log"), lines(`${T0}|b1|sales|NONE|ENTERQUEUE||555|1`, `${T0}|b1|sales|NONE|ABANDON|1|1|-4`));
    const store = await openStore();
    const counts = await loadLogs(store, [join(dir, "good.log"), join(dir, "bad.log")]);
    expect(counts.map((c) => [c.used, c.rejected])).toEqual([[2, 0], [1, 1]]);
    const [q] = await queueKpis(store, []);
    expect([q!.offered, q!.abandoned, q!.open]).toEqual([1, 1, 1]); // g1 abandoned, b1 still open
    store.close();
  });

  it("never produces a negative wait: a talk time longer than the call is rejected", () => {
    const p = parseLogText(lines(`${T0}|n1|sales|NONE|ENTERQUEUE||555|1`, `${T0 + 10}|n1|sales|Agent/a|COMPLETECALLER||100|1`), "neg.log");
    expect(p.rejects.map((r) => r.reason)).toEqual([
      "neg.log:2: field 'data2': COMPLETECALLER implies an answer 90 s before the call entered the queue at line 1",
    ]);
    expect(p.stints.map((s) => [s.outcome, s.wait_s])).toEqual([["open", null]]);
  });

  it("rejects events of a call whose stint already ended, and duplicate ENTERQUEUE", () => {
    const p = parseLogText(lines(
      `${T0}|c1|sales|NONE|ENTERQUEUE||555|1`,
      `${T0 + 60}|c1|sales|Agent/a|COMPLETECALLER|5|55|1`,
      `${T0 + 61}|c1|sales|Agent/a|CONNECT|5|c1.2|1`, // after the end
      `${T0 + 62}|c1|sales|Agent/a|COMPLETEAGENT|5|55|1`, // duplicate end
      `${T0 + 100}|c2|sales|NONE|ENTERQUEUE||556|1`,
      `${T0 + 101}|c2|sales|NONE|ENTERQUEUE||556|1`, // duplicate entry
      `${T0 + 110}|c2|sales|NONE|ABANDON|1|1|10`,
      `${T0 + 111}|c2|sales|Agent/a|CONNECT|11|c2.2|1`, // after the abandon
    ), "order.log");
    expect(p.rejects.map((r) => r.line)).toEqual([3, 4, 6, 8]);
    expect(p.rejects[0]!.reason).toBe("order.log:3: field 'event': CONNECT for call 'c1' whose stint in 'sales' already ended (answered); the stint began at line 1");
    expect(p.stints.map((s) => [s.call_id, s.outcome, s.wait_s])).toEqual([["c1", "answered", 5], ["c2", "abandoned", 10]]);
  });

  it("confines a bad CSV quote to its own line and counts physical lines", () => {
    const text = lines(
      "time,callid,queuename,agent,event,data1,data2,data3,data4,data5",
      `${T0},c1,sales,NONE,ENTERQUEUE,,555,1,,`,
      `${T0 + 1},c2,"sales,NONE,ENTERQUEUE,,556,1,,`, // unclosed quote
      `${T0 + 2},c3,sa"x"les,NONE,ENTERQUEUE,,557,1,,`, // stray quote
      `${T0 + 3},c4,sales,NONE,ENTERQUEUE,,558,1,,`,
    );
    const p = parseLogText(text, "export.csv");
    expect([p.counts.lines_read, p.counts.used, p.counts.ignored, p.counts.rejected]).toEqual([5, 2, 1, 2]);
    expect(p.rejects.map((r) => [r.line, r.raw])).toEqual([
      [3, `${T0 + 1},c2,"sales,NONE,ENTERQUEUE,,556,1,,`],
      [4, `${T0 + 2},c3,sa"x"les,NONE,ENTERQUEUE,,557,1,,`],
    ]);
    expect(p.rejects[0]!.reason).toMatch(/^export\.csv:3: field 'fields': malformed CSV quoting: /);
    expect(p.stints.map((s) => s.call_id)).toEqual(["c1", "c4"]);
  });

  it("stops at the first bad line in file order in strict mode", () => {
    const text = lines(
      "time,callid,queuename,agent,event,data1,data2,data3,data4,data5",
      `${T0},c1,sales,NONE,enterqueue,,555,1,,`, // line 2: lower-case verb
      `${T0},c2,sales,NONE,ENTERQUEUE,,556,1,,`,
      `${T0},c3,sales,NONE,ENTERQUEUE,,557,1`, // line 4: too few fields
    );
    expect(() => parseLogText(text, "s.csv", { strict: true })).toThrow("s.csv:2: field 'event': event must be an upper-case name, got 'enterqueue'");
  });

  it("reports an empty file as zero lines and a header-only file as one ignored line", () => {
    expect(parseLogText("", "e.csv", { format: "asterisk-csv" }).counts).toMatchObject({ lines_read: 0, used: 0, ignored: 0, rejected: 0 });
    const h = parseLogText("time,callid,queuename,agent,event,data1\n", "h.csv");
    expect(h.counts).toMatchObject({ lines_read: 1, ignored: 1, ignored_by_rule: { header: 1 } });
  });

  it("takes the first non-blank line as the header", () => {
    const csv = parseLogText(lines("", "time,callid,queuename,agent,event,data1,data2,data3", `${T0},c1,sales,NONE,ENTERQUEUE,,555,1`), "b.csv");
    expect([csv.counts.lines_read, csv.counts.used, csv.counts.rejected, csv.counts.ignored_by_rule]).toEqual([3, 1, 0, { header: 1, blank_line: 1 }]);
    const header = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver";
    const row = "AA0101\t1\t0\t0\tPS\t990101\t8:00:00\t8:00:10\t10\t8:00:10\t8:00:40\t30\tAGENT\t8:00:40\t8:02:40\t120\tDAVID";
    const t = parseLogText(lines("", header, row), "t.txt");
    expect([t.counts.used, t.counts.rejected, t.stints[0]!.wait_s]).toEqual([1, 0, 30]);
  });

  it("rejects an unknown source time zone up front", () => {
    expect(() => parseLogText("time,callid,queuename,agent,event,data1\n", "x.csv", { sourceTimeZone: "Mars/Olympus" })).toThrow(RangeError);
  });

  it("decodes Windows-1252 bytes instead of replacing them, and splits bare CR line ends", () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-enc-"));
    const path = join(dir, "cp1252.log");
    const text = `${T0}|e1|ventes\xe9|NONE|ENTERQUEUE||555|1\r${T0 + 5}|e1|ventes\xe9|NONE|ABANDON|1|1|5\r`;
    writeFileSync(path, Uint8Array.from([...text].map((c) => c.charCodeAt(0))));
    const p = parseLogFile(path);
    expect(p.counts.notes.decoded_as_windows_1252).toBe(1);
    expect(p.counts.lines_read).toBe(2);
    expect(p.stints.map((s) => [s.queue, s.outcome])).toEqual([["ventesé", "abandoned"]]);
  });

  it("strict mode raises LogParseError for history errors too", () => {
    expect(() => parseLogText(lines(`${T0}|n1|q|NONE|ENTERQUEUE||5|1`, `${T0 + 10}|n1|q|A|COMPLETECALLER||100|1`), "n.log", { strict: true }))
      .toThrow(LogParseError);
  });
});
