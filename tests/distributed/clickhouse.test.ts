/**
 * The distributed backend on a real two-shard ClickHouse 18.16 cluster (issue 14): the queue and
 * agent indicators of the demo month (Europe/Rome, crossing the 25 October fall-back) and of a
 * second center (America/New_York, crossing 1 November) equal DuckDB's key for key; hand-computed
 * DST intervals; loads replace a center's days and leave other centers alone; literals with
 * quotes, backslashes and control characters; `qb kpis --engine clickhouse`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";
import {
  agentKpis, agentKpisOnCluster, buildAgentStatesInStore, buildDemoCenter, loadSchedules, loadRoster, loadServices, serviceKpis, serviceKpisOnCluster, type ClickHouseBackend, loadIntoClickHouse, loadLogs, openClickHouse, openStore, queueKpis,
  queueKpisOnCluster, type Store, writeDemoCenter,
} from "../../lib/mod.ts";
import { startClickHouse, type TestCluster } from "../_clickhouse.ts";
import { expectSame, fixture, ROOT } from "../_helpers.ts";


const cluster: TestCluster | null = startClickHouse();
let dir: string, rome: Store, nyc: Store, ch: ClickHouseBackend, romeLog: string, nycLog: string;

beforeAll(async () => {
  if (!cluster) return;
  dir = mkdtempSync(join(tmpdir(), "qb-ch-"));
  const romeFiles = writeDemoCenter(join(dir, "rome"), buildDemoCenter({ days: 28, seed: 42 }));
  romeLog = romeFiles.queue_log;
  nycLog = writeDemoCenter(join(dir, "nyc"), buildDemoCenter({ days: 7, seed: 5, start_date: "2026-10-28", time_zone: "America/New_York" })).queue_log;
  rome = await openStore();
  await loadLogs(rome, [romeLog]);
  await loadRoster(rome, romeFiles.roster);
  await loadServices(rome, romeFiles.services);
  await loadSchedules(rome, romeFiles.schedules, { timeZone: "Europe/Rome" });
  await buildAgentStatesInStore(rome, { wrapup_by_queue: { sales: 30 } });
  nyc = await openStore();
  await loadLogs(nyc, [nycLog]);
  ch = await openClickHouse({ url: cluster.url, cluster: cluster.cluster, shard_urls: cluster.shard_urls, database: "qb_test" });
  await loadIntoClickHouse(ch, rome, "rome");
  await loadIntoClickHouse(ch, nyc, "nyc");
}, 300_000);

afterAll(async () => {
  await ch?.close();
  rome?.close();
  nyc?.close();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(cluster === null)("ClickHouse backend (two shards)", () => {
  it("spreads the stints over both shards, every stint of a call on one", async () => {
    const [{ n }] = await rome.query<{ n: number }>("SELECT count(*) AS n FROM call_stints") as [{ n: number }];
    // Each shard's own table, asked directly (18.16 has no _shard_num).
    const ask = async (u: string, q: string) => (await (await fetch(`${u}/?query=${encodeURIComponent(`${q} FORMAT TabSeparated`)}`)).text()).trim();
    const local = await Promise.all(cluster!.shard_urls.map((u) => ask(u, "SELECT count() FROM qb_test.call_stints_local WHERE center = 'rome'").then(Number)));
    expect(local.reduce((a, b) => a + b, 0)).toBe(Number(n));
    for (const k of local) expect(k).toBeGreaterThan(Number(n) * 0.4); // a hash splits 84k calls about evenly
    const ids = await Promise.all(cluster!.shard_urls.map((u) => ask(u, "SELECT DISTINCT call_id FROM qb_test.call_stints_local WHERE center = 'rome'").then((t) => new Set(t.split("\n")))));
    expect([...ids[0]!].filter((id) => ids[1]!.has(id))).toEqual([]);
  });

  it("gives DuckDB's queue indicators key for key: per queue and local interval (Rome, across the fall-back), per day, in total", async () => {
    for (const o of [{ timeZone: "Europe/Rome", interval_minutes: 30 }, { timeZone: "UTC", interval_minutes: 15, sl_threshold_s: 30, short_abandon_s: 10 }]) {
      for (const by of [["queue", "interval"], ["day"], []] as const) {
        const a = await queueKpis(rome, by, o), b = await queueKpisOnCluster(ch, by, o, "rome");
        expect(b.length).toBe(a.length);
        expectSame(a, b);
      }
    }
    // The demo is closed on Sunday 25 October: the intervals before it are CEST (+02:00), after it CET (+01:00).
    const hours = (await queueKpisOnCluster(ch, ["interval"], { timeZone: "Europe/Rome", interval_minutes: 60 }, "rome")).map((r) => r.interval_start!);
    expect(hours.filter((h) => h < "2026-10-25").every((h) => h.endsWith("+02:00"))).toBe(true);
    expect(hours.filter((h) => h > "2026-10-26").every((h) => h.endsWith("+01:00"))).toBe(true);
    expect(hours.some((h) => h.startsWith("2026-10-24"))).toBe(true);
    expect(hours.some((h) => h.startsWith("2026-10-26"))).toBe(true);
  });

  it("keeps a window and a sources filter, and the agent indicators with ring-no-answer from the agent events", async () => {
    const o = { timeZone: "Europe/Rome", from_ms: Date.UTC(2026, 9, 20), to_ms: Date.UTC(2026, 9, 27, 12), sources: [romeLog] };
    expectSame(await queueKpis(rome, ["queue", "day"], o), await queueKpisOnCluster(ch, ["queue", "day"], o, "rome"));
    const a = await agentKpis(rome), b = await agentKpisOnCluster(ch, {}, "rome");
    expect(a.some((r) => r.ring_no_answer > 0)).toBe(true);
    expectSame(a, b);
    expectSame(await agentKpis(rome, o), await agentKpisOnCluster(ch, o, "rome"));
    expect(await queueKpisOnCluster(ch, ["queue"], { sources: ["/nowhere/it's"] }, "rome")).toEqual([]);
  });

  it("gives DuckDB's service (case) indicators: in total, per agent, team (roster), month, and at an earlier snapshot", async () => {
    const [{ n }] = await rome.query<{ n: number }>("SELECT count(*) AS n FROM services") as [{ n: number }];
    expect(Number(n)).toBeGreaterThan(10_000);
    const cases = { timeZone: "Europe/Rome" };
    for (const by of [undefined, "agent", "team", "month"] as const) {
      const a = await serviceKpis(rome, { ...cases, by }), b = await serviceKpisOnCluster(ch, rome, { ...cases, by }, "rome");
      expect(b.length).toBe(a.length);
      expectSame(a, b);
    }
    const earlier = { timeZone: "Europe/Rome", by: "team" as const, at_ms: Date.UTC(2026, 9, 15, 9), from_ms: Date.UTC(2026, 9, 8), first_reply_target_min: 60 };
    const [a, b] = [await serviceKpis(rome, earlier), await serviceKpisOnCluster(ch, rome, earlier, "rome")];
    expect(a.some((r) => r.open_at_snapshot > 0)).toBe(true);
    expectSame(a, b);
  });

  it("holds the agent state segments as built, sharded by agent: seconds per agent and state equal", async () => {
    const q = "SELECT agent, state, count(*) AS n, round(sum(duration_s), 3) AS s FROM agent_states GROUP BY agent, state ORDER BY agent, state";
    const a = await rome.query<{ agent: string; state: string; n: number; s: number }>(q);
    const b = await ch.query<{ agent: string; state: string; n: number; s: number }>(
      "SELECT agent, state, count() AS n, round(sum(duration_s), 3) AS s FROM qb_test.agent_states WHERE center = 'rome' GROUP BY agent, state ORDER BY agent, state",
    );
    expect(a.length).toBeGreaterThan(60);
    expectSame(a.map((r) => ({ ...r, n: Number(r.n) })), b.map((r) => ({ ...r, n: Number(r.n), s: Number(r.s) })));
  });

  it("holds the second center apart (New York, across 1 November); every center together adds up", async () => {
    const o = { timeZone: "America/New_York", interval_minutes: 30 };
    expectSame(await queueKpis(nyc, ["queue", "interval"], o), await queueKpisOnCluster(ch, ["queue", "interval"], o, "nyc"));
    expectSame(await agentKpis(nyc), await agentKpisOnCluster(ch, {}, "nyc"));
    // All centers per UTC day = the two stores' counts summed here.
    const both = await queueKpisOnCluster(ch, ["day"], {}, null);
    const sum = new Map<string, number>();
    for (const s of [rome, nyc]) for (const r of await queueKpis(s, ["day"])) sum.set(r.day!, (sum.get(r.day!) ?? 0) + r.offered);
    expect(new Map(both.map((r) => [r.day!, r.offered]))).toEqual(sum);
  });

  it("replaces a center's days on a second load of the same data, leaving the other center as it was", async () => {
    const before = await queueKpisOnCluster(ch, ["queue"], {}, "nyc");
    await loadIntoClickHouse(ch, rome, "rome");
    const [{ n }] = await rome.query<{ n: number }>("SELECT count(*) AS n FROM call_stints") as [{ n: number }];
    const [{ m }] = await ch.query<{ m: number }>("SELECT count() AS m FROM qb_test.call_stints WHERE center = 'rome'") as [{ m: number }];
    expect(Number(m)).toBe(Number(n));
    expectSame(before, await queueKpisOnCluster(ch, ["queue"], {}, "nyc"));
  });

  it("computes the two local 02:30 intervals of the fall-back (hand-computed) and round-trips odd names", async () => {
    // midnight_dst: f1 enters 00:30 UTC and f2 01:30 UTC on 2024-10-27 — both 02:30 in Berlin, CEST then CET.
    const s = await openStore();
    const odd = join(dir, "odd.queue_log");
    writeFileSync(odd, "1729989000|o1|it's \\ \"q\"\u0001|NONE|ENTERQUEUE||555|1\n1729989010|o1|it's \\ \"q\"\u0001|Agent/x'y|CONNECT|10|o1.2|2\n1729989070|o1|it's \\ \"q\"\u0001|Agent/x'y|COMPLETECALLER|10|60|1\n");
    try {
      await loadLogs(s, [fixture("midnight_dst.queue_log"), odd]);
      await loadIntoClickHouse(ch, s, "dst's \\ center");
      const rows = await queueKpisOnCluster(ch, ["queue", "interval"], { timeZone: "Europe/Berlin" }, "dst's \\ center");
      const support = rows.filter((r) => r.queue === "support" && r.interval_start!.startsWith("2024-10-27"));
      expect(support.map((r) => [r.interval_start, r.offered])).toEqual([["2024-10-27T02:30:00+02:00", 1], ["2024-10-27T02:30:00+01:00", 1]]);
      expect(rows.find((r) => r.queue === "it's \\ \"q\"\u0001")).toMatchObject({ offered: 1, answered: 1, asa_s: 10 });
      expectSame(await queueKpis(s, ["queue", "interval"], { timeZone: "Europe/Berlin" }), rows);
      expect((await agentKpisOnCluster(ch, {}, "dst's \\ center")).map((r) => r.agent)).toContain("Agent/x'y");
    } finally {
      s.close();
    }
  });

  it("keeps two sources of one center and day apart: each load replaces its own source's rows only", async () => {
    const odd = join(dir, "odd.queue_log");
    const one = await openStore(), two = await openStore();
    try {
      await loadLogs(one, [fixture("midnight_dst.queue_log")]); // 2024-10-27, queue support
      await loadLogs(two, [odd]); // the same UTC day, queue "it's …"
      await loadIntoClickHouse(ch, one, "shared");
      await loadIntoClickHouse(ch, two, "shared");
      await loadIntoClickHouse(ch, one, "shared");
      const rows = await queueKpisOnCluster(ch, ["queue"], {}, "shared");
      const expected = [...await queueKpis(one, ["queue"]), ...await queueKpis(two, ["queue"])].sort((a, b) => Buffer.compare(Buffer.from(a.queue!), Buffer.from(b.queue!)));
      expectSame(expected, rows);
    } finally {
      one.close();
      two.close();
    }
  });

  it("qb kpis --engine clickhouse prints DuckDB's JSON; a missing --cluster is a usage error", () => {
    const qb = (...args: string[]) => spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "kpis", ...args], { encoding: "utf8", cwd: ROOT });
    const base = ["--input", nycLog, "--by", "queue,interval", "--tz", "America/New_York", "--json", "-q"];
    const local = qb(...base);
    const remote = qb(...base, "--engine", "clickhouse", "--url", cluster!.url, "--cluster", "qb", "--database", "qb_test", "--center", "cli",
      ...cluster!.shard_urls.flatMap((u) => ["--shard-url", u]));
    expect(remote.stderr).toBe("");
    expect(remote.status).toBe(0);
    expectSame(JSON.parse(local.stdout), JSON.parse(remote.stdout));
    // The same center loaded from another file: the cluster's earlier source is in the results, and said so.
    const more = qb("--input", fixture("outcomes.queue_log"), "--by", "queue", "--engine", "clickhouse", "--url", cluster!.url, "--cluster", "qb", "--database", "qb_test",
      "--center", "cli", ...cluster!.shard_urls.flatMap((u) => ["--shard-url", u]));
    expect(more.status).toBe(0);
    expect(more.stderr).toContain(`qb: note: the cluster's center 'cli' also holds 1 source(s) loaded earlier, included in the results: ${nycLog}`);
    const bad = qb("--input", nycLog, "--engine", "clickhouse", "--url", cluster!.url);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^qb: error: --engine clickhouse needs --url URL and --cluster NAME/m);
    const down = qb("--input", nycLog, "--engine", "clickhouse", "--url", "http://127.0.0.1:9", "--cluster", "qb", "-q");
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(/^qb: error: cannot use the ClickHouse cluster at http:\/\/127\.0\.0\.1:9: /m);
  });
}, 300_000);
