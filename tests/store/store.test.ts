import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogs, openStore } from "../../lib/mod.ts";
import { fixture } from "../_helpers.ts";

describe("openStore()", () => {
  it("persists loaded tables in a file database across openings", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "qb-store-")), "calls.duckdb");
    const first = await openStore(path);
    await loadLogs(first, [fixture("outcomes.queue_log")]);
    first.close();
    const again = await openStore(path);
    const [n] = await again.query<{ stints: number; calls: number; runs: number }>(
      "SELECT (SELECT count(*) FROM call_stints) AS stints, (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM ingest_runs) AS runs",
    );
    // outcomes.queue_log has five calls of one stint each (a1, a2, t1, k1, s1).
    expect(n).toEqual({ stints: 5, calls: 5, runs: 1 });
    // Loading the same file again replaces its rows instead of doubling them.
    await loadLogs(again, [fixture("outcomes.queue_log")]);
    const [m] = await again.query<{ stints: number }>("SELECT count(*) AS stints FROM call_stints");
    expect(m!.stints).toBe(5);
    again.close();
  });

  it("stores instants in UTC whatever the process time zone", async () => {
    const store = await openStore();
    const [r] = await store.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
    expect(r!.tz).toBe("UTC");
    store.close();
  });
});
