/**
 * A private two-shard ClickHouse cluster for the distributed backend's tests, started with
 * `scripts/clickhouse_cluster.sh` on ports of its own and stopped by pid. Where
 * `clickhouse-server` is not installed the tests are skipped — except under CI (`CI` set), where
 * `.ci/run` installs it and sets `QB_REQUIRE_CLICKHOUSE`: a missing server is then an error, so the tests never silently skip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "./_helpers.ts";

export interface TestCluster {
  url: string;
  shard_urls: string[];
  cluster: string;
  stop(): void;
}

function serverInstalled(): boolean {
  if (["/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server"].some(existsSync)) return true;
  return spawnSync("sh", ["-c", "command -v clickhouse-server"]).status === 0;
}

/** Starts the cluster, or returns null (no server installed, not CI). @throws {Error} under CI without a server, or when it does not start */
export function startClickHouse(): TestCluster | null {
  if (!serverInstalled()) {
    if (process.env.CI || process.env.QB_REQUIRE_CLICKHOUSE) throw new Error("clickhouse-server is not installed: .ci/run installs Debian's clickhouse-server for these tests");
    console.warn("clickhouse-server is not installed: the ClickHouse tests are skipped (apt-get install -y clickhouse-server clickhouse-client)");
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), "qb-clickhouse-"));
  // Ports of its own: another test run or server on them makes the script refuse, and another base is tried.
  let base = 0, r: ReturnType<typeof spawnSync> | null = null;
  for (let attempt = 0; attempt < 6; attempt++) {
    base = 20000 + ((process.pid + attempt * 37) % 400) * 30;
    r = spawnSync("bash", [`${ROOT}scripts/clickhouse_cluster.sh`, "start", dir, String(base)], { encoding: "utf8" });
    if (r.status === 0 || !/already in use/.test(String(r.stderr))) break;
  }
  if (r!.status !== 0) throw new Error(`the test cluster did not start: ${r!.stderr || r!.stdout}`);
  const urls = [1, 2].map((n) => `http://127.0.0.1:${base + n}`);
  return {
    url: urls[0]!, shard_urls: urls, cluster: "qb",
    stop() {
      spawnSync("bash", [`${ROOT}scripts/clickhouse_cluster.sh`, "stop", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
