/** Queue names from a queue map (issue 12): read with rejects and counts, shown as name (id) in the calls report, ids kept in exports. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildCallsReport, type ExportTable, readQueueMap } from "../../lib/mod.ts";
import { fixture, ROOT, storeWith } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-queue-map-"));
const MAP = join(dir, "queues.csv");
// Line 3 repeats sales (rejected), line 4 has no name (rejected), line 5 is blank (ignored).
writeFileSync(MAP, "queue,name,comment\nsales,Sales <Italy>,x\nsales,Other,\nsupport,,\n\n");

describe("queue map", () => {
  it("reads names with their rejects, and the calls report shows them beside the ids", async () => {
    const m = readQueueMap(MAP);
    expect(m.names).toEqual({ sales: "Sales <Italy>" });
    expect(m.counts).toMatchObject({ lines_read: 5, used: 1, ignored: 2, rejected: 2 });
    expect(m.rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(/queues\.csv:3: field 'queue': queue 'sales' is already on line 2$/),
      expect.stringMatching(/queues\.csv:4: field 'name': name must not be empty/),
    ]);
    const store = await storeWith([fixture("outcomes.queue_log")]);
    const tables: ExportTable[] = [];
    const html = await buildCallsReport(store, { timeZone: "UTC", queue_names: m.names, tables });
    store.close();
    expect(html).toContain("Sales &lt;Italy&gt; (sales)");
    expect(html).not.toContain("Sales <Italy>");
    expect(tables.find((t) => t.name === "by_queue")!.rows[0]).toMatchObject({ queue: "sales" }); // exports keep the id
    const out = join(dir, "r.html");
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "-i", fixture("outcomes.queue_log"), "--queue-map", MAP, "-o", out], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("queues.csv (queue map): 5 lines read = 1 used + 2 ignored + 2 rejected");
    expect(readFileSync(out, "utf8")).toContain("Sales &lt;Italy&gt; (sales)");
    const bad = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "-i", fixture("outcomes.queue_log"), "--queue-map", dir, "-o", out], { encoding: "utf8", cwd: ROOT });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--queue-map .* is a directory/m);
  }, 60_000);
});
