/**
 * Input files on the bulk path: resolving and checking a path, fingerprinting, a pre-scan that
 * says whether DuckDB can read the file as it is, and a streaming line reader (gzip; LF, CRLF or
 * CR; UTF-8 or Windows-1252) that never holds more than one chunk of the file in memory.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { createGunzip } from "node:zlib";
import { createReadStream } from "node:fs";
import { MAX_LINE_BYTES } from "./queue_log_verbs.ts";
import { looksUtf16, UTF16_MESSAGE } from "./read_lines.ts";

/** An input that cannot be read as a log (missing, a directory, a device, UTF-16…). */
export class InputError extends Error {
  constructor(readonly path: string, why: string) {
    super(`Cannot read input '${path}': ${why}`);
    this.name = "InputError";
  }
}

/** What {@link inspectInput} found out about a file. */
export interface InputInfo {
  /** The path as given. */
  path: string;
  /** Its resolved real path: the identity of a source (two spellings of one file are one source). */
  real_path: string;
  bytes: number;
  gzip: boolean;
  /** Size and SHA-256 of the first and last MiB. */
  fingerprint: string;
  /** The first non-blank line (decoded), for format detection; `null` for an empty file. */
  first_line: string | null;
  /** The first record: the first line, with the lines after it while a quoted cell is open (a CDR caller name over two lines). */
  first_record: string | null;
}

const CHUNK = 8 << 20;
const MIB = 1 << 20;

/**
 * Resolves and checks an input path and reads what format detection and source identity need.
 *
 * @throws {InputError} when the file is missing, not a regular file (a directory, `/dev/zero`,
 *   a pipe), or UTF-16 encoded
 */
export async function inspectInput(path: string): Promise<InputInfo> {
  let real_path: string;
  try {
    real_path = realpathSync(path);
  } catch {
    throw new InputError(path, "no such file");
  }
  const st = statSync(real_path);
  if (st.isDirectory()) throw new InputError(path, "it is a directory");
  if (!st.isFile()) throw new InputError(path, "not a regular file (a device or a pipe); save it to a file first");
  const fd = openSync(real_path, "r");
  let head: Buffer;
  let tail: Buffer;
  try {
    head = Buffer.alloc(Math.min(MIB, st.size));
    readSync(fd, head, 0, head.length, 0);
    tail = Buffer.alloc(Math.min(MIB, st.size));
    readSync(fd, tail, 0, tail.length, Math.max(0, st.size - tail.length));
  } finally {
    closeSync(fd);
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const fingerprint = `${st.size}:${createHash("sha256").update(head).update(tail).digest("hex").slice(0, 32)}`;
  if (!gzip && looksUtf16(head)) throw new InputError(path, UTF16_MESSAGE);
  let first_line: string | null = null, first_record: string | null = null;
  const odd = (t: string) => (t.split('"').length - 1) % 2 === 1;
  try {
    let more = 0;
    for await (const l of readLines(real_path, { gzip, encoding: "windows-1252" })) {
      if (first_record !== null) {
        // A quoted cell holding line breaks: the first record goes on (at most 4 more lines).
        first_record += "\n" + l.text;
        if (!odd(first_record) || ++more >= 4) break;
        continue;
      }
      if (l.text.trim() !== "") {
        first_line = first_record = l.text.replace(/^\u00ef\u00bb\u00bf/, "");
        if (!odd(first_line)) break;
      }
    }
    if (first_record !== null && odd(first_record)) first_record = first_line;
  } catch (err) {
    if (gzip) throw new InputError(path, `its gzip data is truncated or corrupt (${(err as Error).message})`);
    throw err;
  }
  return { path, real_path, bytes: st.size, gzip, fingerprint, first_line, first_record };
}


/** Result of {@link prescanPlain}: can DuckDB's one-column reader take the file as it is? */
export interface Prescan {
  /** True when DuckDB can try the file as it is (LF line ends, no byte-order mark, no huge line). */
  direct: boolean;
  /** Why not, when not: `cr` (CRLF or CR line ends), `decoding` (a byte-order mark), `long_line`. */
  why: "cr" | "decoding" | "long_line" | null;
  /** A control character absent from the file (the one-column reader's delimiter); `null` if none is. */
  delimiter: string | null;
}

/** Control characters that may serve as the one-column reader's delimiter, in order of preference. */
const DELIMITERS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];

/**
 * Scans a plain (not gzip) file once, chunk by chunk with native byte searches, for what would
 * stop DuckDB's one-column reader from giving one row per physical line with the right text:
 * CR bytes (DuckDB ends a line at a CR too), a byte-order mark, a line longer than a chunk
 * (DuckDB's line limit is {@link DUCKDB_MAX_LINE}); and picks a delimiter absent from the file.
 * UTF-8 validity is left to DuckDB's reader (the caller reads again from a decoded copy when it
 * refuses the bytes). Memory: one chunk.
 */
