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
}

/** What one {@link LogTail.poll} found. */
export interface TailRead {
  /** The complete lines appended since the last poll, in file order. */
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

/** Bytes read per system call. */
const CHUNK = 1 << 20;
/** Bytes of the file's start compared on every poll. */
const HEAD = 256;
/** A line longer than this is cut (the parser rejects it as too long). */
const MAX_PENDING = 1 << 20;

/**
 * Follows a file by polling it: each {@link poll} returns the complete lines appended since the
 * previous one. A final line without its line end is held back until it is complete. CR before
 * LF is dropped. Bytes are decoded as UTF-8 (invalid bytes become U+FFFD and the line is kept).
 *
 * Rotation is noticed when the path's inode changes: the old file is read to its end first.
 * Truncation is noticed when the file is shorter than what was read, or when its first bytes
 * changed (cut and written again between two polls): it is read again from the start. A missing file is waited for (no lines, no error).
 *
 * Source: the behaviour of GNU `tail -F` (follow by name, retry).
 */
export class LogTail {
  #fd: number | null = null;
  #ino = -1;
  #offset = 0;
  #line = 0;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** The first bytes of the current file (up to {@link HEAD}), to notice a rewrite. */
  #head = new Uint8Array(0);
  readonly #buf = new Uint8Array(CHUNK);
  readonly #decoder = new TextDecoder("utf-8");

  /** @param path the file to follow (it may not exist yet) */
  constructor(readonly path: string) {}

  /** Bytes of the current file read so far. */
  get offset(): number {
    return this.#offset;
  }

  /** Reads what was appended since the last call. */
  poll(): TailRead {
    const out: TailRead = { lines: [], restart: null, restart_index: 0 };
    let st: { ino: number; size: number } | null = null;
    try {
      const s = statSync(this.path);
      st = s.isFile() ? { ino: Number(s.ino), size: s.size } : null;
    } catch {
      st = null;
    }
    if (this.#fd !== null && st !== null && st.ino !== this.#ino) {
      // Rotated: finish the old file, then start the new one.
      this.#readAvailable(out.lines);
      this.#close();
      out.restart = "rotated";
      out.restart_index = out.lines.length;
    }
    if (this.#fd === null) {
      if (st === null) return out;
      try {
        this.#fd = openSync(this.path, "r");
      } catch {
        return out;
      }
      this.#ino = Number(fstatSync(this.#fd).ino);
      this.#offset = 0;
      this.#line = 0;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#head = new Uint8Array(0);
    }
    const size = fstatSync(this.#fd).size;
    // Shorter than what was read, or rewritten from the start (cut and regrown between two polls):
    // the first bytes no longer match those read.
    if (size < this.#offset || !this.#sameHead()) {
      out.restart = "truncated";
      out.restart_index = out.lines.length;
      this.#offset = 0;
      this.#line = 0;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#head = new Uint8Array(0);
    }
    this.#readAvailable(out.lines);
    return out;
  }

  /** Stops following (closes the file). */
  close(): void {
    this.#close();
  }

  #close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#ino = -1;
  }

  #sameHead(): boolean {
    if (this.#head.length === 0) return true;
    const now = new Uint8Array(this.#head.length);
    const n = readSync(this.#fd!, now, 0, now.length, 0);
    return n === now.length && now.every((b, i) => b === this.#head[i]);
  }

  #readAvailable(into: TailLine[]): void {
    const fd = this.#fd!;
    for (;;) {
      const n = readSync(fd, this.#buf, 0, CHUNK, this.#offset);
      if (n <= 0) return;
      if (this.#head.length < HEAD && this.#offset < HEAD) {
        const head = new Uint8Array(Math.min(HEAD, this.#offset + n));
        head.set(this.#head.subarray(0, Math.min(this.#head.length, this.#offset)));
        head.set(this.#buf.subarray(0, head.length - this.#offset), this.#offset);
        this.#head = head;
      }
      this.#offset += n;
      const b = this.#buf.subarray(0, n);
      let start = 0;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
        this.#emit(into, b.subarray(start, i));
        start = i + 1;
      }
      if (start < n) this.#hold(b.subarray(start));
      if (n < CHUNK) return;
    }
  }

  #hold(part: Uint8Array): void {
    if (this.#pendingBytes >= MAX_PENDING) return;
    const keep = part.subarray(0, MAX_PENDING - this.#pendingBytes);
    this.#pending.push(keep.slice());
    this.#pendingBytes += keep.length;
  }

  #emit(into: TailLine[], tail: Uint8Array): void {
    let bytes = tail;
    if (this.#pending.length) {
      this.#hold(tail);
      bytes = new Uint8Array(this.#pendingBytes);
      let k = 0;
      for (const p of this.#pending) bytes.set(p, k), k += p.length;
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    into.push({ line: ++this.#line, text: this.#decoder.decode(bytes) });
  }
}
