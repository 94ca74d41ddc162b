/**
 * Following a growing log file (`tail -F`): new complete lines as they are appended, through
 * rotation (the path now names a new file) and truncation (the file got shorter).
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

/** One complete line read from the followed file. */
export interface TailLine {
  /** 1-based line number in the file it was read from (a new file after rotation starts at 1). */
  line: number;
  text: string;
  /**
   * Which file the line came from: 0 for the first file followed, then 1, 2, … for each file
   * after a rotation or truncation (a rotated file's late lines keep its number).
   */
  file: number;
}

/** What one {@link LogTail.poll} found. */
export interface TailRead {
  /** The complete lines appended since the last poll, in file order (a rotated file's first). */
  lines: TailLine[];
  /**
   * `"rotated"` (the path names another file: the old file's last lines come first in `lines`,
   * then the new file's, numbered from 1), `"truncated"` (the same file got shorter: read again
   * from its start), or null.
   */
  restart: "rotated" | "truncated" | null;
  /** Lines of the new file start at this index of `lines` (0 unless `restart`). */
  restart_index: number;
  /** True when the poll stopped at its byte budget: more is waiting (poll again before rebuilding). */
  more: boolean;
}

/** Options of {@link LogTail}. */
export interface LogTailOptions {
  /**
   * After a rotation, the old file is still read for lines its writer appends before it reopens
   * the path (logrotate `create` before Asterisk's `logger reload`) until it has not grown for
   * this long (milliseconds, default 60 000).
   */
  drain_ms?: number;
}

/** Bytes read per system call. */
const CHUNK = 1 << 20;
/** Bytes one poll reads at most (a large file is read over several polls, in bounded memory). */
const POLL_BUDGET = 16 << 20;
/** Bytes of the file's start compared on every poll. */
const HEAD = 256;
/** A line longer than this is cut (the parser rejects it as too long). */
const MAX_PENDING = 1 << 20;

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const CP1252 = new TextDecoder("windows-1252");
/** A line's text: UTF-8, or Windows-1252 when it is not valid UTF-8 (as the bulk loader reads it). */
function decodeLine(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return CP1252.decode(bytes);
  }
}

/** One open file being read: position, line count, a held-back partial line, its first bytes. */
class OpenFile {
  offset = 0;
  line = 0;
  pending: Uint8Array[] = [];
  pendingBytes = 0;
  /** The first bytes of the file (up to {@link HEAD}), to notice a rewrite. */
  head = new Uint8Array(0);
  /** When the file last grew (epoch ms). */
  grew_at: number;

  constructor(readonly fd: number, readonly ino: number, public file: number, now: number) {
    this.grew_at = now;
  }

  /** Forgets what was read: the file is read again from its start under a new number. */
  restart(file: number): void {
    Object.assign(this, { offset: 0, line: 0, pending: [], pendingBytes: 0, head: new Uint8Array(0), file });
  }

  size(): number {
    return fstatSync(this.fd).size;
  }

  sameHead(): boolean {
    if (this.head.length === 0) return true;
    const now = new Uint8Array(this.head.length);
    const n = readSync(this.fd, now, 0, now.length, 0);
    return n === now.length && now.every((b, i) => b === this.head[i]);
  }

  /**
   * Reads towards the end of the file into `into`, at most `budget.bytes` (decremented).
   * @returns true when anything was read
   */
  readAvailable(into: TailLine[], buf: Uint8Array, budget: { bytes: number } = { bytes: Infinity }): boolean {
    let any = false;
    for (;;) {
      if (budget.bytes <= 0) return any;
      const n = readSync(this.fd, buf, 0, Math.min(CHUNK, budget.bytes), this.offset);
      if (n <= 0) return any;
      any = true;
      budget.bytes -= n;
      if (this.head.length < HEAD && this.offset < HEAD) {
        const head = new Uint8Array(Math.min(HEAD, this.offset + n));
        head.set(this.head.subarray(0, Math.min(this.head.length, this.offset)));
        head.set(buf.subarray(0, head.length - this.offset), this.offset);
        this.head = head;
      }
      this.offset += n;
      const b = buf.subarray(0, n);
      let start = 0;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
        this.#emit(into, b.subarray(start, i));
        start = i + 1;
      }
      if (start < n) this.#hold(b.subarray(start));
      if (n < Math.min(CHUNK, budget.bytes + n)) return any;
    }
  }

  /** Emits a held-back last line without its line end (the file is read for the last time). */
  flush(into: TailLine[]): void {
    if (this.pendingBytes > 0) this.#emit(into, new Uint8Array(0));
  }

  close(): void {
    closeSync(this.fd);
  }

  #hold(part: Uint8Array): void {
    if (this.pendingBytes >= MAX_PENDING) return;
    const keep = part.subarray(0, MAX_PENDING - this.pendingBytes);
    this.pending.push(keep.slice());
    this.pendingBytes += keep.length;
  }

  #emit(into: TailLine[], tail: Uint8Array): void {
    let bytes = tail;
    if (this.pending.length) {
      this.#hold(tail);
      bytes = new Uint8Array(this.pendingBytes);
      let k = 0;
      for (const p of this.pending) bytes.set(p, k), k += p.length;
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    into.push({ line: ++this.line, text: decodeLine(bytes), file: this.file });
  }
}

