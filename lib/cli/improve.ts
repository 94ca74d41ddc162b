/**
 * `qb improve`: weak spots, proposals and their three estimates, cost, ROI and rank (issue 13).
 *
 * @module
 */
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { ianaZone } from "../time/mod.ts";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { type ImprovementCosts, type ImprovementResult, improve, scenarioFromData } from "../improvements/mod.ts";
import { operatorKpis } from "../operators/mod.ts";
import { buildImprovementsReport } from "../reports/mod.ts";
import { parseScenario, type Scenario } from "../simulation/mod.ts";
import type { Store } from "../store/mod.ts";
import { jsonText, number, safe, UsageError, withCommonOptions } from "./_common.ts";
import { checkInputFile, checkOutput, writeFileAtomic } from "./_output.ts";
import { createStepProgress } from "./_progress.ts";
import { renderTable } from "./_table.ts";
import { targetsOption } from "./_targets.ts";
import { loadOperatorInputs, type OperatorCliOptions, tableReport, withOperatorInputs } from "./operators.ts";
import { loadServices } from "../ingest/mod.ts";

interface ImproveCliOptions extends OperatorCliOptions {
  demoDir?: string;
  /** Every file of the demo folder (protected from --out). */
  demoFiles?: string[];
  targets?: string;
  services?: string;
  costs?: string;
  scenario?: string;
  replications: number;
  out?: string;
}

const COST_ITEMS = ["added_agent_hourly", "on_call_hourly", "call_in", "value_per_avoided_abandon"] as const;

/** Reads `--costs`: a CSV of `item,value` rows (items: {@link COST_ITEMS}). @throws {UsageError} naming the line */
function readCosts(path: string): Partial<ImprovementCosts> {
  checkInputFile("--costs", path);
  let rows: string[][];
  try {
    rows = parse(readFileSync(path, "utf8"), { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UsageError(`--costs '${safe(path)}': ${(err as Error).message}`);
  }
  const out: Partial<ImprovementCosts> = {};
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    if (i === 0 && r[0]?.replace(/^\uFEFF/, "").toLowerCase() === "item") return;
    const [rawItem, value, ...extra] = r;
    const item = rawItem?.replace(/^\uFEFF/, "");
    if (extra.some((x) => x !== "")) throw new UsageError(`${safe(path)}:${i + 1}: ${r.length} fields; a costs row is 'item,value'`);
    if (!COST_ITEMS.includes(item as typeof COST_ITEMS[number])) throw new UsageError(`${safe(path)}:${i + 1}: field 'item': '${safe(item ?? "")}' is not one of ${COST_ITEMS.join(", ")}`);
    if (seen.has(item!)) throw new UsageError(`${safe(path)}:${i + 1}: field 'item': '${item}' is given twice (line ${seen.get(item!)} too)`);
    seen.set(item!, i + 1);
    // Plain decimals only (no hex, no exponent tricks), and amounts a center's costs can be.
    const x = /^\d+(\.\d+)?$/.test(value ?? "") ? Number(value) : NaN;
    if (!Number.isFinite(x) || x > 1e7) throw new UsageError(`${safe(path)}:${i + 1}: field 'value': '${safe(value ?? "")}' is not a decimal number from 0 to 10,000,000`);
    (out as Record<string, number>)[item!] = x;
  });
  if (!seen.size) throw new UsageError(`--costs '${safe(path)}' holds no cost item (rows 'item,value': ${COST_ITEMS.join(", ")})`);
  return out;
}

/** The roster's median hourly cost (rostered, and on-call agents), null without costs. */
async function rosterCosts(store: Store): Promise<{ rostered: number | null; on_call: number | null }> {
  const [r] = await store.query<{ rostered: number | null; on_call: number | null }>(
    "SELECT median(hourly_cost) FILTER (NOT coalesce(on_call, false)) AS rostered, median(hourly_cost) FILTER (coalesce(on_call, false)) AS on_call FROM agents",
  );
  return { rostered: r?.rostered ?? null, on_call: r?.on_call ?? null };
}

