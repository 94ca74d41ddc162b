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
 * @throws {Error} when the file cannot be read or the gzip stream is corrupt
 * Source: RFC 1952 (gzip magic bytes 0x1f 0x8b); WHATWG Encoding Standard.
 */
export function readText(path: string): DecodedText {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
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