/**
 * Follows a file by polling it: each {@link poll} returns the complete lines appended since the
 * previous one. A final line without its line end is held back until it is complete. CR before
 * LF is dropped. Bytes are decoded as UTF-8 (invalid bytes become U+FFFD and the line is kept).
 *
 * Rotation is noticed when the path's inode changes: the old file is read to its end first, and
 * then kept open and read on every poll until it has been quiet for `drain_ms` (a writer that has
 * not reopened the path yet still appends to it; every rotated file is drained, however many
 * rotations come in that time). A poll reads at most 16 MiB (`more`), so a large file is taken in
 * slices. Lines that are not valid UTF-8 are read as Windows-1252, as the bulk loader reads them. Truncation is noticed when the file is shorter
 * than what was read, or when its first bytes changed (cut and written again between two polls):
 * it is read again from the start. A missing file is waited for (no lines, no error).
 *
 * Source: the behaviour of GNU `tail -F` (follow by name, retry).
 */
export class LogTail {
  #cur: OpenFile | null = null;
  /** Files rotated away, still read until each has been quiet for `drain_ms` (oldest first). */
  #old: OpenFile[] = [];
  #files = 0;
  readonly #drainMs: number;
  readonly #buf = new Uint8Array(CHUNK);

  /** @param path the file to follow (it may not exist yet) */
  constructor(readonly path: string, options: LogTailOptions = {}) {
    this.#drainMs = options.drain_ms ?? 60_000;
  }

  /** Bytes of the current file read so far. */
  get offset(): number {
    return this.#cur?.offset ?? 0;
  }

  /** True while a rotated file is still read for late lines. */
  get draining(): boolean {
    return this.#old.length > 0;
  }

  /**
   * Reads what was appended since the last call (at most 16 MiB: `more` says when to call again).
   * @param now the clock (epoch ms) that times the draining of rotated files
   * @param final the file is read for the last time (`--once`): a last line without its line end is taken too
   */
  poll(now = Date.now(), final = false): TailRead {
    const out: TailRead = { lines: [], restart: null, restart_index: 0, more: false };
    const budget = { bytes: POLL_BUDGET };
    this.#drain(out.lines, now, budget);
    let st: { ino: number; size: number } | null = null;
    try {
      const s = statSync(this.path);
      st = s.isFile() ? { ino: Number(s.ino), size: s.size } : null;
    } catch {
      st = null;
    }
    if (this.#cur !== null && st !== null && st.ino !== this.#cur.ino) {
      // Rotated: finish the old file (whole: its lines come before the new file's), keep it for late lines, then start the new one.
      this.#cur.readAvailable(out.lines, this.#buf);
      this.#cur.grew_at = now;
      this.#old.push(this.#cur);
      this.#cur = null;
      out.restart = "rotated";
      out.restart_index = out.lines.length;
    }
    if (this.#cur === null) {
      if (st === null) return out;
      let fd: number;
      try {
        fd = openSync(this.path, "r");
      } catch {
        return out;
      }
      this.#cur = new OpenFile(fd, Number(fstatSync(fd).ino), this.#files++, now);
    }
    // Shorter than what was read, or rewritten from the start (cut and regrown between two polls):
    // the first bytes no longer match those read.
    if (this.#cur.size() < this.#cur.offset || !this.#cur.sameHead()) {
      out.restart = "truncated";
      out.restart_index = out.lines.length;
      this.#cur.restart(this.#files++);
    }
    this.#cur.readAvailable(out.lines, this.#buf, budget);
    out.more = budget.bytes <= 0 && this.#cur.offset < this.#cur.size();
    if (final && !out.more) this.#cur.flush(out.lines);
    return out;
  }

  /** Stops following (closes the files). */
  close(): void {
    this.#cur?.close();
    for (const f of this.#old) f.close();
    this.#cur = null;
    this.#old = [];
  }

  #drain(into: TailLine[], now: number, budget: { bytes: number }): void {
    this.#old = this.#old.filter((f) => {
      if (f.readAvailable(into, this.#buf, budget)) f.grew_at = now;
      else if (now - f.grew_at >= this.#drainMs) {
        f.close();
        return false;
      }
      return true;
    });
  }
}