export function prescanPlain(real_path: string): Prescan {
  const fd = openSync(real_path, "r");
  const buf = Buffer.alloc(CHUNK);
  let why: Prescan["why"] = null;
  let soh = false;
  let sinceLf = 0;
  try {
    const size = fstatSync(fd).size;
    for (let pos = 0; pos < size && why === null;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n <= 0) break;
      const b = n === CHUNK ? buf : buf.subarray(0, n);
      if (pos === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) why = "decoding";
      if (why === null && b.indexOf(13) >= 0) why = "cr";
      if (!soh && b.indexOf(1) >= 0) soh = true;
      const first = b.indexOf(10);
      if (first < 0) sinceLf += n;
      else {
        if (sinceLf + first > CHUNK) why ??= "long_line";
        sinceLf = n - 1 - b.lastIndexOf(10);
      }
      if (sinceLf > CHUNK) why ??= "long_line";
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return { direct: why === null, why, delimiter: soh ? absentControl(real_path) : "\u0001" };
}

/** The longest line DuckDB's reader is asked to take (beyond {@link prescanPlain}'s chunk). */
export const DUCKDB_MAX_LINE = 2 * CHUNK;

/** The first control character of {@link DELIMITERS} that a file does not contain, or `null`. */
export function absentControl(real_path: string): string | null {
  const present = new Set<number>();
  const fd = openSync(real_path, "r");
  const buf = Buffer.alloc(CHUNK);
  try {
    for (let pos = 0;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n <= 0) break;
      const b = n === CHUNK ? buf : buf.subarray(0, n);
      for (const c of DELIMITERS) if (!present.has(c) && b.indexOf(c) >= 0) present.add(c);
      if (present.size === DELIMITERS.length) return null;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  const c = DELIMITERS.find((c) => !present.has(c))!;
  return String.fromCharCode(c);
}

/** One physical line. `too_long` lines are cut to their first 200 characters. */
export interface InputLine {
  line: number;
  text: string;
  too_long?: boolean;
  /**
   * Set when the line's bytes were not valid UTF-8: decoded as Windows-1252, or, when valid UTF-8
   * multi-byte sequences stand beside the bad bytes, as UTF-8 with U+FFFD for them.
   */
  decoded?: "windows-1252" | "utf-8 with invalid bytes";
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  gzip?: boolean;
  /** `"utf-8"` (default: UTF-8 per line, Windows-1252 for a line that is not) or `"windows-1252"` (every line). */
  encoding?: "utf-8" | "windows-1252";
  /** Called with the number of input bytes read so far (compressed bytes for gzip). */
  onProgress?: (bytes: number) => void;
}

/**
 * Streams the physical lines of a file. Line ends: LF (a CR just before it is dropped); a file
 * whose first chunk has CR bytes but no LF uses old Mac CR line ends (CR, CRLF or LF end a line).
 * In an LF file a stray CR is data, never a line end, so line numbers are `wc -l`'s. A trailing
 * line end does not add an empty line; a leading byte-order mark is removed. Each line is decoded
 * on its own: UTF-8, or, when its bytes are not UTF-8, Windows-1252 (or UTF-8 with U+FFFD when
 * valid UTF-8 stands beside the bad bytes; `decoded` says which) — one stray byte never
 * re-decodes the rest of the file. A line longer than {@link MAX_LINE_BYTES} is
 * returned cut to 200 characters and flagged `too_long` (the rest is skipped), so a file without
 * line ends is never held whole. Memory: one chunk (1 MiB).
 *
 * Source: WHATWG Encoding Standard; RFC 1952 (gzip).
 */
export async function* readLines(real_path: string, options: ReadLinesOptions = {}): AsyncGenerator<InputLine> {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const cp1252 = new TextDecoder("windows-1252");
  const utf8Lenient = new TextDecoder("utf-8");
  const only1252 = options.encoding === "windows-1252";
  const raw = createReadStream(real_path, { highWaterMark: 1 << 20 });
  let read = 0;
  raw.on("data", (c) => {
    read += c.length;
    options.onProgress?.(read);
  });
  const stream = options.gzip ? raw.pipe(createGunzip()) : raw;
  let mode: "lf" | "cr" | null = null;
  let line = 0;
  let first = true;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let dropping = false;
  let skipLf = false;
  const decode = (b: Buffer): { text: string; decoded?: "windows-1252" | "utf-8 with invalid bytes" } => {
    if (only1252) return { text: cp1252.decode(b) };
    try {
      return { text: utf8.decode(b) };
    } catch {
      // Valid multi-byte UTF-8 beside the bad bytes: a UTF-8 line with a corrupt byte (shown as
      // U+FFFD); none: a Windows-1252 line.
      const lenient = utf8Lenient.decode(b);
      if (/[\u0080-\ufffc\ufffe\uffff]/.test(lenient)) return { text: lenient, decoded: "utf-8 with invalid bytes" };
      return { text: cp1252.decode(b), decoded: "windows-1252" };
    }
  };
  const make = (bytes: Buffer): InputLine => {
    line++;
    if (bytes.length > MAX_LINE_BYTES) {
      const { text, decoded } = decode(bytes.subarray(0, 1024));
      return { line, text: text.slice(0, 200), too_long: true, ...(decoded ? { decoded } : {}) };
    }
    const { text, decoded } = decode(bytes);
    if (text.length > MAX_LINE_BYTES) return { line, text: text.slice(0, 200), too_long: true };
    return decoded ? { line, text, decoded } : { line, text };
  };
  try {
    for await (const chunk0 of stream as AsyncIterable<Buffer>) {
      let chunk = chunk0;
      if (first && chunk.length > 0) {
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        first = false;
      }
      mode ??= chunk.indexOf(10) >= 0 ? "lf" : chunk.indexOf(13) >= 0 ? "cr" : null;
      const out: InputLine[] = [];
      let from = 0;
      if (skipLf && chunk[0] === 10) from = 1;
      skipLf = false;
      for (;;) {
        let i: number;
        if (mode === "cr") {
          const lf = chunk.indexOf(10, from), cr = chunk.indexOf(13, from);
          i = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        } else i = chunk.indexOf(10, from);
        if (i < 0) break;
        let end = i;
        if (mode !== "cr" && end > from && chunk[end - 1] === 13) end--;
        else if (mode !== "cr" && end === from && carryBytes > 0 && carry[carry.length - 1]![carry[carry.length - 1]!.length - 1] === 13) {
          const last = carry[carry.length - 1]!;
          carry[carry.length - 1] = last.subarray(0, last.length - 1);
          carryBytes--;
        }
        const piece = chunk.subarray(from, end);
        if (dropping) dropping = false;
        else out.push(make(carryBytes > 0 ? Buffer.concat([...carry, piece]) : piece));
        carry = [];
        carryBytes = 0;
        if (mode === "cr" && chunk[i] === 13) {
          if (i + 1 === chunk.length) skipLf = true;
          else if (chunk[i + 1] === 10) i++;
        }
        from = i + 1;
      }
      if (!dropping && from < chunk.length) {
        carry.push(chunk.subarray(from));
        carryBytes += chunk.length - from;
        if (carryBytes > MAX_LINE_BYTES * 4) {
          // A line with no end in sight: keep its start, skip the rest up to the next line end.
          out.push(make(Buffer.concat(carry)));
          carry = [];
          carryBytes = 0;
          dropping = true;
        }
      }
      yield* out;
    }
    if (carryBytes > 0 && !dropping) yield make(Buffer.concat(carry));
  } finally {
    raw.destroy();
  }
}

/** The start of a normalized line that stands for a line too long to keep. */
export const TOO_LONG_MARK = "\u0001TOO_LONG\u0001";

/**
 * Writes a normalized copy of a file for DuckDB's reader: UTF-8, one LF per physical line, the
 * same number of lines (as {@link readLines} counts them); a line too long to keep is replaced
 * by {@link TOO_LONG_MARK} and its first 200 characters; a CR inside a line becomes U+240D.
 *
 * @returns the numbers of lines decoded as Windows-1252 and as UTF-8 with invalid bytes
 */
export async function writeNormalized(real_path: string, out_path: string, options: ReadLinesOptions = {}): Promise<{ decoded_lines: number; invalid_utf8_lines: number }> {
  const fd = openSync(out_path, "w");
  let decoded_lines = 0, invalid_utf8_lines = 0;
  try {
    let buf: string[] = [];
    let size = 0;
    for await (const l of readLines(real_path, options)) {
      if (l.decoded === "windows-1252") decoded_lines++;
      else if (l.decoded) invalid_utf8_lines++;
      // DuckDB's reader ends a line at a CR too: a CR inside a line is written as U+240D (␍).
      const text = l.text.includes("\r") ? l.text.replaceAll("\r", "\u240d") : l.text;
      const t = l.too_long ? `${TOO_LONG_MARK}${text}` : text;
      buf.push(t);
      size += t.length;
      if (size > CHUNK) {
        writeSync(fd, buf.join("\n") + "\n");
        buf = [];
        size = 0;
      }
    }
    if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
  return { decoded_lines, invalid_utf8_lines };
}
