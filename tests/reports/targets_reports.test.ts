/**
 * The calls and operator reports with a targets file: the Targets section lists every target the
 * report judges with its status — abandonment targets red exactly where SQL written here says the
 * rate is over target — names from the file stay text, and the center's SL target is the one drawn.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildCallsReport, buildDemoCenter, buildOperatorsReport, loadLogs, loadRoster, loadSchedules, openStore, readTargets, type Target, writeDemoCenter,
} from "../../lib/mod.ts";
import { HAS_CHROMIUM, withPage } from "../_browser.ts";
import { ROOT } from "../_helpers.ts";

const center = buildDemoCenter({ days: 3, seed: 7 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-targets-report-")), center);
const WRAP = Object.fromEntries(center.scenario.queues.map((q) => [q.name, q.wrap_s ?? 0]));

/** The rows of the Targets section: [scope, kpi, status] as text. */
function targetRows(html: string): string[][] {
  const section = /<h2>Targets<\/h2>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
  return [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").trim())
  ).map((cells) => [cells[0]!, cells[1]!, cells[7]!]);
}

describe("reports with targets", () => {
  it("lists the call targets in the calls report, red where SQL says the abandonment target is missed", async () => {
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    const targets: Target[] = [
      ...readTargets(files.targets).rows,
      { kpi: "abandon_rate", scope_type: "queue", scope: "<script>x</script>", direction: "at_most", target: 0.05, threshold_s: null, period: null },
    ];
    const html = await buildCallsReport(store, { timeZone: center.time_zone, targets });
    const rows = targetRows(html);
    // Call targets only: queue and center KPIs of calls (the team occupancy and adherence targets belong to the
    // operator report, the case targets to the services report).
    const caseKpis = ["resolution_median_h", "open_at_snapshot", "cost_per_solved_case"];
    expect(targets.filter((t) => caseKpis.includes(t.kpi))).toHaveLength(4);
    expect(rows).toHaveLength(targets.filter((t) => t.scope_type !== "team" && !caseKpis.includes(t.kpi)).length);
    const sql = await store.query<{ queue: string; rate: number }>(`
      SELECT queue, count(*) FILTER (outcome = 'abandoned') / count(*) AS rate FROM call_stints
      WHERE direction = 'inbound' AND outcome <> 'open' GROUP BY queue`);
    for (const q of sql) {
      const row = rows.find((r) => r[0] === `queue ${q.queue}` && r[1] === "abandon_rate")!;
      expect(row[2], q.queue).toBe(Number(q.rate) > 0.05 ? "red" : "green");
    }
    // A scope name from the file is text, and a queue with no calls is not evaluable (never met).
    expect(html).not.toContain("<script>x</script>");
    expect(rows.find((r) => r[0] === "queue <script>x</script>")![2]).toMatch(/^n\/a no calls in queue/);
    // The center's SL target (0.8 at 20 s in the demo's file) is the one the report states.
    expect(html).toContain("target 80.0 %");
    store.close();
  }, 120_000);

  it("lists the team targets in the operator report with the values of its own tables", async () => {
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    await loadRoster(store, files.roster);
    await loadSchedules(store, files.schedules);
    const targets = readTargets(files.targets).rows;
    const html = await buildOperatorsReport(store, { timeZone: center.time_zone, wrapup_by_queue: WRAP, targets });
    const rows = targetRows(html);
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(targets.filter((t) => t.scope_type === "team").map((t) => `team ${t.scope} ${t.kpi}`));
    for (const r of rows) expect(["green", "amber", "red"]).toContain(r[2]);
    store.close();
  }, 120_000);

  it("keeps the Targets table within the 1280 px page with long names and long reasons", async () => {
    if (!HAS_CHROMIUM) return;
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    const long = "a-very-long-queue-name-".repeat(9);
    const targets: Target[] = [
      { kpi: "abandon_rate", scope_type: "queue", scope: long, direction: "at_most", target: 0.05, threshold_s: null, period: null },
      { kpi: "no_such_indicator", scope_type: "queue", scope: "sales", direction: "at_most", target: 1, threshold_s: null, period: null },
      ...readTargets(files.targets).rows,
    ];
    const file = `${ROOT}out/test_targets_layout.html`;
    mkdirSync(`${ROOT}out`, { recursive: true });
    writeFileSync(file, await buildCallsReport(store, { timeZone: center.time_zone, targets }));
    store.close();
    await withPage(file, async (page) => {
      const wrap = page.locator("div.table-wrap", { has: page.locator("table.targets") });
      expect(await wrap.evaluate((d) => d.scrollWidth - d.clientWidth)).toBe(0);
      // The KPI and period cells stay on one line (never broken inside a word).
      const lines = await page.locator("table.targets tbody td:nth-child(3)").evaluateAll((tds) => tds.map((td) => {
        const r = document.createRange();
        r.selectNodeContents(td);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
      }));
      expect(lines.every((n) => n === 1)).toBe(true);
    });
  }, 120_000);
});
