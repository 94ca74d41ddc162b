/**
 * Private: a `--targets` file read for a command — checked, its accounting and first rejects on
 * stderr, `--strict` honoured.
 *
 * @module
 */
import process from "node:process";
import { readTargets, type Target } from "../ingest/mod.ts";
import { safe, UsageError } from "./_common.ts";
import { checkInputFile } from "./_output.ts";

/**
 * Reads `--targets`: prints `file (targets): lines = used + ignored + rejected` and the first five
 * rejects (line order) unless quiet.
 *
 * @throws {UsageError} for an unreadable file, with `strict` on a rejected row, or when no row is usable
 */
export function targetsOption(path: string, o: { quiet: boolean; strict: boolean }): Target[] {
  checkInputFile("--targets", path);
  const file = readTargets(path);
  if (!o.quiet) {
    const c = file.counts;
    process.stderr.write(`${safe(c.source)} (targets): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored + ${c.rejected} rejected\n`);
    for (const r of file.rejects.slice(0, 5)) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
    if (file.rejects.length > 5) process.stderr.write(`  … and ${file.rejects.length - 5} more\n`);
  }
  if (o.strict && file.rejects.length) throw new UsageError(`--strict: ${safe(file.rejects[0]!.reason)}`);
  if (file.rows.length === 0) throw new UsageError(`--targets '${safe(path)}' holds no usable target (${file.counts.rejected} rejected): nothing to evaluate`);
  return file.rows;
}
