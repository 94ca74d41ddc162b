/**
 * `qb demo` and `qb simulate`.
 *
 * @module
 */
import type { Command } from "commander";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import process from "node:process";
import {
  applyChanges, buildDemoCenter, type Change, type Comparison, compareScenarios, type Estimate, type KpiName, type PairedDifference, parseChanges, parseScenario, type SimulatedQueueKpis, simulate,
  type SimulationResult, type VariantComparison, writeDemoCenter,
} from "../simulation/mod.ts";
import { jsonText, number, safe, UsageError } from "./_common.ts";
import { type CellFormat, cell, renderTable, type TableColumn } from "./_table.ts";
import { checkInputFile } from "./_output.ts";
import { createStepProgress } from "./_progress.ts";

/** A mean with its confidence interval, as the table prints it. */
function withCi(e: Estimate, format: CellFormat): string {
  if (e.mean === null) return "n/a";
  return e.ci_low === null || e.ci_high === null ? cell(e.mean, format) : `${cell(e.mean, format)} [${cell(e.ci_low, format)}, ${cell(e.ci_high, format)}]`;
}

const SIM_COLUMNS: [string, keyof SimulatedQueueKpis, CellFormat][] = [
  ["offered", "offered", "s"], ["answered", "answered", "s"], ["abandoned", "abandoned", "s"], ["SL V2", "service_level", "pct"],
  ["P(wait)", "p_wait", "pct"], ["P(abandon)", "p_abandon", "pct"], ["ASA s", "asa_s", "s"], ["AHT s", "aht_s", "s"],
];

function simulationTable(r: SimulationResult): string {
  const rows = r.queues.map((q) => Object.fromEntries([["queue", q.queue], ...SIM_COLUMNS.map(([h, k, f]) => [h, withCi(q[k] as Estimate, f)])]));
  const columns: TableColumn[] = [{ key: "queue", header: "queue", format: "text" }, ...SIM_COLUMNS.map(([h]) => ({ key: h, header: h, format: "text" as const }))];
  return renderTable(rows, columns) +
    `mean [95 % confidence interval] over ${r.replications} replications (seed ${r.seed}); SL = answered within ${r.threshold_s} s / offered; ` +
    `occupancy ${withCi(r.occupancy, "pct")}\n`;
}

/** A variant file: a change, a list of changes, or `{ name?, changes }`; its name defaults to the file's. */
function readVariant(path: string): { name: string; changes: Change[] } {
  checkInputFile("--compare", path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`Cannot read change '${safe(path)}': ${(err as Error).message}`);
  }
  let changes: Change[];
  try {
    changes = parseChanges(raw);
  } catch (err) {
    throw new UsageError(`${safe(path)}: ${(err as Error).message}`);
  }
  const named = raw && typeof raw === "object" && !Array.isArray(raw) && typeof (raw as { name?: unknown }).name === "string" ? (raw as { name: string }).name : null;
  return { name: named ?? basename(path).replace(/\.json$/i, ""), changes };
}

const DIFF_COLUMNS: [string, KpiName, CellFormat][] = [
  ["SL V2", "service_level", "pct"], ["P(abandon)", "p_abandon", "pct"], ["abandoned", "abandoned", "s"], ["ASA s", "asa_s", "s"],
];

function diffCell(d: PairedDifference, format: CellFormat): string {
  if (d.baseline === null || d.variant === null) return "n/a";
  // Differences of fractions in percentage points.
  const sign = (x: number) => (x > 0 ? "+" : x < 0 ? "−" : "") + (format === "pct" ? `${Math.abs(x * 100).toFixed(2)} pt` : cell(Math.abs(x), format));
  const ci = d.ci_low === null ? "" : ` [${sign(d.ci_low)}, ${sign(d.ci_high!)}]`;
  return `${cell(d.baseline, format)} → ${cell(d.variant, format)}: ${d.mean === null ? "n/a" : sign(d.mean)}${ci}`;
}

function comparisonTable(c: Comparison): string {
  const rows: Record<string, string>[] = [];
  for (const v of c.variants) {
    for (const [queue, d] of [["all queues", v.differences.all] as const, ...v.differences.queues.map((q) => [q.queue, q] as const)]) {
      rows.push(Object.fromEntries([["variant", v.name], ["queue", queue], ...DIFF_COLUMNS.map(([h, k, f]) => [h, diffCell(d[k], f)])]));
    }
  }
  // Callers who took a callback leave the live calls: show them whenever a variant has any.
  const withCallbacks = c.variants.some((v) => (v.differences.all.callbacks.variant ?? 0) > 0 || (v.differences.all.callbacks.baseline ?? 0) > 0);
  if (withCallbacks) {
    let i = 0;
    for (const v of c.variants) for (const d of [v.differences.all, ...v.differences.queues]) rows[i++]!["callbacks"] = diffCell(d.callbacks, "s");
  }
  const columns: TableColumn[] = [{ key: "variant", header: "variant", format: "text" }, { key: "queue", header: "queue", format: "text" },
    ...DIFF_COLUMNS.map(([h]) => ({ key: h, header: `${h} base → variant: Δ [95 % CI]`, format: "text" as const })),
    ...(withCallbacks ? [{ key: "callbacks", header: "callbacks taken base → variant", format: "text" as const }] : [])];
  const notes = c.variants.flatMap((v) => v.notes.map((n) => `  ${v.name}: ${n}`));
  const width = (v: VariantComparison) => {
    const d = v.differences.all.p_abandon;
    return d.ci_low === null || d.unpaired_ci_low === null ? "" : `  ${v.name}: P(abandon) interval ${cell((d.ci_high! - d.ci_low) * 100, "s")} points wide paired, ${cell((d.unpaired_ci_high! - d.unpaired_ci_low) * 100, "s")} unpaired`;
  };
  return renderTable(rows, columns) +
    `Δ = variant − baseline, mean of the paired differences over ${c.replications} replications with common random numbers (seed ${c.seed}); ` +
    `SL V2 = answered within ${c.baseline.threshold_s} s / (offered − abandoned within ${c.baseline.short_abandon_s} s)` +
    (withCallbacks ? "; offered, SL and abandons are of the live calls: callers who took a callback are counted apart" : "") + "\n" +
    (notes.length ? `changes:\n${notes.join("\n")}\n` : "") +
    `common random numbers: paired against unpaired interval widths\n` + c.variants.map(width).filter(Boolean).join("\n") + "\n";
}