/** Fills the options from a `qb demo` folder (the options given on the command line win). */
function fromDemoDir(o: ImproveCliOptions, given: (name: string) => boolean): void {
  const dir = o.demoDir!;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--demo-dir '${safe(dir)}' is not a folder (write one with 'qb demo --out ${safe(dir)}')`);
  const file = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new UsageError(`--demo-dir '${safe(dir)}' has no ${name}: is it a folder written by 'qb demo'?`);
    return p;
  };
  if (o.input.length) throw new UsageError("give --demo-dir or --input, not both");
  o.input = [file("queue_log")];
  o.roster ??= file("roster.csv");
  o.schedules ??= file("schedules.csv");
  o.targets ??= file("targets.csv");
  o.services ??= file("services.csv");
  o.scenario ??= file("scenario.json");
  const aboutPath = file("demo.json");
  checkInputFile("--demo-dir demo.json", aboutPath);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(aboutPath, "utf8"));
  } catch (err) {
    throw new UsageError(`${safe(aboutPath)}: ${(err as Error).message}`);
  }
  const about = DEMO_ABOUT.safeParse(raw);
  if (!about.success) throw new UsageError(`${safe(aboutPath)}: ${about.error.issues.map((i) => `field '${i.path.join(".") || "(root)"}': ${i.message}`).join("; ")}`);
  if (!given("tz")) {
    try {
      ianaZone(about.data.time_zone);
    } catch {
      throw new UsageError(`${safe(aboutPath)}: field 'time_zone': unknown IANA zone '${safe(about.data.time_zone)}'`);
    }
    o.tz = about.data.time_zone;
  }
  if (!o.wrapup.length) o.wrapup = Object.entries(about.data.wrapup_s_by_queue).map(([q, s]) => `${q}=${s}`);
  o.demoFiles = ["queue_log", "roster.csv", "schedules.csv", "targets.csv", "services.csv", "scenario.json", "demo.json"].map((n) => join(dir, n));
}

/** What `qb demo` writes in demo.json. */
const DEMO_ABOUT = z.object({ time_zone: z.string().min(1), wrapup_s_by_queue: z.record(z.string(), z.number().nonnegative().max(86_400)) }).passthrough();

function readScenario(path: string): Scenario {
  checkInputFile("--scenario", path);
  try {
    return parseScenario(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new UsageError(`--scenario '${safe(path)}': ${(err as Error).message}`);
  }
}

const n1 = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : x.toLocaleString("en-US", { maximumFractionDigits: 1 }));
const ci = (e: { delta_abandoned: number | null; ci_low: number | null; ci_high: number | null; valid: boolean } | null) =>
  e === null ? "n/a" : (e.ci_low === null ? n1(e.delta_abandoned) : `${n1(e.delta_abandoned)} [${n1(e.ci_low)}, ${n1(e.ci_high)}]`) + (e.valid ? "" : " (not valid)");

/** The readable output: weak spots, then the ranked proposals. */
function improvementTables(r: ImprovementResult): string {
  const spots = renderTable(r.weak_spots.slice(0, 20).map((w) => ({ kind: w.kind, where: w.queue ?? w.agent ?? "center", when: w.when ?? "", size: n1(w.size) })), [
    { key: "kind", header: "weak spot", format: "text" }, { key: "where", header: "queue / operator", format: "text" }, { key: "when", header: "when", format: "text" }, { key: "size", header: "size", format: "text" },
  ]);
  const props = renderTable(r.proposals.map((p) => ({
    rank: String(p.rank), title: p.title, ea: ci(p.erlang_a), reg: ci(p.regression), sim: ci(p.simulation), cost: n1(p.cost),
    cpa: n1(p.cost_per_avoided_abandon), roi: p.roi === null ? "n/a" : `${(p.roi * 100).toFixed(0)} %`,
  })), [
    { key: "rank", header: "rank", format: "text" }, { key: "title", header: "proposal", format: "text" }, { key: "ea", header: "Δ abandoned: Erlang A", format: "text" },
    { key: "reg", header: "regression [95 % CI]", format: "text" }, { key: "sim", header: "simulation [95 % CI]", format: "text" }, { key: "cost", header: "cost", format: "text" },
    { key: "cpa", header: "cost / avoided abandon", format: "text" }, { key: "roi", header: "ROI", format: "text" },
  ]);
  const more = r.weak_spots.length > 20 ? `… and ${r.weak_spots.length - 20} more weak spots (--json lists them all)\n` : "";
  return `weak spots (${r.weak_spots.length})\n${spots}${more}\nproposals, ranked (Δ abandoned over the data's period; negative = fewer)\n${props}${r.assumptions.map((a) => `· ${a}`).join("\n")}\n`;
}

/** A scenario error (too much work for --replications, a change the scenario cannot take) as a usage error naming its source. */
async function asUsage<T>(source: string, replications: number, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof TypeError && /^Invalid (scenario|change)/.test(err.message)) {
      throw new UsageError(`${safe(source)} with --replications ${replications}: ${err.message}`);
    }
    throw err;
  }
}

