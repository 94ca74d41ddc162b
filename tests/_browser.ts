/** Opens HTML in headless Debian Chromium (playwright-core); skipped where Chromium is absent, except in CI. */
import { existsSync } from "node:fs";
import process from "node:process";

export const CHROMIUM = "/usr/bin/chromium";
/** True when browser tests can run; in CI (CI=true) a missing Chromium is a failure, not a skip. */
export const HAS_CHROMIUM = existsSync(CHROMIUM) || process.env.CI === "true";

export interface PageCheck {
  svgCount: number;
  /** Plot mark groups (lines, dots, bars) drawn inside the charts. */
  markCount: number;
  consoleErrors: string[];
  dialogs: string[];
  scriptTags: number;
  text: string;
}

/** Loads `file` in Chromium, collects console errors and dialogs, saves a full-page screenshot. */
export async function inspectPage(file: string, screenshot: string): Promise<PageCheck> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    // Block every network request: the report must be self-contained.
    await page.route("**/*", (route) => route.request().url().startsWith("file:") ? route.continue() : route.abort());
    await page.goto(`file://${file}`, { waitUntil: "load" });
    await page.screenshot({ path: screenshot, fullPage: true });
    return {
      svgCount: await page.locator("figure.chart").filter({ has: page.locator("svg") }).count(),
      markCount: await page.locator('figure.chart svg g[aria-label="line"], figure.chart svg g[aria-label="dot"], figure.chart svg g[aria-label="bar"]').count(),
      consoleErrors,
      dialogs,
      scriptTags: await page.locator("script").count(),
      text: await page.locator("body").innerText(),
    };
  } finally {
    await browser.close();
  }
}

/** Opens `file` in headless Chromium at 1280 × 900 and runs `fn` on the page, closing the browser after. */
export async function withPage<T>(file: string, fn: (page: import("playwright-core").Page) => Promise<T>): Promise<T> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${file}`);
    return await fn(page);
  } finally {
    await browser.close();
  }
}