/** Adds `demo` and `simulate` to the program. */
export function addSimulationCommands(program: Command): void {
  program.command("demo").description("write a realistic simulated demo contact center (roster, schedules, queue_log, services, targets)")
    .option("--days <n>", "days to simulate", number("--days", 1), 28)
    .option("--seed <n>", "random seed (same seed, same center)", number("--seed", 0), 42)
    .option("--start-date <date>", "first local day, YYYY-MM-DD", "2026-10-05")
    .option("--tz <zone>", "time zone of the center", "Europe/Rome")
    .requiredOption("--out <dir>", "output folder")
    .action((o: { days: number; seed: number; startDate: string; tz: string; out: string }) => {
      if (o.out.trim() === "") throw new UsageError("--out is empty: give a folder such as 'out/demo'");
      if (existsSync(o.out) && !statSync(o.out).isDirectory()) {
        const what = statSync(o.out).isFile() ? "is a file" : "is a device, a pipe or a socket";
        throw new UsageError(`--out '${safe(o.out)}' ${what}: give a folder for the demo center's files`);
      }
      try {
        mkdirSync(o.out, { recursive: true });
      } catch (err) {
        const code = (err as { code?: string }).code;
        const why = code === "ENOTDIR" ? "a part of the path is not a folder" : code === "EACCES" || code === "EPERM" ? "permission denied"
          : code === "EROFS" ? "the file system is read-only" : code === "ENOENT" ? "its parent does not accept new folders" : (err as Error).message;
        throw new UsageError(`Cannot create --out '${safe(o.out)}': ${why}`);
      }
      const center = buildDemoCenter({ days: o.days, seed: o.seed, start_date: o.startDate, time_zone: o.tz });
      const files = writeDemoCenter(o.out, center);
      const open = center.services.filter((s) => s.status === "open").length;
      process.stderr.write(
        `demo center: ${center.roster.length} operators, ${center.queue_log.length} queue_log lines, ${center.services.length} assistance cases (${open} open), ${center.targets.length} targets\n`,
      );
      for (const [role, path] of Object.entries(files)) process.stderr.write(`  ${role}: ${safe(resolve(path))}\n`);
    });

  program.command("simulate").description("simulate a scenario and print per-queue KPIs with confidence intervals")
    .requiredOption("--config <file>", "scenario JSON (see lib/simulation/config.ts; unknown keys are errors)")
    .option("--replications <n>", "override the scenario's replications", number("--replications", 2))
    .option("--compare <change...>", "change files (JSON: a change, a list of changes or { name, changes }) to run against the scenario with common random numbers; prints the paired differences")
    .option("--json", "print one JSON object instead of a table", false)
    .action((o: { config: string; replications?: number; compare?: string[]; json: boolean }) => {
      checkInputFile("--config", o.config);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(o.config, "utf8"));
      } catch (err) {
        const e = err as { code?: string; message: string };
        throw new UsageError(`Cannot read scenario '${safe(o.config)}': ${e.code === "ENOENT" ? "no such file" : e.message}`);
      }
      if (o.replications !== undefined && raw && typeof raw === "object") (raw as Record<string, unknown>).replications = o.replications;
      const named = <T>(file: string, f: () => T): T => {
        try {
          return f();
        } catch (err) {
          if (err instanceof TypeError) throw new UsageError(`${safe(file)}: ${err.message}`);
          throw err;
        }
      };
      const scenario = named(o.config, () => parseScenario(raw));
      if (o.compare) {
        const variants = o.compare.map((file) => {
          const v = readVariant(file);
          named(file, () => applyChanges(scenario, v.changes));
          return v;
        });
        let bar: ReturnType<typeof createStepProgress> | null = null;
        const c = compareScenarios(scenario, variants, {
          on_progress: (done, total) => {
            bar ??= createStepProgress(`simulated the scenario and ${total - 1} variant(s) × ${scenario.replications} replications`, total, false);
            bar.update(done);
          },
        });
        (bar as ReturnType<typeof createStepProgress> | null)?.stop();
        const strip = (r: SimulationResult) => {
          const { tallies: _t, ...rest } = r;
          return rest;
        };
        const out = { ...c, baseline: strip(c.baseline), variants: c.variants.map((v) => ({ ...v, result: strip(v.result) })) };
        process.stdout.write(o.json ? jsonText(out) : comparisonTable(c));
        return;
      }
      const r = simulate(scenario);
      const { tallies: _t, ...out } = r;
      process.stdout.write(o.json ? jsonText(out) : simulationTable(r));
    });
}
