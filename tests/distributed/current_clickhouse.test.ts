/**
 * The distributed backend's SQL on a current ClickHouse (26.x, embedded by npm `chdb` in a Node
 * process): the same statements that run on Debian's 18.16 cluster in clickhouse.test.ts are
 * accepted by today's server and give DuckDB's queue, agent and service indicators on the demo
 * month, key for key (SCALE.md: "SQL restricted to the dialect that both accept").
 *
 * chdb (546 MB) is found at `QB_CHDB_PREFIX` or ~/.cache/queuebook-chdb (`npm install --prefix
 * DIR chdb@3.4.0`); `.ci/run` installs it. Without it the test is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  agentKpis, agentKpisOnCluster, buildDemoCenter, CH_TABLES, type ClickHouseQueries, clickHouseRowsSql, loadLogs, loadRoster, loadServices,
  openStore, queueKpis, queueKpisOnCluster, serviceKpis, serviceKpisOnCluster, sqlString, type Store, writeDemoCenter,
} from "../../lib/mod.ts";
import { expectSame, ROOT } from "../_helpers.ts";

function findChdb(): string | null {
  const prefix = process.env.QB_CHDB_PREFIX ?? join(homedir(), ".cache", "queuebook-chdb");
  if (existsSync(join(prefix, "node_modules", "chdb"))) return prefix;
  if (process.env.CI || process.env.QB_REQUIRE_CLICKHOUSE) throw new Error(`npm chdb is not installed at ${prefix}: .ci/run installs it (npm install --prefix ${prefix} chdb@3.4.0)`);
  console.warn(`npm chdb is not installed at ${prefix}: the current-ClickHouse dialect test is skipped`);
  return null;
}


const prefix = findChdb();
let dir: string, store: Store, server: ClickHouseQueries, version = "";

/** One Node process per job on a persistent chdb session folder. */
function run(session: string, job: { statements?: string[]; query?: string }): Record<string, unknown>[] {
  const r = spawnSync("node", [`${ROOT}scripts/chdb_query.mjs`, prefix!, session], { input: JSON.stringify(job), encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`chdb: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

beforeAll(async () => {
  if (!prefix) return;
  dir = mkdtempSync(join(tmpdir(), "qb-chdb-"));
  const files = writeDemoCenter(join(dir, "demo"), buildDemoCenter({ days: 28, seed: 42 }));
  store = await openStore();
  await loadLogs(store, [files.queue_log]);
  await loadRoster(store, files.roster);
  await loadServices(store, files.services);
  const session = join(dir, "session");
  const statements: string[] = [];
  for (const [name, t] of Object.entries(CH_TABLES)) {
    const file = join(dir, `${name}.json`);
    await store.exec(`COPY (${clickHouseRowsSql(name as keyof typeof CH_TABLES, "rome")}) TO ${sqlString(file)} (FORMAT json)`);
    const cols = t.columns.map(([c, type]) => `\`${c}\` ${type}`).join(", ");
    statements.push(`CREATE TABLE ${name} (${cols}) ENGINE = MergeTree ORDER BY tuple()`);
    if (existsSync(file)) statements.push(`INSERT INTO ${name} SELECT * FROM file('${file}', JSONEachRow, '${cols.replaceAll("'", "\\'")}')`);
  }
  version = String(run(session, { statements, query: "SELECT version() AS v" })[0]!.v);
  server = { table: (name) => name, query: async <T>(sql: string) => run(session, { query: sql }) as T[] };
}, 300_000);

afterAll(() => {
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(prefix === null)("the distributed SQL on a current ClickHouse (chdb)", () => {
  it("runs on a current release", () => {
    expect(Number(version.split(".")[0])).toBeGreaterThanOrEqual(24);
  });

  it("gives DuckDB's queue and agent indicators on the demo month", async () => {
    for (const o of [{ timeZone: "Europe/Rome", interval_minutes: 30 }, { timeZone: "UTC", interval_minutes: 15, sl_threshold_s: 30 }]) {
      for (const by of [["queue", "interval"], ["day"], []] as const) expectSame(await queueKpis(store, by, o), await queueKpisOnCluster(server, by, o, "rome"));
    }
    expectSame(await agentKpis(store), await agentKpisOnCluster(server, {}, "rome"));
  });

  it("gives DuckDB's service indicators in total, per agent, team and month", async () => {
    for (const by of [undefined, "agent", "team", "month"] as const) {
      expectSame(await serviceKpis(store, { timeZone: "Europe/Rome", by }), await serviceKpisOnCluster(server, store, { timeZone: "Europe/Rome", by }, "rome"));
    }
  });
}, 300_000);
