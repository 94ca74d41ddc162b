/**
 * `qb monitor` end to end: a child process follows a fixture log while the test appends lines
 * (a call enters, waits, is answered; an agent pauses with a reason; a caller abandons; a bad
 * line), and headless Chromium shows each step; then a server bound beyond loopback refuses
 * requests without its token. The screenshot is saved as out/monitor_screenshot.png.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { CHROMIUM, HAS_CHROMIUM } from "../_browser.ts";
import { ROOT } from "../_helpers.ts";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
});

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts `qb monitor` and resolves once it listens, with what it printed on stderr so far. */
function startMonitor(args: string[]): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "monitor", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`monitor did not start: ${err}`)), 60_000);
    child.stderr!.on("data", (d) => {
      err += String(d);
      if (err.includes("serving http")) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.on("exit", (code) => reject(new Error(`monitor exited ${code}: ${err}`)));
  });
}

const now = () => Math.floor(Date.now() / 1000);
const q = (t: number, call: string, queue: string, agent: string, event: string, ...data: string[]) => [t, call, queue, agent, event, ...data].join("|") + "\n";

describe.skipIf(!HAS_CHROMIUM)("qb monitor in a browser", () => {
  it("shows waiting calls, agent states, pause reasons and today's counters as the log grows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-monitor-"));
    const log = join(dir, "queue_log");
    const roster = join(dir, "roster.csv");
    writeFileSync(roster, "agent,name,team\nAgent/1001,Ada Lovelace,Sales\nAgent/1002,<b>Bob</b> & Co,Sales\n");
    const t0 = now();
    writeFileSync(log, q(t0 - 600, "NONE", "sales", "Agent/1001", "ADDMEMBER", "") + q(t0 - 600, "NONE", "sales", "Agent/1002", "ADDMEMBER", ""));
    const port = await freePort();
    await startMonitor(["--follow", log, "--roster", roster, "--tz", "UTC", "--port", String(port), "--poll-ms", "100", "--title", "Test <center>"]);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      // Nothing but the monitor itself may be fetched (no CDN).
      await page.route("**/*", (route) => route.request().url().startsWith(`http://127.0.0.1:${port}/`) ? route.continue() : route.abort());
      await page.goto(`http://127.0.0.1:${port}/`);
      const cell = (table: string, row: number, col: number) => page.locator(`#${table} tbody tr:nth-child(${row}) td:nth-child(${col})`);
      const tile = (label: string) => page.locator(".tile", { hasText: label }).locator(".v");
      await expect.poll(() => page.locator("#conn").innerText(), { timeout: 10_000 }).toBe("live");
      await expect.poll(() => tile("logged in").innerText()).toBe("2");
      expect(await page.locator("h1").innerText()).toBe("Test <center>");
      expect(await cell("agents", 2, 2).innerText()).toBe("<b>Bob</b> & Co"); // shown as text, never as markup

      // 1. A call enters and waits.
      let t = performance.now();
      appendFileSync(log, q(now(), "c1", "sales", "NONE", "ENTERQUEUE", "", "5551234", "1"));
      await expect.poll(() => tile("waiting").innerText(), { timeout: 5_000, interval: 50 }).toBe("1");
      const latency = performance.now() - t;
      expect(await cell("waiting", 1, 4).innerText()).toBe("5551234");
      // 2. Answered by Agent/1001 after 3 s of wait: on a call, answered today 1, nobody waiting.
      appendFileSync(log, q(now(), "c1", "sales", "Agent/1001", "CONNECT", "3", "SIP/1001-01", "1"));
      await expect.poll(() => tile("answered").innerText(), { timeout: 5_000 }).toBe("1");
      expect(await tile("waiting").innerText()).toBe("0");
      expect(await cell("agents", 1, 4).innerText()).toBe("on call");
      expect(await cell("agents", 1, 9).innerText()).toBe("5551234");
      // 3. Agent/1002 pauses for lunch.
      appendFileSync(log, q(now(), "NONE", "sales", "Agent/1002", "PAUSE", "Lunch"));
      await expect.poll(() => cell("agents", 2, 4).innerText(), { timeout: 5_000 }).toBe("paused");
      expect(await cell("agents", 2, 6).innerText()).toBe("Lunch");
      expect(await cell("queues", 1, 17).innerText()).toBe("Lunch 1");
      // 4. A caller abandons after 30 s (not short): offered 2, abandoned 1; SL (V2, 20 s) = 1 / 2.
      appendFileSync(log, q(now() - 30, "c2", "sales", "NONE", "ENTERQUEUE", "", "5559876", "1") + q(now(), "c2", "sales", "NONE", "ABANDON", "1", "1", "30"));
      await expect.poll(() => tile("abandoned").innerText(), { timeout: 5_000 }).toBe("1");
      expect(await tile("offered today").innerText()).toBe("2");
      expect(await tile("SL today").innerText()).toBe("50.0 %");
      // 5. A malformed line is rejected and named; the monitor keeps following.
      appendFileSync(log, "this is not a queue_log line\n" + q(now(), "NONE", "sales", "Agent/1002", "UNPAUSE", ""));
      await expect.poll(() => cell("agents", 2, 4).innerText(), { timeout: 5_000 }).toBe("available");
      expect(await page.locator("#rejects-title").innerText()).toContain("1 rejected");
      expect(await page.locator("#feed").innerText()).toContain("9 lines in the window = 8 used + 0 ignored + 1 rejected");
      mkdirSync(`${ROOT}out`, { recursive: true });
      await page.screenshot({ path: `${ROOT}out/monitor_screenshot.png`, fullPage: true });
      expect(errors).toEqual([]);
      console.log(`monitor: log line → page ${latency.toFixed(0)} ms (poll 100 ms)`);
      expect(latency).toBeLessThan(3_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe("qb monitor beyond loopback", () => {
  it("generates a token, prints it once, and answers 401 without it or with a wrong one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qb-monitor-"));
    const log = join(dir, "queue_log");
    writeFileSync(log, q(now(), "NONE", "sales", "Agent/1001", "ADDMEMBER", ""));
    const port = await freePort();
    const { stderr } = await startMonitor(["--follow", log, "--host", "0.0.0.0", "--port", String(port)]);
    await new Promise((r) => setTimeout(r, 300));
    const token = /access token \(printed once, not stored\): (\S+)/.exec(stderr())![1]!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    const base = `http://127.0.0.1:${port}`;
    for (const path of ["/", "/api/state", "/events"]) {
      const r = await fetch(base + path);
      expect(r.status).toBe(401);
      await r.body?.cancel();
      const w = await fetch(base + path, { headers: { authorization: "Bearer not-the-token-at-all" } });
      expect(w.status).toBe(401);
      await w.body?.cancel();
    }
    let ok: Response;
    do {
      ok = await fetch(`${base}/api/state`, { headers: { authorization: `Bearer ${token}` } });
      if (ok.status === 503) await ok.body?.cancel(), await new Promise((r) => setTimeout(r, 200));
    } while (ok.status === 503);
    expect(ok.status).toBe(200);
    const state = await ok.json();
    for (const k of ["as_of", "queues", "agents", "waiting"]) expect(state).toHaveProperty(k);
    expect(state.agents[0]).toMatchObject({ agent: "Agent/1001", session: "logged_in", availability: "available", work: "idle" });
  }, 90_000);
});
