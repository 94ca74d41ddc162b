/**
 * `qb monitor` (the live wallboard over a growing queue_log) and `qb replay` (write a recorded
 * log into a file at a chosen speed, to watch the monitor on it).
 *
 * @module
 */
import { type Command, Option } from "commander";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { SL_DEFAULTS, SL_VARIANTS, type SlVariant } from "../indicators/mod.ts";
import { loadRoster, loadSchedules, readTargets, type Reject, type Target } from "../ingest/mod.ts";
import { dayStartBefore, type InputSummary, LiveMonitor, replayLog } from "../monitor/mod.ts";
import { isLoopback, MonitorHub, serveMonitor } from "../monitor/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { isoInZone } from "../time/mod.ts";
import { checkZone, collect, jsonText, number, parseWhen, safe, slVariantOption, UsageError } from "./_common.ts";
import { checkInputFile } from "./_output.ts";
import { wrapupMap } from "./_wrapup.ts";

interface MonitorCliOptions {
  follow: string;
  roster?: string;
  schedules?: string;
  targets?: string;
  tz?: string;
  sourceTz?: string;
  resetAt: string;
  slThresholdS: number;
  shortAbandonS: number;
  slVariant: SlVariant;
  recentMinutes: number;
  maxWaitS?: number;
  wrapupS: number;
  wrapup: string[];
  host: string;
  port: number;
  tokenFile?: string;
  staleAfterS: number;
  clock: "wall" | "data";
  lookbackH: number;
  refreshS: number;
  maxFutureS: number;
  pollMs: number;
  title: string;
  once: boolean;
  json: boolean;
  quiet: boolean;
}

/** The token of a server: from the file, generated for a non-loopback host, or none. @throws {UsageError} */
function monitorToken(o: MonitorCliOptions): { token: string | null; generated: boolean } {
  if (o.tokenFile) {
    checkInputFile("--token-file", o.tokenFile);
    const token = readFileSync(o.tokenFile, "utf8").trim();
    // HTTP headers and cookies carry bytes: a token beyond printable ASCII could never be sent.
    if (token.length < 16 || token.length > 1024 || !/^[\x21-\x7e]+$/.test(token)) {
      throw new UsageError(`--token-file '${safe(o.tokenFile)}' must hold one token of 16 to 1,024 printable ASCII characters (letters, digits, punctuation; no spaces)`);
    }
    return { token, generated: false };
  }
  if (isLoopback(o.host)) return { token: null, generated: false };
  return { token: randomBytes(24).toString("base64url"), generated: true };
}

/** Loads roster and schedules into the monitor's store; their accounting with their first rejects. */
async function loadReference(store: Store, o: MonitorCliOptions): Promise<InputSummary[]> {
  const out: InputSummary[] = [];
  const add = async (kind: "roster" | "schedules", c: { source: string; lines_read: number; used: number; ignored: number; rejected: number }) => {
    const rejects = await store.query<Reject>("SELECT source, line, raw, reason FROM rejects WHERE source = $1 ORDER BY line LIMIT 20", [c.source]);
    out.push({ kind, source: c.source, lines_read: c.lines_read, used: c.used, ignored: c.ignored, rejected: c.rejected, rejects: rejects.map((r) => ({ ...r, line: Number(r.line) })) });
  };
  if (o.roster) await add("roster", await loadRoster(store, o.roster));
  if (o.schedules) await add("schedules", await loadSchedules(store, o.schedules, { timeZone: o.sourceTz ?? o.tz ?? "UTC" }));
  return out;
}

/** Prints a reference file's accounting and its first rejects (sorted by line), and how many more. */
function sayInput(i: InputSummary, quiet: boolean): void {
  if (quiet) return;
  process.stderr.write(`${safe(i.source)}: ${i.lines_read} lines read = ${i.used} used + ${i.ignored} ignored + ${i.rejected} rejected\n`);
  const shown = i.rejects.slice(0, 5);
  for (const r of shown) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
  if (i.rejected > shown.length) process.stderr.write(`  … and ${i.rejected - shown.length} more (the first 20 on the page)\n`);
}