/** The given scenario must be of the data: its queues and its horizon around the data's calls. */
async function checkScenarioCoversData(store: Store, s: Scenario, path: string): Promise<void> {
  const [span] = await store.query<{ lo: number | null; hi: number | null }>("SELECT epoch_ms(min(entered_at)) AS lo, epoch_ms(max(entered_at)) AS hi FROM call_stints WHERE direction = 'inbound'");
  const queues = (await store.query<{ queue: string }>("SELECT DISTINCT queue FROM call_stints WHERE direction = 'inbound' AND queue IS NOT NULL")).map((r) => r.queue);
  const missing = queues.filter((q) => !s.queues.some((x) => x.name === q));
  if (missing.length) throw new UsageError(`--scenario '${safe(path)}' has no queue ${missing.slice(0, 5).map((q) => `'${safe(q)}'`).join(", ")} of the data (its queues: ${s.queues.map((q) => safe(q.name)).join(", ")})`);
  if (!span || span.lo === null || span.hi === null) return;
  const start = s.start_epoch_s * 1000, end = start + s.horizon_s * 1000, day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  // The scenario's horizon must hold the data's calls (a day either side: local midnights) …
  if (Number(span.lo) < start - day || Number(span.hi) > end + day || start < Number(span.lo) - day || end > Number(span.hi) + 3 * day) {
    throw new UsageError(`--scenario '${safe(path)}' covers ${iso(start)} to ${iso(end)} UTC, the data's calls ${iso(Number(span.lo))} to ${iso(Number(span.hi))}: give the scenario of the same period (or none: it is then built from the data)`);
  }
  // … and expect about as many calls: its Δ is over its own horizon (a scenario a day longer, or of a busier period, would inflate it).
  const expected = s.queues.reduce((n, q) => n + ("rate_per_hour" in q.arrivals ? q.arrivals.rate_per_hour * s.horizon_s / 3600
    : q.arrivals.calls_per_interval.reduce((a, b) => a + b, 0) * Math.max(1, s.horizon_s / (q.arrivals.interval_minutes * 60 * q.arrivals.calls_per_interval.length))), 0);
  const [{ n } = { n: 0 }] = await store.query<{ n: number }>("SELECT count(*) AS n FROM call_stints WHERE direction = 'inbound'");
  if (Number(n) > 0 && (expected < 0.8 * Number(n) || expected > 1.25 * Number(n))) {
    throw new UsageError(`--scenario '${safe(path)}' expects ${Math.round(expected)} calls (first calls, redials aside) over ${(s.horizon_s / 86_400).toFixed(1)} days; the data has ${n}: give the scenario of the same period and load (or none: it is then built from the data)`);
  }
}

