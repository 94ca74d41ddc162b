/**
 * `qb report` and `qb kpis`: indicators, the calls report from logs, and (`--kind`) the
 * operator and services reports or all three from one load.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { buildCallsReport, buildOperatorsReport, buildServicesReport, type ExportTable } from "../reports/mod.ts";
import { checkExport, writeExport } from "./_export.ts";
import { type CommonOptions, jsonText, kpiOptions, load, number, safe, UsageError, withCommonOptions } from "./_common.ts";
import { checkInputFile, checkOutput, writeFileAtomic } from "./_output.ts";
import { loadRoster, loadServices, readQueueMap } from "../ingest/mod.ts";
import { applyCalendar, calendarOption } from "./services.ts";
import { type IndicatorCliOptions, loadOperatorInputs, operatorOptions, tableReport, withIndicatorOptions, withOperatorInputs } from "./operators.ts";
import { targetsOption } from "./_targets.ts";
import { checkEngineOptions, type EngineCliOptions, engineKpis, withEngineOptions } from "./_engine.ts";
import { renderTable, type TableColumn } from "./_table.ts";

const QUEUE_COLUMNS: TableColumn[] = [
  { key: "offered", header: "offered", format: "int" }, { key: "answered", header: "answered", format: "int" },
  { key: "abandoned", header: "abandoned", format: "int" }, { key: "timeouts", header: "timeouts", format: "int" },
  { key: "service_level", header: "SL", format: "pct" }, { key: "abandon_rate", header: "abandon rate", format: "pct" },
  { key: "asa_s", header: "ASA s", format: "s" }, { key: "avg_wait_s", header: "avg wait s", format: "s" },
  { key: "max_wait_s", header: "max wait s", format: "s" }, { key: "aht_s", header: "AHT s", format: "s" },
];
const AGENT_COLUMNS: TableColumn[] = [
  { key: "agent", header: "agent", format: "text" }, { key: "presented", header: "presented", format: "int" },
  { key: "answered", header: "answered", format: "int" }, { key: "ring_no_answer", header: "ring no answer", format: "int" },
  { key: "answer_rate", header: "answer rate", format: "pct" }, { key: "talk_s", header: "talk s", format: "s" },
  { key: "aht_s", header: "AHT s", format: "s" }, { key: "transferred", header: "transferred", format: "int" },
  { key: "outbound_calls", header: "outbound", format: "int" },
];

/** The readable `kpis` table; its footer names the service-level variant and threshold used. */
function kpiTable(rows: Record<string, unknown>[], dims: string[], o: CommonOptions): string {
  if (dims[0] === "agent") return renderTable(rows, AGENT_COLUMNS);
  const keys: TableColumn[] = dims.map((d) => d === "interval"
    ? { key: "interval_start", header: `interval (${o.tz})`, format: "text" }
    : { key: d, header: d, format: "text" });
  const sl = QUEUE_COLUMNS.map((c) => c.key === "service_level" ? { ...c, header: `SL ${o.slVariant} ≤ ${o.slThresholdS} s` } : c);
  return renderTable(rows, [...keys, ...sl]) +
    `service level ${o.slVariant} (DESIGN.md), threshold ${o.slThresholdS} s, short abandons ≤ ${o.shortAbandonS} s; n/a: no call to count` +
    (o.from || o.to ? `; window ${o.from ? `from ${safe(o.from)}` : ""}${o.from && o.to ? " " : ""}${o.to ? `to ${safe(o.to)}` : ""} (${o.tz}, stints by entry)` : "") + "\n";
}

/** A fraction (`0.8`) or a percentage (`80%`, read as 0.8). */
function fractionOrPercent(name: string) {
  const plain = number(name, 0);
  return (value: string): number => {
    const m = /^\s*(\d+(\.\d+)?)\s*%\s*$/.exec(value);
    return m ? Number(m[1]) / 100 : plain(value);
  };
}

/** The reports `qb report --kind` writes. */
const REPORT_KINDS = ["calls", "operators", "services", "all"] as const;
type ReportKind = Exclude<(typeof REPORT_KINDS)[number], "all">;
const DEFAULT_TITLES: Record<ReportKind, string> = { calls: "Calls report", operators: "Operator performance", services: "Services report" };

