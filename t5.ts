import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking"] });
const p = await b.newPage({ viewport: { width: 1100, height: 900 } });
const errs: string[] = [];
p.on("console", m => { if (m.type()==="error") errs.push(m.text()); });
await p.goto("file://" + Deno.cwd() + "/" + Deno.args[0]);
const h = await p.evaluate(() => document.body.scrollHeight); console.log("height", h); for (let i = 0; i * 1400 < h; i++) await p.screenshot({ path: `out/shot${i}.png`, fullPage: true, clip: { x: 0, y: i * 1400, width: 1100, height: Math.min(1400, h - i * 1400) } });
console.log("errors", errs, await p.locator("svg").count());
await b.close();
