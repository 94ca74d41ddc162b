/**
 * Regressions of the second hostile sweep of the load path (issue 9, session 3): each case is a
 * small reproduction with its hand-counted result.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { DuckDBInstance } from "@duckdb/node-api";
import { InputError, loadLogs, openStore, parseLogText, queueKpis, StoreOpenError } from "../../lib/mod.ts";
import { generateQueueLog } from "../../bench/gen_queue_log.ts";
import { ianaZone } from "../../lib/time/mod.ts";
import { fixture, ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-hostile2-"));
const T = 1_709_545_800;
const OUTCOMES = readFileSync(fixture("outcomes.queue_log"));

describe("load path, second hostile sweep", () => {
  it("reads a file whose name looks like a glob, and only that file", async () => {
    mkdirSync(join(dir, "glob"));
    writeFileSync(join(dir, "glob", "q[12].log"), OUTCOMES); // 11 lines, 5 offered (hand count)
    for (const other of ["q1.log", "q2.log"]) writeFileSync(join(dir, "glob", other), `${T}|x|other|NONE|ENTERQUEUE||1|1\n`.repeat(50));
    const store = await openStore();
    const [c] = await loadLogs(store, [join(dir, "glob", "q[12].log")]);
    expect(c).toMatchObject({ lines_read: 11, used: 11 });
    expect((await queueKpis(store, [])).map((r) => r.offered)).toEqual([5]);
    store.close();
  });

  it("refuses a DuckDB file that is not a queuebook database, leaving it untouched", async () => {
    const db = join(dir, "foreign.db");
    const inst = await DuckDBInstance.create(db);
    const con = await inst.connect();
    await con.run("CREATE TABLE calls (id INTEGER, note VARCHAR); INSERT INTO calls VALUES (1, 'a'), (2, 'b')");
    con.closeSync();
    inst.closeSync();
    await expect(openStore(db)).rejects.toThrow(StoreOpenError);
    await expect(openStore(db)).rejects.toThrow(/not a queuebook database \(it has tables calls/);
    const again = await DuckDBInstance.create(db);
    const c2 = await again.connect();
    expect((await c2.runAndReadAll("SELECT count(*) FROM calls")).getRows()[0]![0]).toBe(2n);
    c2.closeSync();
    again.closeSync();
  });

  it("decodes a UTF-8 line with a stray byte as UTF-8 (U+FFFD), never the whole file as Windows-1252", async () => {
    const path = join(dir, "u8.queue_log");
    writeFileSync(path, Buffer.concat([
      Buffer.from(`${T}|a|café|NONE|ENTERQUEUE||555|1\n`),
      Buffer.from(`${T + 1}|b|café|NONE|ENTERQUEUE||`), Buffer.from([0xff]), Buffer.from(`|1\n`),
      Buffer.from(`${T + 9}|a|café|NONE|ABANDON|1|1|9\n${T + 9}|b|café|NONE|ABANDON|1|1|8\n`),
    ]));
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    expect(c.notes.lines_with_invalid_utf8).toBe(1);
    expect(c.notes.lines_decoded_as_windows_1252).toBeUndefined();
    // Hand count: one queue 'café', 2 offered, 2 abandoned (not 'cafÃ©' for the UTF-8 lines).
    expect((await queueKpis(store, ["queue"])).map((r) => [r.queue, r.offered, r.abandoned])).toEqual([["café", 2, 2]]);
    store.close();
  });

  it("finds the format after more than 1,000 leading blank lines", async () => {
    const path = join(dir, "blank.queue_log");
    writeFileSync(path, Buffer.concat([Buffer.from("\n".repeat(1005)), OUTCOMES]));
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    expect(c).toMatchObject({ format: "asterisk", lines_read: 1016, used: 11, ignored: 1005 });
    expect((await queueKpis(store, [])).map((r) => r.offered)).toEqual([5]);
    store.close();
  });

  it("measures the line limit in bytes, as its message says, in a native log of multi-byte characters", async () => {
    const path = join(dir, "long_utf8.queue_log");
    // 40,000 × 'é' = 80,000 bytes in 40,000 characters: over the 65,536-byte limit. 30,000 × 'é' = 60,000 bytes: under it.
    writeFileSync(path, `${T}|u1|sales|NONE|ENTERQUEUE||${"é".repeat(40_000)}|1\n${T}|u2|sales|NONE|ENTERQUEUE||${"é".repeat(30_000)}|1\n`);
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    expect(c).toMatchObject({ lines_read: 2, used: 1, rejected: 1 });
    const rejects = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects");
    expect(rejects).toEqual([{ line: 1, reason: expect.stringContaining("line longer than 65536 bytes") }]);
    store.close();
  });

  it("rejects an over-long line of a CSV export instead of keeping it cut", async () => {
    const path = join(dir, "long.csv");
    const head = "time,callid,queuename,agent,event,data1,data2,data3,data4,data5";
    writeFileSync(path, `${head}\n${T},c1,sales,NONE,ENTERQUEUE,,555,1,,\n${T + 5},c1,sales,NONE,ABANDON,1,1,5,,${"x".repeat(100_000)}\n`);
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    expect(c).toMatchObject({ lines_read: 3, used: 1, ignored: 1, rejected: 1 });
    const [r] = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects");
    expect(r).toMatchObject({ line: 3, reason: expect.stringContaining("line longer than 65536 bytes") });
    store.close();
  });

  it("fails a forced format that fits no line, also Technion, and an undetectable format, with an InputError", async () => {
    const store = await openStore();
    await expect(loadLogs(store, [fixture("outcomes.queue_log")], { format: "technion" })).rejects.toThrow(/no line is usable as --format technion .* looks like 'asterisk'/);
    await expect(loadLogs(store, [fixture("outcomes.queue_log")], { format: "pbxware" })).rejects.toThrow(InputError);
    const junk = join(dir, "junk.log");
    writeFileSync(junk, "garbage first line\n");
    await expect(loadLogs(store, [junk])).rejects.toThrow(InputError);
    store.close();
  });

  it("names a truncated gzip input instead of a raw zlib error", async () => {
    const gz = gzipSync(Buffer.from(`${T}|a|sales|NONE|ENTERQUEUE||555|1\n`.repeat(20_000)));
    const path = join(dir, "trunc.queue_log.gz");
    writeFileSync(path, gz.subarray(0, gz.length >> 1));
    const store = await openStore();
    await expect(loadLogs(store, [path])).rejects.toThrow(/Cannot read input .*trunc\.queue_log\.gz': its gzip data is truncated or corrupt/);
    store.close();
  });

  it("loads a file holding every control character line by line instead of refusing it", async () => {
    const path = join(dir, "ctl.queue_log");
    const ctl = [...Array(32).keys()].filter((c) => c !== 0 && c !== 9 && c !== 10 && c !== 13).map((c) => String.fromCharCode(c));
    writeFileSync(path, `${T}|a|sales|NONE|ENTERQUEUE||555|1\n` + ctl.map((c) => `${T}|b${c}|sales|NONE|BOGUS${c}\n`).join(""));
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    // Hand count: 1 + 28 lines; an event name ending in a control character is not an upper-case name →
    // rejected, except VT and FF, which trimming removes like spaces: 'BOGUS', an unrecognized verb → ignored.
    expect(c).toMatchObject({ lines_read: 29, used: 1, ignored: 2, rejected: 26, ignored_by_rule: { "unrecognized_event:BOGUS": 2 } });
    store.close();
  });

  it("stops strict mode at the first bad line in file order, whichever step rejects it", async () => {
    const store = await openStore();
    // dup_concat: lines 6–10 repeat lines 1–5; line 6 (the second ENTERQUEUE) is the first bad one.
    await expect(loadLogs(store, [fixture("hostile/dup_concat.queue_log")], { strict: true })).rejects.toThrow(/dup_concat\.queue_log:6: /);
    expect((await store.query<{ n: number }>("SELECT count(*) AS n FROM call_stints"))[0]!.n).toBe(0); // nothing loaded
    store.close();
  });

  it("names the other file in a reject that points to a line there", async () => {
    const a = join(dir, "ra.queue_log"), b = join(dir, "rb.queue_log");
    writeFileSync(a, `${T}|r|sales|NONE|ENTERQUEUE||555|1\n`);
    writeFileSync(b, `${T + 1}|r|sales|NONE|ENTERQUEUE||555|1\n`);
    const store = await openStore();
    await loadLogs(store, [a, b]);
    const [r] = await store.query<{ reason: string }>("SELECT reason FROM rejects");
    expect(r!.reason).toContain(`already waiting in 'sales' since line 1 of '${a}'`);
    store.close();
  });

  it("takes no bare UTC offset for an IANA zone", () => {
    expect(() => ianaZone("+05:00")).toThrow(/Etc\/GMT-5/);
    expect(ianaZone("Etc/GMT-5").offset(0)).toBe(300);
  });

  it("exits 2 with a qb: message for a --db directory, and escapes bidi characters in JSON", () => {
    const qb = (...args: string[]) => spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8" });
    const r = qb("kpis", "--input", fixture("outcomes.queue_log"), "--db", dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^qb: error: Cannot open database '.*': it is a directory/m);
    const rlo = join(dir, "rlo.queue_log");
    writeFileSync(rlo, `${T}|a|sa\u202eles|NONE|ENTERQUEUE||555|1\n`);
    const j = qb("kpis", "--input", rlo, "--json", "--quiet");
    expect(j.stdout).toContain("sa\\u202eles");
    expect(JSON.parse(j.stdout)[0].queue).toBe("sa\u202eles");
  });
});

describe("third sweep", () => {
  it("names a gzip input broken in its first bytes", async () => {
    const gz = gzipSync(Buffer.from(`${T}|a|sales|NONE|ENTERQUEUE||555|1\n`));
    const path = join(dir, "head.queue_log.gz");
    writeFileSync(path, gz.subarray(0, 12));
    const store = await openStore();
    await expect(loadLogs(store, [path])).rejects.toThrow(/head\.queue_log\.gz': its gzip data is truncated or corrupt/);
    store.close();
  });

  it("refuses --out on a FIFO instead of replacing it with a file", () => {
    const fifo = join(dir, "pipe");
    spawnSync("mkfifo", [fifo]);
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "--input", fixture("outcomes.queue_log"), "--out", fifo], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is a device, a pipe or a socket");
  });

  it("refuses an --out where no file can be created before loading anything, in words (not a raw ENOENT)", () => {
    // /proc accepts no new files (open with O_CREAT fails with ENOENT): the message must say so before the load.
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "--input", fixture("outcomes.queue_log"), "--out", "/proc/qb-report.html"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("qb: error: Cannot write --out '/proc/qb-report.html': its folder does not accept new files\n");
  });
});

describe("fourth hostile sweep (issue 9 re-check)", () => {
  const qb = (...args: string[]) => spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: dir });

  it("refuses --out at the target of a dangling --db symlink, and at the database's write-ahead log", () => {
    symlinkSync("fresh.duckdb", join(dir, "link.duckdb"));
    const r = qb("report", "-i", fixture("outcomes.queue_log"), "--db", "link.duckdb", "-o", "fresh.duckdb");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is the --db database: it would overwrite it");
    const wal = qb("report", "-i", fixture("outcomes.queue_log"), "--db", "w.duckdb", "-o", "w.duckdb.wal");
    expect(wal.status).toBe(2);
    expect(wal.stderr).toContain("write-ahead log");
  });

  it("escapes control characters in the argument errors of the option parser", () => {
    const r = qb("erlang", "--calls", "1\u001b[2J", "--period-s", "1800", "--aht-s", "180", "--agents", "3");
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain("\u001b");
    expect(r.stderr).toContain("1\\u001b[2J");
  });

  it("rejects call events without a call id or a queue, the same in bulk and in memory", async () => {
    const path = join(dir, "ids.queue_log");
    writeFileSync(path, `${T}||sales|NONE|ENTERQUEUE||1|1\n${T}|n16||NONE|ENTERQUEUE||1|1\n${T + 1}|NONE|sales|NONE|ABANDON|1|1|1\n${T + 2}|ok|sales|NONE|ENTERQUEUE||1|1\n`);
    const store = await openStore();
    const [c] = await loadLogs(store, [path]);
    const rejects = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM rejects ORDER BY line");
    store.close();
    expect(c).toMatchObject({ lines_read: 4, used: 1, rejected: 3 });
    expect(rejects.map((r) => r.reason.replace(/^.*?:(\d+): /, "$1: "))).toEqual([
      "1: field 'callid': ENTERQUEUE needs a call id, got ''",
      "2: field 'queue': ENTERQUEUE needs a queue, got ''",
      "3: field 'callid': ABANDON needs a call id, got 'NONE'",
    ]);
    const parsed = parseLogText(readFileSync(path, "utf8"), c!.source);
    expect(parsed.rejects.map((r) => r.reason)).toEqual(rejects.map((r) => r.reason));
  });

  it("does not take the lines of a log concatenated with itself for clock steps", async () => {
    const one = join(dir, "gen_once.queue_log");
    generateQueueLog(300, one, 5);
    const twice = join(dir, "gen_twice.queue_log");
    writeFileSync(twice, Buffer.concat([readFileSync(one), readFileSync(one)]));
    const [a, b] = [await openStore(), await openStore()];
    await loadLogs(a, [one]);
    const [c] = await loadLogs(b, [twice]);
    expect(c!.notes.clock_steps_tolerated).toBeUndefined();
    expect(await queueKpis(b, ["queue"])).toEqual(await queueKpis(a, ["queue"]));
    a.close();
    b.close();
  });

  it("says an ENTERQUEUE logged after its own CONNECT is out of time order (not 'already waiting')", async () => {
    const path = join(dir, "late_enter.queue_log");
    writeFileSync(path, `${T + 60}|c3|sales|NONE|ENTERQUEUE||1|1\n${T}|c3|sales|Agent/a|CONNECT|0|c3.2|2\n${T + 110}|c3|sales|Agent/a|COMPLETECALLER|0|50|1\n`);
    const store = await openStore();
    await loadLogs(store, [path]);
    const [r] = await store.query<{ reason: string }>("SELECT reason FROM rejects");
    store.close();
    expect(r!.reason).toContain("ENTERQUEUE for call 'c3' logged after the call was answered in 'sales' (its stint began at line 2): out of time order");
  });

  it("refuses a demo --out that is empty, a device or under a file, in words", () => {
    for (const [out, message] of [["", "--out is empty"], ["/dev/null", "is a device, a pipe or a socket"], [join(dir, "ids.queue_log", "sub"), "a part of the path is not a folder"]]) {
      const r = qb("demo", "--days", "1", "--out", out!);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it("cuts very long names in terminal tables", () => {
    const path = join(dir, "longq.queue_log");
    writeFileSync(path, `${T}|l1|${"q".repeat(60_000)}|NONE|ENTERQUEUE||1|1\n${T + 5}|l1|${"q".repeat(60_000)}|NONE|ABANDON|1|1|5\n`);
    const r = qb("kpis", "-i", path, "-q");
    expect(r.status).toBe(0);
    expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThan(400);
    expect(r.stdout).toContain("q…");
  });
});