interface ReportCliOptions extends IndicatorCliOptions {
  out: string;
  kind: ReportKind | "all";
  title?: string;
  slTarget: number;
  targets?: string;
  export?: string;
  services?: string;
  trunkCostPerMin?: number;
  queueMap?: string;
  calendar?: string;
}

/** Reads `--queue-map`, printing its accounting and first rejects on stderr. @throws {InputError} when unreadable */
function queueMapOption(path: string, quiet: boolean): Record<string, string> {
  const file = readQueueMap(path);
  const c = file.counts;
  if (!quiet) process.stderr.write(`${safe(c.source)} (queue map): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored + ${c.rejected} rejected\n`);
  for (const r of file.rejects.slice(0, 5)) process.stderr.write(`  rejected: ${safe(r.reason)}\n`);
  if (file.rejects.length > 5) process.stderr.write(`  … and ${file.rejects.length - 5} more\n`);
  return file.names;
}

/** The HTML file of one report: `--out` itself, or (with --kind all) `<out>/<kind>_report.html`. */
function outFor(o: ReportCliOptions, k: ReportKind): string {
  return o.kind === "all" ? join(o.out, `${k}_report.html`) : o.out;
}

/** The export prefix of one report (with --kind all, `<prefix>_<kind>`). */
function exportFor(o: ReportCliOptions, k: ReportKind): string | undefined {
  return o.export === undefined ? undefined : o.kind === "all" ? `${o.export}_${k}` : o.export;
}

/** With --kind all, --out is a directory: made when missing, refused when it is a file. @throws {UsageError} */
function outputDirectory(path: string): void {
  if (path.trim() === "") throw new UsageError("--out is empty: with --kind all, --out names a directory for the three reports");
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`--out ${safe(path)} is a file: with --kind all, --out names a directory for the three reports`);
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new UsageError(`Cannot create the --out directory '${safe(path)}': ${safe((err as Error).message.replace(/^\w+: /, ""))}`);
  }
}

