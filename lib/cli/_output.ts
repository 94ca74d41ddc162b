/**
 * Private: output files of the `qb` commands, checked before any work and written atomically.
 *
 * @module
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { safe, UsageError } from "./_common.ts";

/**
 * The file a path names: its real path; for a path that does not exist yet, the real path of
 * its folder joined with its name; a dangling symlink is followed to the (missing) file it points
 * at — DuckDB creates a `--db` through such a link.
 */
function realOrResolved(path: string, depth = 0): string {
  try {
    return realpathSync(path);
  } catch {
    const abs = resolve(path);
    try {
      if (depth < 8 && lstatSync(abs).isSymbolicLink()) return realOrResolved(resolve(dirname(abs), readlinkSync(abs)), depth + 1);
    } catch { /* does not exist at all */ }
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * Checks a file option (`--data`, `--config`, staffing `--input`) before it is read: it exists and
 * is a regular file (a directory, a device such as /dev/zero or a pipe is refused).
 *
 * @throws {UsageError} naming the option and the path
 */
export function checkInputFile(option: string, path: string): void {
  if (!existsSync(path)) throw new UsageError(`${option} '${safe(path)}': no such file`);
  const st = statSync(path);
  if (st.isDirectory()) throw new UsageError(`${option} '${safe(path)}' is a directory: give a file`);
  if (!st.isFile()) throw new UsageError(`${option} '${safe(path)}' is not a regular file (a device or a pipe); save it to a file first`);
}

/**
 * Checks an output path before a command loads anything: not a directory, and not one of the
 * command's inputs or its database (writing there would destroy them).
 *
 * @throws {UsageError} naming the path
 */
export function checkOutput(out: string, protect: { inputs?: readonly string[]; db?: string }, option = "--out"): void {
  if (out.trim() === "") throw new UsageError(`${option} is empty: give a file name such as 'out/report.html'`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UsageError(`Cannot create the folder of ${option} '${safe(out)}': ${(err as { code?: string }).code ?? (err as Error).message}`);
    }
  } else if (!statSync(dir).isDirectory()) throw new UsageError(`${option} '${safe(out)}': '${safe(dir)}' is not a folder`);
  if (existsSync(out) && !statSync(out).isDirectory() && !statSync(out).isFile()) {
    throw new UsageError(`${option} '${safe(out)}' is a device, a pipe or a socket, not a file: give a file name such as 'out/report.html'`);
  }
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`${option} '${safe(out)}' is a directory: give a file name such as '${safe(join(out, "report.html"))}'`);
  const target = realOrResolved(out);
  for (const input of protect.inputs ?? []) {
    if (realOrResolved(input) === target) throw new UsageError(`${option} '${safe(out)}' is also an input: it would overwrite '${safe(input)}'`);
  }
  if (protect.db && protect.db !== ":memory:") {
    const db = realOrResolved(protect.db);
    if (db === target) throw new UsageError(`${option} '${safe(out)}' is the --db database: it would overwrite it`);
    // DuckDB keeps a write-ahead log beside the database and deletes it on close.
    if (`${db}.wal` === target) throw new UsageError(`${option} '${safe(out)}' is the --db database's write-ahead log: DuckDB deletes it`);
  }
  // Before any long work: can a file be created beside the target (as writeFileAtomic will)?
  const probe = tempBeside(out);
  try {
    writeFileSync(probe, "", { flag: "wx" });
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw new UsageError(`Cannot write ${option} '${safe(out)}': ${ioWhy(err)}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** The temporary file beside `path` that {@link writeFileAtomic} writes before renaming. */
function tempBeside(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
}

/** A file-system error in words (its code translated; the message for other errors). */
function ioWhy(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === "ENOSPC") return "no space left on the device";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "the file system is read-only";
  if (code === "ENOENT") return "its folder does not accept new files";
  if (code === "ENOTDIR") return "a part of the path is not a folder";
  if (code === "EISDIR") return "it is a folder";
  return (err as Error).message;
}

/**
 * Writes a file atomically: to a temporary file beside the target, then renamed over it, so a
 * full disk or a kill never leaves a truncated file in place of the old one.
 *
 * @throws {Error} `Cannot write '…': …` (no space, no permission), the old file untouched
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(resolve(path));
  const tmp = tempBeside(path);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsageError(`Cannot write '${safe(path)}': ${ioWhy(err)}`);
  }
}
