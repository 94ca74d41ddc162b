/** LogTail: appended lines, partial lines, CRLF, rotation (a new file under the path) and truncation. */
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogTail } from "../../lib/mod.ts";

const dir = () => mkdtempSync(join(tmpdir(), "qb-tail-"));

describe("LogTail", () => {
  it("waits for a missing file, then returns whole lines only, numbered from 1", () => {
    const f = join(dir(), "queue_log");
    const t = new LogTail(f);
    expect(t.poll()).toEqual({ lines: [], restart: null, restart_index: 0, more: false });
    writeFileSync(f, "a|1\r\nb|2\npart");
    expect(t.poll().lines).toEqual([{ line: 1, text: "a|1", file: 0 }, { line: 2, text: "b|2", file: 0 }]);
    expect(t.poll().lines).toEqual([]);
    appendFileSync(f, "ial|3\n");
    expect(t.poll().lines).toEqual([{ line: 3, text: "partial|3", file: 0 }]);
    t.close();
  });

  it("reads the old file to its end on rotation, then the new file from line 1", () => {
    const d = dir();
    const f = join(d, "queue_log");
    writeFileSync(f, "1\n2\n");
    const t = new LogTail(f);
    expect(t.poll().lines.map((l) => l.text)).toEqual(["1", "2"]);
    appendFileSync(f, "3\n");
    renameSync(f, join(d, "queue_log.1")); // logrotate: move away, then a new file
    writeFileSync(f, "new1\n");
    const r = t.poll();
    expect(r.restart).toBe("rotated");
    expect(r.lines).toEqual([{ line: 3, text: "3", file: 0 }, { line: 1, text: "new1", file: 1 }]);
    expect(r.restart_index).toBe(1);
    t.close();
    rmSync(d, { recursive: true });
  });

  it("keeps reading a rotated file for lines its writer adds before reopening (logrotate create), until it is quiet", () => {
    const d = dir();
    const f = join(d, "queue_log");
    writeFileSync(f, "1\n");
    const t = new LogTail(f, { drain_ms: 1000 });
    expect(t.poll(0).lines.map((l) => l.text)).toEqual(["1"]);
    renameSync(f, join(d, "queue_log.1")); // logrotate create: moved away, a new empty file made
    writeFileSync(f, "");
    expect(t.poll(100)).toEqual({ lines: [], restart: "rotated", restart_index: 0, more: false });
    // Asterisk has not reopened yet: it still writes to the old file (by its open descriptor).
    appendFileSync(join(d, "queue_log.1"), "2 late\n");
    appendFileSync(f, "new1\n");
    expect(t.poll(600).lines).toEqual([{ line: 2, text: "2 late", file: 0 }, { line: 1, text: "new1", file: 1 }]);
    expect(t.draining).toBe(true);
    // Quiet for drain_ms since its last growth (600): let go; later writes to it are not read.
    expect(t.poll(1500).lines).toEqual([]);
    expect(t.draining).toBe(true);
    expect(t.poll(1600).lines).toEqual([]);
    expect(t.draining).toBe(false);
    appendFileSync(join(d, "queue_log.1"), "3 too late\n");
    appendFileSync(f, "new2\n");
    expect(t.poll(1700).lines).toEqual([{ line: 2, text: "new2", file: 1 }]);
    t.close();
    rmSync(d, { recursive: true });
  });

  it("drains every rotated file when a second rotation comes before the writer reopens the path", () => {
    const d = dir();
    const f = join(d, "queue_log");
    writeFileSync(f, "w1\n");
    const t = new LogTail(f, { drain_ms: 10_000 });
    expect(t.poll(0).lines.map((l) => l.text)).toEqual(["w1"]);
    renameSync(f, join(d, "q.A"));
    writeFileSync(f, "");
    t.poll(100);
    appendFileSync(join(d, "q.A"), "w2\n"); // the writer still holds q.A
    expect(t.poll(200).lines).toEqual([{ line: 2, text: "w2", file: 0 }]);
    renameSync(f, join(d, "q.B")); // a second rotation: the empty file moves away too
    writeFileSync(f, "");
    t.poll(300);
    appendFileSync(join(d, "q.A"), "w3\nw4\n"); // still the first file's writer
    appendFileSync(f, "n1\n");
    expect(t.poll(400).lines).toEqual([{ line: 3, text: "w3", file: 0 }, { line: 4, text: "w4", file: 0 }, { line: 1, text: "n1", file: 2 }]);
    t.close();
    rmSync(d, { recursive: true });
  });

  it("reads a large file in slices of at most 16 MiB, takes a last line without its end only when told it is final, and reads non-UTF-8 lines as Windows-1252", () => {
    const d = dir();
    const f = join(d, "queue_log");
    const line = "x".repeat(1023) + "\n"; // 1 KiB a line: 20 MiB = 20,480 lines
    writeFileSync(f, line.repeat(20_480));
    const t = new LogTail(f);
    const a = t.poll();
    expect(a.more).toBe(true);
    expect(a.lines).toHaveLength(16_384); // 16 MiB / 1 KiB
    const b = t.poll();
    expect(b.more).toBe(false);
    expect(b.lines).toHaveLength(4_096);
    expect(b.lines[0]!.line).toBe(16_385);
    appendFileSync(f, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café" in Windows-1252
    appendFileSync(f, "no end");
    const c = t.poll();
    expect(c.lines.map((l) => l.text)).toEqual(["café"]);
    expect(t.poll(Date.now(), true).lines.map((l) => l.text)).toEqual(["no end"]);
    t.close();
    rmSync(d, { recursive: true });
  });

  it("starts again from the beginning when the file is truncated (copytruncate)", () => {
    const f = join(dir(), "queue_log");
    writeFileSync(f, "old line one\nold line two\n");
    const t = new LogTail(f);
    t.poll();
    truncateSync(f, 0);
    appendFileSync(f, "x\n");
    const r = t.poll();
    expect(r.restart).toBe("truncated");
    expect(r.lines).toEqual([{ line: 1, text: "x", file: 1 }]);
    // Cut and written again longer than before between two polls: noticed by its first bytes.
    truncateSync(f, 0);
    appendFileSync(f, "a rewritten first line, longer than before\nsecond\n");
    const r2 = t.poll();
    expect(r2.restart).toBe("truncated");
    expect(r2.lines.map((l) => l.line)).toEqual([1, 2]);
    appendFileSync(f, "third\n");
    expect(t.poll()).toEqual({ lines: [{ line: 3, text: "third", file: 2 }], restart: null, restart_index: 0, more: false });
    t.close();
  });
});