function checkOptions(o: MonitorCliOptions): { targets: Target[]; summary: InputSummary | null } {
  if (o.tz !== undefined) checkZone("--tz", o.tz);
  if (o.sourceTz !== undefined) checkZone("--source-tz", o.sourceTz);
  try {
    dayStartBefore(Date.now(), o.tz ?? "UTC", o.resetAt);
  } catch {
    throw new UsageError(`--reset-at must be a local time HH:MM such as 00:00 or 06:30, got '${safe(o.resetAt)}'`);
  }
  if (o.follow.trim() === "") throw new UsageError("--follow is empty: give the queue_log file to follow");
  // Judged before it is opened: opening a FIFO for reading blocks until a writer comes.
  if (existsSync(o.follow) && !statSync(o.follow).isFile()) throw new UsageError(`--follow '${safe(o.follow)}' is not a regular file (a directory, a device, a pipe?): give the queue_log file`);
  if (existsSync(o.follow)) {
    try {
      closeSync(openSync(o.follow, "r"));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EACCES" || code === "EPERM") throw new UsageError(`--follow '${safe(o.follow)}': permission denied`);
    }
  }
  if (o.json && !o.once) throw new UsageError("--json prints one snapshot: give it with --once (the server publishes JSON at /api/state)");
  if (!existsSync(o.follow) && !existsSync(dirname(resolve(o.follow)))) throw new UsageError(`--follow '${safe(o.follow)}': neither the file nor its folder exists`);
  for (const [name, path] of [["--roster", o.roster], ["--schedules", o.schedules], ["--targets", o.targets]] as const) if (path) checkInputFile(name, path);
  if (!Number.isInteger(o.port) || o.port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got ${o.port}`);
  if (!o.targets) return { targets: [], summary: null };
  const t = readTargets(o.targets);
  const c = t.counts;
  const summary: InputSummary = {
    kind: "targets", source: c.source, lines_read: c.lines_read, used: c.used, ignored: c.ignored, rejected: c.rejected,
    rejects: [...t.rejects].sort((a, b) => a.line - b.line).slice(0, 20),
  };
  return { targets: t.rows, summary };
}

/** Adds `monitor` and `replay` to the program. */
export function addMonitorCommands(program: Command): void {
  program.command("monitor").description("live wallboard over a growing queue_log: queues, agents and waiting calls in a browser (Server-Sent Events, /api/state)")
    .requiredOption("--follow <file>", "the queue_log to follow (appended lines within a second; rotation and truncation survived)")
    .option("--roster <file>", "roster CSV (names, teams)")
    .option("--schedules <file>", "schedules CSV (adherence flag)")
    .option("--targets <file>", "targets CSV: service level (at its own threshold), ASA, abandonment and AHT per queue and for the center, coloured when missed")
    .option("--tz <zone>", "time zone of the center (day boundary, times shown; default UTC, said on start)")
    .option("--source-tz <zone>", "time zone of the schedules' local times (default: --tz)")
    .option("--reset-at <HH:MM>", "local time at which today's counters restart", "00:00")
    .option("--sl-threshold-s <s>", "service-level threshold T in seconds (wait ≤ T)", number("--sl-threshold-s", 0), SL_DEFAULTS.threshold_s)
    .option("--short-abandon-s <s>", "short-abandon threshold S in seconds (wait ≤ S)", number("--short-abandon-s", 0), SL_DEFAULTS.short_abandon_s)
    .option("--sl-variant <id>", `service-level variant: ${Object.keys(SL_VARIANTS).join(", ")} (DESIGN.md; the long names are accepted too)`, slVariantOption, SL_DEFAULTS.variant)
    .option("--recent-minutes <n>", "the recent service level's window, minutes", number("--recent-minutes", 1), 30)
    .option("--max-wait-s <s>", "flag a longest current wait above this (default: --sl-threshold-s)", number("--max-wait-s", 0))
    .option("--wrapup-s <s>", "wrap-up seconds assumed after every call (queue_log has no wrap-up event)", number("--wrapup-s", 0), 0)
    .option("--wrapup <queue=s>", "wrap-up seconds of one queue (repeat)", collect, [])
    .option("--host <address>", "address to listen on (beyond loopback a token is required)", "127.0.0.1")
    .option("--port <n>", "port to listen on", number("--port", 0), 8765)
    .option("--token-file <file>", "the access token (default beyond loopback: generated and printed once)")
    .option("--stale-after-s <s>", "show a stale-data banner when the log has not grown for this long", number("--stale-after-s", 1), 120)
    .addOption(new Option("--clock <clock>", "now is this machine's clock, or the log's latest event (a replayed log)").choices(["wall", "data"]).default("wall"))
    .option("--lookback-h <h>", "hours before the day start read for sessions and pauses begun earlier", number("--lookback-h", 0), 12)
    .option("--refresh-s <s>", "seconds between updates when no line arrives (waits and times in state still grow)", number("--refresh-s", 1), 5)
    .option("--max-future-s <s>", "reject lines dated more than this after this machine's clock", number("--max-future-s", 0), 900)
    .addOption(new Option("--poll-ms <ms>", "milliseconds between looks at the file").argParser(number("--poll-ms", 10)).default(100).hideHelp())
    .option("--title <text>", "title of the page", "queuebook monitor")
    .option("--once", "print one snapshot and exit (no server)", false)
    .option("--json", "with --once: print it as JSON (the /api/state document)", false)
    .option("-q, --quiet", "print nothing on stderr but errors", false)
    .action(async (o: MonitorCliOptions) => {
      const { targets, summary } = checkOptions(o);
      const wrapup_by_queue = wrapupMap(o.wrapup);
      const { token, generated } = o.once ? { token: null, generated: false } : monitorToken(o);
      if (o.tz === undefined && !o.quiet) process.stderr.write("qb monitor: times and the day boundary in UTC (give --tz, e.g. --tz Europe/Rome, for the center's zone)\n");
      const store = await openStore();
      const inputs = [...await loadReference(store, o), ...(summary ? [summary] : [])];
      for (const i of inputs) sayInput(i, o.quiet);
      const monitor = new LiveMonitor(store, o.follow, {
        timeZone: o.tz ?? "UTC", reset_at: o.resetAt, max_future_s: o.maxFutureS, inputs, sl_threshold_s: o.slThresholdS, short_abandon_s: o.shortAbandonS, sl_variant: o.slVariant,
        recent_minutes: o.recentMinutes, max_wait_s: o.maxWaitS, wrapup_s: o.wrapupS, wrapup_by_queue, stale_after_s: o.staleAfterS,
        clock: o.clock, lookback_h: o.lookbackH, refresh_s: o.refreshS, targets,
      });
      if (o.once) {
        if (!existsSync(o.follow) && !o.quiet) process.stderr.write(`qb monitor: '${safe(o.follow)}' does not exist (yet): an empty snapshot\n`);
        const state = await monitor.step(Date.now(), true, true);
        process.stdout.write(o.json ? jsonText(state) : onceText(state!));
        monitor.close();
        store.close();
        return;
      }
      await runServer(monitor, store, o, token, generated);
    });

  program.command("replay").description("write a recorded queue_log into a file at a chosen speed (to watch qb monitor on it)")
    .requiredOption("--input <file>", "the recorded native queue_log (e.g. the demo center's)")
    .requiredOption("--out <file>", "the file to write (qb monitor --follow it, with --clock data)")
    .option("--speed <x>", "seconds of log per second of replay", number("--speed", 0.001), 60)
    .option("--start-at <when>", "write the lines before this local date-time at once, pace the rest (in --tz)")
    .option("--tz <zone>", "time zone of --start-at", "UTC")
    .option("--append", "append to --out instead of starting it empty", false)
    .option("-q, --quiet", "print no progress", false)
    .action(async (o: { input: string; out: string; speed: number; startAt?: string; tz: string; append: boolean; quiet: boolean }) => {
      checkInputFile("--input", o.input);
      checkZone("--tz", o.tz);
      if (existsSync(o.out) && !statSync(o.out).isFile()) throw new UsageError(`--out '${safe(o.out)}' is not a regular file: give a file to write`);
      if (!existsSync(dirname(resolve(o.out)))) throw new UsageError(`--out '${safe(o.out)}': its folder does not exist`);
      if (o.out.trim() === "") throw new UsageError("--out is empty: give the file to write");
      if (existsSync(o.out)) {
        const a = statSync(o.input), b = statSync(o.out);
        if (a.dev === b.dev && a.ino === b.ino) throw new UsageError("--out is the same file as --input (a link or another spelling): it would be emptied");
      }
      const start_at_ms = o.startAt ? parseWhen("--start-at", o.startAt, o.tz) : null;
      const lines = readFileSync(o.input, "utf8").split(/\r?\n/).filter((l, i, all) => l !== "" || i < all.length - 1);
      let stopped = false;
      const stop = () => (stopped = true);
      Deno.addSignalListener("SIGINT", stop);
      let lastSay = 0;
      const n = await replayLog(lines, o.out, {
        speed: o.speed, start_at_ms, append: o.append, stop: () => stopped,
        onProgress: (written, at) => {
          if (o.quiet || Date.now() - lastSay < 5000) return;
          lastSay = Date.now();
          process.stderr.write(`replay: ${written} of ${lines.length} lines written, log time ${isoInZone(at, o.tz)}\n`);
        },
      });
      Deno.removeSignalListener("SIGINT", stop);
      if (!o.quiet) process.stderr.write(`replay: ${n} of ${lines.length} lines written to ${safe(resolve(o.out))}${stopped ? " (stopped)" : ""}\n`);
    });
}

/** A short text of one snapshot (`--once` without `--json`). */
function onceText(s: NonNullable<Awaited<ReturnType<LiveMonitor["step"]>>>): string {
  const p = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)} %`);
  const lines = [`as of ${s.as_of} (data as of ${s.data_as_of ?? "no data"}); today since ${s.day_start}`];
  for (const q of [...s.queues, { ...s.total, queue: "all queues" }]) {
    lines.push(`${q.queue}: waiting ${q.waiting}, offered ${q.offered_today}, answered ${q.answered_today}, abandoned ${q.abandoned_today} (${p(q.abandon_rate_today)}), SL ${p(q.service_level_today)} (${s.sl_variant}, ${s.sl_threshold_s} s), ` +
      `agents ${q.agents_logged_in} logged in / ${q.agents_available} available / ${q.agents_paused} paused${q.alerts.length ? `; alerts: ${q.alerts.join(", ")}` : ""}`);
  }
  return lines.map(safe).join("\n") + "\n";
}

