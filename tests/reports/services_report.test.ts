/**
 * The services report in headless Chromium: charts drawn, no console error, a `<script>` group
 * name shown as text, every table within the 1280 px page; the backlog series and aging against
 * counts written out by hand for a small fixture.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExportTable, backlogAging, backlogSeries, buildServicesReport, loadServices, openStore } from "../../lib/mod.ts";
import { HAS_CHROMIUM, inspectPage, withPage } from "../_browser.ts";
import { ROOT } from "../_helpers.ts";

/** Four cases: S1 opened 1 Oct, solved 2 Oct; S2 opened 1 Oct, open; S3 opened 2 Oct, solved 4 Oct; S4 opened 3 Oct, open (group <script>). */
const CSV = [
  "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
  "S1,complaint,c1,support,Agent/1,2026-10-01T08:00:00Z,2026-10-02T08:00:00Z,closed,resolved,600,5",
  "S2,complaint,c2,support,Agent/1,2026-10-01T09:00:00Z,,open,,,",
  "S3,quote,c3,sales,Agent/2,2026-10-02T10:00:00Z,2026-10-04T10:00:00Z,closed,resolved,300,2.5",
  "S4,quote,c4,<script>alert(1)</script>,Agent/2,2026-10-03T10:00:00Z,,open,,,",
].join("\n") + "\n";

describe("services backlog and report", () => {
  it("gives the open cases at the end of each day and their ages at the export's instant", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "qb-svc-report-")), "services.csv");
    writeFileSync(f, CSV);
    const store = await openStore();
    await loadServices(store, f);
    // End of 1 Oct: S1, S2 open (2); 2 Oct: S1 solved at 08:00, S2 and S3 open (2); 3 Oct: S2, S3, S4 (3); 4 Oct: S3 solved at 10:00: S2, S4 (2).
    const s = await backlogSeries(store, "UTC");
    expect(s.map((p) => [p.day, p.open, p.created, p.solved])).toEqual([
      ["2026-10-01", 2, 2, 0], ["2026-10-02", 2, 1, 1], ["2026-10-03", 3, 1, 0], ["2026-10-04", 2, 0, 1],
    ]);
    // At the last instant (4 Oct 10:00): S2 is 3 d 1 h old (3–7 days), S4 1 d exactly (1–3 days).
    expect(await backlogAging(store)).toEqual([
      { label: "< 1 day", open: 0 }, { label: "1–3 days", open: 1 }, { label: "3–7 days", open: 1 }, { label: "7–30 days", open: 0 }, { label: "≥ 30 days", open: 0 },
    ]);
    // Case targets: 4 cases < 5 (red); the <script> group has S4 open at the end (red); a call target is not listed here.
    const tables: ExportTable[] = [];
    const html = await buildServicesReport(store, {
      title: "Services <test>", tables, targets: [
        { kpi: "cases", scope_type: "center", scope: "all", direction: "at_least", target: 5, threshold_s: null, period: null },
        { kpi: "open_at_snapshot", scope_type: "queue", scope: "<script>alert(1)</script>", direction: "at_most", target: 0, threshold_s: null, period: null },
        { kpi: "abandon_rate", scope_type: "queue", scope: "sales", direction: "at_most", target: 0.05, threshold_s: null, period: null },
      ],
    });
    expect((tables.find((t) => t.name === "targets")!.rows as { kpi: string; value: number; status: string }[]).map((r) => [r.kpi, r.value, r.status]))
      .toEqual([["cases", 4, "red"], ["open_at_snapshot", 1, "red"]]);
    expect(html).toContain("<h2>Targets</h2>");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    store.close();
    if (!HAS_CHROMIUM) return;
    mkdirSync(`${ROOT}out`, { recursive: true });
    const file = `${ROOT}out/test_services_report.html`;
    writeFileSync(file, html);
    const page = await inspectPage(file, `${ROOT}out/services_report_screenshot.png`);
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.scriptTags).toBe(0);
    expect(page.svgCount).toBe(3);
    expect(page.text).toContain("<script>alert(1)</script>"); // shown as text
    expect(page.text).toContain("Services <test>");
  }, 120_000);

  it("keeps the Zendesk sample's tables within a 1280 px page, a 210-character group name included", async () => {
    if (!HAS_CHROMIUM) return;
    const store = await openStore();
    await loadServices(store, `${ROOT}tests/fixtures/services/zendesk_explore_tickets_plum_2023.csv.gz`);
    const long = join(mkdtempSync(join(tmpdir(), "qb-svc-long-")), "long.csv");
    writeFileSync(long, `Id,Group,Status,Created at,Updated at,Solved at\n9999999,${"G".repeat(210)},Open,2023-04-01 10:00:00,2023-04-02 10:00:00,\n`);
    await loadServices(store, long);
    const file = `${ROOT}out/test_services_zendesk.html`;
    writeFileSync(file, await buildServicesReport(store, { title: "Zendesk sample" }));
    store.close();
    const widths = await withPage(file, (page) => page.evaluate(() => [...document.querySelectorAll("div.table-wrap")].map((d) => d.scrollWidth - d.clientWidth)));
    expect(widths.length).toBe(3);
    expect(widths).toEqual([0, 0, 0]);
  }, 120_000);
});
