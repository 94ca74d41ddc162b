/**
 * Reading input files: plain or gzip-compressed, LF or CRLF line ends.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

/**
 * Reads a text file (gunzipping it when it starts with the gzip magic bytes) and splits it into
 * lines. A final empty line after the last line break is dropped; CR before LF is removed.
 *
 * @param path file path
 * @returns the lines, without line-end characters (1-based line n is `lines[n - 1]`)
 * @throws {Error} when the file cannot be read or the gzip stream is corrupt
 * Source: RFC 1952 (gzip magic bytes 0x1f 0x8b).
 */
export function readLines(path: string): string[] {
  return splitLines(readText(path));
}

/** Reads a file as UTF-8 text, gunzipping it when it is gzip-compressed. */
export function readText(path: string): string {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return new TextDecoder("utf-8").decode(bytes);
}

/** Splits text into lines on LF or CRLF; a trailing line break does not add an empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
