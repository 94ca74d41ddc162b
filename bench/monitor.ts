/**
 * Benchmark: `qb monitor` under load. A child process follows a demo-center log that grows at
 * RATE lines/s for SECONDS s while CLIENTS event-stream clients listen; prints the latency from a
 * line's write to its arrival at the clients (percentiles), whether any client missed an update
 * (a gap in the publication numbers), the monitor's resident memory, and the ratio of the median
 * latency to one historical recompute of the same window (bulk load + agent states + snapshot,
 * timed in this process).
 *
 * Run: `deno task bench:monitor [CLIENTS=200] [RATE=200] [SECONDS=30]`.
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { buildAgentStatesInStore, buildDemoCenter, loadLogs, monitorSnapshot, openStore, writeDemoCenter } from "../lib/mod.ts";

const CLIENTS = Number(Deno.args[0] ?? 200);
const RATE = Number(Deno.args[1] ?? 200);
const SECONDS = Number(Deno.args[2] ?? 30);
const root = new URL("..", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "qb-bench-monitor-"));
const center = buildDemoCenter({ days: 2, seed: 42 });
const files = writeDemoCenter(dir, center);
// Day 2 (6 October) up to 09:00 local is written first; the bench appends what follows.
const start = Date.UTC(2026, 9, 6, 7, 0) / 1000;
const all = center.queue_log;
const first = all.findIndex((l) => Number(l.split("|")[0]) >= start);
const live = join(dir, "live_queue_log");
writeFileSync(live, all.slice(0, first).join("\n") + "\n");
const toWrite = all.slice(first, first + RATE * SECONDS);

const port = 20000 + Math.floor(Math.random() * 20000);
const child = spawn(process.execPath, [
  "run", "-A", "-q", `${root}lib/cli.ts`, "monitor", "--follow", live, "--roster", files.roster, "--schedules", files.schedules,
  "--tz", "Europe/Rome", "--clock", "data", "--wrapup", "sales=30", "--wrapup", "support=45", "--wrapup", "billing=40", "--wrapup", "tech=60",
  "--port", String(port), "-q",
], { stdio: ["ignore", "ignore", "pipe"] });
let childErr = "";
child.stderr!.on("data", (d) => (childErr += String(d)));
const rss = () => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024;
  } catch {
    return NaN;
  }
};

// Wait for the first state.
for (let i = 0;; i++) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/state`);
    await r.body?.cancel();
    if (r.status === 200) break;
  } catch { /* not listening yet */ }
  if (i > 600) throw new Error(`monitor did not start: ${childErr}`);
  await new Promise((r) => setTimeout(r, 100));
}
const initial = (await (await fetch(`http://127.0.0.1:${port}/api/state`)).json()).lines.lines_read as number;

interface Client { seqs: number[]; arrivals: { at: number; lines: number }[] }
const clients: Client[] = [];
const aborts: AbortController[] = [];
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
async function listen(c: Client, abort: AbortController): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/events`, { signal: abort.signal });
  const reader = r.body!.getReader();
  readers.push(reader);
  const dec = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let k;
      while ((k = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const data = frame.split("\n").find((l) => l.startsWith("data: "));
        if (!data) continue;
        const at = performance.now();
        const s = JSON.parse(data.slice(6));
        c.seqs.push(s.seq);
        c.arrivals.push({ at, lines: s.lines.lines_read });
      }
    }
  } catch { /* aborted */ }
}
const listening: Promise<void>[] = [];
for (let i = 0; i < CLIENTS; i++) {
  const c = { seqs: [], arrivals: [] };
  const a = new AbortController();
  clients.push(c);
  aborts.push(a);
  listening.push(listen(c, a));
}
await new Promise((r) => setTimeout(r, 1000));

// Write RATE lines/s in 50 ms batches, recording when each cumulative count was written.
const written: { at: number; lines: number }[] = [];
const peak = { rss: rss() };
const t0 = performance.now();
let sent = 0;
while (sent < toWrite.length) {
  const due = Math.min(toWrite.length, Math.floor(((performance.now() - t0) / 1000) * RATE));
  if (due > sent) {
    appendFileSync(live, toWrite.slice(sent, due).join("\n") + "\n");
    sent = due;
    written.push({ at: performance.now(), lines: initial + sent });
  }
  peak.rss = Math.max(peak.rss, rss());
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 3000));
peak.rss = Math.max(peak.rss, rss());
for (const r of readers) r.cancel().catch(() => {});
for (const a of aborts) a.abort();
await Promise.race([Promise.allSettled(listening), new Promise((r) => setTimeout(r, 2000))]);
child.kill("SIGTERM");

// Latency of each write batch at each client: the first state that counts its lines.
const lat: number[] = [];
let missed = 0, lost = 0;
for (const c of clients) {
  for (let i = 1; i < c.seqs.length; i++) if (c.seqs[i] !== c.seqs[i - 1]! + 1) missed++;
  let j = 0;
  for (const w of written) {
    while (j < c.arrivals.length && (c.arrivals[j]!.lines < w.lines || c.arrivals[j]!.at < w.at)) j++;
    if (j === c.arrivals.length) {
      lost++;
      continue;
    }
    lat.push(c.arrivals[j]!.at - w.at);
  }
}
lat.sort((a, b) => a - b);
const pc = (p: number) => lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]! : NaN;

// Baseline, in this process: one historical recompute of the final window (bulk load + states + snapshot).
const store = await openStore();
const tb = performance.now();
await loadLogs(store, [live]);
await buildAgentStatesInStore(store, { wrapup_by_queue: { sales: 30, support: 45, billing: 40, tech: 60 } });
const last = Number(toWrite.at(-1)!.split("|")[0]) * 1000;
await monitorSnapshot(store, last, Date.UTC(2026, 9, 5, 22), { timeZone: "Europe/Rome" });
const baseline = performance.now() - tb;
store.close();

const updates = clients[0]?.seqs.length ?? 0;
console.log(`clients ${CLIENTS}, log growing at ${RATE} lines/s for ${SECONDS} s (${toWrite.length} lines after ${initial} already in the file), ${updates} updates per client`);
console.log(`latency log line → client (ms): p50 ${pc(50).toFixed(0)} · p90 ${pc(90).toFixed(0)} · p99 ${pc(99).toFixed(0)} · max ${(lat.at(-1) ?? NaN).toFixed(0)} (${lat.length} samples)`);
console.log(`updates missed by a client (gaps in publication numbers): ${missed}; writes never seen: ${lost}`);
console.log(`monitor peak resident memory ${peak.rss.toFixed(0)} MiB`);
console.log(`baseline: one historical recompute of the window ${baseline.toFixed(0)} ms; ratio median latency / baseline ${(pc(50) / baseline).toFixed(2)}×`);
if (childErr.trim()) console.log(`monitor stderr: ${childErr.trim().slice(0, 500)}`);
Deno.exit(missed === 0 && lost === 0 ? 0 : 1);
