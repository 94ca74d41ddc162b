/**
 * Day-partitioned Parquet archives (issue 14, "Parquet"): the demo month written by
 * `exportArchive` and read back by `importArchive` gives the same queue, agent, operator and
 * service indicators key for key; every partition holds exactly the rows of its UTC day (checked
 * by reading each file and working the day out in JavaScript, not by the SQL that wrote it);
 * paths with glob characters and quotes; atomic replacement; a damaged archive is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  agentKpis, ArchiveError, buildAgentStatesInStore, buildDemoCenter, exportArchive, importArchive, isArchive, loadLogs, loadRoster, loadSchedules,
  loadServices, openStore, operatorKpis, queueKpis, serviceKpis, type Store, writeDemoCenter,
} from "../../lib/mod.ts";
import { expectSame } from "../_helpers.ts";


const WRAP = { sales: 30, support: 45 };
let dir: string, archive: string, source: Store, copy: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "qb-archive-"));
  const files = writeDemoCenter(join(dir, "demo"), buildDemoCenter({ days: 28, seed: 42 })); // the main job's month, across the 25 October change
  source = await openStore();
  await loadLogs(source, [files.queue_log]);
  await loadRoster(source, files.roster);
  await loadSchedules(source, files.schedules, { timeZone: "Europe/Rome" });
  await loadServices(source, files.services);
  await buildAgentStatesInStore(source, { wrapup_by_queue: WRAP });
  // A folder name DuckDB would read as a glob, with a quote in it.
  archive = join(dir, "arc [1]'s *");
  await exportArchive(source, archive, { agent_states: { wrapup_by_queue: WRAP } });
  copy = await openStore();
  await importArchive(copy, archive);
}, 120_000);

afterAll(() => {
  source?.close();
  copy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("exportArchive / importArchive", () => {
  it("reads back the same queue indicators per queue and local interval, key for key", async () => {
    const o = { timeZone: "Europe/Rome", interval_minutes: 30 };
    const a = await queueKpis(source, ["queue", "interval"], o), b = await queueKpis(copy, ["queue", "interval"], o);
    expect(a.length).toBeGreaterThan(100);
    expectSame(a, b);
    expectSame(await queueKpis(source, ["day"], o), await queueKpis(copy, ["day"], o));
  });

  it("reads back the same agent, operator (per team and day, from the archived states) and service indicators", async () => {
    expectSame(await agentKpis(source), await agentKpis(copy));
    const o = { by: "team" as const, period: "day" as const, timeZone: "Europe/Rome", states_built: true };
    const a = await operatorKpis(source, o);
    expect(a.some((r) => (r.ring_no_answer as number) > 0)).toBe(true); // from the archived agent events
    expectSame(a, await operatorKpis(copy, o));
    expectSame(await serviceKpis(source, { timeZone: "Europe/Rome" }), await serviceKpis(copy, { timeZone: "Europe/Rome" }));
  });

  it("puts every row in the partition of its UTC day, and every row somewhere", async () => {
    const stints = await source.query<{ call_id: string; stint_no: number; entered_at: string }>("SELECT call_id, stint_no, entered_at::VARCHAR AS entered_at FROM call_stints");
    // The UTC day of each instant, worked out in JavaScript.
    const expected = new Map<string, number>();
    for (const s of stints) {
      const day = new Date(s.entered_at.replace(" ", "T").replace(/\+00$/, "Z")).toISOString().slice(0, 10);
      expected.set(day, (expected.get(day) ?? 0) + 1);
    }
    const folders = readdirSync(join(archive, "call_stints")).sort();
    expect(folders).toEqual([...expected.keys()].sort().map((d) => `day=${d}`));
    const check = await openStore();
    try {
      for (const f of folders) {
        const day = f.slice(4);
        const parts = readdirSync(join(archive, "call_stints", f));
        let n = 0;
        for (const p of parts) {
          // Read through a plain-named copy: the archive's folder name is a glob to DuckDB.
          const plain = join(dir, `part_${day}.parquet`);
          writeFileSync(plain, Deno.readFileSync(join(archive, "call_stints", f, p)));
          const rows = await check.query<{ entered_at: string }>(`SELECT entered_at::VARCHAR AS entered_at FROM read_parquet('${plain}')`);
          for (const r of rows) expect(new Date(r.entered_at.replace(" ", "T").replace(/\+00$/, "Z")).toISOString().slice(0, 10)).toBe(day);
          n += rows.length;
        }
        expect(n, day).toBe(expected.get(day));
      }
    } finally {
      check.close();
    }
    const [{ n }] = await copy.query<{ n: number }>("SELECT count(*) AS n FROM calls") as [{ n: number }];
    const [{ m }] = await source.query<{ m: number }>("SELECT count(*) AS m FROM calls") as [{ m: number }];
    expect(Number(n)).toBe(Number(m));
  });

  it("reads back a second center (New York, across 1 November) with equal indicators in its zone", async () => {
    const files = writeDemoCenter(join(dir, "nyc"), buildDemoCenter({ days: 7, seed: 5, start_date: "2026-10-28", time_zone: "America/New_York" }));
    const a = await openStore(), b = await openStore();
    try {
      await loadLogs(a, [files.queue_log]);
      await loadServices(a, files.services);
      await exportArchive(a, join(dir, "nyc_archive"));
      await importArchive(b, join(dir, "nyc_archive"));
      // A group of centers: Rome and New York side by side, each replaced alone.
      const group = join(dir, "group");
      await exportArchive(source, group, {}, "rome");
      await exportArchive(a, group, {}, "nyc");
      await exportArchive(source, group, {}, "rome");
      expect(readdirSync(group).sort()).toEqual(["center=nyc", "center=rome", "queuebook-archive.json"]);
      const both = await openStore();
      try {
        const m = await importArchive(both, group);
        const offered = async (s: Store) => (await queueKpis(s, [])).reduce((n, r) => n + r.offered, 0);
        expect(await offered(both)).toBe(await offered(source) + await offered(a)); // each center once
        expect(m.tables.call_stints!.rows).toBe(Number((await both.query<{ n: number }>("SELECT count(*) AS n FROM call_stints"))[0]!.n));
      } finally {
        both.close();
      }
      await expect(exportArchive(a, group)).rejects.toThrow(/holds one archive per center/);
      await expect(exportArchive(a, group, {}, "../x")).rejects.toThrow(RangeError);
      const o = { timeZone: "America/New_York", interval_minutes: 15 };
      expectSame(await queueKpis(a, ["queue", "interval"], o), await queueKpis(b, ["queue", "interval"], o));
      expectSame(await agentKpis(a, o), await agentKpis(b, o));
      expectSame(await serviceKpis(a, { timeZone: "America/New_York", by: "month" }), await serviceKpis(b, { timeZone: "America/New_York", by: "month" }));
    } finally {
      a.close();
      b.close();
    }
  });

  it("replaces an earlier archive whole, refuses a folder holding other files, and refuses a damaged archive", async () => {
    expect(isArchive(archive)).toBe(true);
    const empty = await openStore();
    try {
      await exportArchive(empty, archive); // an empty store over the archive: replaced, nothing of the old one left
      expect(existsSync(join(archive, "call_stints"))).toBe(false);
      const other = join(dir, "other");
      mkdirSync(other);
      writeFileSync(join(other, "notes.txt"), "keep me");
      await expect(exportArchive(empty, other)).rejects.toThrow(ArchiveError);
      expect(readdirSync(other)).toEqual(["notes.txt"]);
    } finally {
      empty.close();
    }
    // Written again from the source, then one day's partition removed: the rows no longer match the manifest.
    await exportArchive(source, archive);
    const first = readdirSync(join(archive, "call_stints")).sort()[0]!;
    rmSync(join(archive, "call_stints", first), { recursive: true });
    const s = await openStore();
    try {
      await expect(importArchive(s, archive)).rejects.toThrow(/call_stints holds \d+ rows, its manifest says \d+/);
      // The failed import changed nothing (one transaction).
      const [{ n }] = await s.query<{ n: number }>("SELECT count(*) AS n FROM call_stints") as [{ n: number }];
      expect(Number(n)).toBe(0);
    } finally {
      s.close();
    }
    await expect(importArchive(copy, join(dir, "demo"))).rejects.toThrow(ArchiveError);
  });
});
