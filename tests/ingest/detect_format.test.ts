import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectFormat, loadLogs, openStore, parseLogText } from "../../lib/mod.ts";

describe("detectFormat()", () => {
  it.each([
    ["1366720340|1366720340.303267|q1|NONE|ENTERQUEUE||5551234|1", "asterisk"],
    ["time,callid,queuename,agent,event,data1,data2,data3,data4,data5", "asterisk-csv"],
    ["time;callid;queuename;agent;event;data", "asterisk-csv"],
    ["uid,date_time,callid,queue_name,type,event,param1,param2,param3,entpos,expos,htime,ttime,time", "pbxware"],
    ["vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry", "technion"],
    ["\uFEFFtime,callid,queuename,agent,event,data1", "asterisk-csv"],
  ] as const)("recognises %s as %s", (line, format) => {
    expect(detectFormat(line, "f")).toBe(format);
  });

  it("throws a TypeError naming the file and the formats when nothing matches", () => {
    expect(() => detectFormat("hello,world", "calls.txt")).toThrow(TypeError);
    expect(() => detectFormat("hello,world", "calls.txt")).toThrow(
      "Cannot detect the format of 'calls.txt': first line 'hello,world' is not one of asterisk, asterisk-csv, pbxware, technion, asterisk-cdr, freeswitch-cdr, pbxware-cdr; pass the format explicitly",
    );
  });
});

describe("parseLogText() on table exports", () => {
  it("splits a single `data` column on '|' like the native format", () => {
    const text = [
      "time;callid;queuename;agent;event;data",
      "1719817200;c1;billing;NONE;ENTERQUEUE;|5551000|1",
      "1719817230;c1;billing;Agent/dan;CONNECT;30|c1.2|4",
      "1719817330;c1;billing;Agent/dan;COMPLETEAGENT;30|100|1",
    ].join("\n");
    const p = parseLogText(text, "export.csv");
    expect(p.stints.map((s) => [s.outcome, s.wait_s, s.talk_s, s.ring_s, s.caller])).toEqual([["answered", 30, 100, 4, "5551000"]]);
    expect([p.counts.lines_read, p.counts.used, p.counts.ignored]).toEqual([4, 3, 1]);
  });

  it("counts unknown verbs under a named rule instead of dropping them", () => {
    const text = "1719817200|c1|billing|NONE|ENTERQUEUE||5551000|1\n1719817201|c1|billing|NONE|FOOBAR|x\n";
    const p = parseLogText(text, "q");
    expect(p.counts.ignored_by_rule).toEqual({ "unrecognized_event:FOOBAR": 1 });
    expect(p.counts.lines_read).toBe(p.counts.used + p.counts.ignored + p.counts.rejected);
  });
});

describe("detectFormat() on CDRs", () => {
  it("recognises a headerless Asterisk Master.csv row and a FreeSWITCH mod_cdr_csv row by their start column", () => {
    expect(detectFormat(`"","201","0612345678","from-internal","","SIP/201-1","","Dial","x","2026-10-05 09:00:00","","2026-10-05 09:00:30",30,0,"NO ANSWER",3,"1.1",""`, "Master.csv")).toBe("asterisk-cdr");
    expect(detectFormat(`"Ann","201","0612345678","default","2026-10-05 09:00:00","","2026-10-05 09:00:25","25","0","NO_ANSWER","u1","","","PCMA","PCMA"`, "cdr.csv")).toBe("freeswitch-cdr");
    // Eighteen fields without a date-time where Asterisk writes the start: not a CDR.
    expect(() => detectFormat(`"","201","0612345678","from-internal","","SIP/201-1","","Dial","x","soon","","later",30,0,"NO ANSWER",3,"1.1",""`, "x.csv")).toThrow(TypeError);
  });

  it("detects a CDR whose first record holds a quoted line break (the caller name over two lines)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-detect-ml-"));
    const f = join(dir, "Master.csv");
    writeFileSync(f, [
      `"","201","0612345678","from-internal","Ann`,
      `Smith","SIP/201-1","SIP/trunk-2","Dial","x","2026-10-05 09:00:00","2026-10-05 09:00:12","2026-10-05 09:03:12",192,180,"ANSWERED",3,"1.1",""`,
      "",
    ].join("\n"));
    // The first line alone is 5 cells: no format; the first record is an Asterisk row (it was "first line … is not one of …").
    expect(() => detectFormat(`"","201","0612345678","from-internal","Ann`, "Master.csv")).toThrow(TypeError);
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    store.close();
    expect(c).toMatchObject({ format: "asterisk-cdr", lines_read: 2, used: 1, ignored: 1, ignored_by_rule: { continuation_line: 1 } });
  });
});
