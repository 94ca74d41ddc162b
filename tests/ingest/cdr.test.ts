/**
 * Outbound calls from CDRs (issue 12): Asterisk cdr_csv and FreeSWITCH mod_cdr_csv fixtures
 * written from the documented column orders (tests/fixtures/README.md), hand-counted; a
 * configured column order; the calls report's outbound counts.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { agentKpis, loadLogs, type LoadNotices, openStore, operatorKpis } from "../../lib/mod.ts";
import { fixture, ROOT } from "../_helpers.ts";

const STINTS = "SELECT call_id, agent, caller, outcome, epoch_ms(entered_at) AS e, epoch_ms(answered_at) AS a, epoch_ms(ended_at) AS x, ring_s, talk_s FROM call_stints WHERE direction = 'outbound' ORDER BY call_id";
// 2026-10-05 in Europe/Rome is CEST, UTC+2.
const at = (hhmmss: string) => Date.parse(`2026-10-05T${hhmmss}+02:00`);

describe("CDR readers", () => {
  it("read an Asterisk Master.csv: outbound rows become outbound stints, the others are ignored by rule or rejected (hand count)", async () => {
    const store = await openStore();
    const [c] = await loadLogs(store, [fixture("cdr/asterisk_master.csv")], { sourceTimeZone: "Europe/Rome" });
    // 7 lines: 3 outbound (201 answered, 202 no answer, 203 busy), 1 inbound, 1 internal, 1 bad start, 1 blank.
    expect(c).toMatchObject({ format: "asterisk-cdr", lines_read: 7, used: 3, ignored: 3, rejected: 1, ignored_by_rule: { inbound_cdr: 1, internal_cdr: 1, blank_line: 1 } });
    expect(await store.query<{ reason: string }>("SELECT reason FROM rejects")).toEqual([
      { reason: expect.stringMatching(/asterisk_master\.csv:5: field 'start': start must be a date-time YYYY-MM-DD HH:MM:SS, got 'yesterday'/) },
    ]);
    expect(await store.query(STINTS)).toEqual([
      { call_id: "1791180000.1", agent: "201", caller: "0612345678", outcome: "answered", e: at("09:00:00"), a: at("09:00:12"), x: at("09:03:12"), ring_s: 12, talk_s: 180 },
      { call_id: "1791180000.2", agent: "202", caller: "+390612345678", outcome: "not_connected", e: at("10:00:00"), a: null, x: at("10:00:30"), ring_s: 30, talk_s: null },
      { call_id: "1791180000.6", agent: "203", caller: "0622222222", outcome: "not_connected", e: at("12:30:00"), a: null, x: at("12:30:08"), ring_s: 8, talk_s: null },
    ]);
    const agents = await agentKpis(store);
    expect(agents.map((r) => [r.agent, r.outbound_calls, r.outbound_connected])).toEqual([["201", 1, 1], ["202", 1, 0], ["203", 1, 0]]);
    // The operator side counts them too (OPERATIONS.md §2 "outbound calls where the data has them"); their time is other-call time.
    const ops = await operatorKpis(store, {});
    expect(ops.map((r) => [r.agent, r.outbound_calls, r.outbound_connected, r.other_call_s])).toEqual([["201", 1, 1, 180], ["202", 1, 0, 30], ["203", 1, 0, 8]]);
    store.close();
  });

  it("read a FreeSWITCH mod_cdr_csv file, and a configured column order with --format", async () => {
    const store = await openStore();
    const [c] = await loadLogs(store, [fixture("cdr/freeswitch_cdr.csv")], { sourceTimeZone: "Europe/Rome" });
    expect(c).toMatchObject({ format: "freeswitch-cdr", lines_read: 3, used: 2, ignored: 1, rejected: 0 });
    expect((await store.query<{ call_id: string; outcome: string; ring_s: number; talk_s: number | null }>(STINTS)).map((s) => [s.call_id, s.outcome, s.ring_s, s.talk_s]))
      .toEqual([["9f6c2b1e-0001", "answered", 5, 60], ["9f6c2b1e-0002", "not_connected", 25, null]]);
    store.close();
    // The same first row with the PBX's template reordered: uuid first, then the rest.
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-"));
    const f = join(dir, "custom.csv");
    writeFileSync(f, `"9f6c2b1e-0009","201","0612345678","2026-10-05 09:00:00","2026-10-05 09:00:05","2026-10-05 09:01:05","60","NORMAL_CLEARING"\n`);
    const cols = "uuid,caller_id_number,destination_number,start_stamp,answer_stamp,end_stamp,billsec,hangup_cause";
    const s2 = await openStore();
    const [c2] = await loadLogs(s2, [f], { format: "freeswitch-cdr", cdr_columns: cols.split(","), sourceTimeZone: "Europe/Rome" });
    expect(c2).toMatchObject({ used: 1, rejected: 0 });
    expect((await s2.query<{ talk_s: number; e: number }>(STINTS))[0]).toMatchObject({ call_id: "9f6c2b1e-0009", talk_s: 60, e: at("09:00:00") });
    s2.close();
    // A column list without a needed column is a usage error.
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "kpis", "-i", f, "--format", "freeswitch-cdr", "--cdr-columns", "uuid,start_stamp"], { encoding: "utf8", cwd: ROOT });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^qb: .*the column list has no 'caller_id_number'/m);
    // A repeated or empty column name is a usage error too (a repeat exited 1 with "no line is usable").
    const cols2 = "uuid,caller_id_number,destination_number,start_stamp,start_stamp,answer_stamp,end_stamp,billsec,hangup_cause";
    for (const [list, said] of [[cols2, "names 'start_stamp' twice"], [cols.replace(",billsec", ",,billsec"), "names an empty column"]]) {
      const r3 = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "kpis", "-i", f, "--format", "freeswitch-cdr", "--cdr-columns", list], { encoding: "utf8", cwd: ROOT });
      expect(r3.status, r3.stderr).toBe(2);
      expect(r3.stderr).toContain(said);
    }
  });

  it("read a PBXware CDR table export: end = calldate + duration, answer = end − billsec (hand-computed), header ignored, headerless detected", async () => {
    const store = await openStore();
    const [c] = await loadLogs(store, [fixture("cdr/pbxware_cdr.csv")], { sourceTimeZone: "Europe/Rome" });
    // 6 lines: the header, 2 outbound (201 answered, 202 no answer), 1 inbound, 1 billsec > duration, 1 internal.
    expect(c).toMatchObject({ format: "pbxware-cdr", lines_read: 6, used: 2, ignored: 3, rejected: 1, ignored_by_rule: { header: 1, inbound_cdr: 1, internal_cdr: 1 } });
    expect(await store.query<{ reason: string }>("SELECT reason FROM rejects")).toEqual([
      { reason: expect.stringMatching(/pbxware_cdr\.csv:5: field 'billsec': billsec \(20\) exceeds duration \(10\)/) },
    ]);
    // 09:00:00 + 192 s = 09:03:12 end; answered 180 s before: 09:00:12; ring 12 s.
    expect(await store.query(STINTS)).toEqual([
      { call_id: "1791180000.1", agent: "201", caller: "0612345678", outcome: "answered", e: at("09:00:00"), a: at("09:00:12"), x: at("09:03:12"), ring_s: 12, talk_s: 180 },
      { call_id: "1791180000.2", agent: "202", caller: "+390612345678", outcome: "not_connected", e: at("10:00:00"), a: null, x: at("10:00:30"), ring_s: 30, talk_s: null },
    ]);
    store.close();
    // Without the header the first data row is recognised by its 19 columns and calldate.
    const dir = mkdtempSync(join(tmpdir(), "qb-pbxcdr-"));
    const f = join(dir, "noheader.csv");
    writeFileSync(f, readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n").slice(1).join("\n"));
    const s2 = await openStore();
    const [c2] = await loadLogs(s2, [f], { sourceTimeZone: "Europe/Rome" });
    expect(c2).toMatchObject({ format: "pbxware-cdr", lines_read: 5, used: 2, rejected: 1 });
    s2.close();
  });

  it("shows CDR outbound calls in the calls report beside the queue_log's inbound calls", () => {
    const out = join(mkdtempSync(join(tmpdir(), "qb-cdr-report-")), "r.html");
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "-i", fixture("outcomes.queue_log"), "-i", fixture("cdr/asterisk_master.csv"),
      "--source-tz", "Europe/Rome", "-o", out], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    // Outbound tile: 3 calls, 1 connected.
    expect(html).toMatch(/OUTBOUND<\/div><div class="value">3<\/div><div class="note">1 connected/i);
    // The header's period covers both directions: inbound on 2024-03-04, outbound on 2026-10-05 (was the inbound days only).
    expect(html).toMatch(/<p class="sub">2024-03-04 to 2026-10-05 \(/);
    // A window before the CDR's day leaves no outbound call in the tile (it counted every outbound call before).
    const out2 = join(mkdtempSync(join(tmpdir(), "qb-cdr-report-")), "r.html");
    const r2 = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "-i", fixture("outcomes.queue_log"), "-i", fixture("cdr/asterisk_master.csv"),
      "--source-tz", "Europe/Rome", "--to", "2025-01-01", "-o", out2], { encoding: "utf8", cwd: ROOT });
    expect(r2.status, r2.stderr).toBe(0);
    const html2 = readFileSync(out2, "utf8");
    expect(html2).toMatch(/<p class="sub">2024-03-04 to 2024-03-04 \(/);
    expect(html2).not.toMatch(/OUTBOUND<\/div><div class="value">3/i);
  }, 60_000);

  it("rejects impossible CDR dates, times and durations by name instead of rolling them over or failing the load (hostile findings)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-bad-"));
    const f = join(dir, "bad.csv");
    const head = readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n").slice(0, 2).join("\n");
    const row = (id: number, calldate: string, duration: string) =>
      `${id},100,"x <201>",201,0612345678,default,SIP/201-1,SIP/trunk-2,Dial,SIP/trunk/0612345678,${calldate},${duration},0,0,NO ANSWER,DOCUMENTATION,,1791180000.${id},`;
    writeFileSync(f, [
      head,
      row(2, "2026-13-05 10:00:00", "30"), // month 13: Date.UTC made it 2027-01-05
      row(3, "2026-10-05 24:00:00", "30"), // hour 24: was taken as 2026-10-06 00:00
      row(4, "2026-10-05 10:61:00", "30"), // minute 61
      row(5, "2026-02-30 10:00:00", "30"), // 30 February
      row(6, "2026-10-05 10:00:00", "12345678901234567890"), // 20 digits: the load failed with "bigint out of int64 range"
      row(7, "2026-10-05 10:00:00", "2592001"), // 30 days + 1 s
      "",
    ].join("\n"));
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    // Header + 1 good row + 6 bad rows: the good row is the fixture's first call (192 s, answered).
    expect(c).toMatchObject({ format: "pbxware-cdr", lines_read: 8, used: 1, rejected: 6 });
    const reasons = (await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects ORDER BY line")).map((r) => [r.line, r.reason.replace(/^.*?:(\d+): /, "$1: ")]);
    expect(reasons).toEqual([
      [3, "3: field 'calldate': calldate is not a calendar date: '2026-13-05 10:00:00'"],
      [4, "4: field 'calldate': calldate is not a time of day (HH 00-23, MM and SS 00-59): '2026-10-05 24:00:00'"],
      [5, "5: field 'calldate': calldate is not a time of day (HH 00-23, MM and SS 00-59): '2026-10-05 10:61:00'"],
      [6, "6: field 'calldate': calldate is not a calendar date: '2026-02-30 10:00:00'"],
      [7, "7: field 'duration': duration must be whole seconds up to 30 days (2592000), got '12345678901234567890'"],
      [8, "8: field 'duration': duration must be whole seconds up to 30 days (2592000), got '2592001'"],
    ]);
    expect((await store.query<{ n: number }>("SELECT count(*)::INT AS n FROM call_stints"))[0]!.n).toBe(1);
    store.close();
    // Without --strict, stderr shows the first five rejects in line order and how many more (it showed the count only).
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "kpis", "-i", f, "--source-tz", "Europe/Rome"], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const shown = r.stderr.split("\n").filter((l) => l.startsWith("  "));
    expect(shown.map((l) => l.replace(/^  rejected: .*?:(\d+): .*$/, "$1"))).toEqual(["3", "4", "5", "6", "7", "  … and 1 more"]);
  });

  it("rejects a CDR row given twice as a duplicate and keeps a second leg of one uniqueid as stint 2, with a note (hostile finding 3)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-dup-"));
    const f = join(dir, "dup.csv");
    const lines = readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n");
    // Header, call .1, call .1 again (the same row), a second leg of .1 (another dstchannel, 45 s at 09:10), call .2.
    const leg2 = lines[1]!.replace("SIP/trunk-00000002", "SIP/trunk-00000009").replace("2026-10-05 09:00:00,192,180", "2026-10-05 09:10:00,45,40");
    writeFileSync(f, [lines[0], lines[1], lines[1], leg2, lines[2]].join("\n") + "\n");
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    expect(c).toMatchObject({ lines_read: 5, used: 3, ignored: 1, rejected: 1, notes: { repeated_cdr_ids: 1 } });
    expect((await store.query<{ reason: string }>("SELECT reason FROM rejects"))[0]!.reason).toMatch(/dup\.csv:3: field 'uniqueid': duplicate of line 2 \(the same row\)/);
    // Before, both copies were counted: 4 outbound stints, two of them identical.
    expect(await store.query("SELECT call_id, stint_no::INT AS stint_no, talk_s FROM call_stints ORDER BY call_id, stint_no")).toEqual([
      { call_id: "1791180000.1", stint_no: 1, talk_s: 180 }, { call_id: "1791180000.1", stint_no: 2, talk_s: 40 }, { call_id: "1791180000.2", stint_no: 1, talk_s: null },
    ]);
    store.close();
  });

  it("notes CDR local times in a DST gap or a repeated hour and rows with cells past the layout (hostile findings 4 and 6)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-dst-"));
    const f = join(dir, "dst.csv");
    const row = (id: number, calldate: string, extra = "") =>
      `${id},100,"x <201>",201,0612345678,default,SIP/201-1,SIP/trunk-2,Dial,SIP/trunk/0612345678,${calldate},30,0,0,NO ANSWER,DOCUMENTATION,,1791180000.${id},${extra}`;
    // Europe/Rome: 2026-03-29 02:00 → 03:00 (02:30 does not exist), 2026-10-25 03:00 → 02:00 (02:30 happens twice).
    writeFileSync(f, [row(1, "2026-03-29 02:30:00"), row(2, "2026-10-25 02:30:00"), row(3, "2026-10-25 12:00:00", ",surplus")].join("\n") + "\n");
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { format: "pbxware-cdr", sourceTimeZone: "Europe/Rome" });
    expect(c).toMatchObject({ used: 3, rejected: 0, notes: { local_times_in_dst_gap: 1, repeated_local_times: 1, rows_with_extra_fields: 1 } });
    // The gap time is shifted forward by the hour (03:30 CEST = 01:30 UTC); the repeated one is the earlier (02:30 CEST = 00:30 UTC).
    expect((await store.query<{ e: number }>(STINTS)).map((s) => s.e)).toEqual([
      Date.parse("2026-03-29T01:30:00Z"), Date.parse("2026-10-25T00:30:00Z"), Date.parse("2026-10-25T11:00:00Z"),
    ]);
    store.close();
  });

  it("reads a quoted CDR cell holding a line break as one record, the next line counted as its continuation (hostile finding 5)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-nl-"));
    const f = join(dir, "nl.csv");
    const lines = readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n");
    // The caller name of call .1 spans two lines; a stray quote in call .2's name never balances and stays one line.
    const split = lines[1]!.replace('"""Agent One"" <201>"', '"""Agent\nOne"" <201>"');
    const stray = lines[2]!.replace('"""Agent Two"" <202>"', '"Agent Two <202>');
    writeFileSync(f, [lines[0], split, stray, lines[3]].join("\n") + "\n");
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    // 5 lines = header + call .1 (2 lines) + call .2 (stray quote: rejected alone, not joined with the line after it)
    // + call .3 (inbound); the split record was 2 rejects.
    expect(c).toMatchObject({ lines_read: 5, used: 1, ignored: 3, rejected: 1, ignored_by_rule: { header: 1, continuation_line: 1, inbound_cdr: 1 } });
    expect(c!.lines_read).toBe(c!.used + c!.ignored + c!.rejected);
    expect(await store.query("SELECT line::INT AS line FROM rejects")).toEqual([{ line: 4 }]);
    expect(await store.query("SELECT call_id, talk_s FROM call_stints ORDER BY call_id")).toEqual([{ call_id: "1791180000.1", talk_s: 180 }]);
    store.close();
  });

  it("checks an Asterisk CDR row's stamps against each other and its durations, reads a call across the fall-back in order, notes DST once per kept row (hostile findings 2-6, session 11)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-times-"));
    const f = join(dir, "Master.csv");
    // Asterisk cdr_csv layout: start, answer, end, duration, billsec at cells 10-14.
    const row = (id: number, start: string, answer: string, end: string, duration: number | string, billsec: number, src = "201") =>
      `"","${src}","0612345678","from-internal","","SIP/201-1","SIP/trunk-2","Dial","SIP/trunk/0612345678","${start}","${answer}","${end}",${duration},${billsec},"${answer ? "ANSWERED" : "NO ANSWER"}",3,"1791180000.${id}",""`;
    writeFileSync(f, [
      // 1: across the fall-back (Europe/Rome, 2026-10-25 03:00 CEST → 02:00 CET): start 02:50 CEST = 00:50Z, answer 02:55 CEST
      //    = 00:55Z, end 02:10 — its earlier reading (00:10Z) is before the start, its later one (02:10 CET = 01:10Z) is 20 min on.
      row(1, "2026-10-25 02:50:00", "2026-10-25 02:55:00", "2026-10-25 02:10:00", 1200, 900),
      // 2: end 31 days after start, across the fall-back of 25 October: 31 × 86,400 + 3,600 = 2,682,000 s, over 30 days.
      row(2, "2026-10-01 10:00:00", "", "2026-11-01 10:00:00", 2678400, 0),
      // 3: answer after the end.
      row(3, "2026-10-05 10:00:00", "2026-10-05 10:05:00", "2026-10-05 10:01:00", 60, 0),
      // 4: billsec 500 > end − answer = 48 s.
      row(4, "2026-10-05 11:00:00", "2026-10-05 11:00:12", "2026-10-05 11:01:00", 60, 500),
      // 5: duration 9999 against end − start = 60 s.
      row(5, "2026-10-05 12:00:00", "2026-10-05 12:00:12", "2026-10-05 12:01:00", 9999, 48),
      // 6: duration not whole seconds.
      row(6, "2026-10-05 13:00:00", "", "2026-10-05 13:00:30", "3e9", 0),
      // 7: start in the spring-forward gap (2026-03-29 02:30 does not exist in Rome), end 03:10 CEST = 01:10Z: the start's
      //    forward reading (01:30Z) is after the end, its other reading (02:30 CET = 00:30Z) 40 minutes before it.
      row(7, "2026-03-29 02:30:00", "", "2026-03-29 03:10:00", 2400, 0),
      // 8: a rejected row in the repeated hour earns no note (billsec 62 > end − start 60 s + 1 s of rounding slack).
      row(8, "2026-10-25 02:20:00", "", "2026-10-25 02:21:00", 60, 62),
      // 9: row 1 again with spaces around a cell: the same row (trimmed cells), a duplicate of line 1.
      row(1, " 2026-10-25 02:50:00", "2026-10-25 02:55:00", "2026-10-25 02:10:00", 1200, 900),
      "",
    ].join("\n"));
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    // Hand count: 9 rows; kept 1 and 7; rejected 2, 3, 4, 5, 6, 8 and the padded copy of 1.
    expect(c).toMatchObject({ format: "asterisk-cdr", lines_read: 9, used: 2, rejected: 7 });
    // One note per kept row: row 1 has three stamps in the repeated hour (was counted 3 times, and row 8's too); row 7 one in the gap.
    expect(c!.notes).toMatchObject({ repeated_local_times: 1, local_times_in_dst_gap: 1 });
    const reasons = (await store.query<{ reason: string }>("SELECT reason FROM rejects ORDER BY line")).map((r) => r.reason.replace(/^.*?:(\d+): /, "$1: "));
    expect(reasons).toEqual([
      "2: field 'end': end − start is 2682000 s, more than 30 days (2592000 s)",
      "3: field 'answer': answer is not between start and end",
      "4: field 'billsec': billsec (500) exceeds end − answer (48 s)",
      "5: field 'duration': duration (9999) disagrees with end − start (60 s)",
      "6: field 'duration': duration must be whole seconds, got '3e9'",
      "8: field 'billsec': billsec (62) exceeds end − start (60 s) (a stamp falls in the repeated hour of a DST change in Europe/Rome)",
      "9: field 'uniqueid': duplicate of line 1 (the same row)",
    ]);
    expect(await store.query(STINTS)).toEqual([
      { call_id: "1791180000.1", agent: "201", caller: "0612345678", outcome: "answered", e: Date.parse("2026-10-25T00:50:00Z"), a: Date.parse("2026-10-25T00:55:00Z"), x: Date.parse("2026-10-25T01:10:00Z"), ring_s: 300, talk_s: 900 },
      { call_id: "1791180000.7", agent: "201", caller: "0612345678", outcome: "not_connected", e: Date.parse("2026-03-29T00:30:00Z"), a: null, x: Date.parse("2026-03-29T01:10:00Z"), ring_s: 2400, talk_s: null },
    ]);
    store.close();
  });

  it("reads fall-back stamps as duration says, rejects billsec and disposition contradicting the stamps, and a call given twice with other cells (hostile findings, session 12)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-dst2-"));
    const f = join(dir, "Master.csv");
    const row = (id: string, start: string, answer: string, end: string, duration: number, billsec: number, disposition = "ANSWERED", amaflags = "3", last = ',""') =>
      `"","201","0612345678","from-internal","","SIP/201-1","SIP/trunk-2","Dial","SIP/trunk/0612345678,60","${start}","${answer}","${end}",${duration},${billsec},"${disposition}",${amaflags},"${id}"${last}`;
    // Europe/Rome, 2025-10-26: 03:00 CEST → 02:00 CET, so 02:00–02:59 happens at 00:xxZ and again at 01:xxZ.
    writeFileSync(f, [
      row("a1", "2025-10-26 02:50:00", "2025-10-26 02:50:10", "2025-10-26 02:10:00", 1200, 1190), // 00:50Z → 01:10Z, 20 min
      row("a2", "2025-10-26 02:10:00", "2025-10-26 02:10:10", "2025-10-26 02:20:00", 4200, 4190), // 00:10Z → 01:20Z, 70 min (not 10)
      row("a4", "2025-10-26 01:50:00", "2025-10-26 01:50:10", "2025-10-26 02:10:00", 4800, 4790), // 23:50Z → 01:10Z, 80 min (not 20)
      row("a5", "2025-03-30 02:30:00", "2025-03-30 02:30:10", "2025-03-30 03:05:00", 300, 290), // gap start: 35 or −25 min, never 5: rejected
      row("b1", "2026-10-05 09:00:00", "2026-10-05 09:00:12", "2026-10-05 09:03:12", 192, 5), // billsec 5 against 180 s of answer → end
      row("b2", "2026-10-05 09:00:00", "", "2026-10-05 09:03:12", 192, 150), // ANSWERED, billsec 150, no answer stamp
      row("b3", "2026-10-05 09:00:00", "2026-10-05 09:00:12", "2026-10-05 09:03:12", 192, 180, "NO ANSWER"), // answered by the dialplan, Dial unanswered: kept, not connected, noted
      row("c1", "2026-10-05 10:00:00", "2026-10-05 10:00:12", "2026-10-05 10:03:12", 192, 180),
      row("c1", "2026-10-05 10:00:00", "2026-10-05 10:00:12", "2026-10-05 10:03:12", 192, 180, "ANSWERED", "3", ""), // no userfield cell
      row("c1", "2026-10-05 10:00:00", "2026-10-05 10:00:12", "2026-10-05 10:03:12", 192, 180, "ANSWERED", '"DOCUMENTATION"'), // other amaflags
      row("b4", "2026-10-05 11:00:00", "", "2026-10-05 11:00:30", 30, 0), // ANSWERED without an answer stamp
      "",
    ].join("\n"));
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    // Hand count: kept a1, a2, a4, b3, c1 (line 8); rejected a5, b1, b2, the two copies of c1 and b4.
    expect(c).toMatchObject({ lines_read: 11, used: 5, rejected: 6, notes: { unanswered_with_answer_stamp: 1 } });
    expect(c!.notes.repeated_cdr_ids).toBeUndefined();
    const reasons = (await store.query<{ reason: string }>("SELECT reason FROM rejects ORDER BY line")).map((r) => r.reason.replace(/^.*?:(\d+): /, "$1: "));
    expect(reasons).toEqual([
      "4: field 'billsec': billsec (290) is shorter than end − answer (2090 s) (a stamp falls in a DST gap of Europe/Rome)", // 35 min − 10 s
      "5: field 'billsec': billsec (5) is shorter than end − answer (180 s)",
      "6: field 'billsec': billsec (150) without an answer stamp",
      "9: field 'uniqueid': duplicate of line 8 (the same call, times and parties)",
      "10: field 'uniqueid': duplicate of line 8 (the same call, times and parties)",
      "11: field 'disposition': disposition ANSWERED without an answer stamp",
    ]);
    const spans = await store.query<{ call_id: string; e: number; x: number; talk_s: number }>("SELECT call_id, epoch_ms(entered_at) AS e, epoch_ms(ended_at) AS x, talk_s FROM call_stints ORDER BY call_id");
    expect(spans.map((s) => [s.call_id, new Date(Number(s.e)).toISOString().slice(11, 16), (Number(s.x) - Number(s.e)) / 60_000, s.talk_s])).toEqual([
      ["a1", "00:50", 20, 1190], ["a2", "00:10", 70, 4190], ["a4", "23:50", 80, 4790], ["b3", "07:00", 3.2, null], ["c1", "08:00", 3.2, 180],
    ]);
    store.close();
  });

  it("rejects the stints of a copied CDR file as duplicates, in one run (either order) or loaded later into a database (hostile finding 7, session 11)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-copy-"));
    const a = join(dir, "a.csv"), b = join(dir, "b.csv");
    writeFileSync(a, readFileSync(fixture("cdr/asterisk_master.csv")));
    writeFileSync(b, readFileSync(fixture("cdr/asterisk_master.csv")));
    // The fixture by hand: 3 outbound rows (lines 1, 2, 7), 1 bad start (line 5), 3 ignored. The copy b.csv (the path
    // sorting later, given first here) keeps nothing: its 3 outbound rows are duplicates of a.csv's. Before, 6 stints.
    const store = await openStore();
    const counts = await loadLogs(store, [b, a], { sourceTimeZone: "Europe/Rome" });
    expect(counts.map((c) => [c.source.endsWith("b.csv") ? "b" : "a", c.used, c.rejected, c.lines_read === c.used + c.ignored + c.rejected])).toEqual([["b", 0, 4, true], ["a", 3, 1, true]]);
    expect((await store.query<{ line: number; reason: string }>("SELECT line::INT AS line, reason FROM rejects WHERE source LIKE '%b.csv' ORDER BY line")).map((r) => [r.line, r.reason.replace(/^.*?:\d+: /, "")])).toEqual([
      [1, `field 'uniqueid': duplicate of call 1791180000.1 in '${a}' (the same times and parties)`],
      [2, `field 'uniqueid': duplicate of call 1791180000.2 in '${a}' (the same times and parties)`],
      [5, "field 'start': start must be a date-time YYYY-MM-DD HH:MM:SS, got 'yesterday'"],
      [7, `field 'uniqueid': duplicate of call 1791180000.6 in '${a}' (the same times and parties)`],
    ]);
    expect((await agentKpis(store)).map((r) => [r.agent, r.outbound_calls])).toEqual([["201", 1], ["202", 1], ["203", 1]]);
    store.close();
    // A database holding b.csv, then a.csv loaded on another day: a.csv's stints are the copy's (the database's are kept).
    const db = join(dir, "cdr.duckdb");
    const s1 = await openStore(db);
    await loadLogs(s1, [b], { sourceTimeZone: "Europe/Rome" });
    const [later] = await loadLogs(s1, [a], { sourceTimeZone: "Europe/Rome" });
    expect([later!.used, later!.rejected]).toEqual([0, 4]);
    expect((await s1.query<{ n: number }>("SELECT count(*)::INT AS n FROM call_stints WHERE direction = 'outbound'"))[0]!.n).toBe(3);
    // Loading a.csv again replaces its own rows (a source is never its own duplicate): still 3 stints, none from a.csv.
    await loadLogs(s1, [a], { sourceTimeZone: "Europe/Rome" });
    expect((await s1.query<{ n: number }>("SELECT count(*)::INT AS n FROM call_stints WHERE direction = 'outbound'"))[0]!.n).toBe(3);
    // A newer export of b.csv without call .1 (its first line): a.csv's call .1, rejected as a duplicate of b.csv's, must
    // count again — a.csv is read again (helper-26 finding 1: call .1 was counted nowhere).
    writeFileSync(b, readFileSync(fixture("cdr/asterisk_master.csv"), "utf8").split("\n").slice(1).join("\n"));
    const notices = { earlier_sources: [], duplicate_paths: [], identical_content: [], reread_sources: [], stale_duplicates: [] } as LoadNotices;
    const again = await loadLogs(s1, [b], { sourceTimeZone: "Europe/Rome" }, notices);
    expect(notices.reread_sources).toEqual([[a, b]]);
    // Both in one run now, a.csv (the path sorting first) keeps its 3 calls; b.csv's 2 are its duplicates (+ the bad start).
    expect(again.map((c) => [c.source.endsWith("a.csv") ? "a" : "b", c.used, c.rejected])).toEqual([["b", 0, 3], ["a", 3, 1]]);
    expect(await s1.query("SELECT call_id, source FROM call_stints WHERE direction = 'outbound' ORDER BY call_id")).toEqual([
      { call_id: "1791180000.1", source: a }, { call_id: "1791180000.2", source: a }, { call_id: "1791180000.6", source: a },
    ]);
    // b.csv gone, a.csv loaded again: b.csv's duplicates of a.csv cannot be decided again, and the load says so.
    rmSync(b);
    const gone = { earlier_sources: [], duplicate_paths: [], identical_content: [], reread_sources: [], stale_duplicates: [] } as LoadNotices;
    await loadLogs(s1, [a], { sourceTimeZone: "Europe/Rome" }, gone);
    expect([gone.reread_sources, gone.stale_duplicates]).toEqual([[], [[b, a]]]);
    s1.close();
  });

  it("ignores a header repeated further down by rule and takes an answer of 0000-00-00 00:00:00 as none (hostile findings, session 11)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-hdr-"));
    const f = join(dir, "two_exports.csv");
    const lines = readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n");
    // Two PBXware exports concatenated: header, call .1, header again, call .2 → 2 used, 2 headers, nothing rejected.
    writeFileSync(f, [lines[0], lines[1], lines[0], lines[2]].join("\n") + "\n");
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    expect(c).toMatchObject({ lines_read: 4, used: 2, ignored: 2, rejected: 0, ignored_by_rule: { header: 2 } });
    // An Asterisk row from a MySQL backend: an unanswered call's answer is the zero date (was rejected as a bad date).
    const g = join(dir, "Master.csv");
    writeFileSync(g, `"","202","+390612345678","from-internal","","SIP/202-3","SIP/trunk-4","Dial","SIP/trunk/+390612345678,60","2026-10-05 10:00:00","0000-00-00 00:00:00","2026-10-05 10:00:30",30,0,"NO ANSWER",3,"1791180000.2",""\n`);
    store.close();
    // (A fresh store: in the one above, this row would be a duplicate of the PBXware export's call .2 — the same call.)
    const other = await openStore();
    const [d] = await loadLogs(other, [g], { sourceTimeZone: "Europe/Rome" });
    expect(d).toMatchObject({ format: "asterisk-cdr", used: 1, rejected: 0 });
    expect(await other.query(STINTS)).toEqual([{ call_id: "1791180000.2", agent: "202", caller: "+390612345678", outcome: "not_connected", e: at("10:00:00"), a: null, x: at("10:00:30"), ring_s: 30, talk_s: null }]);
    other.close();
  });

  it("keeps the rows after a stray quote in an unquoted cell: a join of lines is taken only when it is a well-quoted row (hostile finding 1, session 11)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-cdr-stray-"));
    const f = join(dir, "stray.csv");
    const lines = readFileSync(fixture("cdr/pbxware_cdr.csv"), "utf8").split("\n");
    // Calls .1 and .2 carry one stray quote each in an unquoted name cell: together the three lines
    // .1, .4, .2 balance their quotes, and were read as one record (calls .4 and .2 lost, no reject).
    const a = lines[1]!.replace('"""Agent One"" <201>"', "Tall 5'11\" guy <201>");
    const b = lines[2]!.replace('"""Agent Two"" <202>"', 'Short 12" screen <202>');
    writeFileSync(f, [lines[0], a, lines[4], b].join("\n") + "\n");
    const store = await openStore();
    const [c] = await loadLogs(store, [f], { sourceTimeZone: "Europe/Rome" });
    // Hand count: 4 lines = header + outbound .1 (answered, 180 s) + .4 (the fixture's billsec 20 > duration 10: its
    // own reject, on its own line) + outbound .2 (no answer).
    expect(c).toMatchObject({ lines_read: 4, used: 2, ignored: 1, rejected: 1, ignored_by_rule: { header: 1 } });
    expect(c!.ignored_by_rule.continuation_line).toBeUndefined();
    expect(await store.query("SELECT line::INT AS line, reason FROM rejects")).toEqual([{ line: 3, reason: expect.stringMatching(/billsec \(20\) exceeds duration \(10\)/) }]);
    expect(await store.query("SELECT call_id, caller, talk_s FROM call_stints ORDER BY call_id")).toEqual([
      { call_id: "1791180000.1", caller: "0612345678", talk_s: 180 }, { call_id: "1791180000.2", caller: "+390612345678", talk_s: null },
    ]);
    store.close();
  });
});
