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
/** Bytes of the file's start compared on every poll. */
const HEAD = 256;
/** A line longer than this is cut (the parser rejects it as too long). */
const MAX_PENDING = 1 << 20;

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

  /** Reads to the end of the file into `into`; true when anything was read. */
  readAvailable(into: TailLine[], buf: Uint8Array, decoder: TextDecoder): boolean {
    let any = false;
    for (;;) {
      const n = readSync(this.fd, buf, 0, CHUNK, this.offset);
      if (n <= 0) return any;
      any = true;
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
        this.#emit(into, b.subarray(start, i), decoder);
        start = i + 1;
      }
      if (start < n) this.#hold(b.subarray(start));
      if (n < CHUNK) return any;
    }
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

  #emit(into: TailLine[], tail: Uint8Array, decoder: TextDecoder): void {
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
    into.push({ line: ++this.line, text: decoder.decode(bytes), file: this.file });
  }
}

/**
 * Follows a file by polling it: each {@link poll} returns the complete lines appended since the
 * previous one. A final line without its line end is held back until it is complete. CR before
 * LF is dropped. Bytes are decoded as UTF-8 (invalid bytes become U+FFFD and the line is kept).
 *
 * Rotation is noticed when the path's inode changes: the old file is read to its end first, and
 * then kept open and read on every poll until it has been quiet for `drain_ms` (a writer that has
 * not reopened the path yet still appends to it). Truncation is noticed when the file is shorter
 * than what was read, or when its first bytes changed (cut and written again between two polls):
 * it is read again from the start. A missing file is waited for (no lines, no error).
 *
 * Source: the behaviour of GNU `tail -F` (follow by name, retry).
 */
export class LogTail {
  #cur: OpenFile | null = null;
  /** The file rotated away, still read until it has been quiet for `drain_ms`. */
  #old: OpenFile | null = null;
  #files = 0;
  readonly #drainMs: number;
  readonly #buf = new Uint8Array(CHUNK);
  readonly #decoder = new TextDecoder("utf-8");

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
    return this.#old !== null;
  }

  /**
   * Reads what was appended since the last call.
   * @param now the clock (epoch ms) that times the draining of a rotated file
   */
  poll(now = Date.now()): TailRead {
    const out: TailRead = { lines: [], restart: null, restart_index: 0 };
    this.#drain(out.lines, now);
    let st: { ino: number; size: number } | null = null;
    try {
      const s = statSync(this.path);
      st = s.isFile() ? { ino: Number(s.ino), size: s.size } : null;
    } catch {
      st = null;
    }
    if (this.#cur !== null && st !== null && st.ino !== this.#cur.ino) {
      // Rotated: finish the old file, keep it for late lines, then start the new one.
      this.#cur.readAvailable(out.lines, this.#buf, this.#decoder);
      this.#old?.readAvailable(out.lines, this.#buf, this.#decoder);
      this.#old?.close();
      this.#old = this.#cur;
      this.#old.grew_at = now;
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
    this.#cur.readAvailable(out.lines, this.#buf, this.#decoder);
    return out;
  }

  /** Stops following (closes the files). */
  close(): void {
    this.#cur?.close();
    this.#old?.close();
    this.#cur = this.#old = null;
  }

  #drain(into: TailLine[], now: number): void {
    if (!this.#old) return;
    if (this.#old.readAvailable(into, this.#buf, this.#decoder)) this.#old.grew_at = now;
    else if (now - this.#old.grew_at >= this.#drainMs) {
      this.#old.close();
      this.#old = null;
    }
  }
}
