import { describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { buildCallsReport, escapeHtml } from "../../lib/mod.ts";
import { fixture, PBXWARE, ROOT, storeWith } from "../_helpers.ts";
import { CHROMIUM, HAS_CHROMIUM, inspectPage, withPage } from "../_browser.ts";

const OUT = `${ROOT}out/test`;

async function pbxwareReport(): Promise<string> {
  const store = await storeWith([PBXWARE, fixture("malformed.queue_log")]);
  const html = await buildCallsReport(store, { timeZone: "Etc/GMT+5", title: "PBXware <test>" });
  store.close();
  return html;
}

describe("buildCallsReport()", () => {
  it("escapes everything from the logs: an agent named <script> stays text", async () => {
    const html = await pbxwareReport();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain(escapeHtml("<script>alert('x')</script>"));
    expect(html).toContain("<title>PBXware &lt;test&gt;</title>");
  });

  it("is self-contained: no external script, stylesheet or image", async () => {
    const html = await pbxwareReport();
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("states its definitions, parameters, inputs and rejected-line count in the footer", async () => {
    const html = await pbxwareReport();
    const footer = html.slice(html.indexOf("<footer>"));
    for (const needle of ["V2 answered_within_over_offered_less_short_abandons", "T = 20 s", "S = 5 s", "Etc/GMT+5", "30-minute", "pbxware_queue_log.csv", "malformed.queue_log"]) {
      expect(footer).toContain(needle);
    }
    expect(footer).toMatch(/Rejected lines<\/dt><dd>(<bdi>)?3 /);
  });

  it.skipIf(!HAS_CHROMIUM)("isolates a right-to-left override in a file name: the header line keeps its order (issue 9 item 17)", async () => {
    mkdirSync(OUT, { recursive: true });
    const evil = `${OUT}/abc\u202Eevil.queue_log`;
    writeFileSync(evil, readFileSync(fixture("outcomes.queue_log")));
    const store = await storeWith([evil]);
    const html = await buildCallsReport(store, { timeZone: "UTC", title: "RLO", generated_at: "2026-12-01 10:00" });
    store.close();
    expect(html).toContain(`<bdi>${escapeHtml(realpathSync(evil))}</bdi>`);
    const file = `${OUT}/rlo_report.html`;
    writeFileSync(file, html);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`file://${file}`);
      // Visual order: the words after the file name ("generated …") must be drawn to its right.
      const [nameRight, generatedLeft] = await page.evaluate(() => {
        const sub = document.querySelector("header .sub")!;
        const name = (sub.querySelector("bdi") ?? sub).getBoundingClientRect();
        const text = [...sub.childNodes].find((n) => n.nodeType === 3 && n.textContent!.includes("generated"))!;
        const range = document.createRange();
        const at = text.textContent!.indexOf("generated");
        range.setStart(text, at);
        range.setEnd(text, at + "generated".length);
        return [name.right, range.getBoundingClientRect().left];
      });
      expect(generatedLeft).toBeGreaterThan(nameRight);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it.skipIf(!HAS_CHROMIUM)("renders its charts in headless Chromium without console errors", async () => {
    mkdirSync(OUT, { recursive: true });
    const file = `${OUT}/pbxware_calls_report.html`;
    writeFileSync(file, await pbxwareReport());
    const page = await inspectPage(file, `${OUT}/pbxware_calls_report.png`);
    expect(page.svgCount).toBe(7); // + waits, hour × weekday heat map, daily SL by queue
    expect(page.markCount).toBe(6); // volume lines, SL dots, ASA dots, daily bars, wait bars, daily SL lines (the heat map's cells are not counted)
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]); // the <script> agent name did not run
    expect(page.scriptTags).toBe(0);
    expect(page.text).toContain("<script>alert('x')</script>"); // shown as text
  }, 60_000);

  it.skipIf(!HAS_CHROMIUM)("lines the three time charts up on one x scale and keeps every table within the 1280 px page", async () => {
    mkdirSync(OUT, { recursive: true });
    const file = `${OUT}/pbxware_calls_report_layout.html`;
    writeFileSync(file, await pbxwareReport());
    await withPage(file, async (page) => {
      // The x-axis tick labels of the volume, SL and ASA charts (the first three figures) are the same.
      const ticks = await page.evaluate(() => [...document.querySelectorAll("figure.chart")].slice(0, 3).map((f) =>
        [...f.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent).join("|")
      ));
      expect(ticks[0]!.length).toBeGreaterThan(0);
      expect(ticks[1]).toBe(ticks[0]);
      expect(ticks[2]).toBe(ticks[0]);
      const overflow = await page.evaluate(() => [...document.querySelectorAll("div.table-wrap")].map((d) => d.scrollWidth - d.clientWidth));
      expect(overflow.every((x) => x === 0)).toBe(true);
      // No header is broken inside a word: each header's longest word fits its cell.
      const broken = await page.evaluate(() => [...document.querySelectorAll("table.data th")].filter((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        const words = (th.textContent ?? "").split(/\s+/).filter(Boolean).length;
        return lines.size > words; // more lines than words: a word was split
      }).map((th) => th.textContent));
      expect(broken).toEqual([]);
    });
  }, 60_000);
});
