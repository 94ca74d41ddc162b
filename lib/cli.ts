/**
 * The `qb` command line: thin wrappers around lib/ (parse options, call, print).
 *
 * Usage: `deno task qb <command> [options]`; `deno task qb --help` lists commands.
 *
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { agentKpis, type KpiOptions, resolveKpiOptions, queueKpis, type QueueDimension, SL_VARIANTS, type SlVariant } from "./indicators/mod.ts";
import { type IngestCounts, LOG_FORMATS, loadLogs, LogParseError, type LogFormat } from "./ingest/mod.ts";
import { buildCallsReport } from "./reports/mod.ts";
import { openStore, type Store } from "./store/mod.ts";

interface CommonOptions {
  input: string[];
  format: LogFormat | "auto";
  tz: string;
  sourceTz?: string;
  intervalMinutes: number;
  slThresholdS: number;
  shortAbandonS: number;
  slVariant: SlVariant;
  strict: boolean;
  db: string;
}

function number(name: string, min: number) {
  return (value: string): number => {
    const x = Number(value);
    if (!(x >= min) || value.trim() === "") throw new InvalidArgumentError(`${name} must be a number ≥ ${min}, got '${value}'`);
    return x;
  };
}

/** A usage error found after parsing (exit code 2). */
class UsageError extends Error {}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function withCommonOptions(cmd: Command): Command {
  return cmd
    .requiredOption("-i, --input <file>", "log file (repeat for several): queue_log, table export, PBXware, Technion; .gz ok", collect)
    .addOption(new Option("--format <format>", "input format").choices(["auto", ...LOG_FORMATS]).default("auto"))
    .option("--tz <zone>", "report time zone (IANA name) for intervals and days", "UTC")
    .option("--source-tz <zone>", "time zone of local wall-clock times in the input (default: UTC; Technion: Asia/Jerusalem)")
    .option("--interval-minutes <n>", "interval length: 5, 10, 15, 20, 30 or 60", number("--interval-minutes", 1), 30)
    .option("--sl-threshold-s <s>", "service-level threshold T in seconds (wait ≤ T)", number("--sl-threshold-s", 0), 20)
    .option("--short-abandon-s <s>", "short-abandon threshold S in seconds (wait ≤ S)", number("--short-abandon-s", 0), 5)
    .addOption(new Option("--sl-variant <id>", "service-level variant (see DESIGN.md)").choices(Object.keys(SL_VARIANTS)).default("V2"))
    .option("--strict", "stop at the first bad line (file, line and field in the message)", false)
    .option("--db <path>", "DuckDB database file to load into (default: in memory)", ":memory:");
}

async function load(o: CommonOptions): Promise<{ store: Store; counts: IngestCounts[] }> {
  resolveKpiOptions(kpiOptions(o));
  const store = await openStore(o.db);
  const counts = await loadLogs(store, o.input, { format: o.format, sourceTimeZone: o.sourceTz, strict: o.strict });
  for (const c of counts) {
    const rules = Object.entries(c.ignored_by_rule).map(([k, v]) => `${k} ${v}`).join(", ");
    process.stderr.write(
      `${c.source} (${c.format}): ${c.lines_read} lines read = ${c.used} used + ${c.ignored} ignored${rules ? ` (${rules})` : ""} + ${c.rejected} rejected\n`,
    );
  }
  return { store, counts };
}

function kpiOptions(o: CommonOptions): KpiOptions {
  return {
    timeZone: o.tz, interval_minutes: o.intervalMinutes, sl_threshold_s: o.slThresholdS,
    short_abandon_s: o.shortAbandonS, sl_variant: o.slVariant,
  };
}

/** Builds the `qb` program (exported for tests). */
export function createProgram(): Command {
  const program = new Command("qb")
    .description("queuebook: contact-center indicators and reports from telephony logs")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`qb: ${s}`),
    });

  withCommonOptions(program.command("report").description("write the HTML calls report"))
    .requiredOption("-o, --out <path>", "output HTML file")
    .option("--title <text>", "report title", "Calls report")
    .option("--sl-target <fraction>", "service-level target drawn on charts (0–1)", number("--sl-target", 0), 0.8)
    .action(async (o: CommonOptions & { out: string; title: string; slTarget: number }) => {
      const { store } = await load(o);
      try {
        const html = await buildCallsReport(store, { ...kpiOptions(o), title: o.title, sl_target: o.slTarget });
        mkdirSync(dirname(resolve(o.out)), { recursive: true });
        writeFileSync(o.out, html);
        process.stderr.write(`report written to ${resolve(o.out)}\n`);
      } finally {
        store.close();
      }
    });

  withCommonOptions(program.command("kpis").description("print indicators as a JSON array"))
    .option("--by <dims>", "grouping: queue | agent | day | interval, or a comma list such as queue,interval", "queue")
    .option("--json", "print JSON (the only output format for now)", true)
    .action(async (o: CommonOptions & { by: string }) => {
      const dims = o.by.split(",").map((d) => d.trim()).filter(Boolean);
      if (dims.includes("agent") && dims.length > 1) throw new UsageError(`--by agent cannot be combined, got '${o.by}'`);
      for (const d of dims) {
        if (!["queue", "day", "interval", "agent"].includes(d)) {
          throw new UsageError(`--by must list queue, agent, day or interval, got '${d}'`);
        }
      }
      const { store } = await load(o);
      try {
        const rows = dims[0] === "agent"
          ? await agentKpis(store, kpiOptions(o))
          : await queueKpis(store, dims as QueueDimension[], kpiOptions(o));
        process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      } finally {
        store.close();
      }
    });
  return program;
}

if (import.meta.main) {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`qb: error: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof CommanderError) {
      // Commander has printed its message already; help and version exit 0, usage errors 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    const message = err instanceof LogParseError || err instanceof RangeError || err instanceof TypeError
      ? err.message
      : err instanceof Error ? err.message : String(err);
    process.stderr.write(`qb: error: ${message}\n`);
    process.exit(1);
  }
}