async function runServer(monitor: LiveMonitor, store: Store, o: MonitorCliOptions, token: string | null, generated: boolean): Promise<void> {
  const hub = new MonitorHub();
  let server: Deno.HttpServer;
  try {
    server = serveMonitor(hub, {
      hostname: o.host, port: o.port, token, title: o.title,
      onListen: ({ hostname, port }) => {
        if (o.quiet && !generated) return;
        // Bound to every address: show this machine's name, which another machine can open.
        const shown = hostname === "0.0.0.0" || hostname === "::" ? Deno.hostname() : hostname;
        const host = shown.includes(":") ? `[${shown}]` : shown;
        process.stderr.write(`qb monitor: serving http://${host}:${port}/ following ${safe(o.follow)} (Ctrl-C stops)\n`);
        // The token appears once: in the address to open (it is not stored anywhere).
        if (generated) process.stderr.write(`qb monitor: open http://${host}:${port}/?token=${token}\n  (the access token is the part after ?token=, printed once and not stored; other tools send it as 'Authorization: Bearer <token>')\n`);
      },
    });
  } catch (err) {
    const e = err as Error;
    const why = e.name === "AddrInUse" ? "the address is in use (another monitor?): give another --port" : e.name === "PermissionDenied" ? "permission denied (ports below 1024 need privileges)" : e.message;
    throw new UsageError(`cannot listen on ${safe(o.host)}:${o.port}: ${why}`);
  }
  let running = true;
  const stop = () => {
    running = false;
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  while (running) {
    let published = false;
    try {
      const state = await monitor.step();
      if (state) hub.publish(state), published = true;
    } catch (err) {
      process.stderr.write(`qb monitor: error while updating (kept running): ${safe((err as Error).message)}\n`);
    }
    // After an update, look again at once (lines arrived while it was computed); else wait a little.
    await new Promise((r) => setTimeout(r, published ? 0 : o.pollMs));
  }
  hub.close();
  await server.shutdown();
  monitor.close();
  store.close();
}
