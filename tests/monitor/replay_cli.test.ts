/** `qb replay` pacing (replayLog) and `qb monitor` from the command line: --once --json contract, usage errors (exit 2). */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { replayLog } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const dir = () => mkdtempSync(join(tmpdir(), "qb-replay-"));

describe("replayLog", () => {
  it("writes the lines before the start at once and paces the rest by their times", async () => {
    const out = join(dir(), "out.log");
    // Times 0, 100, 3600, 7200 s; at speed 36,000 an hour of log is 0.1 s of replay.
    const lines = ["1000|a|q|NONE|ENTERQUEUE", "1100|b|q|NONE|ENTERQUEUE", "4600|c|q|NONE|ENTERQUEUE", "8200|d|q|NONE|ENTERQUEUE"];
    const seen: number[] = [];
    const t = performance.now();
    const n = await replayLog(lines, out, { speed: 36_000, start_at_ms: 1_100_000, tick_ms: 10, onProgress: (w) => seen.push(w) });
    const took = performance.now() - t;
    expect(n).toBe(4);
    expect(readFileSync(out, "utf8")).toBe(lines.join("\n") + "\n");
    expect(seen[0]).toBe(2); // the first two lines (up to the start) at once
    // 7,100 s of log after the start at 36,000× ≈ 0.2 s.
    expect(took).toBeGreaterThan(150);
    expect(took).toBeLessThan(5_000);
    await expect(replayLog(lines, out, { speed: 0 })).rejects.toThrow(RangeError);
  });
});

describe("qb monitor --once", () => {
  it("prints the /api/state document with the contract's keys", () => {
    const d = dir();
    const log = join(d, "queue_log");
    const t = 1794301200; // 2026-11-10T09:00:00Z
    writeFileSync(log, [
      `${t - 60}|NONE|sales|Agent/1|ADDMEMBER|`, `${t}|c1|sales|NONE|ENTERQUEUE||5551|1`, `${t + 5}|c1|sales|Agent/1|CONNECT|5|SIP/1|1`,
    ].join("\n") + "\n");
    // The last line has no line end: --once reads the file for the last time and takes it.
    writeFileSync(log, readFileSync(log, "utf8").replace(/\n$/, ""));
    const r = qb("monitor", "--follow", log, "--clock", "data", "--once", "--json", "-q");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.as_of).toBe("2026-11-10T09:00:05+00:00");
    expect(Object.keys(s.queues[0])).toEqual(expect.arrayContaining([
      "queue", "waiting", "longest_wait_s", "offered_today", "answered_today", "abandoned_today", "service_level_today", "service_level_30m",
      "agents_logged_in", "agents_available", "agents_paused",
    ]));
    expect(Object.keys(s.agents[0])).toEqual(expect.arrayContaining(["agent", "name", "session", "availability", "work", "pause_reason", "state_since", "queue", "calls_today"]));
    expect(s.queues[0]).toMatchObject({ queue: "sales", offered_today: 1, answered_today: 1, service_level_today: 1, agents_logged_in: 1 });
    expect(s.agents[0]).toMatchObject({ agent: "Agent/1", work: "talking", state_since: "2026-11-10T09:00:05+00:00", calls_today: 1 });
    expect(s.waiting).toEqual([]);
    expect(s.lines).toMatchObject({ lines_read: 3, used: 3 });
  });

  it("refuses bad options with a qb: message and exit 2", () => {
    const d = dir();
    const log = join(d, "queue_log");
    writeFileSync(log, "");
    for (const [args, message] of [
      [["--follow", d], /is not a regular file/],
      [["--follow", join(d, "missing", "queue_log")], /neither the file nor its folder exists/],
      [["--follow", log, "--reset-at", "25:00"], /--reset-at must be a local time HH:MM/],
      [["--follow", log, "--tz", "Mars/Olympus"], /--tz must be an IANA time zone/],
      [["--follow", log, "--port", "70000"], /--port must be a whole number/],
      [["--follow", log, "--targets", d], /--targets .* is a directory/],
    ] as const) {
      const r = qb("monitor", ...args, "--once");
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^qb: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/    at /); // no stack trace
    }
    // The same file under another name (a hard link, a symlink) is refused: it would be emptied.
    writeFileSync(log, "1794301200|c|q|NONE|ENTERQUEUE\n");
    linkSync(log, join(d, "hard"));
    symlinkSync(log, join(d, "soft"));
    for (const out of [log, join(d, "hard"), join(d, "soft")]) {
      const r = qb("replay", "--input", log, "--out", out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--out is the same file as --input/);
    }
    expect(readFileSync(log, "utf8")).toBe("1794301200|c|q|NONE|ENTERQUEUE\n");
    const empty = qb("replay", "--input", log, "--out", "");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--out is empty/);
    const e = qb("monitor", "--follow", "", "--once");
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/--follow is empty/);
    // A pipe is refused before it is opened (opening it would wait for a writer); --json needs --once.
    const fifo = join(d, "fifo");
    spawnSync("mkfifo", [fifo]);
    const pf = qb("monitor", "--follow", fifo, "--once");
    expect(pf.code).toBe(2);
    expect(pf.stderr).toMatch(/is not a regular file \(a directory, a device, a pipe\?\)/);
    const js = qb("monitor", "--follow", log, "--json");
    expect(js.code).toBe(2);
    expect(js.stderr).toMatch(/--json prints one snapshot: give it with --once/);
    const long = join(d, "long_token");
    writeFileSync(long, "a".repeat(1025));
    const lt = qb("monitor", "--follow", log, "--host", "0.0.0.0", "--token-file", long);
    expect(lt.code).toBe(2);
    expect(lt.stderr).toMatch(/16 to 1,024 printable ASCII characters/);
    // A token no HTTP header can carry (beyond printable ASCII) is refused at the start.
    const tf = join(d, "token");
    writeFileSync(tf, "pässwörd-that-is-long-enough\n");
    const nt = qb("monitor", "--follow", log, "--host", "0.0.0.0", "--token-file", tf);
    expect(nt.code).toBe(2);
    expect(nt.stderr).toMatch(/^qb: error: --token-file .* must hold one token of 16 to 1,024 printable ASCII characters/);
  });

  it("prints each reference file's accounting with its first rejects in line order and how many more, and names the zone", () => {
    const d = dir();
    const log = join(d, "queue_log");
    writeFileSync(log, "");
    const targets = join(d, "targets.csv");
    // Lines 2-8 are bad (a rate of 90, six negative targets), line 9 good.
    writeFileSync(targets, ["kpi,scope_type,scope,direction,target", "service_level,queue,sales,>=,90",
      ...["a", "b", "c", "d", "e", "f"].map((q) => `asa_s,queue,${q},<=,-1`), "asa_s,queue,sales,<=,30"].join("\n") + "\n");
    const r = qb("monitor", "--follow", log, "--targets", targets, "--once");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("qb monitor: times and the day boundary in UTC (give --tz");
    expect(r.stderr).toMatch(/targets\.csv: 9 lines read = 1 used \+ 1 ignored \+ 7 rejected/);
    const rejected = [...r.stderr.matchAll(/rejected: .*targets\.csv:(\d+): field/g)].map((m) => Number(m[1]));
    expect(rejected).toEqual([2, 3, 4, 5, 6]);
    expect(r.stderr).toContain("… and 2 more (the first 20 on the page)");
  });
});
