/**
 * Scratch folders under the system temporary folder, named after the process that owns them
 * (`<prefix><pid>…`), so that the folders of a process that was killed (SIGKILL runs no
 * cleanup) are found and removed by the next run.
 *
 * @module
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** True when process `pid` is alive (or owned by another user: never touched). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== "ESRCH";
  }
}

/**
 * Removes the scratch folders `<prefix><pid>` and `<prefix><pid>-…` of processes that no longer
 * run. Best effort: a folder that cannot be removed is left.
 *
 * @param prefix e.g. `"queuebook-load-"`
 * @returns the number of folders removed
 */
export function removeStaleScratch(prefix: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)(?:-|$)/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
      removed++;
    } catch { /* left for later */ }
  }
  return removed;
}

/**
 * The scratch folder path of this process for `prefix` (`<tmp>/<prefix><pid>`), after removing
 * those of dead processes. Not created.
 */
export function processScratchPath(prefix: string): string {
  removeStaleScratch(prefix);
  return join(tmpdir(), `${prefix}${process.pid}`);
}

/** Creates a fresh scratch folder `<tmp>/<prefix><pid>-XXXXXX`, after removing those of dead processes. */
export function makeScratchDir(prefix: string): string {
  removeStaleScratch(prefix);
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
}
