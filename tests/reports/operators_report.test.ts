/**
 * The operator report: the numbers it prints are operatorKpis' (Ex. 1 and Ex. 3 by hand), names
 * come from the roster and are escaped, n/a where the data cannot give a measure; in headless
 * Chromium its charts render, sorting works, nothing runs from input, no network.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { buildOperatorsReport, loadLogs, loadRoster, loadSchedules, openStore } from "../../lib/mod.ts";
import { CHROMIUM, HAS_CHROMIUM, inspectPage } from "../_browser.ts";
import { fixture, ROOT } from "../_helpers.ts";

const OUT = `${ROOT}out/test`;
const op = (name: string) => fixture(`operators/${name}`);

async function report(): Promise<string> {
  const store = await openStore();
  await loadLogs(store, [op("ex3_idle.queue_log"), op("ex2_occupancy.queue_log"), op("ex1_adherence.queue_log")]);
  await loadRoster(store, op("roster.csv"));
  await loadSchedules(store, op("ex1_schedule_nested.csv"));
  const html = await buildOperatorsReport(store, { wrapup_s: 30, title: "Operators <test>", timeline_day: "2026-03-04" });
  store.close();
  return html;
}

describe("operator report", () => {
  it("prints the hand-computed figures, roster names escaped, and n/a where there is no schedule or cost", async () => {
    const html = await report();
    expect(html).toContain("<title>Operators &lt;test&gt;</title>");
    expect(html).toContain("Bea &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    const row = (name: string) => html.split("<tr").find((r) => r.includes(`<bdi>${name}</bdi>`))!; // a table row (not the chart label)
    // Cy (Ex. 1): adherence 95.5 % raw, conformance 97.9 %, no hourly cost → n/a; Ann (Ex. 3): occupancy 540 / 2,700 = 20.0 %, no schedule → n/a.
    expect(row("Cy Example")).toContain(">95.5 %<");
    expect(row("Cy Example")).toContain(">97.9 %<");
    expect(row("Cy Example").match(/>n\/a</g)?.length).toBe(2); // cost and cost per call
    expect(row("Ann Example")).toContain(">20.0 %<");
    expect(row("Ann Example")).toContain(">24.00<"); // 1 h logged in × 24 / h
    expect(html).toContain("exception rule raw, T = 60 s");
    expect(html).toContain("30 s after every call");
    // Conformance of a group counts only scheduled agents: the total is Cy's 97.9 %, not (Ann + Bea + Cy on-queue) / Cy's schedule.
    expect(row("Total")).toContain(">97.9 %<");
  });

  it.skipIf(!HAS_CHROMIUM)("renders the timeline and pause charts in headless Chromium, sorts on click, runs nothing from input", async () => {
    mkdirSync(OUT, { recursive: true });
    const file = `${OUT}/operators_report.html`;
    writeFileSync(file, await report());
    const page = await inspectPage(file, `${OUT}/operators_report.png`);
    expect(page.svgCount).toBe(2); // state timeline, pauses by reason
    expect(page.markCount).toBe(2); // their bars
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.scriptTags).toBe(1); // the report's own sorting script only
    expect(page.text).toContain("Bea <script>alert(1)</script>");
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await p.goto(`file://${file}`);
      const names = () => p.locator("section:has(h2:text('By operator')) tbody tr td:first-child").allInnerTexts();
      expect(await names()).toEqual(["Ann Example", "Bea <script>alert(1)</script>", "Cy Example", "Total"]); // by calls answered, then agent id
      await p.locator("section:has(h2:text('By operator')) th", { hasText: "Logged in h" }).click();
      expect(await names()).toEqual(["Cy Example", "Bea <script>alert(1)</script>", "Ann Example", "Total"]); // 4 h, 2 h, 1 h; total stays last
    } finally {
      await browser.close();
    }
  }, 60_000);
});
