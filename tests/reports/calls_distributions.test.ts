/**
 * The calls report's distribution sections: the wait bins as counted by hand, the hour × weekday
 * heat map and the daily SL lines drawn, and a day without calls kept as a gap on the daily chart.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCallsReport, type ExportTable } from "../../lib/mod.ts";
import { HAS_CHROMIUM, withPage } from "../_browser.ts";
import { ROOT, storeWith } from "../_helpers.ts";

const D1 = Date.UTC(2026, 10, 2, 9, 0, 0) / 1000, D3 = Date.UTC(2026, 10, 4, 9, 0, 0) / 1000; // Monday 2 and Wednesday 4 November
const LOG = [
  `${D1}|c1|sales|NONE|ENTERQUEUE||1|1`, `${D1 + 5}|c1|sales|Agent/1|CONNECT|5|x|1`, `${D1 + 65}|c1|sales|Agent/1|COMPLETECALLER|5|60|1`,
  `${D1 + 100}|c2|sales|NONE|ENTERQUEUE||2|1`, `${D1 + 145}|c2|sales|NONE|ABANDON|1|1|45`,
  `${D3}|c3|sales|NONE|ENTERQUEUE||3|1`, `${D3 + 25}|c3|sales|Agent/1|CONNECT|25|x|1`, `${D3 + 85}|c3|sales|Agent/1|COMPLETECALLER|25|60|1`,
].join("\n") + "\n";

describe("calls report distributions", () => {
  it("bins the waits (5 s answered, 25 s answered, 45 s abandoned), exports them, and keeps the empty Tuesday on the daily chart", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "qb-dist-")), "queue_log");
    writeFileSync(f, LOG);
    const store = await storeWith([f]);
    const tables: ExportTable[] = [];
    const html = await buildCallsReport(store, { timeZone: "UTC", tables });
    store.close();
    const waits = tables.find((t) => t.name === "waits")!.rows as { from_s: number; answered: number; abandoned: number; answered_within_share: number }[];
    expect(waits.filter((b) => b.answered + b.abandoned > 0).map((b) => [b.from_s, b.answered, b.abandoned])).toEqual([[0, 1, 0], [20, 1, 0], [30, 0, 1]]);
    // Cumulative, over 3 offered: within 10 s 1/3; within 30 s 2/3.
    expect(waits.find((b) => b.from_s === 0)!.answered_within_share).toBeCloseTo(1 / 3, 12);
    expect(waits.find((b) => b.from_s === 20)!.answered_within_share).toBeCloseTo(2 / 3, 12);
    const cells = tables.find((t) => t.name === "by_hour_weekday")!.rows as { weekday: number; hour: number; offered: number }[];
    expect(cells.filter((c) => c.offered > 0).map((c) => [c.weekday, c.hour, c.offered])).toEqual([[1, 9, 2], [3, 9, 1]]);
    for (const h of ["Calls and transfers", "Disconnection causes", "Waits", "When calls come", "Daily service level by queue"]) expect(html).toContain(`<h2>${h}</h2>`);
    // Hand count: c1 and c3 ended by the caller (COMPLETECALLER), c2 abandoned; causes nobody had are named, not drawn.
    expect(tables.find((t) => t.name === "disconnections")!.rows).toEqual([
      expect.objectContaining({ queue: "sales", stints: 3, caller_hung_up: 2, agent_hung_up: 0, abandoned: 1 }),
      expect.objectContaining({ queue: "All", stints: 3, caller_hung_up: 2, agent_hung_up: 0, abandoned: 1 }),
    ]);
    expect(html).toContain("2 (66.7 %)");
    expect(html).toMatch(/No stint ended as: agent hung up, answered, end not logged, still talking, transferred, timeout/);
    // Three calls, each one stint: c1 and c3 answered, c2 abandoned.
    expect(tables.find((t) => t.name === "call_flow")!.rows[0]).toMatchObject({ calls: 3, one_stint: 3, final_outcome: { answered: 2, abandoned: 1 } });
    if (!HAS_CHROMIUM) return;
    mkdirSync(`${ROOT}out`, { recursive: true });
    const file = `${ROOT}out/test_calls_distributions.html`;
    writeFileSync(file, html);
    await withPage(file, async (page) => {
      const daily = page.locator("figure.chart", { hasText: "Offered calls by day and outcome" });
      const ticks = await daily.locator('g[aria-label="x-axis tick label"] text').allTextContents();
      expect(ticks).toEqual(["11-02", "11-03", "11-04"]); // Tuesday without calls is a gap, not skipped
      expect(await page.locator("figure.chart svg").count()).toBeGreaterThanOrEqual(7);
    });
  }, 60_000);
});
