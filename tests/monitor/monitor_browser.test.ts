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
    // Sales: SL 80 % within 30 s (its own threshold, not the report's 20 s), abandonment ≤ 5 %; a team target is not judged live.
    const targets = join(dir, "targets.csv");
    writeFileSync(targets, "kpi,scope_type,scope,direction,target,threshold_s\nservice_level,queue,sales,>=,0.8,30\nabandon_rate,queue,sales,<=,0.05,\noccupancy,team,Sales,<=,0.85,\n");
    const t0 = now();
    writeFileSync(log, q(t0 - 600, "NONE", "sales", "Agent/1001", "ADDMEMBER", "") + q(t0 - 600, "NONE", "sales", "Agent/1002", "ADDMEMBER", "") +
      q(t0 - 600, "NONE", "NONE", "Agent/1003", "AGENTLOGIN", "1003") + q(t0 - 300, "NONE", "NONE", "Agent/1003", "AGENTLOGOFF", "1003", "300"));
    const port = await freePort();
    await startMonitor([
      "--follow", log, "--roster", roster, "--targets", targets, "--tz", "UTC", "--port", String(port), "--poll-ms", "100", "--title", "Test <center>", "--stale-after-s", "8",
    ]);
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
      // The logged-out agent is hidden until asked for, and listed last.
      expect(await page.locator("#agents-n").innerText()).toBe("(2 logged in of 3 known; 1 logged out hidden)");
      expect(await page.locator("#agents tbody tr").count()).toBe(2);
      await page.locator("#show-out").check();
      await expect.poll(() => page.locator("#agents tbody tr").count()).toBe(3);
      expect(await cell("agents", 3, 1).innerText()).toBe("Agent/1003");
      expect(await cell("agents", 3, 4).innerText()).toBe("logged out");
      await page.locator("#show-out").uncheck();
      await expect.poll(() => page.locator("#agents tbody tr").count()).toBe(2);

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
      expect(await cell("queues", 1, 18).innerText()).toBe("Lunch 1");
      // 4. A caller abandons after 30 s (not short): offered 2, abandoned 1; SL (V2, 20 s) = 1 / 2.
      appendFileSync(log, q(now() - 30, "c2", "sales", "NONE", "ENTERQUEUE", "", "5559876", "1") + q(now(), "c2", "sales", "NONE", "ABANDON", "1", "1", "30"));
      await expect.poll(() => tile("abandoned").innerText(), { timeout: 5_000 }).toBe("1");
      expect(await tile("offered today").innerText()).toBe("2");
      expect(await tile("SL today").innerText()).toBe("50.0 %");
      // Abandonment 1 / 2 = 50 % misses its ≤ 5 % target: flagged; the SL target is judged at its own 30 s: 1 / 2 = 50 % < 80 %.
      expect(await cell("queues", 1, 7).innerText()).toBe("50.0 %");
      expect(await cell("queues", 1, 7).getAttribute("class")).toContain("alert");
      expect(await cell("queues", 1, 9).innerText()).toBe("80.0 % in 30 s: 50.0 %");
      expect(await cell("queues", 1, 9).getAttribute("class")).toContain("alert");
      expect(await page.locator("#definitions").innerText()).toContain("Targets not judged live (see qb targets): occupancy of team Sales.");
      expect(await page.locator("#inputs").innerText()).toContain("targets.csv: 4 lines = 3 used + 1 ignored + 0 rejected");
      // 5. A malformed line is rejected and named; the monitor keeps following.
      appendFileSync(log, "this is not a queue_log line\n" + q(now(), "NONE", "sales", "Agent/1002", "UNPAUSE", ""));
      await expect.poll(() => cell("agents", 2, 4).innerText(), { timeout: 5_000 }).toBe("available");
      expect(await page.locator("#rejects-title").innerText()).toContain("1 rejected");
      expect(await page.locator("#feed").innerText()).toContain("11 lines in the window = 10 used + 0 ignored + 1 rejected");
      mkdirSync(`${ROOT}out`, { recursive: true });
      await page.screenshot({ path: `${ROOT}out/monitor_screenshot.png`, fullPage: true });
      expect(errors).toEqual([]);
      console.log(`monitor: log line → page ${latency.toFixed(0)} ms (poll 100 ms)`);
      expect(latency).toBeLessThan(3_000);
      // 6. The log stops moving: after --stale-after-s 8 the banner and the status say so.
      await expect.poll(() => page.locator("#stale").isVisible(), { timeout: 20_000, interval: 250 }).toBe(true);
      expect(await page.locator("#stale").innerText()).toMatch(/^Stale data: the log has not changed for 0:\d\d \(over 8 s\)/);
      expect(await page.locator("#conn").innerText()).toBe("connected, data stale");
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
    // Bound to every address: the address printed names this machine; the token appears once.
    const printed = new RegExp(`open http://${Deno.hostname().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${port}/\\?token=(\\S+)`).exec(stderr());
    expect(printed, stderr()).not.toBeNull();
    const token = printed![1]!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(stderr().split(token).length - 1).toBe(1);
    const base = `http://127.0.0.1:${port}`;
    for (const path of ["/", "/api/state", "/events"]) {
      const r = await fetch(base + path);
      expect(r.status).toBe(401);
      await r.body?.cancel();
      const w = await fetch(base + path, { headers: { authorization: "Bearer not-the-token-at-all" } });
      expect(w.status).toBe(401);
      expect(await w.text()).toMatch(/^401: the token given \(by the Authorization header\) is wrong/);
    }
    // A Host that is not a host name: 400, not 500.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    conn.close();
    expect(new TextDecoder().decode(buf.subarray(0, n ?? 0))).toMatch(/^HTTP\/1\.1 400/);
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
