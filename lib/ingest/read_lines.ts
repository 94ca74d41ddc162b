/**
 * Reading input files: plain or gzip-compressed; LF, CRLF or CR line ends; UTF-8 or, failing
 * that, Windows-1252.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

/** A decoded input and how it was decoded. */
export interface DecodedText {
  text: string;
  /** `"utf-8"`, or `"windows-1252"` when the bytes are not valid UTF-8. */
  encoding: "utf-8" | "windows-1252";
}

/**
 * Reads a file as text, gunzipping it when it starts with the gzip magic bytes. Bytes that are
 * not valid UTF-8 are decoded as Windows-1252 (the usual encoding of such exports) instead of
 * being replaced silently; the caller records which encoding was used.
 *
 * @throws {Error} when the file cannot be read, the gzip stream is corrupt or the text is UTF-16
 *   (message {@link UTF16_MESSAGE}: decoded as UTF-8 it would be NUL-ridden garbage)
 * Source: RFC 1952 (gzip magic bytes 0x1f 0x8b); WHATWG Encoding Standard.
 */
export function readText(path: string): DecodedText {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  if (looksUtf16(bytes)) throw new Error(UTF16_MESSAGE);
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

/**
 * Splits text into physical lines on LF, CRLF or a lone CR; a trailing line break does not add
 * an empty line. A leading byte-order mark is removed.
 *
 * @returns the lines, without line-end characters (1-based line n is `lines[n - 1]`)
 */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** What a UTF-16 input is told. */
export const UTF16_MESSAGE = "UTF-16 is not supported, convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)";

/**
 * Whether bytes look like UTF-16 text: a UTF-16 byte-order mark, or (without one) NUL bytes on
 * one parity of the first 4 KiB and text on the other (a file of NULs is not).
 */
export function looksUtf16(b: Uint8Array): boolean {
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return true;
  const zeros = [0, 0], n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) if (b[i] === 0) zeros[i % 2]!++;
  const half = n / 2;
  return n >= 16 && Math.max(zeros[0]!, zeros[1]!) > half * 0.6 && Math.min(zeros[0]!, zeros[1]!) < half * 0.1;
}
