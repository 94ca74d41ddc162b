/**
 * Loads into a `--db` file are atomic and exclusive (issue 8; issue 9 item 1): a load killed by
 * SIGKILL midway leaves the database exactly as before and the next load succeeds; a second
 * process gets a clear "database in use" error (exit 2). Real child processes, really killed.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { loadLogs, openStore, queueKpis } from "../../lib/mod.ts";
import { generateQueueLog } from "../../bench/gen_queue_log.ts";
import { fixture, ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-atomic-"));
const deno = process.execPath;
const qb = (args: string[]) => spawn(deno, ["run", "-A", `${ROOT}lib/cli.ts`, ...args], { stdio: ["ignore", "pipe", "pipe"] });

async function offered(db: string): Promise<number> {
  const store = await openStore(db);
  const [q] = await queueKpis(store, []);
  store.close();
  return q?.offered ?? 0;
}

describe("loads into a database file", () => {
  it("leave the database as it was when killed midway, and the next load succeeds", async () => {
    const db = join(dir, "kill.duckdb");
    const store = await openStore(db);
    await loadLogs(store, [fixture("outcomes.queue_log")]);
    store.close();
    // Hand count of outcomes.queue_log: 5 offered stints.
    expect(await offered(db)).toBe(5);
    const big = join(dir, "big.queue_log");
    const truth = generateQueueLog(200_000, big, 3);
    const child = qb(["kpis", "--input", big, "--db", db, "--quiet"]);
    await new Promise((r) => setTimeout(r, 4000)); // mid-load (the load of 200k calls takes longer)
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(await offered(db)).toBe(5);
    const again = await openStore(db);
    await loadLogs(again, [big]);
    const [q] = await queueKpis(again, []);
    again.close();
    expect(q!.offered).toBe(5 + truth.answered + truth.abandoned + truth.timeouts + truth.transferred);
  }, 180_000);

  it("refuse a second process with 'database in use' and exit 2", async () => {
    const db = join(dir, "busy.duckdb");
    const store = await openStore(db);
    const r = spawnSync(deno, ["run", "-A", `${ROOT}lib/cli.ts`, "kpis", "--input", fixture("outcomes.queue_log"), "--db", db], { encoding: "utf8" });
    store.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`qb: error: Cannot open database '${db}': it is in use by another process`);
  }, 60_000);
});