/** Adds `improve` to the program. */
export function addImproveCommand(program: Command): void {
  const cmd = withOperatorInputs(withCommonOptions(program.command("improve").description("find weak spots, propose improvements and quantify each by Erlang A, regression and simulation, with cost and rank"), { window: false }));
  // --input is required unless --demo-dir names a demo folder.
  const input = cmd.options.find((x) => x.long === "--input")!;
  input.mandatory = false;
  cmd.option("--demo-dir <dir>", "a folder written by 'qb demo': its queue_log, roster, schedules, targets, services, scenario and time zone")
    .option("--targets <file>", "targets CSV: queues missing their service-level or abandonment targets are weak spots")
    .option("--services <file>", "services export (the operators' case work)")
    .option("--costs <file>", `costs CSV 'item,value': ${COST_ITEMS.join(", ")} (default: the roster's median hourly costs, the scenario's standby costs, no value per abandon)`)
    .option("--scenario <file>", "the center as a simulation scenario JSON ('qb demo' writes scenario.json); default: built from the data (calls per interval, talk, patience, roster skills, schedules or observed sessions)")
    .option("--replications <n>", "simulation replications per proposal (common random numbers)", number("--replications", 2), 20)
    .option("-o, --out <path>", "also write the HTML improvements report")
    .option("--json-out <path>", "also write the JSON (what --json prints) to a file")
    .option("--title <text>", "report title", "Improvements")
    .option("--json", "print one JSON object instead of tables", false)
    .action(async (o: ImproveCliOptions & { title: string; jsonOut?: string }) => {
      o.input ??= [];
      if (!Number.isInteger(o.replications) || o.replications > 1000) throw new UsageError(`--replications must be a whole number from 2 to 1000, got ${o.replications}`);
      if (o.demoDir !== undefined) fromDemoDir(o, (name) => cmd.getOptionValueSource(name) === "cli");
      if (!o.input.length) throw new UsageError("give --input LOG (and --roster, --schedules, --targets) or --demo-dir DIR");
      const costsGiven = o.costs ? readCosts(o.costs) : {};
      const given = o.scenario ? readScenario(o.scenario) : null;
      const targets = o.targets ? targetsOption(o.targets, o) : [];
      if (o.services) checkInputFile("--services", o.services);
      const inputs = [...o.input, ...(o.demoFiles ?? []), ...[o.roster, o.schedules, o.targets, o.services, o.costs, o.scenario].filter((f): f is string => !!f)];
      if (o.out) checkOutput(o.out, { inputs, db: o.db });
      if (o.jsonOut) checkOutput(o.jsonOut, { inputs, db: o.db }, "--json-out");
      if (o.out && o.jsonOut && resolve(o.out) === resolve(o.jsonOut)) throw new UsageError("--out and --json-out name the same file");
      const store = await loadOperatorInputs(o);
      try {
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        const wrap = Object.fromEntries(o.wrapup.map((w) => w.split("=")).map(([q, x]) => [q!, Number(x)]));
        if (given) await checkScenarioCoversData(store, given, o.scenario!);
        const roster = await rosterCosts(store);
        // Without a scenario, the center as its data shows it (calls per interval, talk, patience, roster, schedules).
        let scenario = given, scenario_notes: string[] = [];
        if (!scenario) {
          const built = await scenarioFromData(store, {
            timeZone: o.tz, interval_minutes: o.intervalMinutes, wrapup_by_queue: wrap,
            on_call_costs: { cost_per_hour: costsGiven.on_call_hourly ?? roster.on_call ?? roster.rostered ?? 0, cost_per_activation: costsGiven.call_in ?? 0 },
          });
          scenario = built.scenario;
          scenario_notes = built.notes;
          if (!o.quiet) process.stderr.write(`scenario built from the data: ${scenario.queues.length} queues, ${scenario.agents.length} agents; ${built.notes.map(safe).join("; ")}\n`);
        }
        const costs: ImprovementCosts = {
          // Standby costs: as given, else the scenario's policy (so a proposed pool is costed as the pool it joins), else the roster's.
          added_agent_hourly: costsGiven.added_agent_hourly ?? roster.rostered ?? 0,
          on_call_hourly: costsGiven.on_call_hourly ?? scenario?.on_call?.cost_per_hour ?? roster.on_call ?? roster.rostered ?? 0,
          call_in: costsGiven.call_in ?? scenario?.on_call?.cost_per_activation ?? 0, value_per_avoided_abandon: costsGiven.value_per_avoided_abandon ?? null,
        };
        const operators = o.roster ? await operatorKpis(store, { by: "agent", timeZone: o.tz, interval_minutes: o.intervalMinutes, wrapup_s: o.wrapupS, wrapup_by_queue: wrap, states_built: true }) : [];
        const progress: { bar: ReturnType<typeof createStepProgress> | null } = { bar: null };
        const result = await asUsage(o.scenario ?? "the scenario built from the data", o.replications, () => improve(store, {
          timeZone: o.tz, interval_minutes: o.intervalMinutes, threshold_s: o.slThresholdS, targets, scenario, replications: o.replications, costs, operators,
          on_progress: (done, total) => {
            progress.bar ??= createStepProgress(`simulated the baseline and ${total - 1} proposals × ${o.replications} replications`, total, o.quiet);
            progress.bar.update(done);
          },
        }));
        progress.bar?.stop();
        const out = { ...result, options: { time_zone: o.tz, interval_minutes: o.intervalMinutes, sl_threshold_s: o.slThresholdS, replications: o.replications, costs, scenario: o.scenario ?? "built from the data", scenario_notes } };
        process.stdout.write(o.json ? jsonText(out) : improvementTables(result));
        if (o.out) {
          writeFileAtomic(o.out, buildImprovementsReport(out, { title: o.title }));
          if (!o.quiet) process.stderr.write(`report written to ${safe(resolve(o.out))}\n`);
        }
        if (o.jsonOut) {
          writeFileAtomic(o.jsonOut, jsonText(out));
          if (!o.quiet) process.stderr.write(`JSON written to ${safe(resolve(o.jsonOut))}\n`);
        }
      } finally {
        store.close();
      }
    });
}