/** Adds `report` and `kpis` to the program. */
export function addCallsCommands(program: Command): void {
  withIndicatorOptions(withOperatorInputs(withCommonOptions(program.command("report").description("write the HTML calls report, or the operator or services report, or all three (--kind)"))))
    .requiredOption("-o, --out <path>", "output HTML file (with --kind all: a directory for calls_report.html, operators_report.html, services_report.html)")
    .addOption(new Option("--kind <kind>", "which report: calls, operators (operator performance), services (cases), or all three").choices([...REPORT_KINDS]).default("calls"))
    .option("--title <text>", "report title (default Calls report, Operator performance, Services report; with --kind all, each report's name follows it)")
    .option("--sl-target <fraction>", "service-level target drawn on charts: 0.8 or 80% (a center SL target in --targets wins)", fractionOrPercent("--sl-target"), 0.8)
    .option("--targets <file>", "targets CSV: each report evaluates its own targets (calls: queue and center; operators: agent, team, department; services: cases) and lists their status")
    .option("--export <prefix>", "also write every table as <prefix>-<table>.csv and all of them in <prefix>.xlsx (with --kind all: <prefix>_calls, _operators, _services)")
    .option("--services <file>", "services export (the demo's services.csv, Zendesk, ServiceNow, GLPI): the services report, and open cases per operator")
    .option("--trunk-cost-per-min <x>", "trunk cost per minute of line time", number("--trunk-cost-per-min", 0))
    .option("--queue-map <file>", "queue map CSV (queue,name): the calls report shows each queue as name (id)")
    .option("--calendar <file>", "business-hours calendars JSON for the services report (see qb services --calendar)")
    .action(async (o: ReportCliOptions) => {
      if (!(o.slTarget <= 1)) throw new UsageError(`--sl-target must be a fraction between 0 and 1 or a percentage such as 80%, got ${o.slTarget} (for 80 % write 0.8 or 80%)`);
      const kinds: ReportKind[] = o.kind === "all" ? ["calls", "operators", "services"] : [o.kind];
      if (kinds.includes("services") && !o.services) throw new UsageError(`--kind ${o.kind} needs --services FILE (a services export: the demo's services.csv, Zendesk, ServiceNow, GLPI)`);
      if (o.calendar && !o.services) throw new UsageError("--calendar is the business hours of the services report: give --services too");
      const inputs = [...o.input, ...[o.targets, o.roster, o.schedules, o.agentStates, o.services, o.queueMap, o.calendar].filter((f): f is string => !!f)];
      for (const [flag, f] of [["--roster", o.roster], ["--schedules", o.schedules], ["--agent-states", o.agentStates], ["--services", o.services], ["--queue-map", o.queueMap], ["--calendar", o.calendar]] as const) {
        if (f) checkInputFile(flag, f);
      }
      if (o.kind === "all") outputDirectory(o.out);
      for (const k of kinds) {
        checkOutput(outFor(o, k), { inputs, db: o.db });
        if (o.export !== undefined) checkExport(exportFor(o, k)!, { inputs, db: o.db });
      }
      const targets = o.targets ? targetsOption(o.targets, o) : undefined;
      const queue_names = o.queueMap ? queueMapOption(o.queueMap, o.quiet) : undefined;
      const calendars = o.calendar ? calendarOption(o.calendar) : null;
      // Agent states are built only for the operator report (the calls report needs the roster's costs at most).
      const store = kinds.includes("operators") ? await loadOperatorInputs(o) : (await load(o)).store;
      try {
        if (o.roster && !kinds.includes("operators")) {
          const c = await loadRoster(store, o.roster);
          if (!o.quiet) process.stderr.write(`${safe(c.source)} (roster): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored + ${c.rejected} rejected\n`);
        }
        if (o.services) await tableReport(store, await loadServices(store, o.services, { timeZone: o.sourceTz ?? "UTC" }), o);
        if (calendars) await applyCalendar(store, o.calendar!, calendars, o.quiet);
        for (const k of kinds) {
          const tables: ExportTable[] = [];
          const title = o.title === undefined ? DEFAULT_TITLES[k] : o.kind === "all" ? `${o.title} — ${DEFAULT_TITLES[k].toLowerCase()}` : o.title;
          const html = k === "calls"
            ? await buildCallsReport(store, { ...kpiOptions(o), title, sl_target: o.slTarget, targets, tables, trunk_cost_per_min: o.trunkCostPerMin ?? null, queue_names })
            : k === "operators"
            ? await buildOperatorsReport(store, { ...operatorOptions(o), title, targets, tables })
            : await buildServicesReport(store, { title, timeZone: o.tz, targets, tables });
          writeFileAtomic(outFor(o, k), html);
          process.stderr.write(`report written to ${safe(resolve(outFor(o, k)))}\n`);
          if (o.export !== undefined) await writeExport(exportFor(o, k)!, tables);
        }
      } finally {
        store.close();
      }
    });

  withEngineOptions(withCommonOptions(program.command("kpis").description("print indicators: a table, or a JSON array with --json")))
    .option("--by <dims>", "grouping: queue | agent | day | interval, or a comma list such as queue,interval", "queue")
    .option("--json", "print a JSON array (snake_case keys) instead of a table", false)
    .action(async (o: CommonOptions & EngineCliOptions & { by: string; json: boolean }) => {
      checkEngineOptions(o);
      const dims = o.by.split(",").map((d) => d.trim()).filter(Boolean);
      if (dims.includes("agent") && dims.length > 1) throw new UsageError(`--by agent cannot be combined, got '${o.by}'`);
      for (const d of dims) {
        if (!["queue", "day", "interval", "agent"].includes(d)) {
          throw new UsageError(`--by must list queue, agent, day or interval, got '${d}'`);
        }
      }
      const { store } = await load(o);
      try {
        const rows = await engineKpis(store, dims, kpiOptions(o), o);
        // Queue rows name the variant and thresholds their `service_level` used (added keys).
        const named = dims[0] === "agent" ? rows : rows.map((r) => ({ ...r, sl_variant: o.slVariant, sl_threshold_s: o.slThresholdS, short_abandon_s: o.shortAbandonS }));
        if (o.json) process.stdout.write(jsonText(named));
        else process.stdout.write(kpiTable(rows as unknown as Record<string, unknown>[], dims, o));
      } finally {
        store.close();
      }
    });
}
