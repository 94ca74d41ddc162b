/**
 * Loads into a `--db` file are atomic and exclusive (issue 8; issue 9 item 1): a load killed by
 * SIGKILL midway leaves the database exactly as before and the next load succeeds; a second
 * process gets a clear "database in use" error (exit 2). Real child processes, really killed.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { loadLogs, openStore, queueKpis } from "../../lib/mod.ts";
import { generateQueueLog } from "../../bench/gen_queue_log.ts";
import { fixture, ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-atomic-"));
const deno = process.execPath;
const qb = (args: string[]) => spawn(deno, ["run", "-A", `${ROOT}lib/cli.ts`, ...args], { stdio: ["ignore", "pipe", "pipe"] });

/** Row counts of every table of a database file (the view `calls` included). */
async function tableCounts(db: string): Promise<Record<string, number>> {
  const store = await openStore(db);
  const names = await store.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' ORDER BY t");
  const out: Record<string, number> = {};
  for (const { t } of names) out[t] = Number((await store.query<{ n: number }>(`SELECT count(*) AS n FROM "${t}"`))[0]!.n);
  store.close();
  return out;
}

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
    const before = await tableCounts(db);
    const big = join(dir, "big.queue_log");
    const truth = generateQueueLog(200_000, big, 3);
    const child = qb(["kpis", "--input", big, "--db", db, "--quiet"]);
    // Mid-load: once the child's load has made its scratch folder (the load has begun), 0.5 s on; a
    // fixed 4 s from spawn killed a fast load after its commit, or a slow start before it opened the file.
    const started = Date.now();
    while (!readdirSync(tmpdir()).some((n) => n.startsWith(`queuebook-load-${child.pid}-`)) && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    // Exactly as before: the same tables (no scratch `stage_*` table left) with the same rows.
    expect(await tableCounts(db)).toEqual(before);
    expect(await offered(db)).toBe(5);
    const again = await openStore(db);
    await loadLogs(again, [big]);
    // The killed process could not clean up its scratch folders; this load removed them.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`queuebook-load-${child.pid}-`) || n === `queuebook-duckdb-${child.pid}`)).toEqual([]);
    const [q] = await queueKpis(again, []);
    again.close();
    expect(q!.offered).toBe(5 + truth.answered + truth.abandoned + truth.timeouts + truth.transferred);
  }, 180_000);

  it("drop the scratch tables of a load killed while staging when the file is opened again", async () => {
    const db = join(dir, "scratch.duckdb");
    const store = await openStore(db);
    await loadLogs(store, [fixture("outcomes.queue_log")]);
    // What a load killed during staging leaves: its staged rows in ordinary tables.
    await store.exec("CREATE TABLE stage_events AS SELECT * FROM events; CREATE TABLE stage_stints AS SELECT * FROM call_stints");
    store.close();
    const again = await openStore(db);
    const left = await again.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'stage%'");
    await loadLogs(again, [fixture("outcomes.queue_log")]);
    const [q] = await queueKpis(again, []);
    again.close();
    expect(left).toEqual([]);
    expect(q!.offered).toBe(5); // outcomes.queue_log by hand: 5 offered stints, loaded once
  }, 60_000);

  it("remove the scratch folders of dead processes, and only those", async () => {
    // Process ids that cannot be running: above the kernel's pid_max (4,194,304 at most).
    const dead = [join(tmpdir(), "queuebook-load-4999999-abc"), join(tmpdir(), "queuebook-duckdb-4999998")];
    const mine = join(tmpdir(), `queuebook-load-${process.pid}-kept`);
    const parent = join(tmpdir(), `queuebook-load-${process.ppid}-kept`);
    for (const d of [...dead, mine, parent]) mkdirSync(d, { recursive: true });
    const store = await openStore();
    await loadLogs(store, [fixture("outcomes.queue_log")]);
    store.close();
    const left = new Set(readdirSync(tmpdir()));
    expect(dead.map((d) => left.has(d.slice(tmpdir().length + 1)))).toEqual([false, false]);
    expect([mine, parent].map((d) => left.has(d.slice(tmpdir().length + 1)))).toEqual([true, true]);
    for (const d of [mine, parent]) rmSync(d, { recursive: true, force: true });
  });

  it("refuse a second process with 'database in use' and exit 2", async () => {
    const db = join(dir, "busy.duckdb");
    const store = await openStore(db);
    const r = spawnSync(deno, ["run", "-A", `${ROOT}lib/cli.ts`, "kpis", "--input", fixture("outcomes.queue_log"), "--db", db], { encoding: "utf8" });
    store.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`qb: error: Cannot open database '${db}': it is in use by another process`);
  }, 60_000);
});
